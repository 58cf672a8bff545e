import Foundation
import XCTest
import WBTestSupport
import WBSweeps
import WBTraining
@testable import WBShell

/// `sweep` at the prompt: parsing, help, and the refusals that come before any work.
final class SweepShellTests: ExecutorTestCase {
    func testParsesEveryForm() throws {
        XCTAssertEqual(try Parser.parse("sweep"), [.sweep(.list)])
        XCTAssertEqual(try Parser.parse("sweep list"), [.sweep(.list)])
        XCTAssertEqual(try Parser.parse("sweep status tiny"), [.sweep(.status(name: "tiny"))])
        XCTAssertEqual(try Parser.parse("sweep stop tiny"), [.sweep(.stop(name: "tiny"))])
        XCTAssertEqual(try Parser.parse("sweep table tiny"), [.sweep(.table(name: "tiny"))])
        XCTAssertEqual(try Parser.parse("sweep tiny wd=0.3,1 frac=0.3..0.5 step 0.1 seeds=0..2"),
                       [.sweep(.run(name: "tiny", spec: "wd=0.3,1 frac=0.3..0.5 step 0.1 seeds=0..2"))])
        XCTAssertEqual(try Parser.parse("sweep tiny; sweep status tiny").count, 2)
    }

    func testParseErrorsPointAtTheWord() {
        func message(_ line: String) -> String {
            do { _ = try Parser.parse(line); return "no error" } catch { return "\(error)" }
        }
        XCTAssertEqual(message("sweep status"), "expected `sweep status NAME` (e.g. sweep status wdfrac)\n  sweep status\n              ^")
        XCTAssertEqual(message("sweep tiny wd=0.3,,1"),
                       "in `wd=0.3,,1`: an empty value in the list; write key=v1,v2,… (e.g. wd=0.1,0.3,1)\n  sweep tiny wd=0.3,,1\n             ^")
        XCTAssertEqual(message("sweep tiny frac=0.3..0.5"),
                       "in `frac=0.3..0.5`: a range of non-whole numbers needs `step S` (e.g. frac=0.3..0.5 step 0.1)\n  sweep tiny frac=0.3..0.5\n             ^")
    }

