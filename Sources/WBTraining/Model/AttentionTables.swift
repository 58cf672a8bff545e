import Foundation

/// Per-token tables of the attention layer, computed once per step instead of once per example.
///
/// Only the `=` position feeds the loss, so its query is the same for every example, and the keys and values at positions 0
/// and 1 depend only on (token, position). Rows of every table are indexed by `r`: r = t for token t at position 0,
/// r = p + t at position 1, r = 2p for `=` at position 2 (so `rows` = 2p + 1).
///
/// - `inputs`   [rows, d_model]: the embeddings plus positional embeddings, x_r = W_E[t] + W_pos[pos]
/// - `query`    [heads, d_head]: q_h = x_{2p} · W_Q[h]
/// - `keys`, `values` [heads, rows, d_head]: x_r · W_K[h], x_r · W_V[h]
/// - `scores`   [heads, rows]: (q_h · k_{h,r}) / √d_head
/// - `valueOut` [heads, rows, d_model]: v_{h,r} · W_O[h], the head's contribution to the residual per unit of attention
/// - `valueOutIn` [heads, rows, d_mlp]: valueOut · W_in, so the MLP input is a weighted sum of table rows
/// - `equalsIn` [d_mlp]: x_{2p} · W_in + b_in, the constant part of the MLP input
final class AttentionTables {
    let shape: ModelShape
    let rows: Int
    var inputs: [Float]
    var query: [Float]
    var keys: [Float]
    var values: [Float]
    var scores: [Float]
    var valueOut: [Float]
    var valueOutIn: [Float]
    var equalsIn: [Float]

    init(shape s: ModelShape) {
        shape = s
        rows = 2 * s.p + 1
        inputs = [Float](repeating: 0, count: rows * s.dModel)
        query = [Float](repeating: 0, count: s.heads * s.dHead)
        keys = [Float](repeating: 0, count: s.heads * rows * s.dHead)
        values = keys
        scores = [Float](repeating: 0, count: s.heads * rows)
        valueOut = [Float](repeating: 0, count: s.heads * rows * s.dModel)
        valueOutIn = [Float](repeating: 0, count: s.heads * rows * s.dMLP)
        equalsIn = [Float](repeating: 0, count: s.dMLP)
    }

    /// The table row of token `t` at position `pos` (0 or 1); position 2 is always row 2p.
    @inline(__always) func row(token t: Int, position pos: Int) -> Int { pos == 2 ? 2 * shape.p : pos * shape.p + t }

