import Foundation

/// Any transformer of `ModelArchitecture.transformer` (layers, pre-LN, GELU) as TransformerLens's `HookedTransformer`
/// computes it, position by position, llm.c style: each layer's forward and backward side by side over flat buffers
/// (`TransformerActivations`), GEMMs on wb's pinned kernels.
///
/// Per block l: h = ln1(x); x_mid = x + Attn(h)·W_O; h₂ = ln2(x_mid); x ← x_mid + act(h₂·W_in + b_in)·W_out + b_out;
/// logits = ln_final(x at `=`)·W_U (no LayerNorm: the identity). W_Q, W_K, W_V are packed per step into one
/// [d_model, 3·d_model] matrix so q, k and v come from one GEMM.
///
/// Parallel work (`WorkSplit`): the forward pass and the backward pass down to every activation's gradient run per block
/// of examples, each whole on one worker; then every weight gradient (a sum over examples) is one GEMM or column sum per
/// block of its output rows, over all examples in order. So the bits depend on the config (its `threads` and batch
/// included), never on the machine.
final class GeneralTransformer: TrainableModel {
    let layout: ParameterLayout
    let split: WorkSplit
    let loss: LossFunction
    let shape: ModelShape
    let layers: Int
    let layerNorm: Bool
    let act: ActivationKind
    /// Offsets of each block's tensors.
    let blocks: [BlockOffsets]
    /// Per block: W_Q, W_K, W_V packed as [d_model, 3·d_model] (column part·d_model + h·d_head + t).
    let packedQKV: [AlignedBuffer<Float>]
    /// The gradient of one packed matrix, before it is unpacked into W_Q, W_K, W_V's gradients.
    let packedGradient: AlignedBuffer<Float>
    private var activations: TransformerActivations?
    static let minimumBlock = 32
    /// Examples evaluated at once when no training batch has fixed the capacity.
    static let evaluationChunk = 1024

    struct BlockOffsets {
        var ln1w = 0, ln1b = 0, q = 0, k = 0, v = 0, o = 0, ln2w = 0, ln2b = 0, wIn = 0, bIn = 0, wOut = 0, bOut = 0
    }

    init(layout: ParameterLayout, loss: LossFunction, threads: Int) {
        guard case .transformer(let s, let layers, let norm, let act) = layout.architecture else {
            preconditionFailure("GeneralTransformer needs a transformer layout")
        }
        self.layout = layout
        self.loss = loss
        split = WorkSplit(workers: threads)
        shape = s
        self.layers = layers
        layerNorm = norm == .ln
        self.act = act
        blocks = (0..<layers).map { l in
            let b = "blocks.\(l)."
            var o = BlockOffsets()
            if norm == .ln {
                o.ln1w = layout.offset(b + "ln1.w"); o.ln1b = layout.offset(b + "ln1.b")
                o.ln2w = layout.offset(b + "ln2.w"); o.ln2b = layout.offset(b + "ln2.b")
            }
            o.q = layout.offset(b + "attn.W_Q"); o.k = layout.offset(b + "attn.W_K"); o.v = layout.offset(b + "attn.W_V")
            o.o = layout.offset(b + "attn.W_O"); o.wIn = layout.offset(b + "mlp.W_in"); o.bIn = layout.offset(b + "mlp.b_in")
            o.wOut = layout.offset(b + "mlp.W_out"); o.bOut = layout.offset(b + "mlp.b_out")
            return o
        }
        packedQKV = (0..<layers).map { _ in AlignedBuffer(s.dModel * 3 * s.dModel, zero: 0) }
        packedGradient = AlignedBuffer(s.dModel * 3 * s.dModel, zero: 0)
    }

    func prepare(parameters w: UnsafePointer<Float>) {
        let s = shape, d = s.dModel, dh = s.dHead
        for (l, o) in blocks.enumerated() {
            let packed = packedQKV[l].pointer
            for (part, offset) in [o.q, o.k, o.v].enumerated() {
                for h in 0..<s.heads {
                    for i in 0..<d {
                        let source = w + offset + (h * d + i) * dh, target = packed + i * 3 * d + part * d + h * dh
                        for t in 0..<dh { target[t] = source[t] }
                    }
                }
            }
        }
    }

    private func buffers(capacity: Int) -> TransformerActivations {
        if let existing = activations, existing.capacity >= capacity { return existing }
        let made = TransformerActivations(capacity: capacity, shape: shape, layers: layers, layerNorm: layerNorm)
        activations = made
        return made
    }

