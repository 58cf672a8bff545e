import Foundation
import WBTraining

/// What every analysis of one run shares: the shape, the split, the task's `CyclicView` and its Fourier basis, and the
/// layer whose neurons the analyses read.
///
/// The analyses read every model wb trains. The paper's transformer as the paper does. A transformer with more layers,
/// LayerNorm or GELU through one layer (`layer`, default the last): its neurons are that layer's MLP activations at `=`,
/// its attention that layer's `=` query, and W_L the direct path of those neurons to the logits. An MLP through its first
/// hidden layer: that layer's columns for a play the embedding (`CheckpointState.embedding`), its hidden units the
/// neurons, and the output layer the neuron-to-logit map; `shape` then has `d_model` = `d_mlp` = the first hidden width.
public struct RunContext: Sendable {
    public let shape: ModelShape
    public let layout: ParameterLayout
    /// The network the checkpoints hold.
    public let architecture: ModelArchitecture
    /// The layer whose neurons (and attention) the analyses read: 0-based, the last by default for a transformer; 0 for
    /// the paper's model and for an MLP (its first hidden layer).
    public let layer: Int
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

    /// The context of `architecture`, read through `layer` (nil: the last layer of a transformer, an MLP's first hidden
    /// layer). A layer the model does not have is refused with the layers it has.
    public init(architecture: ModelArchitecture, split: DataSplit, config: TrainingConfig? = nil, layer: Int? = nil) throws {
        switch architecture {
        case .transformer(let s, let layers, _, _):
            let chosen = layer ?? layers - 1
            guard (0..<layers).contains(chosen) else {
                throw AnalysisError.unsupported("layer=\(chosen) does not exist: this model (\(architecture.summary)) has "
                    + (layers == 1 ? "layer 0 only" : "layers 0…\(layers - 1)"))
            }
            shape = s
            self.layer = chosen
        case .mlp(let p, let hidden, _, _):
            guard layer == nil || layer == 0 else {
                throw AnalysisError.unsupported("layer=\(layer!) does not apply to an MLP: the analyses read its first hidden layer "
                    + "(its columns play the embedding, its units the neurons), layer=0")
            }
            shape = ModelShape(p: p, dModel: hidden[0], heads: 1, dMLP: hidden[0])
            self.layer = 0
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
    /// file, else the seeded shuffle), as `Trainer.resume` reads them; `layer` as above.
    public init(run: RunFolder, layer: Int? = nil) throws {
        let config = try run.readRecord().config
        do {
            try self.init(architecture: config.architecture, split: try run.split(for: config), config: config, layer: layer)
        } catch AnalysisError.unsupported(let why) {
            throw AnalysisError.unsupported("run '\(run.name)': \(why)")
        }
    }

    /// The run's task.
    public var task: ModularTask { view.task }

    /// The number of layers the model has (`layer` picks one): a transformer's blocks; 1 for an MLP, read through its
    /// first hidden layer.
    public var layerCount: Int {
        if case .transformer(_, let layers, _, _) = architecture { return layers }
        return 1
    }

    /// Columns of the neuron-to-logit map W_L (`CheckpointState.neuronToLogit`): d_mlp, or an MLP's last hidden width.
    public var logitMapWidth: Int {
        if case .mlp(_, let hidden, _, _) = architecture { return hidden.last! }
        return shape.dMLP
    }

    /// What tells this context's results apart in the analysis cache: the view's order (`CyclicView.orderTag`) and, for
    /// a transformer of several layers, "; layer=N". Empty for the paper's model read in token order, so results cached
    /// before layers existed stay valid.
    public var cacheTag: String {
        view.orderTag + (layerCount > 1 ? "; layer=\(layer)" : "")
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
        self.evaluator = evaluator ?? GridEvaluator(architecture: run.architecture, view: run.view, layer: run.layer)
        precondition(self.evaluator.view == run.view && self.evaluator.layer == run.layer,
                     "CheckpointState: the evaluator's view or layer is not the run's")
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

    /// W_L, the neuron-to-logit map: n × `run.logitMapWidth`, rows the logit classes in view order (`view.classes`; the
    /// first p columns of W_U for add).
    ///
    /// For a transformer, the direct path of the read layer's neurons to the logits: (W_out · W_U[:, classes])ᵀ, with
    /// ln_final's weight between them under LayerNorm (diag(w) — its centring and per-example scale are not weights, so
    /// they are left out), and the later blocks bypassed. For an MLP, its output layer's rows (for several hidden layers,
    /// they read the last one).
    public var neuronToLogit: [Double] {
        let s = run.shape, view = run.view, n = view.n
        if case .mlp = run.architecture {
            // out.weight [p, h]: row c is class c's weights on the (last) hidden units.
            let wOut = tensor("out.weight"), h = run.logitMapWidth
            var out = [Double](repeating: 0, count: n * h)
            for c in 0..<n { for j in 0..<h { out[c * h + j] = wOut[view.classes[c] * h + j] } }
            return out
        }
        let wOut = tensor("blocks.\(run.layer).mlp.W_out")   // [d_mlp, d_model]
        let wU = tensor("unembed.W_U")                        // [d_model, p+1]
        let scale = run.layout.entry("ln_final.w") != nil ? tensor("ln_final.w") : [Double](repeating: 1, count: s.dModel)
        var unembed = [Double](repeating: 0, count: s.dModel * n)
        for r in 0..<s.dModel { for c in 0..<n { unembed[r * n + c] = scale[r] * wU[r * s.classes + view.classes[c]] } }
        // (W_out·W_U)ᵀ = W_Uᵀ·W_outᵀ: [n, d_model]·[d_model, d_mlp]
        return Matrix.multiply(unembed, wOut, m: n, k: s.dModel, n: s.dMLP, transA: true, transB: true)
    }
}
