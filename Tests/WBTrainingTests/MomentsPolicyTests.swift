import Foundation
import XCTest
import WBTestSupport
@testable import WBTraining

/// `moments=latest`: every checkpoint but epoch 0 and the newest holds the weights alone; the trajectory, its hash and
/// every byte of the weights are those of `moments=every`; resume and `range fill` stay bit-exact; a kill between
/// writing a checkpoint and thinning the previous one leaves a run that resumes and cleans up.
final class MomentsPolicyTests: TemporaryFolderTestCase {
    /// Runs of one name in separate folders, so their checkpoints (whose metadata names the run) can be equal byte for byte.
    func train(_ folder: String, _ extra: [String], epochs: Int = 60, step: Int = 10,
               cancel: CancellationToken = CancellationToken(), progress: Trainer.ProgressHandler = { _ in }) throws -> RunFolder {
        let config = try TrainingConfig().applying(["p=23", "d_model=32", "heads=4", "d_mlp=128", "epochs=\(epochs)",
                                                    "checkpoints=0..\(epochs) step \(step)", "name=run", "init_seed=5"] + extra)
        return try Trainer.start(config, root: root.appendingPathComponent(folder), cancel: cancel, progress: progress).run
    }

    func bytes(_ run: RunFolder, _ epoch: Int) throws -> Data { try Data(contentsOf: run.checkpointURL(epoch: epoch)) }

    /// The epochs whose checkpoint holds AdamW moments.
    func holding(_ run: RunFolder) -> [Int] { run.checkpointEpochs().filter { run.holdsTrainingState(epoch: $0) } }

