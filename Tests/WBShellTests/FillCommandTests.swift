import WBTestSupport
import XCTest
@testable import WBShell
@testable import WBTraining

/// `range fill` through the executor: output, progress, the reloaded run, cancellation, refusals, replays.
final class FillCommandTests: ExecutorTestCase {
    let tiny = "p=23 d_model=32 d_mlp=128 epochs=300"

    func testFillMakesTheMissingSelectedCheckpoints() throws {
        let trained = try run("train \(tiny) name=a").plainText
        XCTAssertEqual(try run("range fill").plainText, "no selection to fill: choose the epochs first with `range A..B step S` "
            + "(e.g. range 1000..3000 step 25), then `range fill` makes those without a checkpoint")

        let selected = try run("range 100..200 step 25").plainText
        XCTAssertEqual(selected, "selection 100..200 step 25: 5 epochs (100, 125, 150, 175, 200); 2 have checkpoints\n"
            + "warning: 3 selected epochs have no checkpoint (125, 150, 175); they are skipped. "
            + "`range fill` makes them by training forward from earlier checkpoints.")
        try run("at 200")

        var reports: [(String, Int, Int)] = []
        let context = ExecutionContext(onProgress: { reports.append(($0, $1, $2)) })
        let filled = try run("range fill", context: context)
        XCTAssertEqual(filled.plainText, "the selection has all 5 checkpoints; 3 of them (125, 150, 175) are off the training schedule, recreated by training forward")
        XCTAssertTrue(filled.facts["fill"]!.hasPrefix("made 3 now: 75 epochs trained in "), "\(filled.facts)")
        XCTAssertEqual(reports.count, 75)
        XCTAssertEqual(reports.last?.0, "filling a: epoch 175, 3/3 checkpoints, epochs")
        XCTAssertEqual(reports.last.map { [$0.1, $0.2] }, [75, 75])

        // The run is reloaded with the cursor kept; the warning is gone and the cursor walks the new checkpoints.
        XCTAssertEqual(executor.session.epoch, 200)
        XCTAssertEqual(executor.session.run?.checkpoints, [0, 100, 125, 150, 175, 200, 300])
        XCTAssertEqual(try run("range").plainText, "selection 100..200 step 25: 5 epochs (100, 125, 150, 175, 200); 5 have checkpoints")
        try run("first; next")
        XCTAssertEqual(executor.session.epoch, 125)
        XCTAssertTrue(try run("log 1").plainText.contains("fill done: 3 checkpoints, 75 epochs in"))
        let again = try run("range fill")
        XCTAssertEqual(again.plainText, filled.plainText, "the same text when the checkpoints are already made")
        XCTAssertEqual(again.facts["fill"], "nothing missing")

        // Training the same config again reuses the run and keeps the filled checkpoints (nothing is deleted), so a
        // notebook replay of `train …; range …; range fill` prints what it printed when recorded.
        XCTAssertEqual(try run("train \(tiny) name=a").plainText, trained)
        XCTAssertEqual(executor.session.run?.checkpoints, [0, 100, 125, 150, 175, 200, 300])
        XCTAssertEqual(try run("range 100..200 step 25").plainText,
                       "selection 100..200 step 25: 5 epochs (100, 125, 150, 175, 200); 5 have checkpoints")
        XCTAssertEqual(try run("range fill").plainText, filled.plainText)
        XCTAssertEqual(try run("range 100..200 step 100; range fill").plainText.components(separatedBy: "\n").last,
                       "nothing to fill: all 2 selected epochs have checkpoints")

        // A replay (`wb run`) puts a reused run back as trained, so `range` warns and `range fill` fills as when recorded.
        executor.session.restoresReusedRuns = true
        XCTAssertEqual(try run("train \(tiny) name=a").plainText, trained)
        XCTAssertEqual(executor.session.run?.checkpoints, [0, 100, 200, 300])
        XCTAssertEqual(try run("range 100..200 step 25").plainText, selected)
        let refilled = try run("range fill")
        XCTAssertEqual(refilled.plainText, filled.plainText)
        XCTAssertTrue(refilled.facts["fill"]!.hasPrefix("made 3 now"), "\(refilled.facts)")
    }