    func testRefusalsBeforeAnyWork() throws {
        XCTAssertThrowsError(try run("sweep big seeds=0..1000 p=23 epochs=10")) {
            XCTAssertEqual("\($0)", "the grid has 1001 points (more than 1000); add --yes to run it")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: root.appendingPathComponent("runs/big").path), "nothing written")
        // At the prompt it asks; no starts nothing.
        var asked: [String] = []
        let declined = try run("sweep big seeds=0..1000 p=23 epochs=10", context: ExecutionContext(confirm: { asked.append($0); return false }))
        XCTAssertEqual(asked, ["the grid has 1001 points (more than 1000). Run it?"])
        XCTAssertEqual(declined.plainText, "sweep big: not started (1001 points)")
        XCTAssertFalse(FileManager.default.fileExists(atPath: root.appendingPathComponent("runs/big").path), "nothing written")
        XCTAssertThrowsError(try run("sweep bad p=23,24")) {
            XCTAssertEqual("\($0)", "in `p=24`: p=24 is not allowed: a prime number in 3...257.")
        }
        XCTAssertThrowsError(try run("sweep nothing")) {
            XCTAssertEqual("\($0)", "no sweep 'nothing' yet: give its grid, e.g. `sweep nothing wd=0.3,1 seeds=0..2 p=23 epochs=3000`")
        }
        XCTAssertThrowsError(try run("sweep status nothing")) {
            XCTAssertEqual("\($0)", "no sweep 'nothing' in \(self.root.appendingPathComponent("runs").path). There are no sweeps yet; `sweep NAME key=v1,v2 …` starts one.")
        }
        // A sweep of that name with another grid is not overwritten.
        let spec = try SweepSpec.parse(name: "made", text: "wd=0.3,1 p=23 epochs=10")
        let folder = SweepFolder(root: root.appendingPathComponent("runs"), name: "made")
        try folder.writeManifest(SweepManifest(spec: spec, points: try SweepGrid.make(spec: spec, base: TrainingConfig())))
        XCTAssertThrowsError(try run("sweep made wd=0.3,2 p=23 epochs=10")) {
            XCTAssertEqual("\($0)", "sweep 'made' exists with another grid (wd=0.3,1 p=23 epochs=10), not (wd=0.3,2 p=23 epochs=10); "
                + "`sweep made` continues it, or pick another name")
        }
        XCTAssertEqual(try run("sweep stop made").plainText, "sweep made is not running; `sweep made` continues it")
        XCTAssertEqual(try run("sweep list").plainText, "sweep  points  states    grid\nmade   2       2 queued  wd=0.3,1 p=23 epochs=10")
    }

    func testFiguresSayWhatTheSpreadIsOver() {
        let axes = ["wd", "frac", "seed"].map { SweepAxis(key: $0 == "seed" ? "init_seed" : $0, typedKey: $0, label: $0, values: ["1", "2"]) }
        XCTAssertEqual(CommandExecutor.spreadOver(axes, besides: [axes[0], axes[1]]), "seeds")
        XCTAssertEqual(CommandExecutor.spreadOver(axes, besides: [axes[1]]), "wd and seed")
        XCTAssertEqual(CommandExecutor.spreadOver(axes, besides: axes), "points")
    }

    func testHelpHasExamples() throws {
        let text = try run("help sweep").plainText
        XCTAssertTrue(text.contains("sweep tiny wd=0.3,1 seeds=0..1 p=23 d_model=32 d_mlp=128 epochs=500 jobs=2"), text)
        XCTAssertTrue(text.contains("sweep status NAME    point, state, epoch, test accuracy, seconds, disk"), text)
    }

    func testTabCompletesSweepWords() throws {
        let completion = Completion(runNames: { [] }, templateNames: { [] }, analysisNames: { [] },
                                    sweepNames: { ["fracwd", "stopme", "tiny"] })
        XCTAssertEqual(completion.complete(line: "swe", word: "swe"), ["sweep"])
        XCTAssertEqual(completion.complete(line: "sweep st", word: "st"), ["status", "stop", "stopme"])
        XCTAssertEqual(completion.complete(line: "sweep sta", word: "sta"), ["status"])
        XCTAssertEqual(completion.complete(line: "sweep ", word: ""), ["fracwd", "list", "status", "stop", "stopme", "table", "tiny"])
        XCTAssertEqual(completion.complete(line: "sweep status ", word: ""), ["fracwd", "stopme", "tiny"])
        XCTAssertEqual(completion.complete(line: "sweep table t", word: "t"), ["tiny"])
        XCTAssertEqual(completion.complete(line: "sweep stop s", word: "s"), ["stopme"])
        XCTAssertEqual(completion.complete(line: "sweep status tiny ", word: ""), [], "one name only")
        XCTAssertEqual(completion.complete(line: "sweep list ", word: ""), [])
        XCTAssertEqual(completion.complete(line: "sweep new wd=0.3,1 se", word: "se"), ["seeds="])
        XCTAssertEqual(completion.complete(line: "sweep new mo", word: "mo"), ["model=", "moments=", "momentum="])
        XCTAssertEqual(completion.complete(line: "sweep new jo", word: "jo"), ["jobs="])
        XCTAssertEqual(completion.complete(line: "sweep new on=", word: "on="), ["on=local", "on=slurm"])
        XCTAssertEqual(completion.complete(line: "info; sweep status f", word: "f"), ["fracwd"])

        // At the prompt the names are the session's sweeps: folders of the runs folder that hold a sweep.json.
        let spec = try SweepSpec.parse(name: "made", text: "wd=0.3,1 p=23 epochs=10")
        try SweepFolder(root: root.appendingPathComponent("runs"), name: "made")
            .writeManifest(SweepManifest(spec: spec, points: try SweepGrid.make(spec: spec, base: TrainingConfig())))
        try FileManager.default.createDirectory(at: root.appendingPathComponent("runs/plain-folder"), withIntermediateDirectories: true)
        XCTAssertEqual(executor.session.sweepNames(), ["made"])
    }

    func testPointNamesWithCommasLexAsOneWordInPaths() throws {
        XCTAssertEqual(try Parser.parse("load tiny/wd=1,seed=0"), [.load(run: "tiny/wd=1,seed=0")])
        XCTAssertEqual(try Parser.parse("compare tiny/wd=1,seed=0 tiny/wd=1,seed=1"), [.compare(runs: ["tiny/wd=1,seed=0", "tiny/wd=1,seed=1"])])
    }
}


final class SweepProgressViewTests: XCTestCase {
    func testLiveTableLines() {
        let progress = SweepProgress(name: "s", total: 12, finished: 3, failed: 1, queued: 6,
                                     running: [.init(name: "wd=0.3,seed=0", epoch: 120, target: 1000, testAccuracy: 0.125),
                                               .init(name: "wd=1,seed=0", epoch: 7, target: 1000, testAccuracy: nil)],
                                     elapsedSeconds: 75, etaSeconds: 3700, stopping: false)
        XCTAssertEqual(SweepProgressView.lines(progress), [
            "sweep s: 3/12 done, 2 running, 6 queued, 1 failed — 1m15s elapsed, ETA 1h01m",
            "  wd=0.3,seed=0  epoch 120/1000  test  12.5%",
            "  wd=1,seed=0    epoch 7/1000",
        ])
        var written = ""
        let view = SweepProgressView(interactive: true) { written += $0 }
        view.update(progress)
        XCTAssertEqual(written, "\u{1B}[2Ksweep s: 3/12 done, 2 running, 6 queued, 1 failed — 1m15s elapsed, ETA 1h01m\n"
            + "\u{1B}[2K  wd=0.3,seed=0  epoch 120/1000  test  12.5%\n\u{1B}[2K  wd=1,seed=0    epoch 7/1000\n")
        var stopping = progress
        stopping.stopping = true
        stopping.running.removeLast()
        view.update(stopping)
        XCTAssertTrue(written.hasSuffix("\u{1B}[3F\u{1B}[2Ksweep s: 3/12 done, 1 running, 6 queued, 1 failed — 1m15s elapsed, ETA 1h01m"
            + " — stopping: workers save their checkpoints…\n\u{1B}[2K  wd=0.3,seed=0  epoch 120/1000  test  12.5%\n\u{1B}[2K\n\u{1B}[1F"),
                      written.debugDescription)
    }
}
