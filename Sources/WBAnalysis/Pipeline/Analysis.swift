import WBTraining

/// What an analysis needs besides the checkpoint it runs on.
public enum AnalysisNeeds: String, Codable, Sendable {
    /// One checkpoint and nothing else.
    case checkpoint
    /// One checkpoint plus the key frequencies of the run's reference checkpoint (the final one by default), fixed once
    /// per run as the paper does for its progress measures.
    case checkpointAndReference = "checkpoint_and_reference"
}

/// The key frequencies of a run's reference checkpoint, handed to analyses that need them.
public struct ReferenceFrequencies: Codable, Sendable, Equatable {
    /// The reference checkpoint, or nil when the frequencies were given by hand.
    public var epoch: Int?
    /// Key frequencies k (1…`basis.frequencyCount`: (p−1)/2 for addition), ascending.
    public var frequencies: [Int]
    /// How they were chosen (for example `key_frequencies.keys at epoch 8000` or `given`).
    public var source: String

    public init(epoch: Int?, frequencies: [Int], source: String) {
        self.epoch = epoch; self.frequencies = frequencies.sorted(); self.source = source
    }
}

/// What `compute` receives: the checkpoint (weights and the lazily shared forward pass) and, for analyses that need it,
/// the reference key frequencies.
public struct AnalysisInput {
    public let checkpoint: CheckpointState
    public let reference: ReferenceFrequencies?
    public var run: RunContext { checkpoint.run }
    public var epoch: Int { checkpoint.epoch }

    public init(checkpoint: CheckpointState, reference: ReferenceFrequencies? = nil) {
        self.checkpoint = checkpoint; self.reference = reference
    }

    /// The reference key frequencies, or an error naming the analysis that needed them.
    public func requireReference(for analysis: String) throws -> ReferenceFrequencies {
        guard let reference else { throw AnalysisError.noReference(reason: "\(analysis) needs the reference key frequencies and none were given") }
        return reference
    }
}

/// One analysis: a stable name, a version, what it needs, the tasks it applies to, and a `compute` that turns one
/// checkpoint into a Codable result.
///
/// The name and version key the cache (`runs/<name>/analysis/<analysis>.v<version>/<epoch>.json`): bump `version`
/// whenever the result's meaning or fields change. `options` holds any setting that changes the result (for example a
/// threshold); a cached result made with other options is recomputed. Results are the cache format and are read by
/// notebooks, so their coding keys are snake_case and stable.
///
/// Adding an analysis is one new file with a type conforming to this protocol, and one line in `AnalysisRegistry.standard`
/// (see docs/analysis.md for a worked example).
public protocol Analysis: Sendable {
    associatedtype Result: Codable & Sendable
    /// Stable, snake_case; used in file names and commands.
    static var name: String { get }
    static var version: Int { get }
    /// One line for help text.
    static var summary: String { get }
    static var needs: AnalysisNeeds { get }
    /// The tasks the analysis has a meaning for (every task by default; the Fourier analyses: `CyclicView.tasks`).
    /// The runner refuses it for any other task (`AnalysisError.inapplicable`).
    static var tasks: [ModularTask] { get }
    /// Whether it reads attention, which an MLP does not have (the runner refuses it there).
    static var readsAttention: Bool { get }
    /// Settings that change the result, as text (empty by default).
    var options: String { get }
    func compute(_ input: AnalysisInput) throws -> Result
}

extension Analysis {
    public static var needs: AnalysisNeeds { .checkpoint }
    public static var tasks: [ModularTask] { ModularTask.allCases }
    public static var readsAttention: Bool { false }
    public var options: String { "" }
    /// Whether the analysis has a meaning for `task`.
    public static func applies(to task: ModularTask) -> Bool { tasks.contains(task) }
    public func applies(to task: ModularTask) -> Bool { Self.applies(to: task) }
    public var tasks: [ModularTask] { Self.tasks }
    /// Throws `AnalysisError.inapplicable` when the analysis has no meaning for `task`.
    public static func requireApplicable(to task: ModularTask) throws {
        guard applies(to: task) else { throw AnalysisError.inapplicable(analysis: name, task: task, applicable: tasks) }
    }
    /// The type's name, on an instance (handy on `any Analysis`).
    public var name: String { Self.name }
    public var version: Int { Self.version }
    public var summary: String { Self.summary }
    public var needs: AnalysisNeeds { Self.needs }
}
