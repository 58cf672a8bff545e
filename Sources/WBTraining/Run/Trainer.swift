import Foundation
import WBSupport

/// Progress of a training session, reported after every epoch.
public struct TrainingProgress: Sendable {
    public var epoch: Int
    public var targetEpochs: Int
    public var startEpoch: Int
    /// The latest evaluated metrics (test loss and accuracy from the latest evaluated epoch).
    public var latest: EpochMetrics
    public var elapsedSeconds: Double
    public var savedCheckpoint: Int?
    /// The run being trained (its checkpoints and metrics so far are on disk at every saved checkpoint).
    public var run: RunFolder?
    /// What departs from the paper's task and optimiser (`TrainingConfig.variantLabel`), for the progress line.
    public var variant: String?
    public var secondsPerEpoch: Double {
        epoch > startEpoch ? elapsedSeconds / Double(epoch - startEpoch) : 0
    }
    public var remainingSeconds: Double { secondsPerEpoch * Double(targetEpochs - epoch) }
}

/// How a training session ended.
public struct TrainingOutcome: Sendable {
    /// Whether the run reached its last epoch, or was stopped (Ctrl-C, a cancelled token) with a checkpoint of the epoch
    /// it reached.
    public enum Status: String, Sendable { case finished, cancelled }
    public var status: Status
    public var run: RunFolder
    public var epoch: Int
    public var final: EpochMetrics?
    public var seconds: Double

    public init(status: Status, run: RunFolder, epoch: Int, final: EpochMetrics?, seconds: Double) {
        self.status = status; self.run = run; self.epoch = epoch; self.final = final; self.seconds = seconds
    }
}

/// Trains a run into its folder: creates it (`start`) or continues it from its latest checkpoint (`resume`), saves the
/// scheduled checkpoints and the metrics, reports progress, and stops cleanly on cancellation after the current epoch
/// with a checkpoint of the epoch reached.
public enum Trainer {
    public typealias ProgressHandler = (TrainingProgress) -> Void

    /// A new run from `config` under `root`. Refuses when a run of that name exists.
    public static func start(_ config: TrainingConfig, root: URL, template: String? = nil,
                             cancel: CancellationToken = CancellationToken(),
                             progress: ProgressHandler = { _ in }) throws -> TrainingOutcome {
        try config.validate()
        let run = RunFolder(url: root.appendingPathComponent(config.name, isDirectory: true))
        if run.exists {
            let epochs = run.checkpointEpochs().last.map { "latest checkpoint at epoch \($0)" } ?? "no checkpoints"
            throw RunFolderError.alreadyExists(name: config.name, detail: epochs)
        }
        let layout = config.layout
        var parameters: [Float]
        var split: DataSplit
        if let initPath = config.initFile {
            let initial: Checkpoint
            do { initial = try Checkpoint.read(from: URL(fileURLWithPath: initPath), layout: layout) } catch {
                throw ConfigError.invalid(key: "init", value: initPath, allowed: "a readable safetensors file of weights for this shape: \(error)")
            }
            parameters = initial.parameters
            split = try initial.trainIndices.map { try DataSplit.explicit(p: config.p, trainIndices: $0, task: config.task) }
                ?? config.shuffledSplit
        } else {
            parameters = ParameterInitializer.initialWeights(layout, seed: config.initSeed)
            split = config.shuffledSplit
        }
        if config.initScale != 1 {
            let scale = Float(config.initScale)
            for i in parameters.indices { parameters[i] *= scale }
        }
        try FileManager.default.createDirectory(at: run.checkpointsURL, withIntermediateDirectories: true)
        let now = ISO8601DateFormatter().string(from: Date())
        let platform = NumericPlatform.current(threads: config.threads)
        try run.writeRecord(.init(format: RunFolder.format, config: config, template: template, created: now, updated: now,
                                  blasThreads: config.threads, platform: platform))
        if let indices = config.initFile == nil ? nil : Optional(split.trainIndices) {
            try AtomicFile.write(indices.map(String.init).joined(separator: ",") + "\n", to: run.trainIndicesURL)
        }
        run.log("train \(config.nonDefaultAssignments.joined(separator: " ")) (config hash \(config.trajectoryHash); \(platform))")
        if config.variantLabel != nil { run.log("task and optimiser: \(config.taskDescription)") }
        if config.grokfast == .ma {
            let megabytes = Double(config.gfWindow * layout.totalCount * 4) / 1e6
            run.log(String(format: "note: Grokfast-MA keeps its last %d gradients in every checkpoint (%.0f MB each), so that "
                           + "resume and range fill stay exact", config.gfWindow, megabytes))
        }
        if let warning = platform.warning { run.log("note: \(warning)") }
        if config.moments == .latest { run.log("note: \(momentsNote(config))") }
        let engine = TrainingEngine(config: config, split: split, parameters: parameters)
        return try loop(engine: engine, run: run, metrics: [], cancel: cancel, progress: progress)
    }