    /// A run trained with moments=latest: `info` says which checkpoints keep the moments, and `range fill` trains from
    /// epoch 0 (the only earlier one that does) to the same weights as a run that saved those epochs.
    func testFillOfALatestRunTrainsFromEpochZero() throws {
        try run("train \(tiny) name=dense checkpoints=\"0..300 step 25\"")
        try run("train \(tiny) name=thin moments=latest")
        let info = try run("info").plainText
        XCTAssertTrue(info.contains("checkpoints: 4 (0, 100, 200, 300)\nmoments=latest: the AdamW moments are kept in 0, 300 only; "
            + "the other checkpoints hold weights (range fill trains forward from those)"), info)
        XCTAssertTrue(try run("log 3").plainText.contains("note: moments=latest: only epoch 0 and the newest checkpoint keep the AdamW moments"))
        try run("range 100..200 step 25")
        let filled = try run("range fill")
        XCTAssertEqual(filled.plainText, "the selection has all 5 checkpoints; 3 of them (125, 150, 175) are off the training schedule, recreated by training forward")
        XCTAssertTrue(filled.facts["fill"]!.hasPrefix("made 3 now: 175 epochs trained in "), "one pass from epoch 0: \(filled.facts)")
        let layout = ParameterLayout(try TrainingConfig().applying(["p=23", "d_model=32", "d_mlp=128"]).shape)
        let thin = RunFolder(url: root.appendingPathComponent("runs/thin")), dense = RunFolder(url: root.appendingPathComponent("runs/dense"))
        for epoch in [125, 150, 175] {
            let a = try Checkpoint.read(from: thin.checkpointURL(epoch: epoch), layout: layout)
            let b = try Checkpoint.read(from: dense.checkpointURL(epoch: epoch), layout: layout)
            XCTAssertEqual(a.parameters, b.parameters, "epoch \(epoch)")
            XCTAssertNil(a.optimizer, "a recreated checkpoint of a latest run holds weights only")
        }
        XCTAssertEqual(thin.checkpointEpochs().filter { thin.holdsTrainingState(epoch: $0) }, [0, 300])
        // Documented where the keys are.
        XCTAssertTrue(try run("help train").plainText.contains("moments=every|latest   where the AdamW moments (and Grokfast state) are kept."))
        XCTAssertTrue(try run("help keys").plainText.contains("  moments      checkpoints keeping the AdamW moments: every, or latest"))
        XCTAssertThrowsError(try run("train \(tiny) name=bad moments=some")) {
            XCTAssertEqual("\($0)", "moments=some is not allowed: every (every checkpoint keeps the AdamW moments) or latest (only epoch 0 and the newest).")
        }
    }

    func testEpochsBeyondTheRunAreRefused() throws {
        try run("train \(tiny) name=b")
        let selected = try run("range 200..400 step 50").plainText
        XCTAssertTrue(selected.hasSuffix("warning: 3 selected epochs have no checkpoint (250, 350, 400); they are skipped. "
            + "2 of them are after the last trained epoch (300): train up to there first with `resume epochs=400`, "
            + "then `range fill` makes the rest."), selected)
        XCTAssertThrowsError(try run("range fill")) { error in
            XCTAssertEqual("\(error)", "epochs 350, 400 are beyond the last trained epoch of run 'b' (300); only trained epochs "
                + "can be recreated. Train further first with `resume epochs=400`, then fill again")
        }
        XCTAssertEqual(executor.session.run?.checkpoints, [0, 100, 200, 300], "nothing was made")
        XCTAssertTrue(try run("range 350, 400").plainText.hasSuffix("they are skipped. They are after the last trained epoch (300): "
            + "train up to there first with `resume epochs=400`, then `range fill` makes the rest."))
        // After training further, the fill succeeds.
        try run("resume epochs=400")
        XCTAssertEqual(try run("range 200..400 step 50; range fill").plainText.components(separatedBy: "\n").last,
                       "the selection has all 5 checkpoints; 2 of them (250, 350) are off the training schedule, recreated by training forward")
    }

    func testCtrlCStopsTheFillKeepingWhatWasMade() throws {
        try run("train \(tiny) name=c; range 100..300 step 50; at 100")
        let token = CancellationToken()
        let context = ExecutionContext(cancel: token, onProgress: { label, _, _ in
            if label.contains("1/2 checkpoints") { token.cancel() }
        })
        let stopped = try run("range fill", context: context)
        XCTAssertEqual(stopped.plainText, "stopped early (Ctrl-C): made 1 checkpoint (150) of 2; the selection has 4 of 5. "
            + "`range fill` makes the rest")
        XCTAssertEqual(executor.session.run?.checkpoints, [0, 100, 150, 200, 300])
        XCTAssertEqual(executor.session.epoch, 100)
        let rest = try run("range fill")
        XCTAssertEqual(rest.plainText, "the selection has all 5 checkpoints; 2 of them (150, 250) are off the training schedule, recreated by training forward")
        XCTAssertTrue(rest.facts["fill"]!.hasPrefix("made 1 now: 50 epochs trained in "), "\(rest.facts)")
    }

    func testParsingHelpAndCompletion() throws {
        XCTAssertEqual(try Parser.parse("range fill"), [.range(.fill)])
        XCTAssertEqual(try Parser.parse("RANGE Fill"), [.range(.fill)])
        let help = try run("help range").plainText
        XCTAssertTrue(help.contains("  fill              make the selected epochs that have no checkpoint, by training forward from the"), help)
        XCTAssertTrue(help.contains("`range 1000..3000 step 25; range fill`"), help)
        XCTAssertThrowsError(try Parser.parse("range fil")) { XCTAssertTrue("\($0)".contains("all, fill (e.g."), "\($0)") }
        let completion = Completion(runNames: { [] }, templateNames: { [] }, analysisNames: { [] })
        XCTAssertEqual(completion.complete(line: "range f", word: "f"), ["fill"])
    }
}
