import Dispatch
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
public final class StructuredModel {
    public let shape: ModelShape
    public let layout: ParameterLayout
    let tables: AttentionTables
    var scratch: BackwardScratch
    var dScores: [Float]
    var dValueOut: [Float]
    var dEquals: [Float]
    /// W_out · W_U [d_mlp, classes] and b_out · W_U [classes], for evaluation-only forwards.
    var fusedOut: [Float]
    var fusedBias: [Float]
    /// Examples per parallel chunk of the per-example loops.
    let chunks: Int

    public init(shape: ModelShape, parallelChunks: Int = 2) {
        self.shape = shape
        layout = ParameterLayout(shape)
        tables = AttentionTables(shape: shape)
        scratch = BackwardScratch(shape: shape)
        dScores = [Float](repeating: 0, count: shape.heads * tables.rows)
        dValueOut = [Float](repeating: 0, count: shape.heads * tables.rows * shape.dModel)
        dEquals = [Float](repeating: 0, count: shape.dModel)
        fusedOut = [Float](repeating: 0, count: shape.dMLP * shape.classes)
        fusedBias = [Float](repeating: 0, count: shape.classes)
        chunks = max(1, parallelChunks)
    }

    public func makeWorkspace(_ batch: ExampleBatch) -> BatchWorkspace { BatchWorkspace(batch: batch, shape: shape) }

    /// Builds the per-token tables and the fused output matrix for the current parameters. Call once per step, before
    /// `evaluate` and `lossAndGradient`.
    public func prepare(parameters: UnsafePointer<Float>) {
        tables.build(parameters: parameters, layout: layout)
        let s = shape
        fusedOut.withUnsafeMutableBufferPointer { f in
            gemm(m: s.dMLP, n: s.classes, k: s.dModel, a: parameters + layout.mlpOut, lda: s.dModel,
                 b: parameters + layout.unembed, ldb: s.classes, c: f.baseAddress!, ldc: s.classes)
        }
        fusedBias.withUnsafeMutableBufferPointer { f in
            gemm(m: 1, n: s.classes, k: s.dModel, a: parameters + layout.mlpOutBias, lda: s.dModel,
                 b: parameters + layout.unembed, ldb: s.classes, c: f.baseAddress!, ldc: s.classes)
        }
    }

    /// Runs `body(range)` over the examples in `chunks` parallel pieces.
    private func parallel(_ n: Int, _ body: (Range<Int>) -> Void) {
        let pieces = min(chunks, max(1, n / 256))
        if pieces == 1 { body(0..<n); return }
        DispatchQueue.concurrentPerform(iterations: pieces) { i in
            body((n * i / pieces)..<(n * (i + 1) / pieces))
        }
    }

