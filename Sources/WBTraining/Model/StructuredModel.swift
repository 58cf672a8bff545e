import CModelKernels
import Foundation

/// Loss and accuracy of one batch.
public struct BatchResult: Sendable, Equatable {
    public var loss: Double
    public var correct: Int
    public var count: Int
    /// Examples whose float32 softmax of the correct class rounds to exactly 1 (Prieto et al.'s softmax collapse).
    public var collapsed: Int = 0
    public var accuracy: Double { count == 0 ? 0 : Double(correct) / Double(count) }
    /// The fraction of examples in softmax collapse.
    public var collapseFraction: Double { count == 0 ? 0 : Double(collapsed) / Double(count) }
}

/// The 1-layer transformer in the structured formulation of `docs/numerics.md` (How it is fast), carried through to the
/// logits: only the `=` position feeds the loss, so attention comes from per-token tables (`AttentionTables`), and so do
/// the MLP input (value rows times W_in) and the logits' direct path (value rows times W_U). What is left per example is a
/// weighted sum of 12 table rows and one GEMM, hidden · (W_out·W_U). Backward mirrors it: the gradients of those tables
/// accumulate per example, then reach the weights through GEMMs over the tables' 2p+1 rows instead of over the examples.
/// It is the same function as the plain position-by-position model (the tests keep one and compare), at about an eighth
/// of its arithmetic. `TableProducts` chooses how the value rows reach W_in and W_U (training: through the residual).
///
/// Parallel work (`WorkSplit`): the forward pass and the backward pass down to d pre-activation run per block of examples,
/// each block whole on one worker with single-threaded GEMMs; gradients that sum over examples are split by blocks of
/// their output rows or columns (every sum over examples runs whole, in example order, on one worker), and the table
/// gradients by head. The batch loss is the per-example losses added in example order, divided once by the batch size.
/// So the numbers depend on the config (its `threads` included) and the kernels, never on the machine.
public final class StructuredModel: TrainableModel {
    public let shape: ModelShape
    public let layout: ParameterLayout
    public let split: WorkSplit
    let tables: AttentionTables
    let scratch: BackwardScratch
    /// W_out · W_U [d_mlp, classes]: the MLP's path to the logits.
    let fusedOut: AlignedBuffer<Float>
    /// Gradients of the tables: scores [heads, rows], valueOut [heads, rows, d_model], valueOut·W_in [heads, rows, d_mlp],
    /// valueOut·W_U [heads, rows, classes], W_out·W_U [d_mlp, classes]; and of the constant rows equalsIn [d_mlp],
    /// equalsUnembed [classes] and of x_{2p} on its direct paths [d_model].
    let dScores: AlignedBuffer<Float>
    let dValueOut: AlignedBuffer<Float>
    let dValueOutIn: AlignedBuffer<Float>
    let dValueOutUnembed: AlignedBuffer<Float>
    let dFusedOut: AlignedBuffer<Float>
    let dEqualsIn: AlignedBuffer<Float>
    let dEqualsUnembed: AlignedBuffer<Float>
    let dEquals: AlignedBuffer<Float>
    /// Fewer examples than this per block are not worth a worker.
    static let minimumBlock = 256

    /// `products` chooses how the value tables reach W_in and W_U; training keeps `throughResidual` (its recorded bits).
    public init(shape: ModelShape, threads: Int = 2, products: TableProducts = .throughResidual) {
        self.shape = shape
        layout = ParameterLayout(shape)
        split = WorkSplit(workers: threads)
        tables = AttentionTables(shape: shape, products: products)
        scratch = BackwardScratch(shape: shape, products: products)
        let tableRows = shape.heads * tables.rows
        fusedOut = AlignedBuffer(shape.dMLP * shape.classes, zero: 0)
        dScores = AlignedBuffer(tableRows, zero: 0)
        dValueOut = AlignedBuffer(products == .throughResidual ? tableRows * shape.dModel : 0, zero: 0)
        dValueOutIn = AlignedBuffer(tableRows * shape.dMLP, zero: 0)
        dValueOutUnembed = AlignedBuffer(tableRows * shape.classes, zero: 0)
        dFusedOut = AlignedBuffer(shape.dMLP * shape.classes, zero: 0)
        dEqualsIn = AlignedBuffer(shape.dMLP, zero: 0)
        dEqualsUnembed = AlignedBuffer(shape.classes, zero: 0)
        dEquals = AlignedBuffer(shape.dModel, zero: 0)
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
    }

