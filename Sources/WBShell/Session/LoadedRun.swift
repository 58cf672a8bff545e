import Foundation
import WBTraining
import WBSupport

/// A run made current by `load` or `train`: its folder, config record, metrics, checkpoints and checkpoint selection.
public struct LoadedRun {
    public let folder: RunFolder
    public var record: RunFolder.Record
    public var metrics: [EpochMetrics]
    public var checkpoints: [Int]
    public var selection: CheckpointSelection?

    /// Reads a run folder; errors name the folder.
    public static func open(_ folder: RunFolder) throws -> LoadedRun {
        let record = try folder.readRecord()
        return LoadedRun(folder: folder, record: record, metrics: try folder.readMetrics(), checkpoints: folder.checkpointEpochs(),
                         selection: try CheckpointSelection.read(from: folder))
    }

    public var name: String { folder.name }

    /// The epochs the cursor moves over: the selected checkpoints when a selection exists, else all checkpoints.
    public var navigableEpochs: [Int] {
        guard let selection else { return checkpoints }
        let available = Set(checkpoints)
        let chosen = selection.epochs.filter { available.contains($0) }
        return chosen.isEmpty ? checkpoints : chosen
    }

    /// The metrics row of an epoch, when it was evaluated.
    public func metrics(at epoch: Int) -> EpochMetrics? {
        var lo = 0, hi = metrics.count - 1
        while lo <= hi {
            let mid = (lo + hi) / 2
            if metrics[mid].epoch == epoch { return metrics[mid] }
            if metrics[mid].epoch < epoch { lo = mid + 1 } else { hi = mid - 1 }
        }
        return nil
    }
}

/// The checkpoint selection of a run (`runs/<name>/selection.json`): the spec as typed and the epochs it generates.
public struct CheckpointSelection: Codable, Equatable, Sendable {
    public var spec: String
    public var epochs: [Int]

    /// The most epochs a selection may name (a typo such as `0..40000 step 1` is refused, not stored).
    public static let maximumEpochs = 10_000

    public init(_ set: EpochSet) throws {
        spec = set.description
        epochs = try set.epochs(limit: Self.maximumEpochs)
    }

    static func url(_ folder: RunFolder) -> URL { folder.url.appendingPathComponent("selection.json") }

    public static func read(from folder: RunFolder) throws -> CheckpointSelection? {
        guard let data = try? Data(contentsOf: url(folder)) else { return nil }
        do { return try JSONDecoder().decode(CheckpointSelection.self, from: data) } catch {
            throw RunFolderError.damaged(file: "selection.json", reason: "\(error)")
        }
    }

    public func write(to folder: RunFolder) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(encoder.encode(self), to: Self.url(folder))
    }

    public static func clear(_ folder: RunFolder) throws {
        let file = url(folder)
        if FileManager.default.fileExists(atPath: file.path) { try FileManager.default.removeItem(at: file) }
    }
}