    /// Attention from the tables, the residual stream after attention, and the post-ReLU MLP activations, per example.
    private func attendAndActivate(_ ws: BatchWorkspace) {
        let s = shape, d = s.dModel, m = s.dMLP, heads = s.heads, rows = tables.rows, p = s.p
        ws.batch.a.withUnsafeBufferPointer { ab in
        ws.batch.b.withUnsafeBufferPointer { bb in
        ws.attention.withUnsafeMutableBufferPointer { attb in
        ws.residMid.withUnsafeMutableBufferPointer { midb in
        ws.hidden.withUnsafeMutableBufferPointer { hidb in
        tables.scores.withUnsafeBufferPointer { scb in
        tables.valueOut.withUnsafeBufferPointer { vob in
        tables.valueOutIn.withUnsafeBufferPointer { voib in
        tables.inputs.withUnsafeBufferPointer { xb in
        tables.equalsIn.withUnsafeBufferPointer { eib in
            let att = attb.baseAddress!, mid = midb.baseAddress!, hid = hidb.baseAddress!
            let sc = scb.baseAddress!, vo = vob.baseAddress!, voi = voib.baseAddress!
            let equals = xb.baseAddress! + 2 * p * d, equalsIn = eib.baseAddress!
            let aTok = ab.baseAddress!, bTok = bb.baseAddress!
            parallel(ws.count) { range in
                for e in range {
                    let r0 = Int(aTok[e]), r1 = p + Int(bTok[e]), r2 = 2 * p
                    let w = att + e * heads * 3
                    for h in 0..<heads {
                        let s0 = sc[h * rows + r0], s1 = sc[h * rows + r1], s2 = sc[h * rows + r2]
                        let top = max(s0, max(s1, s2))
                        let e0 = Foundation.exp(s0 - top), e1 = Foundation.exp(s1 - top), e2 = Foundation.exp(s2 - top)
                        let inv = 1 / (e0 + e1 + e2)
                        w[h * 3] = e0 * inv; w[h * 3 + 1] = e1 * inv; w[h * 3 + 2] = e2 * inv
                    }
                    let out = mid + e * d
                    for j in 0..<d { out[j] = equals[j] }
                    let pre = hid + e * m
                    for j in 0..<m { pre[j] = equalsIn[j] }
                    for h in 0..<heads {
                        for slot in 0..<3 {
                            let r = slot == 0 ? r0 : (slot == 1 ? r1 : r2)
                            let weight = w[h * 3 + slot]
                            let voRow = vo + (h * rows + r) * d
                            for j in 0..<d { out[j] += weight * voRow[j] }
                            let voiRow = voi + (h * rows + r) * m
                            for j in 0..<m { pre[j] += weight * voiRow[j] }
                        }
                    }
                    for j in 0..<m { pre[j] = max(pre[j], 0) }
                }
            }
        }}}}}}}}}}
    }

    /// Forward pass for evaluation only: logits = resid_mid·W_U + hidden·(W_out·W_U) + b_out·W_U. Needs `prepare` first.
    public func evaluate(_ ws: BatchWorkspace, parameters w: UnsafePointer<Float>) -> BatchResult {
        attendAndActivate(ws)
        let s = shape, n = ws.count
        ws.logits.withUnsafeMutableBufferPointer { lb in
            let logits = lb.baseAddress!
            fusedBias.withUnsafeBufferPointer { fb in
                for e in 0..<n { (logits + e * s.classes).update(from: fb.baseAddress!, count: s.classes) }
            }
            ws.residMid.withUnsafeBufferPointer { mid in
                gemm(m: n, n: s.classes, k: s.dModel, a: mid.baseAddress!, lda: s.dModel, b: w + layout.unembed, ldb: s.classes,
                     beta: 1, c: logits, ldc: s.classes)
            }
            ws.hidden.withUnsafeBufferPointer { hid in
                fusedOut.withUnsafeBufferPointer { f in
                    gemm(m: n, n: s.classes, k: s.dMLP, a: hid.baseAddress!, lda: s.dMLP, b: f.baseAddress!, ldb: s.classes,
                         beta: 1, c: logits, ldc: s.classes)
                }
            }
        }
        return loss(ws, gradient: false)
    }

    /// Forward only up to the post-ReLU MLP activations at `=` (for analyses); read them from `ws.hiddenActivations`.
    public func activations(_ ws: BatchWorkspace) { attendAndActivate(ws) }

    /// The Float64 cross-entropy of `ws.logits`, in parallel chunks summed in a fixed order (so it is deterministic).
    private func loss(_ ws: BatchWorkspace, gradient: Bool) -> BatchResult {
        let s = shape, n = ws.count
        let pieces = min(chunks, max(1, n / 256))
        var partial = [CrossEntropy.Result](repeating: .init(loss: 0, correct: 0), count: pieces)
        ws.logits.withUnsafeBufferPointer { lb in
        ws.batch.labels.withUnsafeBufferPointer { yb in
        ws.dLogits.withUnsafeMutableBufferPointer { db in
        partial.withUnsafeMutableBufferPointer { out in
            let grad = gradient ? db.baseAddress : nil
            DispatchQueue.concurrentPerform(iterations: pieces) { i in
                let lo = n * i / pieces, hi = n * (i + 1) / pieces
                var r = CrossEntropy.evaluate(logits: lb.baseAddress! + lo * s.classes, labels: yb.baseAddress! + lo,
                                              count: hi - lo, classes: s.classes, p: s.p, gradient: grad.map { $0 + lo * s.classes })
                // Each chunk normalised by its own count; rescale to the whole batch.
                r.loss *= Double(hi - lo)
                out[i] = r
                if let g = grad {
                    let scale = Float(hi - lo) / Float(n)
                    let rowStart = g + lo * s.classes
                    if pieces > 1 { for j in 0..<((hi - lo) * s.classes) { rowStart[j] *= scale } }
                }
            }
        }}}}
        var total = 0.0, correct = 0
        for r in partial { total += r.loss; correct += r.correct }
        return BatchResult(loss: total / Double(n), correct: correct, count: n)
    }

