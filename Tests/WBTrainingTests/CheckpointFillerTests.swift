import XCTest
import WBTestSupport
@testable import WBTraining

/// `CheckpointFiller`: recreated checkpoints equal an uninterrupted run's bit for bit; gaps, cancellation and refusals.
final class CheckpointFillerTests: TemporaryFolderTestCase {
    /// The same trajectory as `TrainerTests.smallConfig`, saved every `step` epochs.
    func train(_ name: String, every step: Int, epochs: Int = 60) throws -> RunFolder {
        let config = try TrainingConfig().applying(["p=23", "d_model=32", "heads=4", "d_mlp=128", "epochs=\(epochs)",
                                                    "checkpoints=0..\(epochs) step \(step)", "name=\(name)", "init_seed=7"])
        return try Trainer.start(config, root: root).run
    }

    func bytes(_ url: URL) throws -> Data { try Data(contentsOf: url) }

    /// Every tensor's bytes and every metadata entry but `config` are equal. The files cannot be equal as a whole: the
    /// metadata's `config` JSON records each run's name and checkpoint schedule, which differ between the two runs by design.
    func assertSameState(_ a: URL, _ b: URL, file: StaticString = #filePath, line: UInt = #line) throws {
        let x = try SafetensorsFile.read(from: a), y = try SafetensorsFile.read(from: b)
        XCTAssertEqual(Set(x.tensors.keys), Set(y.tensors.keys), file: file, line: line)
        XCTAssertTrue(x.tensors.keys.contains { $0.hasPrefix("optimizer.exp_avg_sq.") }, "optimizer state saved", file: file, line: line)
        for (name, tensor) in x.tensors {
            XCTAssertEqual(tensor, y.tensors[name], "\(name): dtype, shape and bytes", file: file, line: line)
        }
        var mx = x.metadata, my = y.metadata
        XCTAssertNotNil(mx.removeValue(forKey: "config")); XCTAssertNotNil(my.removeValue(forKey: "config"))
        XCTAssertEqual(mx, my, "metadata (epoch, adam_step, config_hash, shape)", file: file, line: line)
    }

    func testFilledCheckpointsAreBitIdenticalToADenseRun() throws {
        let dense = try train("dense", every: 5)
        let sparse = try train("sparse", every: 30)
        XCTAssertEqual(sparse.checkpointEpochs(), [0, 30, 60])
        let metricsBefore = try bytes(sparse.metricsURL)
        let existingBefore = try [0, 30, 60].map { try bytes(sparse.checkpointURL(epoch: $0)) }

        let wanted = Array(stride(from: 0, through: 60, by: 5))
        let filler = CheckpointFiller(run: sparse)
        let plan = try filler.plan(wanted)
        XCTAssertEqual(plan.gaps, [.init(start: 0, targets: [5, 10, 15, 20, 25]), .init(start: 30, targets: [35, 40, 45, 50, 55])])
        XCTAssertEqual(plan.epochs, 50, "each gap is trained once, up to its last missing epoch")

        var reports: [CheckpointFiller.Progress] = []
        let outcome = try filler.fill(wanted) { reports.append($0) }
        XCTAssertFalse(outcome.cancelled)
        XCTAssertEqual(outcome.written, [5, 10, 15, 20, 25, 35, 40, 45, 50, 55])
        XCTAssertEqual(outcome.epochsTrained, 50)
        XCTAssertEqual(reports.count, 50)
        XCTAssertEqual(reports.last.map { [$0.epoch, $0.epochsDone, $0.epochsTotal, $0.checkpointsWritten, $0.checkpointsTotal] },
                       [55, 50, 50, 10, 10])
        XCTAssertEqual(sparse.checkpointEpochs(), wanted)
        for epoch in outcome.written {
            try assertSameState(sparse.checkpointURL(epoch: epoch), dense.checkpointURL(epoch: epoch))
        }
        // Nothing else changed; the fill is in the log.
        XCTAssertEqual(try bytes(sparse.metricsURL), metricsBefore)
        XCTAssertEqual(try [0, 30, 60].map { try bytes(sparse.checkpointURL(epoch: $0)) }, existingBefore)
        let log = sparse.logTail(2)
        XCTAssertTrue(log[0].contains("fill 10 missing checkpoints (5, 10, 15, …, 55 (10)) by training forward from 0, 30, 50 epochs"), "\(log)")
        XCTAssertTrue(log[1].contains("fill done: 10 checkpoints, 50 epochs in"), "\(log)")

        // A second fill has nothing to do; the filled epochs are the ones off the run's schedule.
        XCTAssertEqual(try filler.fill(wanted).written, [])
        XCTAssertEqual(try filler.offSchedule(sparse.checkpointEpochs()), outcome.written)
        // Removing them (what a replay does to a reused run) restores the run as trained.
        XCTAssertEqual(try filler.removeUnscheduled(), outcome.written)
        XCTAssertEqual(sparse.checkpointEpochs(), [0, 30, 60])
    }

