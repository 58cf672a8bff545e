/// Which network a run trains (`model=`).
///
/// - `transformer`: Nanda et al.'s decoder on the tokens `[a, b, =]` (TransformerLens's `HookedTransformer`), with
///   `layers`, `norm` and `act`; its 1-layer, ReLU, no-LayerNorm form is the paper's model.
/// - `mlp`: one-hot(a) ‖ one-hot(b) through the `hidden` layers to p logits (Gromov 2023, Prieto et al. 2025, Liu et al.).
public enum ModelKind: String, Sendable, Codable, CaseIterable {
    case transformer, mlp
}

/// The transformer's normalisation (`norm=`): none (the paper's) or TransformerLens's pre-LN (`ln1` before attention,
/// `ln2` before the MLP, `ln_final` before the unembedding; eps 1e-5; weight and bias trained).
public enum Normalization: String, Sendable, Codable, CaseIterable {
    case none, ln
}

/// The hidden activation (`act=`): `relu`, `gelu` (the exact erf form, 0.5·x·(1 + erf(x/√2)), TransformerLens's "gelu")
/// or `quad` (x², Gromov 2023; MLPs only).
public enum ActivationKind: String, Sendable, Codable, CaseIterable {
    case relu, gelu, quad
}

/// The training loss (`loss=`), each a float64 mean over the batch of the float32 logits:
/// - `ce`: cross-entropy, −log softmax(z)_y (the paper's);
/// - `mse`: Σ over batch and classes of (z − onehot(y))², divided by B·C (`nn.MSELoss()` against one-hot targets, as
///   Gromov's code);
/// - `stablemax`: Prieto et al.'s −log(s(z_y) / Σ_j s(z_j)) with s(x) = x + 1 for x ≥ 0 and 1/(1 − x) below.
public enum LossKind: String, Sendable, Codable, CaseIterable {
    case ce, mse, stablemax
}

/// The optimizer (`optimizer=`), each as its `torch.optim` class on the single-tensor path:
/// - `adamw`: decoupled weight decay (the paper's);
/// - `adam`: coupled L2, wd·w added to the gradient before the moments (Grokfast's setup);
/// - `sgd`: coupled wd, heavy-ball `momentum` without dampening or Nesterov.
public enum OptimizerKind: String, Sendable, Codable, CaseIterable {
    case adamw, adam, sgd
}
