import WBTraining

/// Key frequencies of one checkpoint (`docs/analysis.md`), by three readings of the weights, one of which (`source`) is `keys`:
///
/// - `embedding` (the default): the largest-gap rule (`KeyFrequencyRule.largestGap`) on the per-frequency norms of W_E;
/// - `logit_map`: the same rule on the per-frequency norms of W_L = (W_out·W_U)ᵀ along its logit axis — the paper's
///   App. C.2 reading ("the frequencies with nontrivial coefficients" of the DFT of W_L);
/// - `neuron_clusters`: the frequencies of neuron clusters (fraction > 0.85) holding at least 1% of the neurons.
///
/// After clean-up the three agree. The embedding reading settles first: on the frac-0.4 demo run it gives the four
/// frequencies the clusters use from epoch 1.7k, while the W_L reading adds two fading ones until 2.4k
/// (docs/analysis.md), so it is the default.
///
/// Run on the reference checkpoint (the final one by default), `keys` fixes the frequencies of the progress measures.
public struct KeyFrequencies: Analysis {
    public static let name = "key_frequencies"
    public static let version = 1
    public static let summary = "the key frequencies of a checkpoint (from W_L, W_E and the neuron clusters)"
    /// Reads the task as addition in a cyclic group (`CyclicView`).
    public static let tasks = CyclicView.tasks

    /// Which reading becomes `keys`.
    public enum Source: String, Codable, Sendable {
        case logitMap = "logit_map", embedding, neuronClusters = "neuron_clusters"
    }

    public var source: Source
    public init(source: Source = .embedding) { self.source = source }
    public var options: String { "source=\(source.rawValue)" }

    /// The key frequencies and where they were read from.
    public struct Result: Codable, Sendable, Equatable {
        /// The key frequencies (from `source`), ascending.
        public var keys: [Int]
        public var source: String
        public var logitMap: [Int]
        public var embedding: [Int]
        public var neuronClusters: [Int]
        /// TransformerLens's rule for comparison: W_E components above max/4, as frequencies.
        public var embeddingQuarterOfMax: [Int]
        /// Per-frequency norms of W_L (index k−1).
        public var logitMapNorms: [Double]

        enum CodingKeys: String, CodingKey {
            case keys, source, logitMap = "logit_map", embedding, neuronClusters = "neuron_clusters"
            case embeddingQuarterOfMax = "embedding_quarter_of_max", logitMapNorms = "logit_map_norms"
        }
    }

    public func compute(_ input: AnalysisInput) throws -> Result {
        let state = input.checkpoint
        let wlNorms = state.logitMapFrequencyNorms
        let logitMap = KeyFrequencyRule.largestGap.select(wlNorms)
        let embedding = KeyFrequencyRule.largestGap.select(state.embeddingFrequencyNorms)
        // TransformerLens: components j > 0 with n_j > max/4, mapped to k = ⌊(j+1)/2⌋.
        let components = state.embeddingComponentNorms
        let top = components.dropFirst().max() ?? 0
        let quarter = Set((1..<components.count).filter { top > 0 && components[$0] > top / 4 }.map(FourierBasis.frequency(ofRow:)))
        let clusters = NeuronClusters.clusters(state.neuronFractions, threshold: 0.85)
        let minimum = max(1, state.run.shape.dMLP / 100)
        let clusterKeys = clusters.clusters.filter { $0.neurons >= minimum }.map(\.frequency)
        let keys: [Int]
        switch source {
        case .logitMap: keys = logitMap
        case .embedding: keys = embedding
        case .neuronClusters: keys = clusterKeys
        }
        return Result(keys: keys, source: source.rawValue, logitMap: logitMap, embedding: embedding, neuronClusters: clusterKeys,
                      embeddingQuarterOfMax: quarter.sorted(), logitMapNorms: wlNorms)
    }
}