    func testAGapRunsPastCheckpointsWithoutOptimizerState() throws {
        let dense = try train("dense", every: 5)
        let sparse = try train("sparse", every: 30)
        // Epoch 30 as weights only (as an exported checkpoint would be): the fill must start from 0 and keep it as it is.
        let layout = ParameterLayout(try sparse.readRecord().config.shape)
        var weightsOnly = try Checkpoint.read(from: sparse.checkpointURL(epoch: 30), layout: layout)
        weightsOnly.optimizer = nil
        try weightsOnly.write(to: sparse.checkpointURL(epoch: 30), layout: layout, config: nil)
        let kept = try bytes(sparse.checkpointURL(epoch: 30))

        let filler = CheckpointFiller(run: sparse)
        XCTAssertEqual(try filler.plan([10, 30, 45]).gaps, [.init(start: 0, targets: [10, 45])])
        let outcome = try filler.fill([10, 30, 45])
        XCTAssertEqual(outcome.written, [10, 45])
        XCTAssertEqual(outcome.epochsTrained, 45, "one pass from 0 to 45, not 0→10 and again 0→45")
        try assertSameState(sparse.checkpointURL(epoch: 45), dense.checkpointURL(epoch: 45))
        XCTAssertEqual(try bytes(sparse.checkpointURL(epoch: 30)), kept)
    }

    func testCancellationLeavesCompleteCheckpointsAndAFillCanContinue() throws {
        let dense = try train("dense", every: 5)
        let sparse = try train("sparse", every: 30)
        let wanted = Array(stride(from: 0, through: 60, by: 5))
        let token = CancellationToken()
        let filler = CheckpointFiller(run: sparse)
        let stopped = try filler.fill(wanted, cancel: token) { p in if p.checkpointsWritten == 3 { token.cancel() } }
        XCTAssertTrue(stopped.cancelled)
        XCTAssertEqual(stopped.written, [5, 10, 15])
        XCTAssertEqual(stopped.planned.count, 10)
        XCTAssertEqual(stopped.epochsTrained, 15, "stops right after the step that was running")
        let files = try FileManager.default.contentsOfDirectory(atPath: sparse.checkpointsURL.path).sorted()
        XCTAssertEqual(files, ["0.safetensors", "10.safetensors", "15.safetensors", "30.safetensors", "5.safetensors", "60.safetensors"],
                       "only complete checkpoints, no temporary files")
        for epoch in stopped.written { try assertSameState(sparse.checkpointURL(epoch: epoch), dense.checkpointURL(epoch: epoch)) }
        XCTAssertTrue(sparse.logTail(1)[0].contains("fill stopped (cancelled) after 3 of 10 checkpoints (5, 10, 15)"), "\(sparse.logTail(1))")

        // The rest continues from the latest recreated checkpoint (15), not from 0 again.
        let rest = try filler.fill(wanted)
        XCTAssertEqual(rest.written, [20, 25, 35, 40, 45, 50, 55])
        XCTAssertEqual(rest.epochsTrained, 10 + 25)
        for epoch in rest.written { try assertSameState(sparse.checkpointURL(epoch: epoch), dense.checkpointURL(epoch: epoch)) }
    }

    func testRefusals() throws {
        let run = try train("short", every: 30)
        let filler = CheckpointFiller(run: run)
        XCTAssertThrowsError(try filler.fill([10, 70, 80])) { error in
            XCTAssertEqual("\(error)", "epochs 70, 80 are beyond the last trained epoch of run 'short' (60); only trained epochs "
                + "can be recreated. Train further first with `resume epochs=80`, then fill again")
        }
        XCTAssertEqual(run.checkpointEpochs(), [0, 30, 60], "a refused fill writes nothing, not even the epochs it could make")

        // No earlier checkpoint with optimizer state.
        let layout = ParameterLayout(try run.readRecord().config.shape)
        var weightsOnly = try Checkpoint.read(from: run.checkpointURL(epoch: 0), layout: layout)
        weightsOnly.optimizer = nil
        try weightsOnly.write(to: run.checkpointURL(epoch: 0), layout: layout, config: nil)
        XCTAssertThrowsError(try filler.fill([5, 10, 20])) { error in
            XCTAssertEqual(error as? CheckpointFillerError, .noResumableCheckpoint(run: "short", epochs: [5, 10, 20]))
            XCTAssertEqual("\(error)", "epochs 5, 10, 20 of run 'short' have no earlier checkpoint holding optimizer state "
                + "(optimizer.exp_avg.*) to train forward from, so they cannot be recreated")
        }
        XCTAssertEqual(run.checkpointEpochs(), [0, 30, 60])
        // Only the epochs without a starting point are named; later ones start from 30.
        XCTAssertThrowsError(try filler.plan([25, 40])) {
            XCTAssertEqual($0 as? CheckpointFillerError, .noResumableCheckpoint(run: "short", epochs: [25]))
        }
        XCTAssertEqual(try filler.plan([40]).gaps, [.init(start: 30, targets: [40])])

        // A run stopped before its end: plain `resume` reaches the epoch.
        try FileManager.default.removeItem(at: run.checkpointURL(epoch: 60))
        XCTAssertThrowsError(try filler.plan([45])) { error in
            XCTAssertEqual("\(error)", "epoch 45 is beyond the last trained epoch of run 'short' (30); only trained epochs "
                + "can be recreated. Train further first with `resume` (to epoch 60), then fill again")
        }
    }
}