    /// Loss, accuracy and the gradient of the mean loss with respect to every parameter (written into `g`, same layout as
    /// the parameters). Needs `prepare` first.
    public func lossAndGradient(_ ws: BatchWorkspace, parameters w: UnsafePointer<Float>,
                                gradients g: UnsafeMutablePointer<Float>) -> BatchResult {
        let s = shape, n = ws.count, d = s.dModel, m = s.dMLP, c = s.classes, L = layout
        ws.ensureGradientBuffers(shape: s)
        attendAndActivate(ws)
        // resid_post = resid_mid + hidden·W_out + b_out;  logits = resid_post·W_U
        ws.residPost.withUnsafeMutableBufferPointer { postb in
            let post = postb.baseAddress!
            ws.residMid.withUnsafeBufferPointer { mid in
                for e in 0..<n { for j in 0..<d { post[e * d + j] = mid[e * d + j] + w[L.mlpOutBias + j] } }
            }
            ws.hidden.withUnsafeBufferPointer { hid in
                gemm(m: n, n: d, k: m, a: hid.baseAddress!, lda: m, b: w + L.mlpOut, ldb: d, beta: 1, c: post, ldc: d)
            }
            ws.logits.withUnsafeMutableBufferPointer { lb in
                gemm(m: n, n: c, k: d, a: post, lda: d, b: w + L.unembed, ldb: c, c: lb.baseAddress!, ldc: c)
            }
        }
        let result = loss(ws, gradient: true)
        ws.dLogits.withUnsafeBufferPointer { dlb in
        ws.dResidPost.withUnsafeMutableBufferPointer { drb in
        ws.dHidden.withUnsafeMutableBufferPointer { dhb in
        ws.residPost.withUnsafeBufferPointer { postb in
        ws.residMid.withUnsafeBufferPointer { midb in
        ws.hidden.withUnsafeBufferPointer { hidb in
            let dLogits = dlb.baseAddress!, dResid = drb.baseAddress!, dHidden = dhb.baseAddress!
            let post = postb.baseAddress!, mid = midb.baseAddress!, hidden = hidb.baseAddress!
            // Unembedding: dW_U = resid_postᵀ dlogits, d resid_post = dlogits W_Uᵀ
            gemm(transA: true, m: d, n: c, k: n, a: post, lda: d, b: dLogits, ldb: c, c: g + L.unembed, ldc: c)
            gemm(transB: true, m: n, n: d, k: c, a: dLogits, lda: c, b: w + L.unembed, ldb: c, c: dResid, ldc: d)
            // MLP out: db_out = Σ d resid_post, dW_out = hiddenᵀ d resid_post, d hidden = d resid_post W_outᵀ
            let gBOut = g + L.mlpOutBias
            for j in 0..<d { gBOut[j] = 0 }
            for e in 0..<n { for j in 0..<d { gBOut[j] += dResid[e * d + j] } }
            gemm(transA: true, m: m, n: d, k: n, a: hidden, lda: m, b: dResid, ldb: d, c: g + L.mlpOut, ldc: d)
            gemm(transB: true, m: n, n: m, k: d, a: dResid, lda: d, b: w + L.mlpOut, ldb: d, c: dHidden, ldc: m)
            // ReLU, then db_in = Σ d pre
            let gBIn = g + L.mlpInBias
            for j in 0..<m { gBIn[j] = 0 }
            for e in 0..<n {
                let row = dHidden + e * m, act = hidden + e * m
                for j in 0..<m {
                    let v = act[j] > 0 ? row[j] : 0
                    row[j] = v
                    gBIn[j] += v
                }
            }
            // MLP in: dW_in = resid_midᵀ d pre;  d resid_mid = d resid_post + d pre W_inᵀ (accumulated in place)
            gemm(transA: true, m: d, n: m, k: n, a: mid, lda: d, b: dHidden, ldb: m, c: g + L.mlpIn, ldc: m)
            gemm(transB: true, m: n, n: d, k: m, a: dHidden, lda: m, b: w + L.mlpIn, ldb: m, beta: 1, c: dResid, ldc: d)
        }}}}}}
        backwardThroughAttention(ws)
        dScores.withUnsafeBufferPointer { ds in
        dValueOut.withUnsafeBufferPointer { dvo in
        dEquals.withUnsafeBufferPointer { deq in
            tables.backward(dScores: ds.baseAddress!, dValueOut: dvo.baseAddress!, dEquals: deq.baseAddress!,
                            parameters: w, gradients: g, layout: L, scratch: &scratch)
        }}}
        return result
    }

