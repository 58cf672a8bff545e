import Foundation

/// Recreates missing checkpoints of a trained run. Training is deterministic, so the weights and AdamW state at any epoch
/// up to the run's latest checkpoint follow from the nearest earlier checkpoint that holds optimizer state: the filler
/// loads it and steps the engine forward, writing each missing epoch on the way. The result is bit-identical to the
/// checkpoint an uninterrupted run would have saved (same config, split and numeric platform, as `Trainer.resume`).
/// Under `moments=latest` that is a weights-only checkpoint, and the nearest checkpoint with optimizer state is epoch 0
/// (or the newest), so a fill trains from there; gaps sharing that start are still trained in one pass.
///
/// Missing epochs that share a starting checkpoint form one gap, trained in one pass up to its last missing epoch, so no
/// stretch is trained twice. Steps skip the test-set evaluation (it does not touch the trajectory), and `metrics.csv` and
/// the existing checkpoints are never written. Each new checkpoint is written atomically; on cancellation the filler stops
/// after the current step and every file written so far is complete.
public struct CheckpointFiller {
    public let run: RunFolder

    public init(run: RunFolder) { self.run = run }

    /// Missing epochs that share a starting checkpoint: trained from `start` to `targets.last` in one pass.
    public struct Gap: Sendable, Equatable {
        public var start: Int
        public var targets: [Int]
        public var epochs: Int { (targets.last ?? start) - start }
    }

    /// What a fill will do: the gaps in epoch order.
    public struct Plan: Sendable, Equatable {
        public var gaps: [Gap]
        public var targets: [Int] { gaps.flatMap(\.targets) }
        /// Training steps the plan takes.
        public var epochs: Int { gaps.reduce(0) { $0 + $1.epochs } }
    }

    /// Progress, reported after every training step and every checkpoint written.
    public struct Progress: Sendable {
        public var epoch: Int
        public var epochsDone: Int
        public var epochsTotal: Int
        public var checkpointsWritten: Int
        public var checkpointsTotal: Int
    }

    /// What a fill did.
    public struct Outcome: Sendable {
        /// The checkpoints written, in epoch order.
        public var written: [Int]
        /// The checkpoints the fill set out to write (all of `written` and, when cancelled, the rest).
        public var planned: [Int]
        public var epochsTrained: Int
        public var cancelled: Bool
        public var seconds: Double
        public var epochsPerSecond: Double { seconds > 0 ? Double(epochsTrained) / seconds : 0 }
    }

    /// The gaps that recreate those of `wanted` that have no checkpoint. Refuses, before any work, epochs after the
    /// run's latest checkpoint and epochs with no earlier checkpoint holding optimizer state.
    public func plan(_ wanted: [Int]) throws -> Plan {
        let record = try run.readRecord()
        let existing = run.checkpointEpochs()
        let have = Set(existing)
        let missing = Array(Set(wanted).subtracting(have)).sorted()
        guard !missing.isEmpty else { return Plan(gaps: []) }
        let last = existing.last ?? 0
        let beyond = missing.filter { $0 > last || existing.isEmpty }
        if !beyond.isEmpty {
            throw CheckpointFillerError.beyondLastCheckpoint(run: run.name, epochs: beyond, last: existing.last,
                                                             configEpochs: record.config.epochs)
        }
        let layout = record.config.layout
        var resumable: [Int: Bool] = [:]
        func isResumable(_ epoch: Int) -> Bool {
            if let known = resumable[epoch] { return known }
            let ok = run.resumableCheckpoint(epoch: epoch, layout: layout, filter: record.config.grokfast,
                                              minibatches: record.config.batch > 0) != nil
            resumable[epoch] = ok
            return ok
        }
        var gaps: [Gap] = []
        var orphans: [Int] = []
        var candidate = existing.count - 1
        // Walk the missing epochs from the top so each existing checkpoint is examined at most once.
        for epoch in missing.reversed() {
            while candidate >= 0 && existing[candidate] > epoch { candidate -= 1 }
            var index = candidate
            while index >= 0 && !isResumable(existing[index]) { index -= 1 }
            guard index >= 0 else { orphans.append(epoch); continue }
            let start = existing[index]
            if let lastGap = gaps.last, lastGap.start == start {
                gaps[gaps.count - 1].targets.insert(epoch, at: 0)
            } else {
                gaps.append(Gap(start: start, targets: [epoch]))
            }
        }
        if !orphans.isEmpty {
            throw CheckpointFillerError.noResumableCheckpoint(run: run.name, epochs: orphans.reversed())
        }
        return Plan(gaps: gaps.reversed())
    }

