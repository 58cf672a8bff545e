/// How the heads' value rows reach the MLP input and the logits in the structured model. Both are the same function; they
/// round differently.
public enum TableProducts: Sendable, Equatable {
    /// (v·W_O)·W_in and (v·W_O)·W_U: through the d_model-wide residual stream, the arithmetic every training run and
    /// recorded trajectory uses (`wb-arith-2`).
    case throughResidual
    /// v·(W_O·W_in) and v·(W_O·W_U): through each head's d_head-wide values. For the paper's shape it takes a minibatch
    /// step of 512 examples from 0.717 to 0.429 GFLOP of GEMMs; the LLC's chains use it.
    case throughHeads
}
