import XCTest
@testable import WBShell
@testable import WBTraining
import WBPlotting
import Foundation
import WBTestSupport
#if canImport(FoundationXML)
import FoundationXML
#endif

/// A scripted session through the executor: train, load, move, select, templates, errors.
final class ExecutorTests: ExecutorTestCase {
    /// Parses `line` and executes its commands; their plain texts joined by newlines, one per command.
    func text(_ line: String) throws -> String {
        try Parser.parse(line).map { try executor.execute($0).plainText }.joined(separator: "\n")
    }

    func assertFails(_ line: String, _ message: String, file: StaticString = #filePath, line number: UInt = #line) {
        XCTAssertThrowsError(try text(line), file: file, line: number) { error in
            XCTAssertTrue("\(error)".contains(message), "\(line): \(error)", file: file, line: number)
        }
    }

    let tiny = "p=23 d_model=32 d_mlp=128 epochs=300"

    func testScriptedSession() throws {
        assertFails("info; next", "no run is loaded")
        let trained = try text("train \(tiny) name=one")
        XCTAssertTrue(trained.hasPrefix("one: finished at epoch 300"), trained)
        XCTAssertEqual(executor.session.epoch, 300)
        XCTAssertEqual(executor.session.prompt, "wb one@300> ")
        XCTAssertTrue(try text("info").contains("checkpoints: 4 (0, 100, 200, 300)"))
        // The runs folder is named `runs` wherever it is (here a temporary folder, not under the working folder), so a
        // notebook's outputs do not depend on `$WB_RUNS`.
        XCTAssertFalse(executor.session.runsRoot.path.hasPrefix(FileManager.default.currentDirectoryPath + "/"))
        let info = try text("info")
        XCTAssertTrue(info.hasPrefix("run: one (runs/one)\n"), info)
        XCTAssertEqual(try text("at 160"), "epoch 160 has no checkpoint; at 200, the nearest\n" + (try text("at 200")))
        XCTAssertEqual(try text("at 150").prefix(12), "epoch 150 ha")
        XCTAssertEqual(executor.session.epoch, 100, "ties snap to the earlier checkpoint")
        try run("first"); XCTAssertEqual(executor.session.epoch, 0)
        XCTAssertEqual(try text("prev"), "already at the first checkpoint (0)")
        try run("next; next"); XCTAssertEqual(executor.session.epoch, 200)
        try run("last"); XCTAssertEqual(executor.session.epoch, 300)

        // A selection restricts navigation and is stored with the run.
        let selection = try text("range 100..300 step 100, 250")
        XCTAssertTrue(selection.contains("4 epochs (100, 200, 250, 300); 3 have checkpoints"), selection)
        XCTAssertTrue(selection.contains("warning: 1 selected epochs have no checkpoint (250)"), selection)
        try run("first"); XCTAssertEqual(executor.session.epoch, 100)
        let stored = try CheckpointSelection.read(from: RunFolder(url: root.appendingPathComponent("runs/one")))
        XCTAssertEqual(stored?.epochs, [100, 200, 250, 300])
        XCTAssertTrue(try text("range").contains("selection 100..300 step 100, 250"))
        // Loading the run again reads its selection back from selection.json.
        try run("load one")
        XCTAssertEqual(executor.session.run?.selection?.epochs, [100, 200, 250, 300])
        try run("first"); XCTAssertEqual(executor.session.epoch, 100, "the cursor moves within the restored selection")
        try run("range clear"); try run("first"); XCTAssertEqual(executor.session.epoch, 0)

        // Runs, load, log.
        try run("train \(tiny) epochs=100 name=two")
        let runs = try text("runs")
        XCTAssertTrue(runs.contains("one  finished  300/300"), runs)
        XCTAssertTrue(runs.contains("two  finished  100/100"), runs)
        XCTAssertTrue(try text("load one").hasPrefix("loaded one: 4 checkpoints"))
        XCTAssertTrue(try text("log 1").contains("finished at epoch 300"))
        assertFails("load onee", "no run 'onee'")
        assertFails("load onee", "Did you mean 'one'?")
        // The same config again reuses the run with the same output (replays rely on it); another config is refused.
        XCTAssertEqual(try text("train \(tiny) name=one"), trained)
        assertFails("train \(tiny) wd=0.5 name=one", "a run named 'one' already exists")
        assertFails("train p=24", "p=24 is not allowed: a prime number in 3...257")
        assertFails("resume", "already at epoch 300 of 300")
        XCTAssertTrue(try text("resume epochs=400").hasPrefix("one: finished at epoch 400"))
    }