    /// Writes the checkpoints of `wanted` that are missing (see `plan`), reporting progress; stops early when `cancel` is set.
    public func fill(_ wanted: [Int], cancel: CancellationToken = CancellationToken(),
                     progress: (Progress) -> Void = { _ in }) throws -> Outcome {
        let plan = try plan(wanted)
        let clock = Date()
        guard !plan.gaps.isEmpty else {
            return Outcome(written: [], planned: [], epochsTrained: 0, cancelled: false, seconds: 0)
        }
        let record = try run.readRecord()
        let config = record.config
        let layout = config.layout
        let split = try run.split(for: config)
        Trainer.noteNumericPlatform(of: config, recorded: record, in: run)
        let planned = plan.targets
        run.log("fill \(planned.count) missing checkpoints (\(EpochList.short(planned, counted: true))) by training forward from "
            + "\(EpochList.short(plan.gaps.map(\.start), counted: true)), \(plan.epochs) epochs")

        var written: [Int] = []
        var done = 0
        var cancelled = false
        gaps: for gap in plan.gaps {
            let start = try Checkpoint.read(from: run.checkpointURL(epoch: gap.start), layout: layout)
            let engine = TrainingEngine(config: config, split: split, parameters: start.parameters, optimizer: start.optimizer,
                                        epoch: start.epoch, filterState: start.filter?.state ?? GradientFilterState(),
                                    batchGenerator: start.batchGenerator)
            var pending = gap.targets[...]
            while let next = pending.first {
                if cancel.isCancelled { cancelled = true; break gaps }
                engine.step(evaluate: false)
                done += 1
                if engine.epoch == next {
                    // Under moments=latest a recreated checkpoint is what training would have left there: weights only.
                    let made = config.moments == .latest ? engine.checkpoint().weightsOnly : engine.checkpoint()
                    try made.write(to: run.checkpointURL(epoch: next), layout: layout, config: config)
                    written.append(next)
                    pending.removeFirst()
                }
                progress(Progress(epoch: engine.epoch, epochsDone: done, epochsTotal: plan.epochs,
                                  checkpointsWritten: written.count, checkpointsTotal: planned.count))
            }
        }
        let seconds = Date().timeIntervalSince(clock)
        if cancelled {
            run.log("fill stopped (cancelled) after \(written.count) of \(planned.count) checkpoints"
                + (written.isEmpty ? "" : " (\(EpochList.short(written, counted: true)))"))
        } else {
            run.log(String(format: "fill done: %d checkpoints, %d epochs in %.1f s", written.count, done, seconds))
        }
        return Outcome(written: written, planned: planned, epochsTrained: done, cancelled: cancelled, seconds: seconds)
    }

    /// The epochs among `epochs` that the run's checkpoint schedule does not name: checkpoints made by a fill (or saved
    /// when a session was stopped early).
    public func offSchedule(_ epochs: [Int]) throws -> [Int] {
        let scheduled = Set(try run.readRecord().config.checkpointEpochs())
        return epochs.filter { !scheduled.contains($0) }
    }

    /// Deletes the checkpoints before the latest one that the config's schedule does not name: those a fill made (and
    /// those of a session stopped early and resumed since), so the run looks as freshly trained. Notebook replays do this
    /// to a reused run, so every command sees what it saw when recorded. Returns their epochs.
    @discardableResult
    public func removeUnscheduled() throws -> [Int] {
        let existing = run.checkpointEpochs()
        let extra = try offSchedule(Array(existing.dropLast()))
        for epoch in extra { try FileManager.default.removeItem(at: run.checkpointURL(epoch: epoch)) }
        if !extra.isEmpty { run.log("removed \(extra.count) unscheduled checkpoints (\(EpochList.short(extra, counted: true))) to replay on the run as trained") }
        return extra
    }
}

/// Why missing checkpoints cannot be recreated.
public enum CheckpointFillerError: Error, Equatable, CustomStringConvertible {
    /// Epochs after the latest checkpoint have not been trained yet (`last` is nil for a run without checkpoints).
    case beyondLastCheckpoint(run: String, epochs: [Int], last: Int?, configEpochs: Int)
    /// Epochs with no earlier checkpoint that holds optimizer state to train forward from.
    case noResumableCheckpoint(run: String, epochs: [Int])

    public var description: String {
        switch self {
        case .beyondLastCheckpoint(let run, let epochs, let last, let configEpochs):
            guard let last else { return "run '\(run)' has no checkpoints yet; train it first" }
            let target = epochs.last ?? last
            let how = target <= configEpochs ? "`resume` (to epoch \(configEpochs))" : "`resume epochs=\(target)`"
            return "epoch\(epochs.count == 1 ? "" : "s") \(EpochList.short(epochs, counted: true)) \(epochs.count == 1 ? "is" : "are") "
                + "beyond the last trained epoch of run '\(run)' (\(last)); only trained epochs can be recreated. "
                + "Train further first with \(how), then fill again"
        case .noResumableCheckpoint(let run, let epochs):
            return "epoch\(epochs.count == 1 ? "" : "s") \(EpochList.short(epochs, counted: true)) of run '\(run)' "
                + "\(epochs.count == 1 ? "has" : "have") no earlier checkpoint holding optimizer state (optimizer.exp_avg.*) "
                + "to train forward from, so \(epochs.count == 1 ? "it" : "they") cannot be recreated"
        }
    }
}
