import WBTraining

/// Neuron activations over the input grid (`docs/analysis.md`): the post-ReLU MLP activations at `=` for all p² inputs
/// (a-major), every neuron, through the training forward pass. For sub, mul and div the grid is the run's `CyclicView`
/// (n² pairs; for mul and div the pairs with a 0 are not in it).
///
/// The full grid is p²·d_mlp floats (26 MB at the paper's size), so the cached result keeps per-neuron statistics; the
/// grid itself comes on demand from `grid(_:)` (or `CheckpointState.forward`), and `ActivationExport` writes it to a
/// safetensors file when asked.
public struct NeuronActivations: Analysis {
    public static let name = "neuron_activations"
    public static let version = 1
    public static let summary = "post-ReLU MLP activations at '=' over all p² inputs: per-neuron mean, spread, active share"
    /// Needs no Fourier basis: every task (for a task without a `CyclicView` it reads the token order).
    public static let tasks = ModularTask.allCases

    public init() {}

    /// Statistics of every MLP neuron's activation at `=` over all p² inputs.
    public struct Result: Codable, Sendable, Equatable {
        /// Per neuron, over the p² inputs: mean, standard deviation, largest value, and share of inputs with activation > 0.
        public var mean: [Double]
        public var standardDeviation: [Double]
        public var maximum: [Double]
        public var activeShare: [Double]
        /// Neurons that are 0 on every input.
        public var deadNeurons: Int

        enum CodingKeys: String, CodingKey {
            case mean, standardDeviation = "standard_deviation", maximum, activeShare = "active_share", deadNeurons = "dead_neurons"
        }
    }

    public func compute(_ input: AnalysisInput) throws -> Result {
        let forward = input.checkpoint.forward
        let m = forward.neurons, rows = forward.n * forward.n
        let stats = ColumnStatistics(forward.activations, rows: rows, columns: m)
        let sum = stats.sum, sumSq = stats.sumOfSquares, top = stats.maximum, active = stats.positiveCount
        let count = Double(rows)
        let mean = sum.map { $0 / count }
        let sd = (0..<m).map { max(0, sumSq[$0] / count - mean[$0] * mean[$0]).squareRoot() }
        return Result(mean: mean, standardDeviation: sd, maximum: top, activeShare: active.map { Double($0) / count },
                      deadNeurons: active.filter { $0 == 0 }.count)
    }

    /// The full grid of one checkpoint: [n², d_mlp], row i·n + j of the view (a·p + b for add).
    public static func grid(_ state: CheckpointState) -> [Float] { state.forward.activations }
}
