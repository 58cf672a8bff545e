import Foundation
import WBSupport

/// A run on disk (`docs/architecture.md`, The run folder):
///
///     runs/<name>/config.json                      the config, format version, numeric platform, created/updated times
///     runs/<name>/metrics.csv                      one row per evaluated epoch (`MetricsTable`)
///     runs/<name>/train.log                        human-readable log of every session, appended, never rewritten
///     runs/<name>/checkpoints/<epoch>.safetensors  weights and optimizer state (`Checkpoint`); with moments=latest,
///                                                  weights only but for epoch 0 and the newest (`MomentsPolicy`)
///
/// Every file but the log is written atomically; metrics are flushed with each checkpoint, so after a crash the folder
/// loads, and its metrics run up to (at least) its latest checkpoint.
public struct RunFolder: Sendable {
    public let url: URL
    public var name: String { url.lastPathComponent }
    public var configURL: URL { url.appendingPathComponent("config.json") }
    public var metricsURL: URL { url.appendingPathComponent("metrics.csv") }
    public var logURL: URL { url.appendingPathComponent("train.log") }
    public var checkpointsURL: URL { url.appendingPathComponent("checkpoints") }

    public init(url: URL) { self.url = url }

    /// The folder that holds runs: `--runs DIR`, else `$WB_RUNS`, else `./runs`.
    public static func runsRoot(_ explicit: String? = nil) -> URL {
        let path = explicit ?? ProcessInfo.processInfo.environment["WB_RUNS"] ?? "runs"
        return URL(fileURLWithPath: path, isDirectory: true).standardizedFileURL
    }

    /// What `config.json` holds.
    public struct Record: Codable, Sendable, Equatable {
        public var format: String
        public var config: TrainingConfig
        public var template: String?
        public var created: String
        public var updated: String
        /// The worker threads (the config's `threads`) when the run was made.
        public var blasThreads: Int
        /// What produced the numbers (kernels, architecture, threads); absent in runs made before wb recorded it.
        public var platform: NumericPlatform?
        enum CodingKeys: String, CodingKey {
            case format, config, template, created, updated, blasThreads = "blas_threads", platform = "numeric_platform"
        }
    }

    public static let format = "wb-run/1"

    public var exists: Bool { FileManager.default.fileExists(atPath: configURL.path) }

    public func readRecord() throws -> Record {
        let data: Data
        do { data = try Data(contentsOf: configURL) } catch {
            throw RunFolderError.notARun(path: url.path)
        }
        do { return try JSONDecoder().decode(Record.self, from: data) } catch {
            throw RunFolderError.damaged(file: "config.json", reason: "\(error)")
        }
    }

    public func writeRecord(_ record: Record) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(encoder.encode(record), to: configURL)
    }

    public func checkpointURL(epoch: Int) -> URL { checkpointsURL.appendingPathComponent("\(epoch).safetensors") }

    /// The epochs that have a checkpoint file, sorted.
    public func checkpointEpochs() -> [Int] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: checkpointsURL.path)) ?? []
        return names.compactMap { name -> Int? in
            guard name.hasSuffix(".safetensors"), !name.hasPrefix(".") else { return nil }
            return Int(name.dropLast(".safetensors".count))
        }.sorted()
    }

    /// The checkpoint of `epoch` when training can continue from it: readable, holding optimizer state (and the state of
    /// the Grokfast filter `filter`, when there is one), and of that epoch.
    public func resumableCheckpoint(epoch: Int, layout: ParameterLayout, filter: GradientFilterKind = .none,
                                    minibatches: Bool = false) -> Checkpoint? {
        // Weights-only checkpoints (moments=latest) are told apart by their header, without reading their weights.
        guard holdsTrainingState(epoch: epoch), let checkpoint = try? Checkpoint.read(from: checkpointURL(epoch: epoch), layout: layout),
              checkpoint.optimizer != nil, checkpoint.epoch == epoch else { return nil }
        if minibatches && checkpoint.batchGenerator == nil { return nil }
        if filter != .none {
            // After epoch 0 the filter has seen gradients, so its state must be there.
            guard let saved = checkpoint.filter, saved.kind == filter, epoch == 0 || !saved.state.isEmpty else { return nil }
        }
        return checkpoint
    }

    /// Whether the checkpoint of `epoch` holds AdamW moments (its header says so; the tensors are not read).
    public func holdsTrainingState(epoch: Int) -> Bool {
        guard let header = try? SafetensorsHeader.read(from: checkpointURL(epoch: epoch)) else { return false }
        return Checkpoint.holdsTrainingState(header)
    }

    public func readMetrics() throws -> [EpochMetrics] {
        guard FileManager.default.fileExists(atPath: metricsURL.path) else { return [] }
        return try MetricsTable.parse(String(decoding: Data(contentsOf: metricsURL), as: UTF8.self))
    }

    public func writeMetrics(_ rows: [EpochMetrics]) throws {
        try AtomicFile.write(MetricsTable.render(rows), to: metricsURL)
    }

    /// `train_indices.txt`: the training split of a run made from an init file that carried one.
    public var trainIndicesURL: URL { url.appendingPathComponent("train_indices.txt") }

    /// The run's data split: the stored training indices when there are any, else the seeded shuffle of `config`.
    public func split(for config: TrainingConfig) throws -> DataSplit {
        if let text = try? String(contentsOf: trainIndicesURL, encoding: .utf8) {
            let indices = text.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ",").compactMap { Int($0) }
            return try DataSplit.explicit(p: config.p, trainIndices: indices, task: config.task)
        }
        return config.shuffledSplit
    }

    /// Appends one timestamped line to `train.log`.
    public func log(_ message: String) {
        let stamp = ISO8601DateFormatter().string(from: Date())
        try? AtomicFile.append("\(stamp) \(message)\n", to: logURL)
    }

    /// The last `count` lines of `train.log`.
    public func logTail(_ count: Int) -> [String] {
        let text = (try? String(contentsOf: logURL, encoding: .utf8)) ?? ""
        return Array(text.split(separator: "\n").suffix(count).map(String.init))
    }
}

/// A run folder that is missing, damaged, or in the way.
public enum RunFolderError: Error, Equatable, CustomStringConvertible {
    case notARun(path: String)
    case damaged(file: String, reason: String)
    case alreadyExists(name: String, detail: String)
    case noCheckpoint(path: String)
    case nothingToDo(String)

    public var description: String {
        switch self {
        case .notARun(let path): return "no run at \(path) (it has no readable config.json)"
        case .damaged(let file, let reason): return "\(file) is damaged: \(reason)"
        case .alreadyExists(let name, let detail):
            return "a run named '\(name)' already exists (\(detail)). Resume it with `wb resume \(name) epochs=N`, or pick another name=…"
        case .noCheckpoint(let path): return "no checkpoint with optimizer state in \(path)/checkpoints; it cannot be resumed"
        case .nothingToDo(let why): return why
        }
    }
}
