import WBTraining

/// One point of a grid: its readable name (`wd=0.3,frac=0.4,seed=2`, also its run folder's name), the values of the
/// swept keys, and the full config it trains.
public struct SweepPoint: Sendable, Equatable, Codable {
    public var index: Int
    public var name: String
    /// The swept keys' values by config key (`init_seed` → `2`).
    public var values: [String: String]
    /// Every point's `key=value` words applied to the base config, in order (fixed keys, then this point's values).
    public var assignments: [String]
    public var config: TrainingConfig

    public init(index: Int, name: String, values: [String: String], assignments: [String], config: TrainingConfig) {
        self.index = index; self.name = name; self.values = values; self.assignments = assignments; self.config = config
    }
}

/// The state of a point in `sweep.json` and `sweep status`.
public enum PointState: String, Sendable, Equatable, Codable, CaseIterable {
    /// Not started: no run folder yet.
    case queued
    /// Being trained now (by a worker of a live sweep, or a Slurm task).
    case running
    /// Started and stopped before its last epoch; `sweep NAME` resumes it from its latest checkpoint.
    case stopped
    /// Trained to its last epoch.
    case finished
    /// Its worker ended with an error (kept in `sweep.json`); `sweep NAME` tries it again.
    case failed
}