    func evaluate(_ examples: ExampleBatch, parameters w: UnsafePointer<Float>) -> BatchResult {
        var tally = BatchTally()
        forwardInChunks(examples, parameters: w) { ws, _, n in
            tally.add(losses: ws.losses.pointer, correct: ws.correct.pointer, collapsed: ws.collapsed.pointer, count: n)
        }
        return tally.result
    }

    /// The forward pass without a gradient over `examples`, in chunks as large as the buffers hold (made for
    /// `evaluationChunk` examples when no training batch has sized them); after each chunk, `visit(buffers, start, n)`
    /// reads examples [start, start + n) from the buffers (row e of the chunk is example start + e).
    func forwardInChunks(_ examples: ExampleBatch, parameters w: UnsafePointer<Float>,
                         _ visit: (TransformerActivations, Int, Int) -> Void) {
        let chunk = activations?.capacity ?? Self.evaluationChunk
        let ws = buffers(capacity: min(chunk, max(1, examples.count)))
        var start = 0
        while start < examples.count {
            let n = min(ws.capacity, examples.count - start)
            ws.load(examples, from: start, count: n, p: shape.p)
            split.forEachBlock(n, minimum: Self.minimumBlock) { forward(ws, $0, parameters: w, batchSize: n, gradient: false) }
            visit(ws, start, n)
            start += n
        }
    }

    func lossAndGradient(_ examples: ExampleBatch, parameters w: UnsafePointer<Float>,
                         gradients g: UnsafeMutablePointer<Float>) -> BatchResult {
        let n = examples.count
        let ws = buffers(capacity: n)
        ws.ensureGradientBuffers(keepingSlopes: act == .gelu)
        ws.load(examples, from: 0, count: n, p: shape.p)
        split.forEachBlock(n, minimum: Self.minimumBlock) { range in
            forward(ws, range, parameters: w, batchSize: n, gradient: true)
            backward(ws, range, parameters: w)
        }
        weightGradients(ws, examples: n, parameters: w, gradients: g)
        var tally = BatchTally()
        tally.add(losses: ws.losses.pointer, correct: ws.correct.pointer, collapsed: ws.collapsed.pointer, count: n)
        return tally.result
    }

    // MARK: forward

