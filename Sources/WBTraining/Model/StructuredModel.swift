import CModelKernels
import Foundation

/// Loss and accuracy of one batch.
public struct BatchResult: Sendable, Equatable {
    public var loss: Double
    public var correct: Int
    public var count: Int
    public var accuracy: Double { count == 0 ? 0 : Double(correct) / Double(count) }
}

/// The 1-layer transformer in the structured formulation of `../shared/DESIGN.md` (Performance): attention comes from
/// per-token tables (`AttentionTables`), the MLP and unembedding run on the `=` position only as GEMMs over the batch, and
/// backward accumulates into the small tables before reaching the weights. It is the same function as the plain
/// position-by-position model (the tests keep one and compare), at about a fifth of the arithmetic.
///
/// Parallel work (`WorkSplit`): the forward pass and the backward pass down to d resid_mid run per block of examples, each
/// block whole on one worker with single-threaded GEMMs; the weight gradients, which sum over examples, are split by
/// blocks of their output rows or columns (every sum over examples runs whole, in example order, on one worker), and the
/// attention backward by head. The batch loss is the per-example losses added in example order, divided once by the
/// batch size. So the numbers depend on the config (its `threads` included) and the kernels, never on the machine.
public final class StructuredModel {
    public let shape: ModelShape
    public let layout: ParameterLayout
    public let split: WorkSplit
    let tables: AttentionTables
    let scratch: BackwardScratch
    let dScores: AlignedBuffer<Float>
    let dValueOut: AlignedBuffer<Float>
    let dEquals: AlignedBuffer<Float>
    /// W_out · W_U [d_mlp, classes] and b_out · W_U [classes], for evaluation-only forwards.
    let fusedOut: AlignedBuffer<Float>
    let fusedBias: AlignedBuffer<Float>
    /// Fewer examples than this per block are not worth a worker.
    static let minimumBlock = 256

    public init(shape: ModelShape, threads: Int = 2) {
        self.shape = shape
        layout = ParameterLayout(shape)
        split = WorkSplit(workers: threads)
        tables = AttentionTables(shape: shape)
        scratch = BackwardScratch(shape: shape)
        dScores = AlignedBuffer(shape.heads * tables.rows, zero: 0)
        dValueOut = AlignedBuffer(shape.heads * tables.rows * shape.dModel, zero: 0)
        dEquals = AlignedBuffer(shape.dModel, zero: 0)
        fusedOut = AlignedBuffer(shape.dMLP * shape.classes, zero: 0)
        fusedBias = AlignedBuffer(shape.classes, zero: 0)
    }

    public func makeWorkspace(_ batch: ExampleBatch) -> BatchWorkspace { BatchWorkspace(batch: batch, shape: shape) }

    /// Builds the per-token tables and the fused output matrix for the current parameters. Call once per step, before
    /// `evaluate` and `lossAndGradient`.
    public func prepare(parameters: UnsafePointer<Float>) {
        tables.build(parameters: parameters, layout: layout, workers: split)
        let s = shape, out = fusedOut.pointer
        split.forEachBlock(s.dMLP) { block in
            gemm(m: block.count, n: s.classes, k: s.dModel, a: parameters + layout.mlpOut + block.lowerBound * s.dModel,
                 lda: s.dModel, b: parameters + layout.unembed, ldb: s.classes, c: out + block.lowerBound * s.classes,
                 ldc: s.classes)
        }
        gemm(m: 1, n: s.classes, k: s.dModel, a: parameters + layout.mlpOutBias, lda: s.dModel,
             b: parameters + layout.unembed, ldb: s.classes, c: fusedBias.pointer, ldc: s.classes)
    }

    /// Attention from the tables, the residual stream after attention, and the post-ReLU MLP activations, for the
    /// examples in `range` (`wb_attend_and_activate`).
    private func attendAndActivate(_ ws: BatchWorkspace, _ range: Range<Int>) {
        let s = shape
        wb_attend_and_activate(Int32(range.lowerBound), Int32(range.upperBound), ws.a.pointer, ws.b.pointer, Int32(s.p),
                               Int32(s.heads), Int32(s.dModel), Int32(s.dMLP), tables.scores.pointer, tables.valueOut.pointer,
                               tables.valueOutIn.pointer, tables.inputs.pointer + 2 * s.p * s.dModel, tables.equalsIn.pointer,
                               ws.attention.pointer, ws.residMid.pointer, ws.hidden.pointer)
    }

