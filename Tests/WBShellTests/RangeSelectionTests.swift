import XCTest
@testable import WBShell
import WBAnalysis
import WBTraining

/// Range parsing edge cases, the phase rule and the presets on synthetic metrics, and the preset commands on a run.
final class RangeSelectionTests: XCTestCase {
    /// A synthetic grokking curve: test loss rises to a peak at epoch 200, stays near it (drifting down slightly) until
    /// 1,000, falls by six decades between 1,000 and 2,000, then stays flat.
    static func grokkingMetrics(every step: Int = 10, last: Int = 3000) -> [EpochMetrics] {
        stride(from: 0, through: last, by: step).map { e -> EpochMetrics in
            let logTest: Double
            switch e {
            case ..<200: logTest = 0.5 + 0.5 * Double(e) / 200          // 10^0.5 → 10^1 (memorisation)
            case ..<1000: logTest = 1 - 0.02 * Double(e - 200) / 800     // drifts from 10 to 10^0.98
            case ..<2000: logTest = 0.98 - 6.0 * Double(e - 1000) / 1000  // the fall: six decades
            default: logTest = -5.02
            }
            return EpochMetrics(epoch: e, trainLoss: max(1e-7, 4 * exp(-Double(e) / 30)), testLoss: pow(10, logTest),
                                trainAccuracy: e >= 150 ? 1 : 0.5, testAccuracy: 0, lr: 1e-3, gradNorm: 1, weightNorm: 1, seconds: 0)
        }
    }

    func testPhaseRuleOnASyntheticCurve() throws {
        let m = Self.grokkingMetrics()
        let phases = try TrainingPhases.detect(epochs: m.map(\.epoch), testLoss: m.map(\.testLoss))
        XCTAssertEqual(phases.memorizationEnd, 200, "the test-loss peak")
        // Fall = 1 - (-5.02) = 6.02 decades; 5 % of it = 0.301 below the peak: log 0.699, reached at 1000 + 0.281/0.006.
        XCTAssertEqual(phases.circuitFormationEnd, 1040, "last epoch within 5 % of the fall below the peak")
        // 90 % of the fall: log 1 - 5.418 = -4.418, first reached at 1000 + 5.398/0.006 ≈ 1900.
        XCTAssertEqual(phases.cleanupEnd, 1900, "first epoch 90 % of the fall is done")
    }

    func testPhaseRuleRefusesRunsThatHaveNotGrokked() {
        let epochs = Array(stride(from: 0, through: 1000, by: 100))
        let flat = epochs.map { 5.0 - Double($0) / 1000 }   // 5 → 4: less than a decade
        XCTAssertThrowsError(try TrainingPhases.detect(epochs: epochs, testLoss: flat)) { error in
            XCTAssertTrue("\(error)".contains("has not fallen by a factor of 10 since its peak (5 at epoch 0"), "\(error)")
        }
        XCTAssertThrowsError(try TrainingPhases.detect(epochs: [0, 1], testLoss: [1, 0.01])) { error in
            XCTAssertTrue("\(error)".contains("at least 3 are needed"), "\(error)")
        }
    }

    func testPresetsLandOnTheCheckpointGridOrARoundStep() throws {
        let m = Self.grokkingMetrics()
        let every100 = Array(stride(from: 0, through: 3000, by: 100))
        let grokking = try XCTUnwrap(RangePreset.grokking.window(metrics: m, checkpoints: every100))
        XCTAssertEqual(grokking.epochs, 1040...1900)
        XCTAssertEqual(grokking.set.description, "1000..1900 step 100", "widened to the checkpoints around the window")
        let memorization = try XCTUnwrap(RangePreset.memorization.window(metrics: m, checkpoints: every100))
        XCTAssertEqual(memorization.epochs, 0...200)
        XCTAssertEqual(memorization.set.description, "0..200 step 10", "3 checkpoints are too few: a round step of about 30 epochs")
        // Dense checkpoints are thinned to at most 60 epochs on their grid.
        let every5 = Array(stride(from: 0, through: 3000, by: 5))
        let dense = try XCTUnwrap(RangePreset.grokking.window(metrics: m, checkpoints: every5)).set
        XCTAssertEqual(dense.description, "1040..1910 step 15", "rounded up to cover the window's end")
        XCTAssertLessThanOrEqual(try dense.epochs().count, 60)
        XCTAssertNil(try RangePreset.all.window(metrics: m, checkpoints: every100))
        XCTAssertEqual([1.0, 3, 7, 12, 24, 26, 180, 2100].map(RangePreset.roundStep), [1, 5, 10, 20, 25, 50, 200, 2500])
        XCTAssertEqual(RangePreset(word: "Memorization"), .memorization)
    }

