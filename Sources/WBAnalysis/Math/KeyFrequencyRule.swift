import Foundation

/// Rules that pick the "key" frequencies out of per-frequency norms N_k (k = 1…K).
///
/// - `largestGap` (the default everywhere): sort the norms descending, v₁ ≥ v₂ ≥ …, and cut at the largest ratio
///   v_i / v_{i+1} among i = 1…⌊K/2⌋ (a key set is never more than half the frequencies). It follows the model through
///   clean-up: the few frequencies the circuit uses stand well clear of a tail that is still decaying, which a fixed
///   fraction of the maximum does not see (`docs/analysis.md`).
/// - `fractionOfMax` (TransformerLens): every k with N_k > max/4 (`fraction` = 0.25); kept for comparison.
public enum KeyFrequencyRule: Sendable, Equatable, Codable {
    case largestGap
    case fractionOfMax(Double)

    /// The selected frequencies (1-based, ascending). Empty when every norm is 0.
    public func select(_ norms: [Double]) -> [Int] {
        guard let top = norms.max(), top > 0 else { return [] }
        switch self {
        case .fractionOfMax(let fraction):
            return norms.indices.filter { norms[$0] > fraction * top }.map { $0 + 1 }
        case .largestGap:
            let order = norms.indices.sorted { norms[$0] > norms[$1] || (norms[$0] == norms[$1] && $0 < $1) }
            let limit = max(1, norms.count / 2)
            var bestCut = 1, bestRatio = -Double.infinity
            for i in 0..<min(limit, norms.count - 1) {
                let upper = norms[order[i]], lower = max(norms[order[i + 1]], top * 1e-12)
                let ratio = Foundation.log(upper) - Foundation.log(lower)
                if ratio > bestRatio { bestRatio = ratio; bestCut = i + 1 }
            }
            if norms.count == 1 { bestCut = 1 }
            return order.prefix(bestCut).map { $0 + 1 }.sorted()
        }
    }

    /// A short name for results and docs.
    public var label: String {
        switch self {
        case .largestGap: return "largest_gap"
        case .fractionOfMax(let f): return "fraction_of_max(\(f))"
        }
    }
}