    /// Attention from the tables, the post-ReLU MLP activations, and (with `logits`) the logits' direct path, for the
    /// examples in `range` (`wb_attend_and_activate`).
    private func attendAndActivate(_ ws: BatchWorkspace, _ range: Range<Int>, logits: Bool) {
        let s = shape, t = tables
        wb_attend_and_activate(Int32(range.lowerBound), Int32(range.upperBound), ws.a.pointer, ws.b.pointer, Int32(s.p),
                               Int32(s.heads), Int32(s.dMLP), Int32(s.classes), t.scores.pointer, t.valueOutIn.pointer,
                               t.valueOutUnembed.pointer, t.equalsIn.pointer, t.equalsUnembed.pointer,
                               ws.attention.pointer, ws.hidden.pointer, logits ? ws.logits.pointer : nil)
    }

    /// logits = (x_{2p} + b_out)·W_U + Σ A·(valueOut·W_U) + hidden·(W_out·W_U), the loss, and with `gradient` its
    /// derivative with respect to the logits, for the examples in `range`.
    private func forward(_ ws: BatchWorkspace, _ range: Range<Int>, gradient: UnsafeMutablePointer<Float>? = nil) {
        let s = shape, c = s.classes, m = s.dMLP, lo = range.lowerBound, logits = ws.logits.pointer + lo * c
        attendAndActivate(ws, range, logits: true)
        gemm(m: range.count, n: c, k: m, a: ws.hidden.pointer + lo * m, lda: m, b: fusedOut.pointer, ldb: c, beta: 1,
             c: logits, ldc: c)
        CrossEntropy.evaluate(logits: logits, labels: ws.labels.pointer + lo, count: range.count, classes: c, p: s.p,
                              batchSize: ws.count, losses: ws.exampleLoss.pointer + lo,
                              correct: ws.exampleCorrect.pointer + lo, gradient: gradient.map { $0 + lo * c })
    }

    /// Forward pass for evaluation only. Needs `prepare` first.
    public func evaluate(_ ws: BatchWorkspace) -> BatchResult {
        split.forEachBlock(ws.count, minimum: Self.minimumBlock) { forward(ws, $0) }
        return batchResult(ws)
    }

    /// Forward only up to the post-ReLU MLP activations at `=` (for analyses); read them from `ws.hiddenActivations`.
    public func activations(_ ws: BatchWorkspace) {
        split.forEachBlock(ws.count, minimum: Self.minimumBlock) { attendAndActivate(ws, $0, logits: false) }
    }

    /// The mean of the per-example losses (added in example order, divided once by the batch size), the hits, and the
    /// examples in softmax collapse (−log softmax_y = log1p(rest) ≤ log1p(2⁻²⁴), see `LossFunction.collapseThreshold`).
    private func batchResult(_ ws: BatchWorkspace) -> BatchResult {
        let n = ws.count, losses = ws.exampleLoss.pointer, hits = ws.exampleCorrect.pointer
        var total = 0.0, correct = 0, collapsed = 0
        let line = LossFunction.collapseLossLine
        for e in 0..<n {
            total += losses[e]; correct += Int(hits[e])
            if losses[e] <= line { collapsed += 1 }
        }
        return BatchResult(loss: total / Double(n), correct: correct, count: n, collapsed: collapsed)
    }

    /// Workspaces of the batches this model was asked about through `TrainableModel` (the trainer's train and test sets).
    private var workspaces: [BatchWorkspace] = []