    /// Forward pass for evaluation only: logits = resid_mid·W_U + hidden·(W_out·W_U) + b_out·W_U. Needs `prepare` first.
    public func evaluate(_ ws: BatchWorkspace, parameters w: UnsafePointer<Float>) -> BatchResult {
        let s = shape, n = ws.count, c = s.classes, d = s.dModel, m = s.dMLP
        let logits = ws.logits.pointer, mid = ws.residMid.pointer, hidden = ws.hidden.pointer
        let bias = fusedBias.pointer, fused = fusedOut.pointer
        split.forEachBlock(n, minimum: Self.minimumBlock) { range in
            attendAndActivate(ws, range)
            let lo = range.lowerBound, count = range.count
            for e in range { (logits + e * c).update(from: bias, count: c) }
            gemm(m: count, n: c, k: d, a: mid + lo * d, lda: d, b: w + layout.unembed, ldb: c, beta: 1, c: logits + lo * c, ldc: c)
            gemm(m: count, n: c, k: m, a: hidden + lo * m, lda: m, b: fused, ldb: c, beta: 1, c: logits + lo * c, ldc: c)
            CrossEntropy.evaluate(logits: logits + lo * c, labels: ws.labels.pointer + lo, count: count, classes: c, p: s.p,
                                  batchSize: n, losses: ws.exampleLoss.pointer + lo, correct: ws.exampleCorrect.pointer + lo)
        }
        return batchResult(ws)
    }

    /// Forward only up to the post-ReLU MLP activations at `=` (for analyses); read them from `ws.hiddenActivations`.
    public func activations(_ ws: BatchWorkspace) {
        split.forEachBlock(ws.count, minimum: Self.minimumBlock) { attendAndActivate(ws, $0) }
    }

    /// The mean of the per-example losses (added in example order, divided once by the batch size) and the hits.
    private func batchResult(_ ws: BatchWorkspace) -> BatchResult {
        let n = ws.count, losses = ws.exampleLoss.pointer, hits = ws.exampleCorrect.pointer
        var total = 0.0, correct = 0
        for e in 0..<n { total += losses[e]; correct += Int(hits[e]) }
        return BatchResult(loss: total / Double(n), correct: correct, count: n)
    }

