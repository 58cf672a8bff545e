/// One batch of examples (train or test set, or the full grid) and every activation buffer the structured model needs for it,
/// allocated once and reused each step (no temporary arrays in the hot loop).
///
/// Layouts, all row-major over examples: `attention` [N, heads, 3] (softmax weights of the `=` query over positions 0, 1, 2),
/// `residMid` [N, d_model], `hidden` [N, d_mlp] (post-ReLU), `residPost` [N, d_model], `logits` [N, classes];
/// the `d…` buffers are the gradients of the same shapes.
public final class BatchWorkspace {
    public let batch: ExampleBatch
    public var count: Int { batch.count }
    var attention: [Float]
    var residMid: [Float]
    var hidden: [Float]
    var residPost: [Float]
    var logits: [Float]
    var dLogits: [Float] = []
    var dResidPost: [Float] = []
    var dHidden: [Float] = []

    public init(batch: ExampleBatch, shape s: ModelShape) {
        self.batch = batch
        let n = batch.count
        attention = [Float](repeating: 0, count: n * s.heads * 3)
        residMid = [Float](repeating: 0, count: n * s.dModel)
        hidden = [Float](repeating: 0, count: n * s.dMLP)
        residPost = [Float](repeating: 0, count: n * s.dModel)
        logits = [Float](repeating: 0, count: n * s.classes)
    }

    /// Allocates the gradient buffers (only training batches need them).
    func ensureGradientBuffers(shape s: ModelShape) {
        guard dLogits.isEmpty else { return }
        dLogits = [Float](repeating: 0, count: count * s.classes)
        dResidPost = [Float](repeating: 0, count: count * s.dModel)
        dHidden = [Float](repeating: 0, count: count * s.dMLP)
    }

    /// The post-ReLU MLP activations at `=`, [N, d_mlp], after a forward pass.
    public var hiddenActivations: [Float] { hidden }
    /// The logits at `=`, [N, classes], after a forward pass.
    public var outputLogits: [Float] { logits }
}
