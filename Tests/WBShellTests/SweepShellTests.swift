import Foundation
import XCTest
import WBTestSupport
import WBSweeps
import WBTraining
import WBAnalysis
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

/// The local learning coefficient as a measure of `plot sweep`.
final class SweepLLCMeasureTests: ExecutorTestCase {
    /// `plot sweep X llc[@EPOCH]`: λ̂ of every finished point (estimated first, then from each point's cache), the median
    /// over the seeds per cell; an epoch a point has no checkpoint at is refused naming the point.
    func testTheLLCIsASweepMeasure() throws {
        let spec = try SweepSpec.parse(name: "lam", text: "wd=0.3,1 seeds=0..1 p=23 d_model=16 heads=2 d_mlp=32 epochs=30")
        let folder = SweepFolder(root: root.appendingPathComponent("runs"), name: "lam")
        let points = try SweepGrid.make(spec: spec, base: TrainingConfig())
        try folder.writeManifest(SweepManifest(spec: spec, points: points))
        for point in points {
            var config = point.config
            config.name = point.name
            _ = try Trainer.start(config, root: folder.url)
        }
        _ = try run("sweep table lam")
        let options = ["llc_chains=2", "llc_draws=20", "llc_burnin=5"]
        let figure = try run("plot sweep wd llc " + options.joined(separator: " ")).figures[0]
        XCTAssertEqual(figure.title, "sweep lam: λ̂ at the last checkpoint")
        let summary = try SweepSummary.read(folder)
        let measured = try executor.sweepLLC(summary, folder: folder, epoch: nil, options: options, context: ExecutionContext())
        XCTAssertEqual(measured.values.count, 4)
        for point in points {
            let runner = try LLCRunner(run: folder.run(point))
            let report = try runner.run(epochs: [30], components: try runner.components(["all"]),
                                        settings: try runner.defaultSettings.applying(options))
            XCTAssertEqual(report.cached, 1, "estimated by the plot, then read from the point's cache")
            XCTAssertEqual(measured.values[point.name], report.estimates[0].llc)
        }
        let aggregate = try SweepAggregate.make(summary, x: "wd", y: nil, canBeNever: false) { measured.values[$0.point.name] }
        for (i, wd) in ["0.3", "1"].enumerated() {
            let pair = points.filter { $0.values["wd"] == wd }.map { measured.values[$0.name]! }
            XCTAssertEqual(aggregate.cells[i].median!, (pair[0] + pair[1]) / 2, accuracy: 1e-12)
        }
        XCTAssertEqual(try run("plot sweep wd llc@30 of=embed llc_chains=2 llc_draws=20 llc_burnin=5").figures[0].title,
                       "sweep lam: λ̂ of embed at epoch 30")
        XCTAssertThrowsError(try run("plot sweep wd llc@20")) {
            XCTAssertEqual("\($0)", "point wd=0.3,seed=0 has no checkpoint at epoch 20 (it has 0, 30); choose one every point has, "
                + "or llc for each point's last")
        }
        XCTAssertThrowsError(try run("plot sweep wd llc of=embed,mlp")) {
            XCTAssertEqual("\($0)", "the llc measure of a sweep takes one component (e.g. of=embed), not 2")
        }
        XCTAssertEqual(try Parser.parse("plot sweep wd frac llc@3k of=embed llc_draws=50"),
                       [.plot(PlotRequest(kind: .sweep, sweepKeys: ["wd", "frac"], measure: "llc@3000", options: ["of=embed", "llc_draws=50"]))])
        XCTAssertThrowsError(try Parser.parse("plot sweep wd test95 of=embed")) {
            XCTAssertTrue("\($0)".hasPrefix("`of=embed` goes with the llc measure (e.g. plot sweep wd frac llc@3000 of=embed)"), "\($0)")
        }
        XCTAssertThrowsError(try Parser.parse("plot sweep wd llc@x")) {
            XCTAssertTrue("\($0)".hasPrefix("expected llc or llc@EPOCH (λ̂ at that checkpoint of every point, e.g. llc@3000), not 'llc@x'"), "\($0)")
        }
    }
}
