import WBTestSupport
import XCTest
import WBTraining
@testable import WBShell

/// What a user sees of tasks and Grokfast at the prompt: templates, run names, `info`, the train summary, the progress
/// line, and `compare`'s milestone table.
final class TaskShellTests: ExecutorTestCase {
    let small = "p=23 d_model=32 heads=4 d_mlp=128 epochs=30 checkpoints=\"0..30 step 10\""

    func testTemplatesForEveryTaskAndGrokfast() throws {
        let listed = try run("templates").plainText
        for name in ["demo", "demo-grokfast-ema", "demo-grokfast-ma"] + ModularTask.allCases.map({ "power-\($0.rawValue)" }) {
            XCTAssertTrue(listed.contains(name), "\(name) in \(listed)")
        }
        let mul = try executor.session.templates.find("power-mul")
        XCTAssertEqual(mul.config.task, .mul)
        XCTAssertEqual(mul.config.p, 97)
        XCTAssertEqual(mul.config.name, "power-mul")
        XCTAssertTrue(mul.description.contains("Power et al. (2022)"), mul.description)
        XCTAssertEqual(try executor.session.templates.find("demo-grokfast-ema").config.grokfast, .ema)
    }

    func testTrainSummaryInfoAndProgressSayTheTaskAndFilter() throws {
        var lines: [String] = []
        let context = ExecutionContext(onTraining: { lines.append(TrainingProgressView.describe($0)) })
        let trained = try run("train \(small) task=mul grokfast=ema name=m", context: context).plainText
        XCTAssertTrue(trained.hasPrefix("m (mul (a · b) mod 23, Grokfast-EMA (α 0.98, λ 2)): finished at epoch 30"), trained)
        XCTAssertTrue(lines.last?.hasPrefix("mul grokfast=ema │ epoch 30/30") ?? false, "\(lines.last ?? "")")
        let info = try run("info").plainText
        XCTAssertTrue(info.contains("| mul (a · b) mod 23, Grokfast-EMA (α 0.98, λ 2)"), info)
        // The paper's task keeps its words: nothing is added.
        let plain = try run("train \(small) name=a").plainText
        XCTAssertTrue(plain.hasPrefix("a: finished at epoch 30"), plain)
        XCTAssertFalse(try run("info").plainText.contains("a + b"))
    }

    func testGeneratedTemplateNamesIncludeTaskAndFilter() throws {
        var c = TrainingConfig()
        XCTAssertEqual(TrainingTemplate.generatedName(c), "p113-add-f0.3-d128h4m512-wd1-lr1e-3-s0")
        c.task = .div; c.grokfast = .ma; c.initScale = 2
        XCTAssertEqual(TrainingTemplate.generatedName(c), "p113-div-f0.3-d128h4m512-wd1-lr1e-3-s0-gfma-init2")
    }

    func testCompareTabulatesMilestones() throws {
        try run("train \(small) frac=0.6 lr=3e-3 name=a")
        try run("train \(small) frac=0.6 lr=3e-3 task=sub name=b")
        let output = try run("compare a b")
        XCTAssertEqual(output.figures.count, 1)
        let table = output.plainText
        XCTAssertTrue(table.contains("run") && table.contains("test 95%"), table)
        for name in ["a", "b"] {
            let metrics = try RunFolder(url: root.appendingPathComponent("runs/\(name)")).readMetrics()
            let m = RunMilestones(metrics)
            let row = table.split(separator: "\n").first { $0.hasPrefix(name + " ") }.map(String.init) ?? ""
            XCTAssertTrue(row.contains(m.trainAccuracy99.map(String.init) ?? "–"), row)
            XCTAssertTrue(row.contains(String(format: "%.3e", metrics.last!.testLoss)), row)
        }
        XCTAssertTrue(table.contains("sub"), table)
    }

    func testMilestonesReadTheFirstEpochAtEachThreshold() {
        func row(_ epoch: Int, _ train: Double, _ test: Double, _ loss: Double) -> EpochMetrics {
            EpochMetrics(epoch: epoch, trainLoss: 1, testLoss: loss, trainAccuracy: train, testAccuracy: test, lr: 0,
                         gradNorm: 0, weightNorm: 0, seconds: 0)
        }
        let m = RunMilestones([row(0, 0.1, 0.0, 4), row(10, 0.995, 0.1, 9), row(20, 1, 0.6, 3), row(30, 1, 0.97, 1),
                               row(40, 1, 0.96, 0.5)])
        XCTAssertEqual(m.trainAccuracy99, 10)
        XCTAssertEqual(m.testAccuracy50, 20)
        XCTAssertEqual(m.testAccuracy95, 30)
        XCTAssertNil(m.testAccuracy99)
        XCTAssertEqual(m.testLossPeak?.epoch, 10)
        XCTAssertEqual(m.final?.epoch, 40)
    }
}
