import XCTest
@testable import WBTraining

/// The structured model and the trainer against the PyTorch golden fixtures (tolerances: `docs/numerics.md`).
final class GoldenTests: XCTestCase {
    func testEpochZeroGradientsMatchPyTorch() throws {
        let initial = try Golden.initial()
        let split = try DataSplit.explicit(p: 23, trainIndices: XCTUnwrap(initial.trainIndices))
        XCTAssertEqual(split.trainIndices.count, 158)
        XCTAssertEqual(split.testIndices.count, 371)
        let engine = TrainingEngine(config: Golden.config, split: split, parameters: initial.parameters)
        let metrics = engine.measure()
        let expected = try Golden.file("grads_epoch0.safetensors")
        for entry in Golden.layout.entries {
            let ours = Array(engine.gradients[entry.range])
            let theirs = try expected.floats(entry.name, shape: entry.shape)
            XCTAssertLessThan(relativeError(ours, theirs), 1e-4, entry.name)
        }
        let first = try Golden.trajectory()[0]
        XCTAssertEqual(metrics.trainLoss, first.train_loss, accuracy: 1e-4 * first.train_loss)
        XCTAssertEqual(metrics.testLoss, first.test_loss, accuracy: 1e-4 * first.test_loss)
    }

    func testFortyEpochTrajectoryAndFinalWeightsMatchPyTorch() throws {
        let initial = try Golden.initial()
        let split = try DataSplit.explicit(p: 23, trainIndices: XCTUnwrap(initial.trainIndices))
        let engine = TrainingEngine(config: Golden.config, split: split, parameters: initial.parameters)
        let rows = try Golden.trajectory()
        XCTAssertEqual(rows.count, 40)
        for row in rows {
            let m = engine.step()
            XCTAssertEqual(m.epoch, row.epoch)
            XCTAssertEqual(m.lr, row.lr, accuracy: 1e-12)
            XCTAssertEqual(m.trainLoss, row.train_loss, accuracy: 1e-4 * row.train_loss, "train loss at epoch \(row.epoch)")
            XCTAssertEqual(m.testLoss, row.test_loss, accuracy: 1e-4 * row.test_loss, "test loss at epoch \(row.epoch)")
            XCTAssertEqual(m.trainAccuracy, row.train_acc, accuracy: 1e-9, "train acc at epoch \(row.epoch)")
            XCTAssertEqual(m.testAccuracy, row.test_acc, accuracy: 1e-9, "test acc at epoch \(row.epoch)")
        }
        let final = try Golden.file("final.safetensors")
        for entry in Golden.layout.entries {
            let theirs = try final.floats(entry.name, shape: entry.shape)
            let worst = zip(engine.parameters[entry.range], theirs).map { abs($0 - $1) }.max() ?? 0
            XCTAssertLessThan(worst, 1e-4, entry.name)
        }
    }
}

