import Foundation
import WBTraining

/// The hyperparameters of one local-learning-coefficient estimate, with devinterp's meanings (Lau et al. 2023):
///
///     w ← w − (ε/2)·(nβ·∇L_B(w) + γ·(w − w*)) + √ε·η,   η ~ N(0, I),   from the checkpoint w*
///     λ̂ = nβ·(mean of L_B over the draws after burn-in − L(w*))
///
/// Each chain takes `burnin + draws` steps; step t's loss L_B is the one its gradient was computed with (at the weights
/// before the step), and only the last `draws` enter the mean. Defaults: devinterp's where it has one (4 chains,
/// 200 draws, no burn-in, batches of 32, nβ = m / ln m for batch size m); ε = 1e-3 and γ = 100 where devinterp asks
/// the caller (its examples for small models use these; devinterp's γ default of 0 lets a chain wander off w*).
public struct LLCSettings: Codable, Sendable, Equatable, Hashable {
    /// ε, the step size (devinterp's `lr`).
    public var eps: Double = 1e-3
    /// γ, the pull towards w* (devinterp's `localization`).
    public var gamma: Double = 100
    /// nβ, the inverse temperature times the sample size (devinterp's `nbeta`); nil means m / ln m.
    public var nbeta: Double?
    public var chains: Int = 4
    public var draws: Int = 200
    public var burnin: Int = 0
    /// Examples per step, or 0 for the whole training set.
    public var batch: Int = 32
    /// Seeds the noise (Philox key) and, with the chain number, the minibatch order.
    public var seed: Int = 0

    public init() {}

    /// The keys, as typed after `analyze llc` (each also accepted without the `llc_` prefix).
    public static let keys = ["llc_eps", "llc_gamma", "llc_nbeta", "llc_chains", "llc_draws", "llc_burnin", "llc_batch", "llc_seed"]

    /// One line per key, for help text.
    public static let keyHelp: [(key: String, help: String)] = [
        ("llc_eps", "SGLD step size ε (devinterp's lr) (1e-3)"),
        ("llc_gamma", "localisation γ, the pull towards the checkpoint (100)"),
        ("llc_nbeta", "inverse temperature nβ (default m / ln m for batch size m; the whole training set: its size)"),
        ("llc_chains", "independent chains; they run in parallel on the config's threads (4)"),
        ("llc_draws", "draws per chain that enter the mean (200)"),
        ("llc_burnin", "steps per chain before the draws, left out of the mean (0)"),
        ("llc_batch", "examples per SGLD step, or full for the whole training set (32)"),
        ("llc_seed", "seed of the noise and of the minibatch order (0)"),
    ]

    /// nβ for a training set of `trainCount` examples: the given value, else m / ln m with m the batch size (the
    /// training set's size for the full batch).
    public func effectiveNBeta(trainCount: Int) -> Double {
        if let nbeta { return nbeta }
        let m = Double(batch == 0 ? trainCount : min(batch, trainCount))
        return m / Foundation.log(m)
    }

    /// Applies `key=value` words (`llc_eps=1e-3`, or `eps=1e-3`); a later value overrides an earlier one. Throws
    /// `ConfigError` naming the key and what is allowed; nothing changes on error.
    public func applying(_ words: [String]) throws -> LLCSettings {
        var copy = self
        for word in words {
            guard let eq = word.firstIndex(of: "="), eq != word.startIndex else { throw ConfigError.malformed(word) }
            var key = String(word[..<eq]).lowercased()
            if !key.hasPrefix("llc_") { key = "llc_" + key }
            let value = String(word[word.index(after: eq)...])
            try copy.set(key, to: value)
        }
        return copy
    }

    mutating func set(_ key: String, to value: String) throws {
        func positiveReal() throws -> Double {
            guard let v = NumberLiteral.real(value), v > 0 else {
                throw ConfigError.invalid(key: key, value: value, allowed: "a number above 0 (e.g. 1e-3)")
            }
            return v
        }
        func count(_ range: ClosedRange<Int>) throws -> Int {
            guard let v = NumberLiteral.integer(value), range.contains(v) else {
                throw ConfigError.invalid(key: key, value: value,
                                          allowed: "a whole number from \(range.lowerBound) to \(range.upperBound)")
            }
            return v
        }
        switch key {
        case "llc_eps": eps = try positiveReal()
        case "llc_gamma":
            guard let v = NumberLiteral.real(value), v >= 0 else {
                throw ConfigError.invalid(key: key, value: value, allowed: "a number ≥ 0 (0: no localisation)")
            }
            gamma = v
        case "llc_nbeta":
            nbeta = value.lowercased() == "default" ? nil : try positiveReal()
        case "llc_chains": chains = try count(1...64)
        case "llc_draws": draws = try count(1...100_000)
        case "llc_burnin": burnin = try count(0...100_000)
        case "llc_batch":
            batch = value.lowercased() == "full" ? 0 : try count(1...1_000_000)
        case "llc_seed": seed = try count(0...Int(UInt32.max))
        default:
            throw ConfigError.unknownKey(key, known: Self.keys)
        }
    }

    /// The settings as `key=value` words, every key (for `llc.csv`, cache envelopes and messages).
    public var words: [String] {
        ["llc_eps=\(NumberLiteral.short(eps))", "llc_gamma=\(NumberLiteral.short(gamma))",
         "llc_nbeta=\(nbeta.map(NumberLiteral.short) ?? "default")", "llc_chains=\(chains)", "llc_draws=\(draws)",
         "llc_burnin=\(burnin)", "llc_batch=\(batch == 0 ? "full" : String(batch))", "llc_seed=\(seed)"]
    }

    /// The settings as one line, for cache keys (every hyperparameter).
    public var key: String { words.joined(separator: " ") }

    /// A short stable tag of the settings (the first 8 hex digits of their FNV-1a hash), for cache file names.
    public var tag: String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in key.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        return String(format: "%08x", UInt32(truncatingIfNeeded: hash ^ (hash >> 32)))
    }
}
