import Foundation
import WBTraining

/// What every analysis of one run shares: the shape, the split, the task's `CyclicView` and its Fourier basis.
///
/// The analyses read the paper's transformer, and an MLP with one hidden layer (Gromov's): there the first layer's
/// columns for a play the embedding (`CheckpointState.embedding`), its hidden units the neurons, and the output layer
/// the neuron-to-logit map; `shape` then has `d_model` = `d_mlp` = the hidden width.
public struct RunContext: Sendable {
    public let shape: ModelShape
    public let layout: ParameterLayout
    /// The network the checkpoints hold (`ModelArchitecture.paper(shape)` or a one-hidden-layer MLP).
    public let architecture: ModelArchitecture
    public let split: DataSplit
    /// The order the analyses read the task in (`CyclicView`): the token order for add, b read as −b for sub, the
    /// discrete log for mul and div; for a task without a view the token order, not cyclic (`view.isCyclic` false).
    public let view: CyclicView
    /// The Fourier basis of the view's group, of order `view.n` (the identity order's basis of size p when not cyclic).
    public let basis: FourierBasis
    /// The split's pairs as rows i·n + j of the view grid (`CyclicView.gridSplit`; pairs outside the view, those with a
    /// 0 for mul and div, left out): the train and test sets of the loss-based measures. The split itself for add.
    public let gridSplit: DataSplit
    /// The run's config, when the context comes from a run folder.
    public let config: TrainingConfig?

    /// The task is the config's when given, else the split's.
    public init(shape: ModelShape, split: DataSplit, config: TrainingConfig? = nil) throws {
        try self.init(architecture: .paper(shape), split: split, config: config)
    }

    /// The context of `architecture`: the paper's transformer or an MLP with one hidden layer.
    public init(architecture: ModelArchitecture, split: DataSplit, config: TrainingConfig? = nil) throws {
        switch architecture {
        case .transformer(let s, _, _, _):
            guard architecture.isPaperTransformer else {
                throw AnalysisError.unsupported("the analyses read a 1-layer ReLU transformer without LayerNorm; this one is "
                    + "\(architecture.summary)")
            }
            shape = s
        case .mlp(let p, let hidden, _, _):
            guard hidden.count == 1 else {
                throw AnalysisError.unsupported("the analyses read an MLP with one hidden layer (its columns play the embedding, "
                    + "its units the neurons); this one has \(hidden.count): \(architecture.summary)")
            }
            shape = ModelShape(p: p, dModel: hidden[0], heads: 1, dMLP: hidden[0])
        }
        self.architecture = architecture
        layout = ParameterLayout(architecture)
        let shape = self.shape
        self.split = split
        let task = config?.task ?? split.task
        let view = CyclicView.of(task: task, p: shape.p)
        self.view = view
        basis = view.n == shape.p ? try FourierBasis(p: shape.p) : try FourierBasis(order: view.n)
        gridSplit = view.isTokenOrder ? split : view.gridSplit(split)
        self.config = config
    }

    /// The context of a run folder: its config, and its split (`train_indices.txt` when the run was made from an init
    /// file, else the seeded shuffle), as `Trainer.resume` reads them.
    /// Refuses a run of another model than the paper's transformer: the analyses read its embedding, attention and
    /// neurons by their TransformerLens names.
    public init(run: RunFolder) throws {
        let config = try run.readRecord().config
        do {
            try self.init(architecture: config.architecture, split: try run.split(for: config), config: config)
        } catch AnalysisError.unsupported(let why) {
            throw AnalysisError.unsupported("run '\(run.name)': \(why). Its loss, accuracy and softmax collapse are in "
                + "metrics.csv (plot loss, plot collapse, compare); analyses of deeper models are not built yet")
        }
    }

    /// The run's task.
    public var task: ModularTask { view.task }
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
        self.evaluator = evaluator ?? GridEvaluator(architecture: run.architecture, view: run.view)
        precondition(self.evaluator.view == run.view, "CheckpointState: the evaluator's view is not the run's")
    }

    /// The forward pass over the view's n² pairs (all p² inputs for add).
    public var forward: GridForward {
        if let f = cachedForward { return f }
        let f = evaluator.forward(parameters: parameters)
        cachedForward = f
        return f
    }

    /// The fraction of each neuron's variance explained by each frequency (`docs/analysis.md`).
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

    /// E: the rows of W_E at the view's a-tokens (for an MLP, the first layer's columns of those tokens), in view order
    /// (`view.tokensA`; the first p rows for add, the `=` token
    /// dropped), n × d_model. This is the order the embedding analyses read.
    public var embedding: [Double] {
        let s = run.shape, view = run.view
        if case .mlp(let p, _, _, _) = run.architecture {
            // The first layer's column for token a is what one-hot(a) adds: hidden.0.weight [h, 2p], column a.
            let w0 = tensor("hidden.0.weight"), h = s.dModel
            var out = [Double](repeating: 0, count: view.n * h)
            for (i, token) in view.tokensA.enumerated() { for c in 0..<h { out[i * h + c] = w0[c * 2 * p + token] } }
            return out
        }
        let we = tensor("embed.W_E")
        var out = [Double](repeating: 0, count: view.n * s.dModel)
        for (i, token) in view.tokensA.enumerated() {
            for c in 0..<s.dModel { out[i * s.dModel + c] = we[token * s.dModel + c] }
        }
        return out
    }

    /// W_L = (W_out · W_U[:, classes])ᵀ (for an MLP, its output layer's rows), the neuron-to-logit map: n × d_mlp (rows
    /// are the logit classes in view order,
    /// `view.classes`; the first p columns of W_U for add).
    public var neuronToLogit: [Double] {
        let s = run.shape, view = run.view, n = view.n
        if case .mlp = run.architecture {
            // out.weight [p, h]: row c is class c's weights on the hidden units.
            let wOut = tensor("out.weight"), h = s.dMLP
            var out = [Double](repeating: 0, count: n * h)
            for c in 0..<n { for j in 0..<h { out[c * h + j] = wOut[view.classes[c] * h + j] } }
            return out
        }
        let wOut = tensor("blocks.0.mlp.W_out")           // [d_mlp, d_model]
        let wU = tensor("unembed.W_U")                    // [d_model, p+1]
        var unembed = [Double](repeating: 0, count: s.dModel * n)
        for r in 0..<s.dModel { for c in 0..<n { unembed[r * n + c] = wU[r * s.classes + view.classes[c]] } }
        // (W_out·W_U)ᵀ = W_Uᵀ·W_outᵀ: [n, d_model]·[d_model, d_mlp]
        return Matrix.multiply(unembed, wOut, m: n, k: s.dModel, n: s.dMLP, transA: true, transB: true)
    }
}