/// The other tasks and Grokfast against their PyTorch fixtures (`Fixtures/p23-tasks`, `Fixtures/p23-grokfast-*`), with the
/// tolerances of `p23/`.
final class GoldenVariantTests: XCTestCase {
    /// Trains 40 epochs from the fixture's initial weights and split and compares every epoch's measures and the final
    /// weights; returns the engine.
    @discardableResult
    func checkTrajectory(_ relativePath: String, configure: (inout TrainingConfig) -> Void) throws -> TrainingEngine {
        let folder = Golden.fixtures.appendingPathComponent(relativePath)
        var config = Golden.config
        configure(&config)
        try config.validate()
        let initial = try Golden.initial(folder)
        let split = try DataSplit.explicit(p: 23, trainIndices: XCTUnwrap(initial.trainIndices), task: config.task)
        let engine = TrainingEngine(config: config, split: split, parameters: initial.parameters)
        let rows = try Golden.trajectory(folder)
        XCTAssertEqual(rows.count, 40)
        for row in rows {
            let m = engine.step()
            XCTAssertEqual(m.lr, row.lr, accuracy: 1e-12)
            XCTAssertEqual(m.trainLoss, row.train_loss, accuracy: 1e-4 * row.train_loss, "\(relativePath) train loss at \(row.epoch)")
            XCTAssertEqual(m.testLoss, row.test_loss, accuracy: 1e-4 * row.test_loss, "\(relativePath) test loss at \(row.epoch)")
            XCTAssertEqual(m.trainAccuracy, row.train_acc, accuracy: 1e-9, "\(relativePath) train acc at \(row.epoch)")
            XCTAssertEqual(m.testAccuracy, row.test_acc, accuracy: 1e-9, "\(relativePath) test acc at \(row.epoch)")
        }
        let final = try SafetensorsFile.read(from: folder.appendingPathComponent("final.safetensors"))
        for entry in Golden.layout.entries {
            let theirs = try final.floats(entry.name, shape: entry.shape)
            let worst = zip(engine.parameters[entry.range], theirs).map { abs($0 - $1) }.max() ?? 0
            XCTAssertLessThan(worst, 1e-4, "\(relativePath) \(entry.name)")
        }
        return engine
    }

    func testEveryTaskMatchesPyTorch() throws {
        for task in [ModularTask.sub, .mul, .div, .x2y2, .x2xyy2, .x3xy] {
            try checkTrajectory("p23-tasks/\(task.rawValue)") { $0.task = task }
        }
    }

    func testEveryTaskSplitIsThePaperShuffleOfItsPairs() throws {
        for task in [ModularTask.sub, .mul, .div, .x2y2, .x2xyy2, .x3xy] {
            let initial = try Golden.initial(Golden.fixtures.appendingPathComponent("p23-tasks/\(task.rawValue)"))
            let split = DataSplit.shuffled(p: 23, frac: 0.3, seed: 0, task: task)
            XCTAssertEqual(split.trainIndices, initial.trainIndices, task.rawValue)
            XCTAssertEqual(split.trainIndices.count + split.testIndices.count, task == .div ? 23 * 22 : 23 * 23)
        }
        // div leaves b = 0 out: 151 = ⌊0.3 · 506⌋ training pairs, none with b = 0.
        let div = DataSplit.shuffled(p: 23, frac: 0.3, seed: 0, task: .div)
        XCTAssertEqual(div.trainIndices.count, 151)
        XCTAssertFalse((div.trainIndices + div.testIndices).contains { $0 % 23 == 0 })
    }

    func testGrokfastEMAMatchesPyTorch() throws {
        let engine = try checkTrajectory("p23-grokfast-ema") { $0.grokfast = .ema }
        XCTAssertNotNil(engine.filterState.average)
    }

    func testGrokfastMAMatchesPyTorch() throws {
        let engine = try checkTrajectory("p23-grokfast-ma") { $0.grokfast = .ma; $0.gfWindow = 10 }
        XCTAssertEqual(engine.filterState.history.count, 10)
    }

    /// Without the filter the EMA fixture's run differs measurably: the test above would catch a filter that does nothing.
    func testGrokfastFixtureDiffersFromThePlainRun() throws {
        let folder = Golden.fixtures.appendingPathComponent("p23-grokfast-ema")
        let initial = try Golden.initial(folder)
        let split = try DataSplit.explicit(p: 23, trainIndices: XCTUnwrap(initial.trainIndices))
        let engine = TrainingEngine(config: Golden.config, split: split, parameters: initial.parameters)
        for _ in 0..<40 { engine.step() }
        let final = try SafetensorsFile.read(from: folder.appendingPathComponent("final.safetensors"))
        let entry = Golden.layout.entries[0]
        let theirs = try final.floats(entry.name, shape: entry.shape)
        XCTAssertGreaterThan(zip(engine.parameters[entry.range], theirs).map { abs($0 - $1) }.max() ?? 0, 1e-3)
    }
}