    /// Examples `range` of the loaded batch: every activation, the logits, the loss (and its gradient).
    ///
    /// The last block only needs the `=` position past its keys and values (nothing after it reads positions 0 and 1),
    /// so there q, attention, W_O, ln2 and the MLP run on one row per example, kept compact (row e, not 3e + 2) in that
    /// block's buffers and in `residual[layers]`.
    private func forward(_ ws: TransformerActivations, _ range: Range<Int>, parameters w: UnsafePointer<Float>,
                         batchSize: Int, gradient: Bool) {
        let s = shape, d = s.dModel, m = s.dMLP, c = s.classes, lo = range.lowerBound, ne = range.count
        let rows = (3 * range.lowerBound)..<(3 * range.upperBound), r0 = rows.lowerBound, nr = rows.count
        // Embedding: x₀ = W_E[token] + W_pos[position].
        let x0 = ws.residual[0].pointer, embed = w + layout.offset("embed.W_E"), pos = w + layout.offset("pos_embed.W_pos")
        for r in rows {
            let token = Int(ws.tokens.pointer[r]), out = x0 + r * d, e = embed + token * d, q = pos + (r % 3) * d
            for j in 0..<d { out[j] = e[j] + q[j] }
        }
        for (l, o) in blocks.enumerated() {
            let compact = l == layers - 1
            // The rows past attention: every row, or (compact) one per example.
            let out = compact ? range : rows, o0 = out.lowerBound, no = out.count
            let x = ws.residual[l].pointer, mid = ws.middle[l].pointer, next = ws.residual[l + 1].pointer
            var h1: UnsafePointer<Float> = UnsafePointer(x)
            if layerNorm {
                LayerNorm.forward(x, ws.normed1[l].pointer, normalized: ws.hat1[l].pointer, inverseScale: ws.inverse1[l].pointer,
                                  weight: w + o.ln1w, bias: w + o.ln1b, rows: rows, width: d)
                h1 = UnsafePointer(ws.normed1[l].pointer)
            }
            let qkv = ws.qkv[l].pointer, z = ws.z[l].pointer, packed = packedQKV[l].pointer
            if compact {
                // k and v of every row; q of the `=` rows only (rows 3e + 2: a stride of three rows).
                gemm(m: nr, n: 2 * d, k: d, a: h1 + r0 * d, lda: d, b: packed + d, ldb: 3 * d, c: qkv + r0 * 3 * d + d, ldc: 3 * d)
                gemm(m: ne, n: d, k: d, a: h1 + (r0 + 2) * d, lda: 3 * d, b: packed, ldb: 3 * d, c: qkv + (r0 + 2) * 3 * d,
                     ldc: 9 * d)
            } else {
                gemm(m: nr, n: 3 * d, k: d, a: h1 + r0 * d, lda: d, b: packed, ldb: 3 * d, c: qkv + r0 * 3 * d, ldc: 3 * d)
            }
            CausalAttention.forward(qkv: qkv, z: z, weights: ws.attention[l].pointer, examples: range, heads: s.heads,
                                    dHead: s.dHead, lastQueryOnly: compact)
            // x_mid = x + z·W_O (W_O [heads, d_head, d_model] is [d_model, d_model] row-major).
            for r in out {
                let src = x + (compact ? 3 * r + 2 : r) * d, dst = mid + r * d
                for j in 0..<d { dst[j] = src[j] }
            }
            gemm(m: no, n: d, k: d, a: z + o0 * d, lda: d, b: w + o.o, ldb: d, beta: 1, c: mid + o0 * d, ldc: d)
            var h2: UnsafePointer<Float> = UnsafePointer(mid)
            if layerNorm {
                LayerNorm.forward(mid, ws.normed2[l].pointer, normalized: ws.hat2[l].pointer, inverseScale: ws.inverse2[l].pointer,
                                  weight: w + o.ln2w, bias: w + o.ln2b, rows: out, width: d)
                h2 = UnsafePointer(ws.normed2[l].pointer)
            }
            let pre = ws.pre[l].pointer, post = ws.post[l].pointer
            for r in out { let dst = pre + r * m, bias = w + o.bIn; for j in 0..<m { dst[j] = bias[j] } }
            gemm(m: no, n: m, k: d, a: h2 + o0 * d, lda: d, b: w + o.wIn, ldb: m, beta: 1, c: pre + o0 * m, ldc: m)
            Activation.forward(act, pre + o0 * m, post + o0 * m, slope: gradient && act == .gelu ? ws.slope[l].pointer + o0 * m : nil,
                               count: no * m)
            for r in out {
                let src = mid + r * d, dst = next + r * d, bias = w + o.bOut
                for j in 0..<d { dst[j] = src[j] + bias[j] }
            }
            gemm(m: no, n: d, k: m, a: post + o0 * m, lda: m, b: w + o.wOut, ldb: d, beta: 1, c: next + o0 * d, ldc: d)
        }
        // The `=` rows (compact after the last block), through ln_final, to the logits.
        let final = ws.residual[layers].pointer
        var hf: UnsafePointer<Float> = UnsafePointer(final)
        if layerNorm {
            LayerNorm.forward(final, ws.normedFinal.pointer, normalized: ws.hatFinal.pointer, inverseScale: ws.inverseFinal.pointer,
                              weight: w + layout.offset("ln_final.w"), bias: w + layout.offset("ln_final.b"), rows: range, width: d)
            hf = UnsafePointer(ws.normedFinal.pointer)
        }
        let logits = ws.logits.pointer
        gemm(m: ne, n: c, k: d, a: hf + lo * d, lda: d, b: w + layout.offset("unembed.W_U"), ldb: c, c: logits + lo * c, ldc: c)
        loss.evaluate(logits: logits, labels: ws.labels.pointer, rows: range, batchSize: batchSize,
                      losses: ws.losses.pointer, correct: ws.correct.pointer, collapsed: ws.collapsed.pointer,
                      gradient: gradient ? ws.dLogits.pointer : nil)
    }

    // MARK: backward

