import Foundation
import WBTraining

/// What `runs/NAME/sweep.json` holds: the spec, every point with its config, and each point's state.
///
/// ```json
/// { "format": "wb-sweep/1", "name": "wdfrac", "grid": "wd=0.3,1 seeds=0..2 p=23", "executor": "local", "jobs": 2,
///   "axes": [{"key": "wd", …}], "points": [{"name": "wd=0.3,seed=0", "state": "finished", "config": {…}, …}], … }
/// ```
public struct SweepManifest: Sendable, Equatable, Codable {
    public var format: String
    public var name: String
    /// `SweepSpec.gridText`: what defines the points (a continued sweep must give the same, or nothing).
    public var grid: String
    public var template: String?
    public var axes: [SweepAxis]
    public var executor: SweepExecutorKind
    public var jobs: Int?
    public var created: String
    public var updated: String
    public var points: [PointRecord]
    /// The process running the sweep (a local pool), while it runs.
    public var coordinatorPID: Int32?
    /// The Slurm job array, once submitted.
    public var slurmJobID: String?
    public var slurm: SlurmOptions?

    public static let format = "wb-sweep/1"

    /// One point and its state.
    public struct PointRecord: Sendable, Equatable, Codable {
        public var point: SweepPoint
        public var state: PointState
        /// Why its worker failed (the last lines it wrote to standard error).
        public var error: String?
        /// Wall seconds its workers trained it, over all sessions.
        public var seconds: Double

        public init(point: SweepPoint, state: PointState = .queued, error: String? = nil, seconds: Double = 0) {
            self.point = point; self.state = state; self.error = error; self.seconds = seconds
        }
    }

    public init(spec: SweepSpec, points: [SweepPoint], now: Date = Date()) {
        format = Self.format
        name = spec.name
        grid = spec.gridText
        template = spec.template
        axes = spec.axes
        executor = spec.executor ?? .local
        jobs = spec.jobs
        let stamp = ISO8601DateFormatter().string(from: now)
        created = stamp
        updated = stamp
        self.points = points.map { PointRecord(point: $0) }
        slurm = spec.executor == .slurm ? spec.slurm : nil
    }

    enum CodingKeys: String, CodingKey {
        case format, name, grid, template, axes, executor, jobs, created, updated, points
        case coordinatorPID = "coordinator_pid", slurmJobID = "slurm_job_id", slurm
    }
}
