import Foundation

/// The phases of a grokking run, found from its logged train and test loss alone (no checkpoints needed).
///
/// The rule, in log10 of the test loss `L`:
/// - **memorisation** ends where the test loss peaks (the first epoch of its maximum): until then the model fits its
///   training pairs and gets worse on the others;
/// - the **fall** is measured from that peak to the lowest test loss after it; a run whose test loss has not fallen by at
///   least one decade (a factor of 10) has not grokked, and no phases are given;
/// - **grokking starts** at the last epoch at which `L` is still within 5 % of the fall below the peak: from there on the
///   test loss falls for good. Between the peak and this epoch lies **circuit formation**;
/// - **grokking ends** (the test loss levels off) at the first epoch after the start at which 90 % of the fall is done.
///   The window start…end is the paper's **cleanup** phase, when test loss drops and the memorising solution is removed.
///
/// Nanda et al. place the boundaries by the progress measures (memorisation to 1.4k, circuit formation to 9.4k, cleanup
/// to 14k on their run); this rule only reads the loss curves, so it is available during training and for every run.
public struct TrainingPhases: Sendable, Equatable, Codable {
    /// The epoch at which the test loss peaks: the end of memorisation.
    public var memorizationEnd: Int
    /// The epoch from which the test loss falls for good: the end of circuit formation.
    public var circuitFormationEnd: Int
    /// The epoch at which the test loss levels off: the end of cleanup.
    public var cleanupEnd: Int

    /// Share of the fall (in log10) below the peak that still counts as "not yet falling".
    public static let startShare = 0.05
    /// Share of the fall that must be done for the test loss to count as levelled off.
    public static let endShare = 0.90
    /// The smallest fall from the peak, in decades, that counts as grokking.
    public static let minimumFallDecades = 1.0

    public init(memorizationEnd: Int, circuitFormationEnd: Int, cleanupEnd: Int) {
        self.memorizationEnd = memorizationEnd
        self.circuitFormationEnd = circuitFormationEnd
        self.cleanupEnd = cleanupEnd
    }

    /// Why no phases could be found.
    public enum Failure: Error, Equatable, CustomStringConvertible {
        case tooFewRows(Int)
        case notGrokked(peakEpoch: Int, peakLoss: Double, lowestLoss: Double)

        public var description: String {
            switch self {
            case .tooFewRows(let n):
                return "the run has \(n) evaluated epoch\(n == 1 ? "" : "s"); at least 3 are needed to find the phases"
            case .notGrokked(let epoch, let peak, let lowest):
                return String(format: "the test loss has not fallen by a factor of 10 since its peak (%.3g at epoch %d; lowest since %.3g): no grokking to find yet",
                              peak, epoch, lowest)
            }
        }
    }

    /// Finds the phases from evaluated epochs (ascending) and their test losses; see the type's rule.
    public static func detect(epochs: [Int], testLoss: [Double]) throws -> TrainingPhases {
        let n = min(epochs.count, testLoss.count)
        guard n >= 3 else { throw Failure.tooFewRows(n) }
        let logLoss = (0..<n).map { log10(max(testLoss[$0], 1e-30)) }
        var peak = 0
        for i in 1..<n where logLoss[i] > logLoss[peak] { peak = i }
        var lowest = peak
        for i in peak..<n where logLoss[i] < logLoss[lowest] { lowest = i }
        let fall = logLoss[peak] - logLoss[lowest]
        guard fall >= minimumFallDecades else {
            throw Failure.notGrokked(peakEpoch: epochs[peak], peakLoss: testLoss[peak], lowestLoss: testLoss[lowest])
        }
        let startLevel = logLoss[peak] - startShare * fall
        var start = peak
        for i in peak...lowest where logLoss[i] >= startLevel { start = i }
        let endLevel = logLoss[peak] - endShare * fall
        var end = lowest
        for i in start...lowest where logLoss[i] <= endLevel { end = i; break }
        return TrainingPhases(memorizationEnd: epochs[peak], circuitFormationEnd: epochs[start], cleanupEnd: epochs[end])
    }
}