    /// Examples `range`: the gradient of every activation, from the logits' down to the embedding's (compact rows in the
    /// last block, as the forward pass keeps them).
    private func backward(_ ws: TransformerActivations, _ range: Range<Int>, parameters w: UnsafePointer<Float>) {
        let s = shape, d = s.dModel, m = s.dMLP, c = s.classes, lo = range.lowerBound
        let rows = (3 * range.lowerBound)..<(3 * range.upperBound), r0 = rows.lowerBound, nr = rows.count
        let dFinal = ws.dFinal.pointer, top = ws.dResidual[layers].pointer
        gemm(transB: true, m: range.count, n: d, k: c, a: ws.dLogits.pointer + lo * c, lda: c,
             b: w + layout.offset("unembed.W_U"), ldb: c, c: dFinal + lo * d, ldc: d)
        if layerNorm {
            LayerNorm.backward(dFinal, top, normalized: ws.hatFinal.pointer, inverseScale: ws.inverseFinal.pointer,
                               weight: w + layout.offset("ln_final.w"), rows: range, width: d, accumulate: false)
        } else {
            for e in range { let src = dFinal + e * d, dst = top + e * d; for j in 0..<d { dst[j] = src[j] } }
        }
        for (l, o) in blocks.enumerated().reversed() {
            let compact = l == layers - 1
            let out = compact ? range : rows, o0 = out.lowerBound, no = out.count
            let dNext = ws.dResidual[l + 1].pointer, dMid = ws.dMiddle[l].pointer, dPre = ws.dPre[l].pointer
            let dH2 = ws.dNormed2[l].pointer, dH1 = ws.dNormed1[l].pointer, dZ = ws.dZ[l].pointer
            let dQKV = ws.dQKV[l].pointer, dX = ws.dResidual[l].pointer
            // MLP: d post = dx·W_outᵀ, through the activation, d h₂ = d pre·W_inᵀ.
            gemm(transB: true, m: no, n: m, k: d, a: dNext + o0 * d, lda: d, b: w + o.wOut, ldb: d, c: dPre + o0 * m, ldc: m)
            Activation.backward(act, preActivation: ws.pre[l].pointer + o0 * m,
                                slope: act == .gelu ? ws.slope[l].pointer + o0 * m : nil, dPre + o0 * m, count: no * m)
            gemm(transB: true, m: no, n: d, k: m, a: dPre + o0 * m, lda: m, b: w + o.wIn, ldb: m, c: dH2 + o0 * d, ldc: d)
            for r in out { let a = dNext + r * d, dst = dMid + r * d; for j in 0..<d { dst[j] = a[j] } }
            if layerNorm {
                LayerNorm.backward(dH2, dMid, normalized: ws.hat2[l].pointer, inverseScale: ws.inverse2[l].pointer,
                                   weight: w + o.ln2w, rows: out, width: d, accumulate: true)
            } else {
                for r in out { let a = dH2 + r * d, dst = dMid + r * d; for j in 0..<d { dst[j] += a[j] } }
            }
            // Attention: dz = d x_mid·W_Oᵀ, through the softmax to dq, dk, dv, then d h₁ = dqkv·W_qkvᵀ.
            gemm(transB: true, m: no, n: d, k: d, a: dMid + o0 * d, lda: d, b: w + o.o, ldb: d, c: dZ + o0 * d, ldc: d)
            CausalAttention.backward(qkv: ws.qkv[l].pointer, weights: ws.attention[l].pointer, dz: dZ, dqkv: dQKV,
                                     examples: range, heads: s.heads, dHead: s.dHead, lastQueryOnly: compact)
            gemm(transB: true, m: nr, n: d, k: 3 * d, a: dQKV + r0 * 3 * d, lda: 3 * d, b: packedQKV[l].pointer, ldb: 3 * d,
                 c: dH1 + r0 * d, ldc: d)
            // d x = d x_mid (the `=` rows only, in the compact block) + the path through ln1 and attention.
            for r in rows {
                let dst = dX + r * d
                if compact {
                    if r % 3 == 2 { let a = dMid + (r / 3) * d; for j in 0..<d { dst[j] = a[j] } } else { for j in 0..<d { dst[j] = 0 } }
                } else {
                    let a = dMid + r * d
                    for j in 0..<d { dst[j] = a[j] }
                }
            }
            if layerNorm {
                LayerNorm.backward(dH1, dX, normalized: ws.hat1[l].pointer, inverseScale: ws.inverse1[l].pointer,
                                   weight: w + o.ln1w, rows: rows, width: d, accumulate: true)
            } else {
                for r in rows { let a = dH1 + r * d, dst = dX + r * d; for j in 0..<d { dst[j] += a[j] } }
            }
        }
    }