    func testKeyIsCheckedAndIsStorageOnly() throws {
        XCTAssertEqual(TrainingConfig().moments, .every)
        XCTAssertEqual(try TrainingConfig().applying(["moments=latest"]).moments, .latest)
        XCTAssertEqual(try TrainingConfig().applying(["moments=Every"]).moments, .every)
        XCTAssertThrowsError(try TrainingConfig().applying(["moments=newest"])) { error in
            XCTAssertEqual("\(error)", "moments=newest is not allowed: every (every checkpoint keeps the AdamW moments) or "
                + "latest (only epoch 0 and the newest).")
        }
        XCTAssertTrue(TrainingConfig.keys.contains("moments"))
        XCTAssertTrue(TrainingConfig.keyHelpLines.contains { $0.hasPrefix("  moments ") }, "help train lists it")
        // Not part of the trajectory: the same hash, so a run keeps its identity whatever its storage.
        let every = try TrainingConfig().applying(["p=23", "wd=0.5"])
        let latest = try every.applying(["moments=latest"])
        XCTAssertEqual(every.trajectoryHash, latest.trajectoryHash)
        XCTAssertNotEqual(every, latest, "a different storage is a different config to reuse")
        XCTAssertEqual(latest.nonDefaultAssignments.last, "moments=latest")
        XCTAssertFalse(every.nonDefaultAssignments.contains { $0.hasPrefix("moments") })

        // `every` is not written, so config files read and write as before the key existed; `latest` round-trips.
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        XCTAssertFalse(String(decoding: try encoder.encode(every), as: UTF8.self).contains("moments"))
        XCTAssertTrue(String(decoding: try encoder.encode(latest), as: UTF8.self).contains(#""moments":"latest""#))
        XCTAssertEqual(try JSONDecoder().decode(TrainingConfig.self, from: encoder.encode(latest)), latest)
        let old = #"{"name":"old","p":23,"frac":0.3,"data_seed":0,"init_seed":0,"d_model":32,"heads":4,"d_mlp":128,"lr":0.001,"wd":1,"beta1":0.9,"beta2":0.98,"eps":1e-08,"warmup":10,"epochs":40,"eval_every":1,"threads":2}"#
        XCTAssertEqual(try JSONDecoder().decode(TrainingConfig.self, from: Data(old.utf8)).moments, .every)
        let explicit = old.replacingOccurrences(of: #""threads":2"#, with: #""threads":2,"moments":"every""#)
        XCTAssertEqual(try JSONDecoder().decode(TrainingConfig.self, from: Data(explicit.utf8)),
                       try JSONDecoder().decode(TrainingConfig.self, from: Data(old.utf8)))
        XCTAssertThrowsError(try JSONDecoder().decode(TrainingConfig.self, from: Data(old.replacingOccurrences(
            of: #""threads":2"#, with: #""threads":2,"moments":"often""#).utf8)))
    }

    /// With `latest`, epoch 0 and the newest keep their moments; every other checkpoint is the `every` run's file
    /// without its training state, byte for byte; the newest and epoch 0 are the `every` run's files as they are.
    func testLatestKeepsMomentsInEpochZeroAndTheNewestOnly() throws {
        for filter in [[], ["grokfast=ema"]] {
            let tag = filter.isEmpty ? "plain" : "ema"
            let every = try train("every-\(tag)", filter)
            let latest = try train("latest-\(tag)", filter + ["moments=latest"])
            XCTAssertEqual(latest.checkpointEpochs(), [0, 10, 20, 30, 40, 50, 60])
            XCTAssertEqual(holding(every), every.checkpointEpochs())
            XCTAssertEqual(holding(latest), [0, 60], tag)
            for epoch in latest.checkpointEpochs() {
                let full = try SafetensorsFile.read(from: every.checkpointURL(epoch: epoch))
                let expected = epoch == 0 || epoch == 60 ? full.serialized() : Checkpoint.strippingTrainingState(full).serialized()
                XCTAssertEqual(try bytes(latest, epoch), expected, "\(tag) epoch \(epoch)")
            }
            let thin = try SafetensorsFile.read(from: latest.checkpointURL(epoch: 30))
            XCTAssertFalse(thin.tensors.keys.contains { $0.hasPrefix("optimizer.") || $0.hasPrefix("grokfast.") }, tag)
            XCTAssertNil(thin.metadata["adam_step"])
            XCTAssertNil(thin.metadata["grokfast"])
            XCTAssertEqual(thin.tensors.count, 11, "the weights alone")
            // The same trajectory: metrics equal but for the wall seconds.
            func numbers(_ run: RunFolder) throws -> [[Double]] {
                try run.readMetrics().map { [Double($0.epoch), $0.trainLoss, $0.testLoss, $0.trainAccuracy, $0.testAccuracy, $0.gradNorm] }
            }
            XCTAssertEqual(try numbers(latest), try numbers(every))
            XCTAssertTrue(latest.logTail(20).contains { $0.contains("note: moments=latest: only epoch 0 and the newest checkpoint keep") },
                          "\(latest.logTail(20))")
            XCTAssertEqual(try latest.readRecord().config.moments, .latest)
        }
        // A weights-only checkpoint made directly is the same file as one thinned after the fact.
        let every = try train("direct", [], epochs: 10)
        let layout = ParameterLayout(try every.readRecord().config.shape)
        let full = try Checkpoint.read(from: every.checkpointURL(epoch: 10), layout: layout)
        let config = try every.readRecord().config
        XCTAssertEqual(full.weightsOnly.file(layout: layout, config: config).serialized(),
                       Checkpoint.strippingTrainingState(try SafetensorsFile.read(from: every.checkpointURL(epoch: 10))).serialized())
    }

    /// Resume continues from the newest checkpoint with moments (where the run stopped) to the bits of a run that never stopped.
    func testResumeUsesTheNewestCheckpointWithMoments() throws {
        let straight = try train("straight", ["moments=latest"])
        let token = CancellationToken()
        let stopped = try train("stopped", ["moments=latest"], cancel: token) { if $0.epoch == 26 { token.cancel() } }
        XCTAssertEqual(stopped.checkpointEpochs(), [0, 10, 20, 27])
        XCTAssertEqual(holding(stopped), [0, 27])
        let resumed = try Trainer.resume(stopped)
        XCTAssertEqual(resumed.status, .finished)
        XCTAssertTrue(stopped.logTail(3).contains { $0.contains("resume from epoch 27 to 60") }, "\(stopped.logTail(3))")
        XCTAssertEqual(holding(stopped), [0, 60], "the checkpoint of the stop lost its moments once 30 was written")
        for epoch in straight.checkpointEpochs() {
            XCTAssertEqual(try bytes(stopped, epoch), try bytes(straight, epoch), "epoch \(epoch)")
        }
    }

    /// A kill after a checkpoint is written and before the previous one is thinned leaves two with moments: resume takes
    /// the newest, and the next checkpoint written thins both.
    func testAKillBetweenWritingAndThinningLeavesAResumableRun() throws {
        let straight = try train("straight", ["moments=latest"])
        let every = try train("every", [])
        let token = CancellationToken()
        let killed = try train("killed", ["moments=latest"], cancel: token) { if $0.epoch == 29 { token.cancel() } }
        XCTAssertEqual(holding(killed), [0, 30])
        // As if killed right after 30 was renamed into place: 20 still holds its moments.
        try FileManager.default.removeItem(at: killed.checkpointURL(epoch: 20))
        try FileManager.default.copyItem(at: every.checkpointURL(epoch: 20), to: killed.checkpointURL(epoch: 20))
        XCTAssertEqual(holding(killed), [0, 20, 30])
        let layout = ParameterLayout(try killed.readRecord().config.shape)
        XCTAssertNotNil(killed.resumableCheckpoint(epoch: 30, layout: layout))
        XCTAssertNil(killed.resumableCheckpoint(epoch: 10, layout: layout), "weights only: not resumable")
        _ = try Trainer.resume(killed)
        XCTAssertTrue(killed.logTail(3).contains { $0.contains("resume from epoch 30 to 60") }, "\(killed.logTail(3))")
        XCTAssertEqual(holding(killed), [0, 60])
        for epoch in straight.checkpointEpochs() {
            XCTAssertEqual(try bytes(killed, epoch), try bytes(straight, epoch), "epoch \(epoch)")
        }
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: killed.checkpointsURL.path).filter { $0.hasPrefix(".") }
        XCTAssertEqual(leftovers, [])
    }

    /// `range fill` of a `latest` run trains forward from epoch 0 (the only earlier checkpoint with moments), in one pass
    /// for all the gaps, and writes weights-only checkpoints equal byte for byte to those the run itself wrote.
    func testFillTrainsFromEpochZeroAndIsBitExact() throws {
        for filter in [[], ["grokfast=ma", "gf_window=4"]] {
            let tag = filter.isEmpty ? "plain" : "ma"
            let run = try train("fill-\(tag)", filter + ["moments=latest"], step: 5)
            let original = try run.checkpointEpochs().map { try bytes(run, $0) }
            let removed = [5, 10, 25, 35, 55]
            for epoch in removed { try FileManager.default.removeItem(at: run.checkpointURL(epoch: epoch)) }
            let filler = CheckpointFiller(run: run)
            let plan = try filler.plan(removed)
            XCTAssertEqual(plan.gaps, [.init(start: 0, targets: removed)], tag)
            let outcome = try filler.fill(removed)
            XCTAssertEqual(outcome.written, removed)
            XCTAssertEqual(outcome.epochsTrained, 55, "one pass from epoch 0")
            XCTAssertEqual(try run.checkpointEpochs().map { try bytes(run, $0) }, original, "\(tag): every checkpoint as trained")
            XCTAssertEqual(holding(run), [0, 60])
            // Resume after a fill still continues from the newest.
            let longer = try Trainer.resume(run, epochs: 70)
            XCTAssertEqual(longer.epoch, 70)
            XCTAssertEqual(holding(run), [0, 70])
        }
    }

    /// A run whose only checkpoint with moments besides the newest is epoch 0 cannot fill past a missing epoch 0.
    func testFillWithoutEpochZeroSaysWhy() throws {
        let run = try train("gone", ["moments=latest"])
        try FileManager.default.removeItem(at: run.checkpointURL(epoch: 0))
        XCTAssertThrowsError(try CheckpointFiller(run: run).plan([15])) { error in
            XCTAssertEqual(error as? CheckpointFillerError, .noResumableCheckpoint(run: "run", epochs: [15]))
        }
    }
}
