import WBTraining

/// One SGLD chain of an estimate: the loss of every step (burn-in first), its λ̂ and whether it counted.
public struct LLCChain: Codable, Sendable, Equatable {
    /// L_B at each step's starting weights, the `burnin` steps first; a diverged chain stops at the step that showed it.
    public var losses: [Double]
    /// nβ·(mean of the draws' losses − L(w*)); nil when the chain diverged.
    public var llc: Double?
    /// A loss that was not finite or grew past the bound (`LLCEstimator.divergenceBound`); such a chain is left out.
    public var diverged: Bool
    /// How much the loss still moves over the last half of the draws (the least-squares slope there times its length),
    /// as a share of the mean's excess over L(w*): near 0 for a chain that has settled; an estimate whose chains'
    /// mean drift exceeds `LLCEstimate.settledDrift` in size is marked not settled. nil with fewer than 8 draws.
    public var drift: Double?

    enum CodingKeys: String, CodingKey { case losses, llc, diverged, drift }
}

/// The local learning coefficient of one checkpoint and component: λ̂ is the mean over the chains that did not
/// diverge, with its standard error (the chains' standard deviation, n − 1 in the denominator, over √chains).
public struct LLCEstimate: Codable, Sendable, Equatable {
    public var epoch: Int
    public var component: String
    /// The weights the chains moved (the others stayed at the checkpoint).
    public var weights: Int
    public var settings: LLCSettings
    /// nβ as used (the setting, or m / ln m).
    public var nbeta: Double
    /// L(w*): the mean loss over the whole training set at the checkpoint.
    public var initialLoss: Double
    /// The mean λ̂ over the chains used; nil when every chain diverged.
    public var llc: Double?
    /// nil with fewer than two chains used.
    public var standardError: Double?
    public var chainsUsed: Int
    public var chainsDiverged: Int
    public var chains: [LLCChain]

    enum CodingKeys: String, CodingKey {
        case epoch, component, weights, settings, nbeta, chains
        case initialLoss = "initial_loss", llc, standardError = "standard_error", chainsUsed = "chains_used"
        case chainsDiverged = "chains_diverged"
    }

    /// The chains' mean drift: a trend they share (one chain's drift alone is noisy: its draws are autocorrelated).
    public var drift: Double? {
        let drifts = chains.filter { !$0.diverged }.compactMap(\.drift)
        return drifts.isEmpty ? nil : drifts.reduce(0, +) / Double(drifts.count)
    }
    /// Whether the chains have settled: |mean drift| ≤ `LLCEstimate.settledDrift`.
    public var settled: Bool { abs(drift ?? 0) <= Self.settledDrift }
    /// The largest |drift| a chain may have and count as settled.
    public static let settledDrift = 0.2
}