    func testTemplates() throws {
        let listed = try text("templates")
        XCTAssertTrue(listed.contains("nanda2023") && listed.contains("tl-demo"), listed)
        try run("template load nanda2023")
        XCTAssertEqual(executor.session.prompt, "wb [nanda2023]> ")
        XCTAssertTrue(try text("info").contains("template: nanda2023 — the paper's run: p=113 frac=0.30 | d_model 128, 4 heads, d_mlp 512"))
        // A config that departs from the template says so and drops it.
        let trained = try text("train \(tiny) name=t")
        XCTAssertTrue(trained.contains("config departs from template nanda2023"), trained)
        XCTAssertNil(executor.session.template)
        let saved = try text("template save")
        XCTAssertTrue(saved.hasPrefix("saved template p23-add-f0.3-d32h4m128-wd1-lr1e-3-s0: p=23 frac=0.30 | d_model 32, 4 heads, d_mlp 128 | lr 1e-3, wd 1.0, betas (0.9, 0.98), warm-up 10 | 300 epochs | data seed 0"), saved)
        XCTAssertTrue(FileManager.default.fileExists(atPath: root.appendingPathComponent("home/templates/p23-add-f0.3-d32h4m128-wd1-lr1e-3-s0.json").path))
        // Training from it records the template.
        try run("train template=p23-add-f0.3-d32h4m128-wd1-lr1e-3-s0 name=from-template")
        XCTAssertEqual(try RunFolder(url: root.appendingPathComponent("runs/from-template")).readRecord().template, "p23-add-f0.3-d32h4m128-wd1-lr1e-3-s0")
        // A shorter run of a template whose checkpoints go further takes the default schedule, and says so; given
        // checkpoints past the epochs are still an error.
        let short = try text("train template=gromov2023 p=23 epochs=4 name=short")
        XCTAssertTrue(short.contains("the template's checkpoints (0..2000 step 50) go past epochs=4: the default schedule is used "
            + "(give checkpoints=… to choose)"), short)
        XCTAssertEqual(RunFolder(url: root.appendingPathComponent("runs/short")).checkpointEpochs(), [0, 4])
        assertFails("train template=gromov2023 p=23 epochs=4 checkpoints=0,8 name=short2", "checkpoints=0,8 is not allowed")
        assertFails("template load nanda2032", "Did you mean 'nanda2023'?")
        assertFails("template save nanda2023", "is a built-in template")
        assertFails("template save ../x", "use letters, digits")
    }

    func testHelp() throws {
        let all = try text("help")
        for name in CommandCatalog.names { XCTAssertTrue(all.contains(name), name) }
        // One narrow summary column: long usages get their own line, summaries wrap at 120 characters.
        for line in all.split(separator: "\n") { XCTAssertLessThanOrEqual(line.count, 120, String(line)) }
        XCTAssertTrue(all.contains("  range [A..B step S[, ...] | clear | grokking | memorisation | all | fill | pick]\n"
            + String(repeating: " ", count: 44) + "show or set the checkpoint selection"), all)
        XCTAssertEqual(try text("help at"), "at [epoch] N\n  move the epoch cursor to a checkpoint (snaps to the nearest one)\n  example: at epoch 1500")
        XCTAssertTrue(try text("help keys").contains("frac         training fraction of the p² pairs, in (0, 1) (0.3)"))
        assertFails("help plto", "Did you mean 'plot'?")
    }

