/// Where a running sweep stands, reported while it runs (the prompt's live table).
public struct SweepProgress: Sendable, Equatable {
    /// A point being trained now.
    public struct Running: Sendable, Equatable {
        public var name: String
        public var epoch: Int
        public var target: Int
        public var testAccuracy: Double?

        public init(name: String, epoch: Int, target: Int, testAccuracy: Double?) {
            self.name = name; self.epoch = epoch; self.target = target; self.testAccuracy = testAccuracy
        }
    }
    public var name: String
    public var total: Int
    public var finished: Int
    public var failed: Int
    public var queued: Int
    public var running: [Running]
    public var elapsedSeconds: Double
    /// Seconds left at the rate of this session so far (nil until an epoch was trained).
    public var etaSeconds: Double?
    /// True once a stop was asked for: workers are saving their checkpoints.
    public var stopping: Bool

    public init(name: String, total: Int, finished: Int, failed: Int, queued: Int, running: [Running], elapsedSeconds: Double,
                etaSeconds: Double?, stopping: Bool) {
        self.name = name; self.total = total; self.finished = finished; self.failed = failed; self.queued = queued
        self.running = running; self.elapsedSeconds = elapsedSeconds; self.etaSeconds = etaSeconds; self.stopping = stopping
    }
}

/// How one `sweep` session ended.
public struct SweepRunOutcome: Sendable, Equatable {
    public var total: Int
    public var finished: Int
    public var stopped: Int
    public var failed: Int
    public var queued: Int
    /// Points a worker trained in this session (started, resumed or finished).
    public var trainedNow: Int
    public var cancelled: Bool
    public var seconds: Double
    /// Per worker this session: its wall time minus the training time it reported (process start, loading, writing).
    public var overheadSeconds: [Double]
    /// The failed points and why.
    public var failures: [(name: String, error: String)]

    public static func == (a: SweepRunOutcome, b: SweepRunOutcome) -> Bool {
        a.total == b.total && a.finished == b.finished && a.stopped == b.stopped && a.failed == b.failed
            && a.queued == b.queued && a.trainedNow == b.trainedNow && a.cancelled == b.cancelled
    }
}