    /// From d resid_mid (in `ws.dResidPost`) to the gradients of the attention tables: the residual path to x_{2p},
    /// the value rows (dVO_{h,r} += A·g) and, through the softmax, the scores (dS = A ⊙ (dA − Σ A dA)).
    private func backwardThroughAttention(_ ws: BatchWorkspace) {
        let s = shape, n = ws.count, d = s.dModel, heads = s.heads, rows = tables.rows, p = s.p
        ws.batch.a.withUnsafeBufferPointer { ab in
        ws.batch.b.withUnsafeBufferPointer { bb in
        ws.attention.withUnsafeBufferPointer { attb in
        ws.dResidPost.withUnsafeBufferPointer { gradb in
        tables.valueOut.withUnsafeBufferPointer { vob in
        dScores.withUnsafeMutableBufferPointer { dsb in
        dValueOut.withUnsafeMutableBufferPointer { dvob in
        dEquals.withUnsafeMutableBufferPointer { deqb in
            let att = attb.baseAddress!, grad = gradb.baseAddress!, vo = vob.baseAddress!
            let dS = dsb.baseAddress!, dVO = dvob.baseAddress!, dEq = deqb.baseAddress!
            for j in 0..<heads * rows { dS[j] = 0 }
            for j in 0..<heads * rows * d { dVO[j] = 0 }
            for j in 0..<d { dEq[j] = 0 }
            for e in 0..<n {
                let gRow = grad + e * d
                for j in 0..<d { dEq[j] += gRow[j] }
                let r0 = Int(ab[e]), r1 = p + Int(bb[e]), r2 = 2 * p
                let w = att + e * heads * 3
                for h in 0..<heads {
                    var dA: (Float, Float, Float) = (0, 0, 0)
                    for slot in 0..<3 {
                        let r = slot == 0 ? r0 : (slot == 1 ? r1 : r2)
                        let weight = w[h * 3 + slot]
                        let voRow = vo + (h * rows + r) * d, dvoRow = dVO + (h * rows + r) * d
                        var dot: Float = 0
                        for j in 0..<d {
                            dot += gRow[j] * voRow[j]
                            dvoRow[j] += weight * gRow[j]
                        }
                        if slot == 0 { dA.0 = dot } else if slot == 1 { dA.1 = dot } else { dA.2 = dot }
                    }
                    let a0 = w[h * 3], a1 = w[h * 3 + 1], a2 = w[h * 3 + 2]
                    let mean = a0 * dA.0 + a1 * dA.1 + a2 * dA.2
                    dS[h * rows + r0] += a0 * (dA.0 - mean)
                    dS[h * rows + r1] += a1 * (dA.1 - mean)
                    dS[h * rows + r2] += a2 * (dA.2 - mean)
                }
            }
        }}}}}}}}
    }
}