    /// Loss, accuracy and the gradient of the mean loss with respect to every parameter (written into `g`, same layout as
    /// the parameters). Needs `prepare` first.
    public func lossAndGradient(_ ws: BatchWorkspace, parameters w: UnsafePointer<Float>,
                                gradients g: UnsafeMutablePointer<Float>) -> BatchResult {
        let s = shape, n = ws.count, d = s.dModel, m = s.dMLP, c = s.classes, L = layout
        ws.ensureGradientBuffers(shape: s)
        let post = ws.residPost.pointer, mid = ws.residMid.pointer, hidden = ws.hidden.pointer, logits = ws.logits.pointer
        let dLogits = ws.dLogits!.pointer, dPost = ws.dResidPost!.pointer, dMid = ws.dResidMid!.pointer
        let dHidden = ws.dHidden!.pointer
        // Per block of examples: forward, loss, and backward down to d resid_mid.
        split.forEachBlock(n, minimum: Self.minimumBlock) { range in
            attendAndActivate(ws, range)
            let lo = range.lowerBound, count = range.count
            // resid_post = resid_mid + b_out + hidden·W_out;  logits = resid_post·W_U
            let bOut = w + L.mlpOutBias
            for e in range {
                let row = post + e * d, source = mid + e * d
                for j in 0..<d { row[j] = source[j] + bOut[j] }
            }
            gemm(m: count, n: d, k: m, a: hidden + lo * m, lda: m, b: w + L.mlpOut, ldb: d, beta: 1, c: post + lo * d, ldc: d)
            gemm(m: count, n: c, k: d, a: post + lo * d, lda: d, b: w + L.unembed, ldb: c, c: logits + lo * c, ldc: c)
            CrossEntropy.evaluate(logits: logits + lo * c, labels: ws.labels.pointer + lo, count: count, classes: c, p: s.p,
                                  batchSize: n, losses: ws.exampleLoss.pointer + lo, correct: ws.exampleCorrect.pointer + lo,
                                  gradient: dLogits + lo * c)
            // d resid_post = dlogits W_Uᵀ;  d pre = (d resid_post W_outᵀ) where the ReLU passed;
            // d resid_mid = d resid_post + d pre W_inᵀ
            gemm(transB: true, m: count, n: d, k: c, a: dLogits + lo * c, lda: c, b: w + L.unembed, ldb: c, c: dPost + lo * d, ldc: d)
            gemm(transB: true, m: count, n: m, k: d, a: dPost + lo * d, lda: d, b: w + L.mlpOut, ldb: d, c: dHidden + lo * m, ldc: m)
            wb_relu_backward(dHidden + lo * m, hidden + lo * m, count * m)
            (dMid + lo * d).update(from: dPost + lo * d, count: count * d)
            gemm(transB: true, m: count, n: d, k: m, a: dHidden + lo * m, lda: m, b: w + L.mlpIn, ldb: m, beta: 1,
                 c: dMid + lo * d, ldc: d)
        }
        // Sums over examples, split by output rows (GEMMs) or columns (bias and residual sums).
        let dEq = dEquals.pointer
        split.forEach(split.workers) { worker in
            func rows(_ total: Int) -> Range<Int> { WorkSplit.block(worker, of: total, pieces: split.workers) }
            let du = rows(d), dout = rows(m), din = rows(d)
            // dW_U = resid_postᵀ dlogits;  dW_out = hiddenᵀ d resid_post;  dW_in = resid_midᵀ d pre
            if !du.isEmpty {
                gemm(transA: true, m: du.count, n: c, k: n, a: post + du.lowerBound, lda: d, b: dLogits, ldb: c,
                     c: g + L.unembed + du.lowerBound * c, ldc: c)
            }
            if !dout.isEmpty {
                gemm(transA: true, m: dout.count, n: d, k: n, a: hidden + dout.lowerBound, lda: m, b: dPost, ldb: d,
                     c: g + L.mlpOut + dout.lowerBound * d, ldc: d)
            }
            if !din.isEmpty {
                gemm(transA: true, m: din.count, n: m, k: n, a: mid + din.lowerBound, lda: d, b: dHidden, ldb: m,
                     c: g + L.mlpIn + din.lowerBound * m, ldc: m)
            }
            // db_out = Σ d resid_post, db_in = Σ d pre, d x_{2p} (the residual path) = Σ d resid_mid
            Self.columnSums(dPost, rows: n, columns: d, range: rows(d), into: g + L.mlpOutBias)
            Self.columnSums(dHidden, rows: n, columns: m, range: rows(m), into: g + L.mlpInBias)
            Self.columnSums(dMid, rows: n, columns: d, range: rows(d), into: dEq)
        }
        backwardThroughAttention(ws)
        tables.backward(dScores: dScores.pointer, dValueOut: dValueOut.pointer, dEquals: dEq, parameters: w, gradients: g,
                        layout: L, scratch: scratch, workers: split)
        return batchResult(ws)
    }

    /// out[j] = Σ_e x[e, j] for j in `range`, added in example order.
    private static func columnSums(_ x: UnsafePointer<Float>, rows: Int, columns: Int, range: Range<Int>,
                                   into out: UnsafeMutablePointer<Float>) {
        guard !range.isEmpty else { return }
        for j in range { out[j] = 0 }
        for e in 0..<rows {
            let row = x + e * columns
            for j in range { out[j] += row[j] }
        }
    }

    /// From d resid_mid (in `ws.dResidMid`) to the gradients of the attention tables, one head per task
    /// (`wb_attention_backward_head`): the value rows (dVO_{h,r} += A·g) and, through the softmax, the scores
    /// (dS = A ⊙ (dA − Σ A dA)).
    private func backwardThroughAttention(_ ws: BatchWorkspace) {
        let s = shape, n = ws.count
        let att = ws.attention.pointer, grad = ws.dResidMid!.pointer, vo = tables.valueOut.pointer
        let dS = dScores.pointer, dVO = dValueOut.pointer, aTok = ws.a.pointer, bTok = ws.b.pointer
        split.forEach(s.heads) { h in
            wb_attention_backward_head(Int32(h), Int32(n), aTok, bTok, Int32(s.p), Int32(s.heads), Int32(s.dModel), att, grad,
                                       vo, dS, dVO)
        }
    }
}
