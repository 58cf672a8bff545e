/// The epochs at which a run crossed the thresholds grokking papers report, read from its metrics: train accuracy 99 %
/// (memorised), test accuracy 50 %, 95 % and 99 % (generalised), and the test-loss peak. An epoch is the first evaluated
/// epoch at or above the threshold; nil when the run never got there.
public struct RunMilestones: Sendable, Equatable {
    public var trainAccuracy99: Int?
    public var testAccuracy50: Int?
    public var testAccuracy95: Int?
    public var testAccuracy99: Int?
    /// The highest test loss and its epoch.
    public var testLossPeak: (epoch: Int, loss: Double)?
    /// The last evaluated epoch's metrics.
    public var final: EpochMetrics?

    public init(_ metrics: [EpochMetrics]) {
        func first(_ predicate: (EpochMetrics) -> Bool) -> Int? { metrics.first(where: predicate)?.epoch }
        trainAccuracy99 = first { $0.trainAccuracy >= 0.99 }
        testAccuracy50 = first { $0.testAccuracy >= 0.5 }
        testAccuracy95 = first { $0.testAccuracy >= 0.95 }
        testAccuracy99 = first { $0.testAccuracy >= 0.99 }
        let evaluated = metrics.filter { !$0.testLoss.isNaN }
        testLossPeak = evaluated.max { $0.testLoss < $1.testLoss }.map { ($0.epoch, $0.testLoss) }
        final = metrics.last
    }

    public static func == (a: RunMilestones, b: RunMilestones) -> Bool {
        a.trainAccuracy99 == b.trainAccuracy99 && a.testAccuracy50 == b.testAccuracy50 && a.testAccuracy95 == b.testAccuracy95
            && a.testAccuracy99 == b.testAccuracy99 && a.testLossPeak?.epoch == b.testLossPeak?.epoch
            && a.testLossPeak?.loss == b.testLossPeak?.loss && a.final == b.final
    }
}