    /// Continues `run` from its latest checkpoint with optimizer state, to `epochs` (default: the config's).
    /// The trajectory is bit-identical to one that never stopped (on the same numeric platform).
    public static func resume(_ run: RunFolder, epochs: Int? = nil, cancel: CancellationToken = CancellationToken(),
                              progress: ProgressHandler = { _ in }) throws -> TrainingOutcome {
        var record = try run.readRecord()
        var config = record.config
        let layout = config.layout
        let latest = run.checkpointEpochs().reversed().lazy.compactMap {
            run.resumableCheckpoint(epoch: $0, layout: layout, filter: config.grokfast, minibatches: config.batch > 0)
        }.first
        guard let start = latest else { throw RunFolderError.noCheckpoint(path: run.url.path) }
        if let epochs {
            guard epochs >= start.epoch else {
                throw ConfigError.invalid(key: "epochs", value: "\(epochs)", allowed: "at least \(start.epoch), the latest checkpoint")
            }
            config.epochs = epochs
            try config.validate()
        }
        guard start.epoch < config.epochs else {
            throw RunFolderError.nothingToDo("run '\(run.name)' is already at epoch \(start.epoch) of \(config.epochs); give epochs=N to train further")
        }
        let split = try run.split(for: config)
        noteNumericPlatform(of: config, recorded: record, in: run)
        record.config = config
        record.updated = ISO8601DateFormatter().string(from: Date())
        try run.writeRecord(record)
        let metrics = try run.readMetrics().filter { $0.epoch < start.epoch }
        run.log("resume from epoch \(start.epoch) to \(config.epochs)")
        let engine = TrainingEngine(config: config, split: split, parameters: start.parameters, optimizer: start.optimizer,
                                    epoch: start.epoch, filterState: start.filter?.state ?? GradientFilterState(),
                                    batchGenerator: start.batchGenerator)
        return try loop(engine: engine, run: run, metrics: metrics, cancel: cancel, progress: progress)
    }

    /// What `moments=latest` means for a run, for its log and `info`.
    static func momentsNote(_ config: TrainingConfig) -> String {
        let state = config.grokfast == .none ? "AdamW moments" : "AdamW moments and Grokfast state"
        return "moments=latest: only epoch 0 and the newest checkpoint keep the \(state); the others hold weights only, "
            + "and range fill trains forward from epoch 0 or the newest"
    }

    /// Notes in the run's log when this machine's numeric platform differs from the one that made the run: training goes
    /// on, but what it adds may differ in the last bits from what the recorded platform would add.
    static func noteNumericPlatform(of config: TrainingConfig, recorded record: RunFolder.Record, in run: RunFolder) {
        let now = NumericPlatform.current(threads: config.threads)
        if let recorded = record.platform, recorded.id != now.id {
            run.log("note: numeric platform \(now.id) here, \(recorded.id) recorded; what is trained now may differ in the last bits")
        } else if record.platform == nil {
            run.log("note: the run records no numeric platform (made before wb pinned its kernels); continuing on \(now.id)")
        }
    }

    private static func loop(engine: TrainingEngine, run: RunFolder, metrics initial: [EpochMetrics],
                             cancel: CancellationToken, progress: ProgressHandler) throws -> TrainingOutcome {
        let config = engine.config
        let checkpoints = Set(config.checkpointEpochs())
        let startEpoch = engine.epoch
        let clock = Date()
        var metrics = initial
        var latest: EpochMetrics?
        var lastFlush = Date()

        let pruner = config.moments == .latest ? MomentsPruner(run: run) : nil

        // Metrics first: after a crash between the two writes, rows past the latest checkpoint are dropped on resume.
        // Then, with moments=latest, the checkpoint that was newest loses its moments (only once the new one is on disk).
        func save() throws {
            try run.writeMetrics(metrics)
            try engine.checkpoint().write(to: run.checkpointURL(epoch: engine.epoch), layout: engine.layout, config: config)
            try pruner?.written(epoch: engine.epoch)
            lastFlush = Date()
        }

        if checkpoints.contains(engine.epoch) && !FileManager.default.fileExists(atPath: run.checkpointURL(epoch: engine.epoch).path) {
            try save()
        }
        while engine.epoch < config.epochs {
            let epoch = engine.epoch
            let evaluate = epoch % config.evalEvery == 0 || checkpoints.contains(epoch)
            var row = engine.step(evaluate: evaluate)
            if !evaluate, let previous = latest {
                row.testLoss = previous.testLoss
                row.testAccuracy = previous.testAccuracy
            } else {
                metrics.append(row)
            }
            latest = row
            let cancelled = cancel.isCancelled
            var saved: Int?
            if checkpoints.contains(engine.epoch) || cancelled {
                if engine.epoch == config.epochs { metrics.append(engine.measure()); latest = metrics.last }
                try save()
                saved = engine.epoch
            } else if Date().timeIntervalSince(lastFlush) > 30 {
                try run.writeMetrics(metrics)
                lastFlush = Date()
            }
            progress(TrainingProgress(epoch: engine.epoch, targetEpochs: config.epochs, startEpoch: startEpoch, latest: row,
                                      elapsedSeconds: Date().timeIntervalSince(clock), savedCheckpoint: saved, run: run,
                                      variant: config.variantLabel))
            if cancelled && engine.epoch < config.epochs {
                run.log("stopped at epoch \(engine.epoch) (cancelled); checkpoint saved")
                return TrainingOutcome(status: .cancelled, run: run, epoch: engine.epoch, final: latest,
                                       seconds: Date().timeIntervalSince(clock))
            }
        }
        let seconds = Date().timeIntervalSince(clock)
        if let last = metrics.last {
            run.log(String(format: "finished at epoch %d in %.1f s: train loss %.3e, test loss %.3e, test accuracy %.1f%%",
                           engine.epoch, seconds, last.trainLoss, last.testLoss, last.testAccuracy * 100))
        }
        return TrainingOutcome(status: .finished, run: run, epoch: engine.epoch, final: metrics.last, seconds: seconds)
    }
}
