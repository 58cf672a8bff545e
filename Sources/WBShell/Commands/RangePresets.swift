import Foundation
import WBAnalysis
import WBTraining

/// Named selections (`range grokking`, `range memorisation`, `range all`): windows found from a run's metrics by
/// `TrainingPhases`, turned into an `A..B step S` range that lands on the run's checkpoints where it can.
public enum RangePreset: String, CaseIterable, Sendable {
    /// From where the test loss starts to fall for good to where it levels off.
    case grokking
    /// From the start to the peak of the test loss.
    case memorization = "memorisation"
    /// Every checkpoint (the same as having no selection).
    case all

    /// Accepts the American spelling too.
    public init?(word: String) {
        let w = word.lowercased()
        if w == "memorization" { self = .memorization; return }
        self.init(rawValue: w)
    }

    /// What the help says about each preset.
    public static let helpLines = [
        "grokking      from the last epoch the test loss is within 5 % (in log) of its fall below its peak, to the first",
        "              epoch 90 % of the fall is done: where test loss falls for good, to where it levels off",
        "memorisation  from the start to the epoch the test loss peaks (train loss falls, test loss rises)",
        "all           every checkpoint (the same as `range clear`)",
    ]

    /// Target count of epochs a preset selects when the run's checkpoints are too sparse in the window to use them.
    static let targetCount = 30
    /// At most this many epochs from the checkpoint grid.
    static let maximumCount = 60

    /// The window of this preset for a run (the epochs the rule found) and the epoch set covering it; nil for `all`.
    /// Errors say why no window exists.
    public func window(metrics: [EpochMetrics], checkpoints: [Int]) throws -> (epochs: ClosedRange<Int>, set: EpochSet)? {
        let window: ClosedRange<Int>
        switch self {
        case .all: return nil
        case .grokking, .memorization:
            let phases = try TrainingPhases.detect(epochs: metrics.map(\.epoch), testLoss: metrics.map(\.testLoss))
            window = self == .grokking ? phases.circuitFormationEnd...phases.cleanupEnd : (metrics.first?.epoch ?? 0)...phases.memorizationEnd
        }
        let item = Self.item(covering: window, checkpoints: checkpoints, lastEpoch: metrics.last?.epoch ?? window.upperBound)
        return (window, EpochSet(items: [item]))
    }

    /// An `A..B step S` covering `window`: on the checkpoint grid when at least 10 checkpoints cover it (thinned to at
    /// most 60 epochs), else a round step giving about 30 epochs (`range fill` can make the missing checkpoints).
    static func item(covering window: ClosedRange<Int>, checkpoints: [Int], lastEpoch: Int) -> EpochSet.Item {
        // The checkpoints in the window, widened to the nearest one at or before its start and at or after its end.
        let lower = checkpoints.last(where: { $0 <= window.lowerBound }) ?? window.lowerBound
        let upper = checkpoints.first(where: { $0 >= window.upperBound }) ?? window.upperBound
        let inside = checkpoints.filter { (lower...upper).contains($0) }
        if inside.count >= 10 {
            var spacing = 0
            for (a, b) in zip(inside, inside.dropFirst()) { spacing = gcd(spacing, b - a) }
            let step = spacing * max(1, Int((Double(inside.count - 1) / Double(maximumCount - 1)).rounded(.up)))
            let start = inside[0]
            var end = start + (inside[inside.count - 1] - start + step - 1) / step * step
            if let last = checkpoints.last { while end > last && end - step >= start { end -= step } }
            return EpochSet.Item(start: start, end: end, step: step)
        }
        let step = roundStep(Double(window.upperBound - window.lowerBound) / Double(targetCount))
        let start = window.lowerBound / step * step
        var end = (window.upperBound + step - 1) / step * step
        while end > lastEpoch && end - step >= start { end -= step }
        return EpochSet.Item(start: start, end: end, step: step)
    }

    /// 1, 2, 5, 10, 20, 25, 50, 100, … : the round number nearest above `raw`.
    static func roundStep(_ raw: Double) -> Int {
        guard raw > 1 else { return 1 }
        let magnitude = pow(10, floor(log10(raw)))
        for factor in [1.0, 2.0, 2.5, 5.0, 10.0] where factor * magnitude >= raw && (factor != 2.5 || magnitude >= 10) {
            return max(1, Int(factor * magnitude))
        }
        return Int(10 * magnitude)
    }

    private static func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? a : gcd(b, a % b) }
}