    /// Every weight's gradient: sums over all examples (rows in order), each output split by rows over the workers.
    private func weightGradients(_ ws: TransformerActivations, examples n: Int, parameters w: UnsafePointer<Float>,
                                 gradients g: UnsafeMutablePointer<Float>) {
        let s = shape, d = s.dModel, m = s.dMLP, c = s.classes, rows = 3 * n, dh = s.dHead
        let unembed = layout.offset("unembed.W_U")
        let hf = layerNorm ? ws.normedFinal.pointer : ws.residual[layers].pointer
        split.forEach(split.workers) { worker in
            func part(_ total: Int) -> Range<Int> { WorkSplit.block(worker, of: total, pieces: split.workers) }
            let dRows = part(d), mRows = part(m)
            if !dRows.isEmpty {
                let lo = dRows.lowerBound
                gemm(transA: true, m: dRows.count, n: c, k: n, a: hf + lo, lda: d, b: ws.dLogits.pointer, ldb: c,
                     c: g + unembed + lo * c, ldc: c)
                if layerNorm {
                    LayerNorm.parameterGradients(ws.dFinal.pointer, normalized: ws.hatFinal.pointer, rows: n, width: d,
                                                 columns: dRows, dWeight: g + layout.offset("ln_final.w"),
                                                 dBias: g + layout.offset("ln_final.b"))
                }
            }
            for (l, o) in blocks.enumerated() {
                // Past attention, the last block has one row per example.
                let outRows = l == layers - 1 ? n : rows
                let h2 = layerNorm ? ws.normed2[l].pointer : ws.middle[l].pointer
                let dNext = ws.dResidual[l + 1].pointer, dPre = ws.dPre[l].pointer, dMid = ws.dMiddle[l].pointer
                if !mRows.isEmpty {
                    let lo = mRows.lowerBound
                    gemm(transA: true, m: mRows.count, n: d, k: outRows, a: ws.post[l].pointer + lo, lda: m, b: dNext, ldb: d,
                         c: g + o.wOut + lo * d, ldc: d)
                    columnSums(dPre, rows: outRows, width: m, columns: mRows, into: g + o.bIn)
                }
                if !dRows.isEmpty {
                    let lo = dRows.lowerBound
                    columnSums(dNext, rows: outRows, width: d, columns: dRows, into: g + o.bOut)
                    gemm(transA: true, m: dRows.count, n: m, k: outRows, a: h2 + lo, lda: d, b: dPre, ldb: m,
                         c: g + o.wIn + lo * m, ldc: m)
                    gemm(transA: true, m: dRows.count, n: d, k: outRows, a: ws.z[l].pointer + lo, lda: d, b: dMid, ldb: d,
                         c: g + o.o + lo * d, ldc: d)
                    if layerNorm {
                        LayerNorm.parameterGradients(ws.dNormed2[l].pointer, normalized: ws.hat2[l].pointer, rows: outRows,
                                                     width: d, columns: dRows, dWeight: g + o.ln2w, dBias: g + o.ln2b)
                        LayerNorm.parameterGradients(ws.dNormed1[l].pointer, normalized: ws.hat1[l].pointer, rows: rows,
                                                     width: d, columns: dRows, dWeight: g + o.ln1w, dBias: g + o.ln1b)
                    }
                }
            }
            // Embeddings: each row's gradient into its token's and position's rows, rows in order, columns split.
            let dX0 = ws.dResidual[0].pointer, embed = layout.offset("embed.W_E"), pos = layout.offset("pos_embed.W_pos")
            if !dRows.isEmpty {
                for t in 0..<s.vocab { for j in dRows { g[embed + t * d + j] = 0 } }
                for t in 0..<3 { for j in dRows { g[pos + t * d + j] = 0 } }
                for r in 0..<rows {
                    let token = Int(ws.tokens.pointer[r]), src = dX0 + r * d
                    let e = g + embed + token * d, q = g + pos + (r % 3) * d
                    for j in dRows { e[j] += src[j]; q[j] += src[j] }
                }
            }
        }
        // W_Q, W_K, W_V: one packed [d, 3d] gradient per block (over every row: the last block's q rows other than `=`
        // carry zeros), each split by rows, then unpacked.
        for (l, o) in blocks.enumerated() {
            let h1 = layerNorm ? ws.normed1[l].pointer : ws.residual[l].pointer
            let packed = packedGradient.pointer
            split.forEach(split.workers) { worker in
                let dRows = WorkSplit.block(worker, of: d, pieces: split.workers)
                guard !dRows.isEmpty else { return }
                gemm(transA: true, m: dRows.count, n: 3 * d, k: rows, a: h1 + dRows.lowerBound, lda: d,
                     b: ws.dQKV[l].pointer, ldb: 3 * d, c: packed + dRows.lowerBound * 3 * d, ldc: 3 * d)
            }
            for (part, offset) in [o.q, o.k, o.v].enumerated() {
                for h in 0..<s.heads {
                    for i in 0..<d {
                        let source = packed + i * 3 * d + part * d + h * dh, target = g + offset + (h * d + i) * dh
                        for t in 0..<dh { target[t] = source[t] }
                    }
                }
            }
        }
    }
}

/// out[j] = Σ_r x[r, j] for j in `columns`, rows added in order.
func columnSums(_ x: UnsafePointer<Float>, rows: Int, width: Int, columns: Range<Int>, into out: UnsafeMutablePointer<Float>) {
    guard !columns.isEmpty else { return }
    for j in columns { out[j] = 0 }
    for r in 0..<rows {
        let row = x + r * width
        for j in columns { out[j] += row[j] }
    }
}
