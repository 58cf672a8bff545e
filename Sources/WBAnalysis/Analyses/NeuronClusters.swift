import WBTraining

/// Neuron frequency clusters (`docs/analysis.md`): for each neuron the fraction of its variance over the grid explained by
/// each frequency k (the 3×3 block {const, cos k, sin k}² of its 2D Fourier transform), its cluster (the argmax frequency
/// when that fraction exceeds `threshold`, default 0.85 as the paper), the cluster sizes and the share of neurons clustered.
/// Frequencies k = 1…(p−1)/2 are all searched (the paper's code stops at (p−1)/2 − 1; TransformerLens includes it).
public struct NeuronClusters: Analysis {
    public static let name = "neuron_clusters"
    public static let version = 1
    public static let summary = "each MLP neuron's best frequency and variance fraction; clusters above a threshold"
    /// Reads the task as addition in a cyclic group (`CyclicView`).
    public static let tasks = CyclicView.tasks

    public var threshold: Double
    public init(threshold: Double = 0.85) { self.threshold = threshold }
    public var options: String { "threshold=\(threshold)" }

    /// One cluster: a frequency and how many neurons it holds.
    public struct Cluster: Codable, Sendable, Equatable {
        public var frequency: Int
        public var neurons: Int
    }

    /// Each neuron's frequency cluster (or none), and the clusters' sizes.
    public struct Result: Codable, Sendable, Equatable {
        public var threshold: Double
        /// Per neuron: its cluster's frequency, or 0 when its best fraction is not above the threshold.
        public var cluster: [Int]
        /// Per neuron: the frequency with the largest fraction, and that fraction (0 for a neuron constant over the grid).
        public var bestFrequency: [Int]
        public var bestFraction: [Double]
        /// Non-empty clusters, by frequency.
        public var clusters: [Cluster]
        public var unclustered: Int
        /// Clustered neurons / all neurons.
        public var clusteredShare: Double

        enum CodingKeys: String, CodingKey {
            case threshold, cluster, bestFrequency = "best_frequency", bestFraction = "best_fraction", clusters, unclustered
            case clusteredShare = "clustered_share"
        }
    }

    public func compute(_ input: AnalysisInput) throws -> Result {
        Self.clusters(input.checkpoint.neuronFractions, threshold: threshold)
    }

    /// Clusters from the per-neuron fractions.
    public static func clusters(_ fractions: NeuronFrequencyFractions, threshold: Double) -> Result {
        var best: [Int] = [], bestFraction: [Double] = [], cluster: [Int] = []
        var sizes: [Int: Int] = [:]
        for n in 0..<fractions.neurons {
            let (k, f) = fractions.best(neuron: n)
            best.append(k); bestFraction.append(max(0, f))
            let c = f > threshold ? k : 0
            cluster.append(c)
            if c > 0 { sizes[c, default: 0] += 1 }
        }
        let clustered = sizes.values.reduce(0, +)
        return Result(threshold: threshold, cluster: cluster, bestFrequency: best, bestFraction: bestFraction,
                      clusters: sizes.keys.sorted().map { Cluster(frequency: $0, neurons: sizes[$0]!) },
                      unclustered: fractions.neurons - clustered,
                      clusteredShare: fractions.neurons == 0 ? 0 : Double(clustered) / Double(fractions.neurons))
    }
}
