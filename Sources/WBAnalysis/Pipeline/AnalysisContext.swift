import Foundation
import WBTraining

/// What every analysis of one run shares: the shape, the split, the Fourier basis.
public struct RunContext: Sendable {
    public let shape: ModelShape
    public let layout: ParameterLayout
    public let split: DataSplit
    public let basis: FourierBasis
    /// The run's config, when the context comes from a run folder.
    public let config: TrainingConfig?

    public init(shape: ModelShape, split: DataSplit, config: TrainingConfig? = nil) throws {
        self.shape = shape
        layout = ParameterLayout(shape)
        self.split = split
        basis = try FourierBasis(p: shape.p)
        self.config = config
    }

    /// The context of a run folder: its config, and its split (`train_indices.txt` when the run was made from an init
    /// file, else the seeded shuffle), as `Trainer.resume` reads them.
    public init(run: RunFolder) throws {
        let config = try run.readRecord().config
        try self.init(shape: config.shape, split: try run.split(for: config), config: config)
    }
}

/// One checkpoint's weights and what the analyses derive from them, each computed at most once per checkpoint
/// (the grid forward pass, the 2D Fourier fractions of the neurons), so running every analysis costs one forward.
/// Not thread-safe: use one state from one thread at a time.
public final class CheckpointState {
    public let epoch: Int
    /// The flat parameter buffer (`ParameterLayout`).
    public let parameters: [Float]
    public let run: RunContext
    private let evaluator: GridEvaluator
    private var cachedForward: GridForward?
    private var cachedFractions: NeuronFrequencyFractions?

    public init(epoch: Int, parameters: [Float], run: RunContext, evaluator: GridEvaluator? = nil) {
        precondition(parameters.count == run.layout.totalCount, "CheckpointState: parameter count does not match the shape")
        self.epoch = epoch
        self.parameters = parameters
        self.run = run
        self.evaluator = evaluator ?? GridEvaluator(shape: run.shape)
    }

    /// The forward pass over all p² inputs.
    public var forward: GridForward {
        if let f = cachedForward { return f }
        let f = evaluator.forward(parameters: parameters)
        cachedForward = f
        return f
    }

    /// The fraction of each neuron's variance explained by each frequency (reference §5.4–5.5).
    public var neuronFractions: NeuronFrequencyFractions {
        if let f = cachedFractions { return f }
        let f = NeuronFrequencyFractions(activations: forward.activations, neurons: run.shape.dMLP, basis: run.basis)
        cachedFractions = f
        return f
    }

    /// One tensor as Double, by TransformerLens name.
    public func tensor(_ name: String) -> [Double] {
        guard let entry = run.layout.entry(name) else { preconditionFailure("no tensor named \(name)") }
        return parameters[entry.range].map(Double.init)
    }

    /// E: the first p rows of W_E (the `=` token dropped), p × d_model.
    public var embedding: [Double] {
        let s = run.shape
        return Array(tensor("embed.W_E")[0..<(s.p * s.dModel)])
    }

    /// W_L = (W_out · W_U[:, :p])ᵀ, the neuron-to-logit map: p × d_mlp (rows are logit classes).
    public var neuronToLogit: [Double] {
        let s = run.shape
        let wOut = tensor("blocks.0.mlp.W_out")           // [d_mlp, d_model]
        let wU = tensor("unembed.W_U")                    // [d_model, p+1]
        var unembed = [Double](repeating: 0, count: s.dModel * s.p)
        for r in 0..<s.dModel { for c in 0..<s.p { unembed[r * s.p + c] = wU[r * s.classes + c] } }
        // (W_out·W_U)ᵀ = W_Uᵀ·W_outᵀ: [p, d_model]·[d_model, d_mlp]
        return Matrix.multiply(unembed, wOut, m: s.p, k: s.dModel, n: s.dMLP, transA: true, transB: true)
    }
}