    /// The workspace of `batch`, made once.
    private func workspace(_ batch: ExampleBatch) -> BatchWorkspace {
        if let known = workspaces.first(where: { $0.batch.a == batch.a && $0.batch.b == batch.b && $0.batch.labels == batch.labels }) {
            return known
        }
        let made = makeWorkspace(batch)
        // A few batches are kept (train, test, a grid); a caller that streams new batches does not grow the list
        // (a sampler reuses one workspace through `BatchWorkspace.load` instead).
        if workspaces.count >= 4 { workspaces.removeFirst() }
        workspaces.append(made)
        return made
    }

    public func lossAndGradient(_ examples: ExampleBatch, parameters: UnsafePointer<Float>,
                                gradients: UnsafeMutablePointer<Float>) -> BatchResult {
        lossAndGradient(workspace(examples), parameters: parameters, gradients: gradients)
    }

    public func evaluate(_ examples: ExampleBatch, parameters: UnsafePointer<Float>) -> BatchResult {
        evaluate(workspace(examples))
    }

    /// Loss, accuracy and the gradient of the mean loss with respect to every parameter (written into `g`, same layout as
    /// the parameters). Needs `prepare` first.
    public func lossAndGradient(_ ws: BatchWorkspace, parameters w: UnsafePointer<Float>,
                                gradients g: UnsafeMutablePointer<Float>) -> BatchResult {
        let s = shape, n = ws.count, m = s.dMLP, c = s.classes, L = layout
        ws.ensureGradientBuffers(shape: s)
        let hidden = ws.hidden.pointer, dLogits = ws.dLogits!.pointer, dPre = ws.dHidden!.pointer
        let fused = fusedOut.pointer, dFused = dFusedOut.pointer
        // Per block of examples: forward, loss, and d pre = (dlogits (W_out·W_U)ᵀ) where the ReLU passed.
        split.forEachBlock(n, minimum: Self.minimumBlock) { range in
            forward(ws, range, gradient: dLogits)
            let lo = range.lowerBound
            gemm(transB: true, m: range.count, n: m, k: c, a: dLogits + lo * c, lda: c, b: fused, ldb: c,
                 c: dPre + lo * m, ldc: m)
            wb_relu_backward(dPre + lo * m, hidden + lo * m, range.count * m)
        }
        // Sums over examples, split by output rows: d(W_out·W_U) = hiddenᵀ dlogits; d equalsIn = Σ d pre;
        // d equalsUnembed = Σ dlogits.
        let dIn = dEqualsIn.pointer, dUn = dEqualsUnembed.pointer
        split.forEach(split.workers) { worker in
            let rows = WorkSplit.block(worker, of: m, pieces: split.workers)
            if !rows.isEmpty {
                gemm(transA: true, m: rows.count, n: c, k: n, a: hidden + rows.lowerBound, lda: m, b: dLogits, ldb: c,
                     c: dFused + rows.lowerBound * c, ldc: c)
            }
            Self.columnSums(dPre, rows: n, columns: m, range: rows, into: dIn)
            Self.columnSums(dLogits, rows: n, columns: c, range: WorkSplit.block(worker, of: c, pieces: split.workers),
                            into: dUn)
        }
        backwardThroughAttention(ws)
        let throughHeads = tables.products == .throughHeads
        if throughHeads { backwardThroughHeads(parameters: w, gradients: g) }
        backwardThroughProducts(parameters: w, gradients: g)
        tables.backward(dScores: dScores.pointer, dValueOut: throughHeads ? nil : dValueOut.pointer, dEquals: dEquals.pointer,
                        parameters: w, gradients: g, layout: L, scratch: scratch, workers: split)
        return batchResult(ws)
    }

