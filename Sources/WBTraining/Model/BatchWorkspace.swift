/// One batch of examples (train or test set, or the full grid) and every activation buffer the structured model needs for it,
/// allocated once and reused each step (no temporary arrays in the hot loop).
///
/// Layouts, all row-major over examples: `attention` [N, heads, 3] (softmax weights of the `=` query over positions 0, 1, 2),
/// `hidden` [N, d_mlp] (post-ReLU), `logits` [N, classes], `exampleLoss` [N] (Float64) and `exampleCorrect` [N]; the
/// `d…` buffers are gradients: `dLogits` [N, classes], `dHidden` [N, d_mlp] (of the MLP pre-activations, once the
/// ReLU's mask is applied) and `dAttention` [N, heads, 3] (of the attention weights).
public final class BatchWorkspace {
    public private(set) var batch: ExampleBatch
    public var count: Int { batch.count }
    let a: AlignedBuffer<Int32>
    let b: AlignedBuffer<Int32>
    let labels: AlignedBuffer<Int32>
    let attention: AlignedBuffer<Float>
    let hidden: AlignedBuffer<Float>
    let logits: AlignedBuffer<Float>
    let exampleLoss: AlignedBuffer<Double>
    let exampleCorrect: AlignedBuffer<UInt8>
    private(set) var dLogits: AlignedBuffer<Float>?
    private(set) var dHidden: AlignedBuffer<Float>?
    private(set) var dAttention: AlignedBuffer<Float>?

    public init(batch: ExampleBatch, shape s: ModelShape) {
        self.batch = batch
        let n = batch.count
        a = AlignedBuffer(batch.a, zero: 0)
        b = AlignedBuffer(batch.b, zero: 0)
        labels = AlignedBuffer(batch.labels, zero: 0)
        attention = AlignedBuffer(n * s.heads * 3, zero: 0)
        hidden = AlignedBuffer(n * s.dMLP, zero: 0)
        logits = AlignedBuffer(n * s.classes, zero: 0)
        exampleLoss = AlignedBuffer(n, zero: 0)
        exampleCorrect = AlignedBuffer(n, zero: 0)
    }

    /// Reuses the buffers for another batch of the same size (a sampler's next minibatch), without allocating.
    public func load(_ next: ExampleBatch) {
        precondition(next.count == count, "BatchWorkspace.load: a batch of \(next.count) examples into a workspace of \(count)")
        batch = next
        for i in 0..<count {
            a.pointer[i] = next.a[i]; b.pointer[i] = next.b[i]; labels.pointer[i] = next.labels[i]
        }
    }

    /// Allocates the gradient buffers (only training batches need them).
    func ensureGradientBuffers(shape s: ModelShape) {
        guard dLogits == nil else { return }
        dLogits = AlignedBuffer(count * s.classes, zero: 0)
        dHidden = AlignedBuffer(count * s.dMLP, zero: 0)
        dAttention = AlignedBuffer(count * s.heads * 3, zero: 0)
    }

    /// The post-ReLU MLP activations at `=`, [N, d_mlp], after a forward pass.
    public var hiddenActivations: [Float] { hidden.array }
    /// The logits at `=`, [N, classes], after a forward pass.
    public var outputLogits: [Float] { logits.array }
}