    func testCancelledTrainingKeepsEverything() throws {
        let token = CancellationToken()
        let context = ExecutionContext(cancel: token, onTraining: { if $0.epoch == 42 { token.cancel() } })
        let output = try executor.execute(.train(assignments: tiny.split(separator: " ").map(String.init) + ["name=c"]), context: context)
        XCTAssertTrue(output.plainText.contains("c: stopped at epoch 43, checkpoint saved"), output.plainText)
        XCTAssertEqual(executor.session.run?.checkpoints, [0, 43])
        XCTAssertTrue(try text("resume").hasPrefix("c: finished at epoch 300"))
    }
}

/// Analyses and figures through the shell.
final class AnalysisPlotCommandTests: ExecutorTestCase {
    func testAnalyzePlotAndCompare() throws {
        _ = try run("train p=23 d_model=32 d_mlp=128 epochs=300 name=a; train p=23 d_model=32 d_mlp=128 epochs=200 wd=0.5 name=b; load a")
        // 16 results; the final checkpoint's key frequencies are computed first, as the reference, then read from the cache.
        let first = try run("analyze")
        XCTAssertTrue(first.facts["analysis"]!.hasPrefix("15 results computed, 1 from the cache"), "\(first.facts)")
        let analyzed = first.plainText
        XCTAssertTrue(analyzed.hasPrefix("analyzed 4 checkpoints of a\n"), analyzed)
        XCTAssertTrue(analyzed.contains("key frequencies: "), analyzed)
        XCTAssertTrue(analyzed.contains("at epoch 300:\n  dominant embedding frequencies: "), analyzed)
        let again = try run("analyze")
        XCTAssertEqual(again.plainText, analyzed, "the output does not depend on the cache")
        XCTAssertTrue(again.facts["analysis"]!.hasPrefix("0 results computed, 16 from the cache"), "\(again.facts)")
        let ranged = try run("range 100..200 step 100; analyze freq")
        XCTAssertTrue(ranged.plainText.contains("analyzed 2 checkpoints of a"), ranged.plainText)
        XCTAssertTrue(ranged.facts["analysis"]!.hasPrefix("0 results computed, 2 from the cache"), "\(ranged.facts)")

        let svg = root.appendingPathComponent("f.svg").path
        let freq = try run("at 200; plot freq to \(svg)")
        XCTAssertEqual(freq.figures.count, 1)
        XCTAssertTrue(freq.plainText.contains("wrote \(svg)"))
        let data = try Data(contentsOf: URL(fileURLWithPath: svg))
        XCTAssertTrue(XMLParser(data: data).parse(), "the SVG is valid XML")
        for kind in ["loss", "acc", "lr", "gradnorm", "freq over time", "neurons", "heatmap 0,5", "clusters", "progress", "collapse"] {
            let output = try run("plot \(kind)")
            XCTAssertEqual(output.figures.count, 1, kind)
        }
        XCTAssertTrue(try run("plot loss").figures[0].title.contains("a"))
        let comparison = try run("compare a b")
        let rendered = SVGRenderer().render(comparison.figures[0])
        XCTAssertTrue(rendered.contains(">a<") && rendered.contains(">b<"), "the legend names both runs")
        assertThrows("plot heatmap 3,999", "neuron 999 does not exist: this model has neurons 0…127")
        assertThrows("analyze clustrs", "unknown analysis 'clustrs'. Did you mean 'clusters'?")
        assertThrows("compare a nope", "no run 'nope'")
    }

    func assertThrows(_ line: String, _ message: String, file: StaticString = #filePath, line number: UInt = #line) {
        guard !message.isEmpty else { return }
        XCTAssertThrowsError(try run(line), file: file, line: number) { error in
            XCTAssertTrue("\(error)".contains(message), "\(line): \(error)", file: file, line: number)
        }
    }
}