    /// Fills every table from the parameters.
    func build(parameters w: UnsafePointer<Float>, layout: ParameterLayout) {
        let s = shape, d = s.dModel, dh = s.dHead, p = s.p, rows = rows
        let scale = 1 / Float(dh).squareRoot()
        inputs.withUnsafeMutableBufferPointer { x in
            let x = x.baseAddress!
            let embed = w + layout.embed, pos = w + layout.posEmbed
            for t in 0..<p {
                for j in 0..<d {
                    x[t * d + j] = embed[t * d + j] + pos[j]
                    x[(p + t) * d + j] = embed[t * d + j] + pos[d + j]
                }
            }
            for j in 0..<d { x[2 * p * d + j] = embed[p * d + j] + pos[2 * d + j] }
        }
        inputs.withUnsafeBufferPointer { xb in
            let x = xb.baseAddress!, equals = x + 2 * p * d
            query.withUnsafeMutableBufferPointer { q in
                for h in 0..<s.heads {
                    gemm(m: 1, n: dh, k: d, a: equals, lda: d, b: w + layout.query + h * d * dh, ldb: dh, c: q.baseAddress! + h * dh, ldc: dh)
                }
            }
            keys.withUnsafeMutableBufferPointer { k in
                for h in 0..<s.heads {
                    gemm(m: rows, n: dh, k: d, a: x, lda: d, b: w + layout.key + h * d * dh, ldb: dh, c: k.baseAddress! + h * rows * dh, ldc: dh)
                }
            }
            values.withUnsafeMutableBufferPointer { v in
                for h in 0..<s.heads {
                    gemm(m: rows, n: dh, k: d, a: x, lda: d, b: w + layout.value + h * d * dh, ldb: dh, c: v.baseAddress! + h * rows * dh, ldc: dh)
                }
            }
            equalsIn.withUnsafeMutableBufferPointer { e in
                let e = e.baseAddress!
                for j in 0..<s.dMLP { e[j] = w[layout.mlpInBias + j] }
                gemm(m: 1, n: s.dMLP, k: d, a: equals, lda: d, b: w + layout.mlpIn, ldb: s.dMLP, beta: 1, c: e, ldc: s.dMLP)
            }
        }
        scores.withUnsafeMutableBufferPointer { sc in
            keys.withUnsafeBufferPointer { k in
                query.withUnsafeBufferPointer { q in
                    for h in 0..<s.heads {
                        for r in 0..<rows {
                            var dot: Float = 0
                            for j in 0..<dh { dot += k[(h * rows + r) * dh + j] * q[h * dh + j] }
                            sc[h * rows + r] = dot * scale
                        }
                    }
                }
            }
        }
        valueOut.withUnsafeMutableBufferPointer { vo in
            values.withUnsafeBufferPointer { v in
                for h in 0..<s.heads {
                    gemm(m: rows, n: d, k: dh, a: v.baseAddress! + h * rows * dh, lda: dh, b: w + layout.output + h * dh * d, ldb: d,
                         c: vo.baseAddress! + h * rows * d, ldc: d)
                }
            }
        }
        valueOutIn.withUnsafeMutableBufferPointer { voi in
            valueOut.withUnsafeBufferPointer { vo in
                gemm(m: s.heads * rows, n: s.dMLP, k: d, a: vo.baseAddress!, lda: d, b: w + layout.mlpIn, ldb: s.dMLP,
                     c: voi.baseAddress!, ldc: s.dMLP)
            }
        }
    }

