/// Progress of a runner call, reported after each checkpoint.
public struct AnalysisProgress: Sendable {
    /// The checkpoint just finished (or failed).
    public var epoch: Int
    /// Checkpoints finished so far, failed ones included, and the number selected.
    public var completed: Int
    public var total: Int
    /// Results computed and results read from the cache so far.
    public var computed: Int
    public var cached: Int
    /// Problems with this checkpoint, if any.
    public var failures: [AnalysisFailure]
    public var elapsedSeconds: Double
}

/// A checkpoint or analysis that could not be completed; the runner reports it and goes on with the rest.
public struct AnalysisFailure: Sendable, Equatable, CustomStringConvertible {
    /// The checkpoint, or nil for a failure that is not about one checkpoint.
    public var epoch: Int?
    /// The analysis, or nil when the whole checkpoint failed (missing or unreadable).
    public var analysis: String?
    public var message: String

    public init(epoch: Int?, analysis: String?, message: String) {
        self.epoch = epoch; self.analysis = analysis; self.message = message
    }

    public var description: String {
        switch (epoch, analysis) {
        case let (e?, a?): return "\(a) at epoch \(e): \(message)"
        case let (e?, nil): return message.contains("checkpoint \(e)") ? message : "checkpoint \(e): \(message)"
        case let (nil, a?): return message.hasPrefix(a + " ") ? message : "\(a): \(message)"
        default: return message
        }
    }
}

/// What a runner call did.
public struct AnalysisReport: Sendable {
    public var results: AnalysisResults
    /// The selected epochs, ascending.
    public var epochs: [Int]
    public var failures: [AnalysisFailure]
    /// Results computed, and results read from the cache.
    public var computed: Int
    public var cached: Int
    /// True when the call stopped early on cancellation (everything finished before is stored).
    public var cancelled: Bool
    /// The key frequencies given to analyses that need them (nil when none did).
    public var reference: ReferenceFrequencies?
    public var seconds: Double
}

/// Which key frequencies analyses that need a reference get.
public enum ReferenceChoice: Sendable, Equatable {
    /// `KeyFrequencies.keys` of the run's last checkpoint (the default, as the paper: fixed once from the final model).
    case finalCheckpoint
    /// `KeyFrequencies.keys` of the checkpoint at this epoch.
    case checkpoint(epoch: Int)
    /// These frequencies, given by hand (for example the paper's 14, 35, 41, 42, 52).
    case frequencies([Int])
}