    func testRangeParsingEdgeCases() throws {
        XCTAssertEqual(try Parser.parse("range grokking"), [.range(.preset(.grokking))])
        XCTAssertEqual(try Parser.parse("range memorization"), [.range(.preset(.memorization))])
        XCTAssertEqual(try Parser.parse("range all"), [.range(.preset(.all))])
        // Overlapping ranges are merged; epochs come out sorted, without repeats.
        XCTAssertEqual(try EpochSet.parse("0..100 step 50, 50..150 step 25, 100").epochs(), [0, 50, 75, 100, 125, 150])
        for (line, message) in [
            ("range grok", "`range grok` is not a range: expected A..B step S[, …], clear, pick, grokking, memorisation, all"),
            ("range 3000..1000 step 10", "a range needs 0 ≤ A ≤ B"),
            ("range 0..1000 step -5", "the step must be a whole number ≥ 1"),
            ("range 0..1000 step", "expected 'A..B step S'"),
            ("range 0..1000,", "an empty item"),
        ] {
            XCTAssertThrowsError(try Parser.parse(line), line) { XCTAssertTrue("\($0)".contains(message), "\(line): \($0)") }
        }
        XCTAssertThrowsError(try CheckpointSelection(EpochSet.parse("0..40000 step 1"))) { error in
            XCTAssertTrue("\(error)".contains("it names 40001 epochs; at most 10000 are allowed"), "\(error)")
        }
        XCTAssertEqual(try CheckpointSelection(EpochSet.parse("0..40000 step 5")).epochs.count, 8_001)
    }

    func testPresetCommandsOnARun() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("wb-range-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let executor = CommandExecutor(session: Session(runsRoot: root.appendingPathComponent("runs"), home: root.appendingPathComponent("home")))
        func run(_ line: String) throws -> String {
            try Parser.parse(line).map { try executor.execute($0).plainText }.joined(separator: "\n")
        }
        _ = try run("train p=23 d_model=32 d_mlp=128 epochs=200 checkpoints=\"0..200 step 50\" name=r")
        // 200 epochs of a tiny model memorise but do not grok: the preset says why and changes nothing.
        XCTAssertThrowsError(try run("range grokking")) { error in
            XCTAssertTrue("\(error)".contains("no grokking window in r: the test loss has not fallen by a factor of 10"), "\(error)")
        }
        XCTAssertNil(executor.session.run?.selection)
        // Write a grokking curve into the run's metrics: the preset finds the window and stores it.
        let folder = RunFolder(url: root.appendingPathComponent("runs/r"))
        try folder.writeMetrics(Self.grokkingMetrics(every: 10, last: 200).map { row in
            var row = row
            row.testLoss = row.epoch <= 50 ? pow(10, Double(row.epoch) / 50) : pow(10, 1 - 5 * Double(row.epoch - 50) / 150)
            return row
        })
        _ = try run("load r")
        let text = try run("range grokking")
        XCTAssertTrue(text.hasPrefix("grokking: epochs 50–190 (test loss 10 → 0.000215) by the rule in `help range`"), text)
        XCTAssertTrue(text.contains("selection 50..190 step 5"), text)
        XCTAssertEqual(try CheckpointSelection.read(from: folder)?.spec, "50..190 step 5")
        XCTAssertEqual(try run("range all"), "selection: all 5 checkpoints (no selection is stored)")
        XCTAssertNil(try CheckpointSelection.read(from: folder))
        XCTAssertTrue(try run("help range").contains("grokking      from the last epoch the test loss is within 5 %"))
    }
}
