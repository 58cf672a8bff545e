import WBTraining

/// Dominant embedding frequencies (`docs/analysis.md`): the Fourier transform of W_E along the token axis, normed over
/// d_model, per component and per frequency, and the dominant frequencies by `rule` (default: the largest gap in the
/// sorted per-frequency norms, see `KeyFrequencyRule`).
public struct EmbeddingFrequencies: Analysis {
    public static let name = "embedding_frequencies"
    public static let version = 1
    public static let summary = "Fourier norms of the embedding W_E per frequency, and its dominant frequencies"
    /// Reads the task as addition in a cyclic group (`CyclicView`).
    public static let tasks = CyclicView.tasks

    public var rule: KeyFrequencyRule
    public init(rule: KeyFrequencyRule = .largestGap) { self.rule = rule }
    public var options: String { "rule=\(rule.label)" }

    /// The embedding's norm per Fourier component and per frequency, and the dominant frequencies its rule picks.
    public struct Result: Codable, Sendable, Equatable {
        /// n_j = ‖(F·E)[j,:]‖₂ for the p components (const, cos 1, sin 1, …).
        public var componentNorms: [Double]
        /// N_k = √(n_{2k−1}² + n_{2k}²), k = 1…(p−1)/2 (index k−1); in the discrete-log view k = 1…n/2, the last the
        /// Nyquist frequency with its single component.
        public var frequencyNorms: [Double]
        /// Frequencies selected by `rule`, ascending.
        public var dominant: [Int]
        public var rule: String

        enum CodingKeys: String, CodingKey {
            case componentNorms = "component_norms", frequencyNorms = "frequency_norms", dominant, rule
        }
    }

    public func compute(_ input: AnalysisInput) throws -> Result {
        let components = input.checkpoint.embeddingComponentNorms
        let norms = input.run.basis.frequencyNorms(componentNorms: components)
        return Result(componentNorms: components, frequencyNorms: norms, dominant: rule.select(norms), rule: rule.label)
    }

    /// The frequency × epoch matrix of N_k over checkpoints (for a heatmap or line plot).
    public static func evolution(_ series: [(epoch: Int, result: Result)]) -> FrequencyEvolution {
        let count = series.first?.result.frequencyNorms.count ?? 0
        return FrequencyEvolution(epochs: series.map(\.epoch), frequencies: Array(1..<(count + 1)),
                                  norms: (0..<count).map { k in series.map { $0.result.frequencyNorms[k] } })
    }
}

/// A frequency × epoch matrix: `norms[i][j]` is the norm of frequency `frequencies[i]` at `epochs[j]`.
public struct FrequencyEvolution: Codable, Sendable, Equatable {
    public var epochs: [Int]
    public var frequencies: [Int]
    public var norms: [[Double]]
}
