import Foundation
import WBTraining

/// Trains one point of a sweep in this process: what `wb sweep-worker` runs, for the local pool and for each Slurm task.
/// A point never trained starts (`Trainer.start`); a started one resumes from its latest checkpoint (`Trainer.resume`,
/// bit-identical to never having stopped); a finished one is left as it is. One worker at a time trains a point
/// (`SweepPointLock`).
public enum SweepPointTrainer {
    /// Trains point `index` of the sweep in `folder`. Returns nil when the point was already finished.
    public static func train(_ folder: SweepFolder, index: Int, cancel: CancellationToken = CancellationToken(),
                             progress: Trainer.ProgressHandler = { _ in }) throws -> TrainingOutcome? {
        let manifest = try folder.readManifest()
        guard manifest.points.indices.contains(index) else {
            throw SweepError.worker("sweep '\(manifest.name)' has points 0...\(manifest.points.count - 1), not \(index)")
        }
        let point = manifest.points[index].point
        let lock = try SweepPointLock(folder, index: index)
        defer { withExtendedLifetime(lock) {} }
        let run = folder.run(point)
        if run.exists, let record = try? run.readRecord() {
            guard record.config.trajectoryHash == point.config.trajectoryHash else {
                throw SweepError.worker("\(run.url.path) holds a run of another config (hash \(record.config.trajectoryHash), "
                    + "the point's is \(point.config.trajectoryHash)); move it away to train the point")
            }
            let layout = record.config.layout
            let resumable = run.checkpointEpochs().reversed().first {
                run.resumableCheckpoint(epoch: $0, layout: layout, filter: record.config.grokfast,
                                       minibatches: record.config.batch > 0) != nil
            }
            if let latest = resumable {
                if latest >= record.config.epochs { return nil }
                return try Trainer.resume(run, cancel: cancel, progress: progress)
            }
        }
        // A folder without a resumable checkpoint holds nothing trained (the epoch-0 checkpoint is written first): start over.
        if FileManager.default.fileExists(atPath: run.url.path) { try FileManager.default.removeItem(at: run.url) }
        return try Trainer.start(point.config, root: folder.url, cancel: cancel, progress: progress)
    }
}

/// The lines a worker writes on standard output for the process that started it, one event a line:
///
///     progress EPOCH TARGET TEST_ACCURACY SECONDS
///     result finished|cancelled|skipped EPOCH SECONDS
public enum WorkerMessage: Equatable, Sendable {
    case progress(epoch: Int, target: Int, testAccuracy: Double, seconds: Double)
    case result(status: String, epoch: Int, seconds: Double)

    public var line: String {
        switch self {
        case .progress(let epoch, let target, let accuracy, let seconds):
            return String(format: "progress %d %d %.6f %.3f", epoch, target, accuracy, seconds)
        case .result(let status, let epoch, let seconds):
            return String(format: "result %@ %d %.3f", status, epoch, seconds)
        }
    }

    public init?(line: String) {
        let words = line.split(separator: " ").map(String.init)
        if words.count == 5, words[0] == "progress", let e = Int(words[1]), let t = Int(words[2]), let a = Double(words[3]),
           let s = Double(words[4]) {
            self = .progress(epoch: e, target: t, testAccuracy: a, seconds: s)
        } else if words.count == 4, words[0] == "result", let e = Int(words[2]), let s = Double(words[3]) {
            self = .result(status: words[1], epoch: e, seconds: s)
        } else {
            return nil
        }
    }
}