    /// `throughHeads`: from the gradients of the product tables to each head's values and W_O, one head per task, with
    /// OI_h = W_O[h]·W_in and OU_h = W_O[h]·W_U: dOI_h = v_hᵀ dVOI_h, dOU_h = v_hᵀ dVOU_h, dv_h = dVOI_h OI_hᵀ +
    /// dVOU_h OU_hᵀ and dW_O[h] = dOI_h W_inᵀ + dOU_h W_Uᵀ. W_in's and W_U's shares (W_Oᵀ dOI, W_Oᵀ dOU over every head)
    /// follow in `backwardThroughProducts`.
    private func backwardThroughHeads(parameters w: UnsafePointer<Float>, gradients g: UnsafeMutablePointer<Float>) {
        let s = shape, d = s.dModel, dh = s.dHead, m = s.dMLP, c = s.classes, rows = tables.rows, L = layout
        let v = tables.values.pointer, oIn = tables.headIn.pointer, oUn = tables.headUnembed.pointer
        let dVOI = dValueOutIn.pointer, dVOU = dValueOutUnembed.pointer
        let dOI = scratch.dHeadIn.pointer, dOU = scratch.dHeadUnembed.pointer, dv = scratch.dValues.pointer
        split.forEach(s.heads) { h in
            let vh = v + h * rows * dh, dVOIh = dVOI + h * rows * m, dVOUh = dVOU + h * rows * c
            let dOIh = dOI + h * dh * m, dOUh = dOU + h * dh * c, dvh = dv + h * rows * dh, gO = g + L.output + h * dh * d
            gemm(transA: true, m: dh, n: m, k: rows, a: vh, lda: dh, b: dVOIh, ldb: m, c: dOIh, ldc: m)
            gemm(transA: true, m: dh, n: c, k: rows, a: vh, lda: dh, b: dVOUh, ldb: c, c: dOUh, ldc: c)
            gemm(transB: true, m: rows, n: dh, k: m, a: dVOIh, lda: m, b: oIn + h * dh * m, ldb: m, c: dvh, ldc: dh)
            gemm(transB: true, m: rows, n: dh, k: c, a: dVOUh, lda: c, b: oUn + h * dh * c, ldb: c, beta: 1, c: dvh, ldc: dh)
            gemm(transB: true, m: dh, n: d, k: m, a: dOIh, lda: m, b: w + L.mlpIn, ldb: m, c: gO, ldc: d)
            gemm(transB: true, m: dh, n: d, k: c, a: dOUh, lda: c, b: w + L.unembed, ldb: c, beta: 1, c: gO, ldc: d)
        }
    }

