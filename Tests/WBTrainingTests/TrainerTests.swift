import XCTest
import WBTestSupport
@testable import WBTraining

final class TrainerTests: TemporaryFolderTestCase {
    static func smallConfig(_ name: String, epochs: Int = 60) throws -> TrainingConfig {
        try TrainingConfig().applying(["p=23", "d_model=32", "heads=4", "d_mlp=128", "epochs=\(epochs)",
                                       "checkpoints=0..\(epochs) step 20", "name=\(name)", "init_seed=7"])
    }

    func testRunFolderLayoutAndMetrics() throws {
        let outcome = try Trainer.start(Self.smallConfig("layout"), root: root)
        XCTAssertEqual(outcome.status, .finished)
        let run = outcome.run
        XCTAssertEqual(run.checkpointEpochs(), [0, 20, 40, 60])
        let metrics = try run.readMetrics()
        XCTAssertEqual(metrics.map(\.epoch), Array(0...60))
        XCTAssertEqual(metrics[0].lr, 0)
        XCTAssertEqual(metrics[0].trainLoss, Foundation.log(24.0), accuracy: 0.2)
        XCTAssertLessThan(metrics[60].trainLoss, metrics[0].trainLoss)
        let text = try String(contentsOf: run.metricsURL, encoding: .utf8)
        XCTAssertTrue(text.hasPrefix("epoch,train_loss,test_loss,train_acc,test_acc,lr,grad_norm,weight_norm,steps,softmax_collapse,seconds\n"))
        XCTAssertEqual(metrics.map(\.steps), Array(0...60), "full batch: one optimizer step per epoch")
        // A file from before the last two columns still reads (steps are then the epochs, the collapse 0).
        let old = MetricsTable.nineColumnHeader + "\n3,1.5,2.5,0.5,0.25,0.001,0.1,10,0.02\n"
        XCTAssertEqual(try MetricsTable.parse(old), [EpochMetrics(epoch: 3, trainLoss: 1.5, testLoss: 2.5, trainAccuracy: 0.5,
                                                                  testAccuracy: 0.25, lr: 0.001, gradNorm: 0.1, weightNorm: 10,
                                                                  seconds: 0.02)])
        // Exact round trip of every number.
        XCTAssertEqual(try MetricsTable.parse(MetricsTable.render(metrics)), metrics)
        let record = try run.readRecord()
        XCTAssertEqual(record.config.name, "layout")
        XCTAssertEqual(record.format, "wb-run/1")
        XCTAssertTrue(run.logTail(5).last?.contains("finished at epoch 60") ?? false, "\(run.logTail(5))")
        // The checkpoint at 20 holds the weights whose loss is metrics row 20.
        let c20 = try Checkpoint.read(from: run.checkpointURL(epoch: 20), layout: ParameterLayout(record.config.shape))
        let engine = TrainingEngine(config: record.config, split: DataSplit.shuffled(p: 23, frac: 0.3, seed: 0), parameters: c20.parameters)
        XCTAssertEqual(engine.measure().trainLoss, metrics[20].trainLoss)
        // A second start with the same name is refused.
        XCTAssertThrowsError(try Trainer.start(Self.smallConfig("layout"), root: root)) { error in
            XCTAssertTrue("\(error)".contains("a run named 'layout' already exists"), "\(error)")
        }
    }

    func testCancelThenResumeIsBitIdentical() throws {
        let straight = try Trainer.start(Self.smallConfig("straight"), root: root)
        let token = CancellationToken()
        let stopped = try Trainer.start(Self.smallConfig("interrupted"), root: root, cancel: token) { progress in
            if progress.epoch == 27 { token.cancel() }
        }
        XCTAssertEqual(stopped.status, .cancelled)
        XCTAssertEqual(stopped.epoch, 28, "cancel stops after the current epoch")
        XCTAssertEqual(stopped.run.checkpointEpochs(), [0, 20, 28])
        XCTAssertEqual(try stopped.run.readMetrics().last?.epoch, 27)
        let resumed = try Trainer.resume(stopped.run)
        XCTAssertEqual(resumed.status, .finished)
        let layout = ParameterLayout(Golden.shape)
        let a = try Checkpoint.read(from: straight.run.checkpointURL(epoch: 60), layout: layout)
        let b = try Checkpoint.read(from: resumed.run.checkpointURL(epoch: 60), layout: layout)
        XCTAssertEqual(a.parameters, b.parameters, "weights bit for bit")
        XCTAssertEqual(a.optimizer, b.optimizer, "optimizer state bit for bit")
        let ma = try straight.run.readMetrics(), mb = try resumed.run.readMetrics()
        XCTAssertEqual(ma.map(\.epoch), mb.map(\.epoch))
        for (x, y) in zip(ma, mb) {
            XCTAssertEqual([x.trainLoss, x.testLoss, x.gradNorm, x.weightNorm, x.trainAccuracy, x.testAccuracy],
                           [y.trainLoss, y.testLoss, y.gradNorm, y.weightNorm, y.trainAccuracy, y.testAccuracy], "epoch \(x.epoch)")
        }
        // Resuming past the end trains further; resuming a finished run without epochs says so.
        XCTAssertThrowsError(try Trainer.resume(resumed.run)) { XCTAssertTrue("\($0)".contains("already at epoch 60 of 60")) }
        let longer = try Trainer.resume(resumed.run, epochs: 80)
        XCTAssertEqual(longer.epoch, 80)
        XCTAssertEqual(longer.run.checkpointEpochs().suffix(2), [60, 80])
    }

    func testInitFileWithTrainIndicesFixesTheSplit() throws {
        var config = Golden.config
        config.initFile = Golden.folder.appendingPathComponent("init.safetensors").path
        config.name = "golden-run"
        config.checkpoints = "0..40 step 10"
        let outcome = try Trainer.start(config, root: root)
        let rows = try Golden.trajectory()
        let metrics = try outcome.run.readMetrics()
        for row in rows {
            XCTAssertEqual(metrics[row.epoch].trainLoss, row.train_loss, accuracy: 1e-4 * row.train_loss)
        }
        // Resuming reads the stored split back.
        let token = CancellationToken()
        var c2 = config; c2.name = "golden-run-2"
        let stopped = try Trainer.start(c2, root: root, cancel: token) { if $0.epoch == 15 { token.cancel() } }
        let resumed = try Trainer.resume(stopped.run)
        let a = try Checkpoint.read(from: outcome.run.checkpointURL(epoch: 40), layout: Golden.layout)
        let b = try Checkpoint.read(from: resumed.run.checkpointURL(epoch: 40), layout: Golden.layout)
        XCTAssertEqual(a.parameters, b.parameters)
    }

    func testBadInitFileIsRefusedBeforeWork() throws {
        var config = try Self.smallConfig("bad-init")
        let junk = root.appendingPathComponent("junk.safetensors")
        try Data("not a safetensors file".utf8).write(to: junk)
        config.initFile = junk.path
        XCTAssertThrowsError(try Trainer.start(config, root: root)) { error in
            XCTAssertTrue("\(error)".contains("init=\(junk.path) is not allowed"), "\(error)")
        }
    }
}