    /// Back-propagates gradients of the scores and of `valueOut` (and of x_{2p} used directly as the residual stream) to the
    /// embedding and attention weights. `dScores` is [heads, rows], `dValueOut` [heads, rows, d_model], `dEquals` [d_model].
    /// Writes (not accumulates) the gradients of W_E, W_pos, W_Q, W_K, W_V and W_O.
    func backward(dScores: UnsafePointer<Float>, dValueOut: UnsafePointer<Float>, dEquals: UnsafePointer<Float>,
                  parameters w: UnsafePointer<Float>, gradients g: UnsafeMutablePointer<Float>, layout: ParameterLayout,
                  scratch: inout BackwardScratch) {
        let s = shape, d = s.dModel, dh = s.dHead, p = s.p, rows = rows
        let scale = 1 / Float(dh).squareRoot()
        scratch.dInputs.withUnsafeMutableBufferPointer { dxb in
        scratch.dKeys.withUnsafeMutableBufferPointer { dkb in
        scratch.dValues.withUnsafeMutableBufferPointer { dvb in
        scratch.dQuery.withUnsafeMutableBufferPointer { dqb in
        inputs.withUnsafeBufferPointer { xb in
        keys.withUnsafeBufferPointer { kb in
        values.withUnsafeBufferPointer { vb in
        query.withUnsafeBufferPointer { qb in
            let dx = dxb.baseAddress!, dk = dkb.baseAddress!, dv = dvb.baseAddress!, dq = dqb.baseAddress!
            let x = xb.baseAddress!, k = kb.baseAddress!, v = vb.baseAddress!, q = qb.baseAddress!
            let equals = x + 2 * p * d
            // x_{2p} is also the residual stream at `=`: its gradient starts there.
            for j in 0..<rows * d { dx[j] = 0 }
            for j in 0..<d { dx[2 * p * d + j] = dEquals[j] }
            for h in 0..<s.heads {
                // scores = scale · K q  →  dK = scale · dS ⊗ q,  dq = scale · Kᵀ dS
                for j in 0..<dh { dq[h * dh + j] = 0 }
                for r in 0..<rows {
                    let ds = dScores[h * rows + r] * scale
                    let krow = k + (h * rows + r) * dh, dkrow = dk + (h * rows + r) * dh
                    for j in 0..<dh {
                        dkrow[j] = ds * q[h * dh + j]
                        dq[h * dh + j] += ds * krow[j]
                    }
                }
                // valueOut = V W_O  →  dV = dVO W_Oᵀ,  dW_O = Vᵀ dVO
                gemm(transB: true, m: rows, n: dh, k: d, a: dValueOut + h * rows * d, lda: d, b: w + layout.output + h * dh * d,
                     ldb: d, c: dv + h * rows * dh, ldc: dh)
                gemm(transA: true, m: dh, n: d, k: rows, a: v + h * rows * dh, lda: dh, b: dValueOut + h * rows * d, ldb: d,
                     c: g + layout.output + h * dh * d, ldc: d)
                // K = X W_K, V = X W_V  →  dW = Xᵀ dK, Xᵀ dV;  dX += dK W_Kᵀ + dV W_Vᵀ
                gemm(transA: true, m: d, n: dh, k: rows, a: x, lda: d, b: dk + h * rows * dh, ldb: dh,
                     c: g + layout.key + h * d * dh, ldc: dh)
                gemm(transA: true, m: d, n: dh, k: rows, a: x, lda: d, b: dv + h * rows * dh, ldb: dh,
                     c: g + layout.value + h * d * dh, ldc: dh)
                gemm(transB: true, m: rows, n: d, k: dh, a: dk + h * rows * dh, lda: dh, b: w + layout.key + h * d * dh, ldb: dh,
                     beta: 1, c: dx, ldc: d)
                gemm(transB: true, m: rows, n: d, k: dh, a: dv + h * rows * dh, lda: dh, b: w + layout.value + h * d * dh, ldb: dh,
                     beta: 1, c: dx, ldc: d)
                // q = x_{2p} W_Q  →  dW_Q = x_{2p} ⊗ dq,  dx_{2p} += W_Q dq
                let wq = w + layout.query + h * d * dh, gq = g + layout.query + h * d * dh
                for i in 0..<d {
                    var acc: Float = 0
                    for j in 0..<dh {
                        gq[i * dh + j] = equals[i] * dq[h * dh + j]
                        acc += wq[i * dh + j] * dq[h * dh + j]
                    }
                    dx[2 * p * d + i] += acc
                }
            }
            // x_r = W_E[t] + W_pos[pos]
            let gE = g + layout.embed, gPos = g + layout.posEmbed
            for j in 0..<3 * d { gPos[j] = 0 }
            for t in 0..<p {
                for j in 0..<d {
                    let a = dx[t * d + j], b = dx[(p + t) * d + j]
                    gE[t * d + j] = a + b
                    gPos[j] += a
                    gPos[d + j] += b
                }
            }
            for j in 0..<d {
                gE[p * d + j] = dx[2 * p * d + j]
                gPos[2 * d + j] = dx[2 * p * d + j]
            }
        }}}}}}}}
    }
}

/// Buffers the table backward reuses between steps.
struct BackwardScratch {
    var dInputs: [Float]
    var dKeys: [Float]
    var dValues: [Float]
    var dQuery: [Float]

    init(shape s: ModelShape) {
        let rows = 2 * s.p + 1
        dInputs = [Float](repeating: 0, count: rows * s.dModel)
        dKeys = [Float](repeating: 0, count: s.heads * rows * s.dHead)
        dValues = dKeys
        dQuery = [Float](repeating: 0, count: s.heads * s.dHead)
    }
}