    /// From the gradients of the product tables to the weights, each output split by rows over the workers:
    /// valueOut·W_in and valueOut·W_U give d valueOut = dVOI W_inᵀ + dVOU W_Uᵀ, dW_in = valueOutᵀ dVOI + x_{2p} ⊗ d equalsIn,
    /// and dW_U = valueOutᵀ dVOU + W_outᵀ d(W_out·W_U) + (x_{2p} + b_out) ⊗ d equalsUnembed; W_out·W_U gives
    /// dW_out = d(W_out·W_U) W_Uᵀ; the constant rows give db_in = d equalsIn, db_out = W_U d equalsUnembed, and the direct
    /// gradient of x_{2p}, W_in d equalsIn + db_out. With `throughHeads` there is no valueOut: W_in's and W_U's table
    /// terms are W_Oᵀ dOI and W_Oᵀ dOU (W_O read as [heads·d_head, d_model]), and the values' gradient is already made.
    private func backwardThroughProducts(parameters w: UnsafePointer<Float>, gradients g: UnsafeMutablePointer<Float>) {
        let s = shape, d = s.dModel, m = s.dMLP, c = s.classes, L = layout
        let throughHeads = tables.products == .throughHeads
        // The left factor of the table terms, [k, d_model] with k rows: valueOut's table rows, or W_O's head rows.
        let tableRows = throughHeads ? s.heads * s.dHead : s.heads * tables.rows
        let vo = throughHeads ? w + L.output : UnsafePointer(tables.valueOut.pointer)
        let equals = tables.inputs.pointer + 2 * s.p * d
        let dVO = dValueOut.pointer
        let dVOI = throughHeads ? scratch.dHeadIn.pointer : dValueOutIn.pointer
        let dVOU = throughHeads ? scratch.dHeadUnembed.pointer : dValueOutUnembed.pointer
        let dFused = dFusedOut.pointer, dIn = dEqualsIn.pointer, dUn = dEqualsUnembed.pointer, dEq = dEquals.pointer
        let wIn = w + L.mlpIn, wOut = w + L.mlpOut, wU = w + L.unembed, bOut = w + L.mlpOutBias
        let gIn = g + L.mlpIn, gOut = g + L.mlpOut, gU = g + L.unembed
        split.forEach(split.workers) { worker in
            func rows(_ total: Int) -> Range<Int> { WorkSplit.block(worker, of: total, pieces: split.workers) }
            let tableBlock = rows(tableRows), modelRows = rows(d), mlpRows = rows(m)
            if !tableBlock.isEmpty && !throughHeads {
                let lo = tableBlock.lowerBound
                gemm(transB: true, m: tableBlock.count, n: d, k: m, a: dVOI + lo * m, lda: m, b: wIn, ldb: m,
                     c: dVO + lo * d, ldc: d)
                gemm(transB: true, m: tableBlock.count, n: d, k: c, a: dVOU + lo * c, lda: c, b: wU, ldb: c, beta: 1,
                     c: dVO + lo * d, ldc: d)
            }
            if !modelRows.isEmpty {
                let lo = modelRows.lowerBound
                gemm(transA: true, m: modelRows.count, n: m, k: tableRows, a: vo + lo, lda: d, b: dVOI, ldb: m,
                     c: gIn + lo * m, ldc: m)
                gemm(transA: true, m: modelRows.count, n: c, k: tableRows, a: vo + lo, lda: d, b: dVOU, ldb: c,
                     c: gU + lo * c, ldc: c)
                gemm(transA: true, m: modelRows.count, n: c, k: m, a: wOut + lo, lda: d, b: dFused, ldb: c, beta: 1,
                     c: gU + lo * c, ldc: c)
                for i in modelRows {
                    let x = equals[i], shifted = equals[i] + bOut[i]
                    let inRow = gIn + i * m, unRow = gU + i * c, wInRow = wIn + i * m, wURow = wU + i * c
                    for j in 0..<m { inRow[j] += x * dIn[j] }
                    for j in 0..<c { unRow[j] += shifted * dUn[j] }
                    var biasOut: Float = 0, direct: Float = 0
                    for j in 0..<c { biasOut += wURow[j] * dUn[j] }
                    for j in 0..<m { direct += wInRow[j] * dIn[j] }
                    g[L.mlpOutBias + i] = biasOut
                    dEq[i] = direct + biasOut
                }
            }
            if !mlpRows.isEmpty {
                let lo = mlpRows.lowerBound
                gemm(transB: true, m: mlpRows.count, n: d, k: c, a: dFused + lo * c, lda: c, b: wU, ldb: c,
                     c: gOut + lo * d, ldc: d)
                for j in mlpRows { g[L.mlpInBias + j] = dIn[j] }
            }
        }
    }

    /// out[j] = Σ_e x[e, j] for j in `range`, added in example order (`wb_column_sums`).
    private static func columnSums(_ x: UnsafePointer<Float>, rows: Int, columns: Int, range: Range<Int>,
                                   into out: UnsafeMutablePointer<Float>) {
        wb_column_sums(x, rows, columns, range.lowerBound, range.upperBound, out)
    }

    /// From d pre and dlogits to the gradients of the tables, one head per task (`wb_attention_backward_head`): the
    /// product rows (dVOI_{h,r} += A·d pre, dVOU_{h,r} += A·dlogits) and, through the softmax, the scores
    /// (dS = A ⊙ (dA − Σ A dA)).
    private func backwardThroughAttention(_ ws: BatchWorkspace) {
        let s = shape, n = ws.count, t = tables
        let att = ws.attention.pointer, dPre = ws.dHidden!.pointer, dLogits = ws.dLogits!.pointer
        let dS = dScores.pointer, dVOI = dValueOutIn.pointer, dVOU = dValueOutUnembed.pointer
        let aTok = ws.a.pointer, bTok = ws.b.pointer
        split.forEach(s.heads) { h in
            wb_attention_backward_head(Int32(h), Int32(n), aTok, bTok, Int32(s.p), Int32(s.heads), Int32(s.dMLP),
                                       Int32(s.classes), att, dPre, dLogits, t.valueOutIn.pointer,
                                       t.valueOutUnembed.pointer, dS, dVOI, dVOU, ws.dAttention!.pointer)
        }
    }
}
