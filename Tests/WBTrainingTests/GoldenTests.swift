import XCTest
@testable import WBTraining

/// The structured model and the trainer against the PyTorch golden fixtures (tolerances from their README).
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
