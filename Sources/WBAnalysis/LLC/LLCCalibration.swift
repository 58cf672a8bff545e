import Foundation
import WBTraining

/// A grid of step sizes ε × inverse temperatures nβ on one checkpoint (devinterp's calibration recipe): λ̂ per cell,
/// whether its chains diverged or still trend, and the largest ε whose cells are all usable.
public struct LLCCalibration: Sendable {
    /// One cell: the estimate made with that ε and nβ (everything else as the base settings).
    public struct Cell: Sendable {
        public var eps: Double
        public var nbeta: Double
        public var estimate: LLCEstimate
        /// Every chain used (none diverged) and settled (|drift| ≤ `LLCEstimate.settledDrift`).
        public var usable: Bool { estimate.chainsDiverged == 0 && estimate.settled && estimate.llc != nil }
        /// "diverged", "not settled" or "ok".
        public var verdict: String {
            estimate.chainsDiverged > 0 ? "diverged" : (estimate.settled ? "ok" : "not settled")
        }
    }

    public var epoch: Int
    public var component: String
    public var epsValues: [Double]
    public var nbetaValues: [Double]
    /// Row-major: nβ (rows) × ε (columns).
    public var cells: [Cell]
    public var cancelled: Bool

    /// The largest ε whose cell is usable at the preferred nβ (`preferredNBeta`, the settings' own, when it is in the
    /// grid; else at any nβ, the largest nβ first), with that nβ; nil when no cell is usable.
    public var suggestion: (eps: Double, nbeta: Double)? {
        let rows = nbetaValues.contains(preferredNBeta) ? [preferredNBeta] : nbetaValues.sorted(by: >)
        for beta in rows {
            if let best = cells.filter({ $0.nbeta == beta && $0.usable }).max(by: { $0.eps < $1.eps }) { return (best.eps, beta) }
        }
        return nil
    }

    /// The nβ the settings would use (m / ln m unless given): the row the suggestion prefers.
    public var preferredNBeta: Double

    /// The default grid: ε from 1e-4 to 1e-2 in steps of about 3, nβ at ⅓, 1 and 3 times the settings' nβ.
    public static let defaultEps = [1e-4, 3e-4, 1e-3, 3e-3, 1e-2]
    public static func defaultNBeta(_ nbeta: Double) -> [Double] { [nbeta / 3, nbeta, nbeta * 3] }

    /// Runs (or reads from the cache) every cell of the grid at `epoch`.
    public static func run(_ runner: LLCRunner, epoch: Int, component: ModelComponent, base: LLCSettings,
                           eps: [Double], nbeta: [Double], cancel: CancellationToken = CancellationToken(),
                           progress: @escaping @Sendable (LLCRunner.Progress) -> Void = { _ in }) throws -> LLCCalibration {
        var result = LLCCalibration(epoch: epoch, component: component.name, epsValues: eps, nbetaValues: nbeta, cells: [],
                                    cancelled: false,
                                    preferredNBeta: base.effectiveNBeta(trainCount: runner.split.trainIndices.count))
        let total = eps.count * nbeta.count
        for (row, beta) in nbeta.enumerated() {
            for (column, step) in eps.enumerated() {
                var settings = base
                settings.eps = step
                settings.nbeta = beta
                let done = row * eps.count + column
                let report = try runner.run(epochs: [epoch], components: [component], settings: settings, cancel: cancel) { p in
                    var p = p
                    p.completed = done; p.total = total
                    progress(p)
                }
                if let failure = report.failures.first { throw LLCError.unusable(failure.description) }
                guard let estimate = report.estimates.first, !report.cancelled else { result.cancelled = true; return result }
                result.cells.append(Cell(eps: step, nbeta: beta, estimate: estimate))
            }
        }
        return result
    }
}
