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
/// - `valueOutUnembed` [heads, rows, classes]: valueOut · W_U, so the logits' direct path is a weighted sum of table rows
/// - `equalsUnembed` [classes]: (x_{2p} + b_out) · W_U, the constant part of the logits
///
/// Work is split over `workers` by head and, for the tables times W_in and W_U, by row blocks: each output is computed
/// whole by one worker.
///
/// With `TableProducts.throughHeads`, `valueOut` is not formed (its buffer is empty): valueOutIn = v_h · (W_O[h] · W_in)
/// and valueOutUnembed = v_h · (W_O[h] · W_U), with `headIn` [heads, d_head, d_mlp] = W_O[h] · W_in and `headUnembed`
/// [heads, d_head, classes] = W_O[h] · W_U.
final class AttentionTables {
    let shape: ModelShape
    let products: TableProducts
    let rows: Int
    let inputs: AlignedBuffer<Float>
    let query: AlignedBuffer<Float>
    let keys: AlignedBuffer<Float>
    let values: AlignedBuffer<Float>
    let scores: AlignedBuffer<Float>
    let valueOut: AlignedBuffer<Float>
    let valueOutIn: AlignedBuffer<Float>
    let equalsIn: AlignedBuffer<Float>
    let valueOutUnembed: AlignedBuffer<Float>
    let equalsUnembed: AlignedBuffer<Float>
    let headIn: AlignedBuffer<Float>
    let headUnembed: AlignedBuffer<Float>

    init(shape s: ModelShape, products: TableProducts = .throughResidual) {
        shape = s
        self.products = products
        rows = 2 * s.p + 1
        inputs = AlignedBuffer(rows * s.dModel, zero: 0)
        query = AlignedBuffer(s.heads * s.dHead, zero: 0)
        keys = AlignedBuffer(s.heads * rows * s.dHead, zero: 0)
        values = AlignedBuffer(s.heads * rows * s.dHead, zero: 0)
        scores = AlignedBuffer(s.heads * rows, zero: 0)
        valueOut = AlignedBuffer(products == .throughResidual ? s.heads * rows * s.dModel : 0, zero: 0)
        valueOutIn = AlignedBuffer(s.heads * rows * s.dMLP, zero: 0)
        equalsIn = AlignedBuffer(s.dMLP, zero: 0)
        valueOutUnembed = AlignedBuffer(s.heads * rows * s.classes, zero: 0)
        equalsUnembed = AlignedBuffer(s.classes, zero: 0)
        let heads = products == .throughHeads ? s.heads * s.dHead : 0
        headIn = AlignedBuffer(heads * s.dMLP, zero: 0)
        headUnembed = AlignedBuffer(heads * s.classes, zero: 0)
    }

    /// Fills every table from the parameters.
    func build(parameters w: UnsafePointer<Float>, layout: ParameterLayout, workers: WorkSplit) {
        let s = shape, d = s.dModel, dh = s.dHead, p = s.p, rows = rows, m = s.dMLP
        let scale = 1 / Float(dh).squareRoot()
        let x = inputs.pointer, equals = x + 2 * p * d
        let embed = w + layout.embed, pos = w + layout.posEmbed
        for t in 0..<p {
            for j in 0..<d {
                x[t * d + j] = embed[t * d + j] + pos[j]
                x[(p + t) * d + j] = embed[t * d + j] + pos[d + j]
            }
        }
        for j in 0..<d { x[2 * p * d + j] = embed[p * d + j] + pos[2 * d + j] }
        let q = query.pointer, k = keys.pointer, v = values.pointer, sc = scores.pointer, vo = valueOut.pointer
        workers.forEach(s.heads) { h in
            gemm(m: 1, n: dh, k: d, a: equals, lda: d, b: w + layout.query + h * d * dh, ldb: dh, c: q + h * dh, ldc: dh)
            gemm(m: rows, n: dh, k: d, a: x, lda: d, b: w + layout.key + h * d * dh, ldb: dh, c: k + h * rows * dh, ldc: dh)
            gemm(m: rows, n: dh, k: d, a: x, lda: d, b: w + layout.value + h * d * dh, ldb: dh, c: v + h * rows * dh, ldc: dh)
            for r in 0..<rows {
                var dot: Float = 0
                for j in 0..<dh { dot += k[(h * rows + r) * dh + j] * q[h * dh + j] }
                sc[h * rows + r] = dot * scale
            }
            if products == .throughHeads {
                let oIn = headIn.pointer + h * dh * m, oUn = headUnembed.pointer + h * dh * s.classes
                gemm(m: dh, n: m, k: d, a: w + layout.output + h * dh * d, lda: d, b: w + layout.mlpIn, ldb: m, c: oIn, ldc: m)
                gemm(m: dh, n: s.classes, k: d, a: w + layout.output + h * dh * d, lda: d, b: w + layout.unembed,
                     ldb: s.classes, c: oUn, ldc: s.classes)
                gemm(m: rows, n: m, k: dh, a: v + h * rows * dh, lda: dh, b: oIn, ldb: m, c: valueOutIn.pointer + h * rows * m,
                     ldc: m)
                gemm(m: rows, n: s.classes, k: dh, a: v + h * rows * dh, lda: dh, b: oUn, ldb: s.classes,
                     c: valueOutUnembed.pointer + h * rows * s.classes, ldc: s.classes)
            } else {
                gemm(m: rows, n: d, k: dh, a: v + h * rows * dh, lda: dh, b: w + layout.output + h * dh * d, ldb: d,
                     c: vo + h * rows * d, ldc: d)
            }
        }
        let e = equalsIn.pointer
        for j in 0..<m { e[j] = w[layout.mlpInBias + j] }
        gemm(m: 1, n: m, k: d, a: equals, lda: d, b: w + layout.mlpIn, ldb: m, beta: 1, c: e, ldc: m)
        let c = s.classes, eu = equalsUnembed.pointer
        withUnsafeTemporaryAllocation(of: Float.self, capacity: d) { shifted in
            for j in 0..<d { shifted[j] = equals[j] + w[layout.mlpOutBias + j] }
            gemm(m: 1, n: c, k: d, a: shifted.baseAddress!, lda: d, b: w + layout.unembed, ldb: c, c: eu, ldc: c)
        }
        guard products == .throughResidual else { return }
        let voi = valueOutIn.pointer, vou = valueOutUnembed.pointer
        workers.forEachBlock(s.heads * rows) { block in
            gemm(m: block.count, n: m, k: d, a: vo + block.lowerBound * d, lda: d, b: w + layout.mlpIn, ldb: m,
                 c: voi + block.lowerBound * m, ldc: m)
            gemm(m: block.count, n: c, k: d, a: vo + block.lowerBound * d, lda: d, b: w + layout.unembed, ldb: c,
                 c: vou + block.lowerBound * c, ldc: c)
        }
    }

    /// Back-propagates gradients of the scores and of `valueOut` (and of x_{2p} used directly as the residual stream) to the
    /// embedding and attention weights. `dScores` is [heads, rows], `dValueOut` [heads, rows, d_model], `dEquals` [d_model].
    /// Writes (not accumulates) the gradients of W_E, W_pos, W_Q, W_K, W_V and W_O. Each head's share of d x goes to its own
    /// slice of `scratch.dInputs`; the slices are then added in head order. Without `dValueOut` (`throughHeads`), the
    /// values' gradient is already in `scratch.dValues` and W_O's in the gradients.
    func backward(dScores: UnsafePointer<Float>, dValueOut: UnsafePointer<Float>?, dEquals: UnsafePointer<Float>,
                  parameters w: UnsafePointer<Float>, gradients g: UnsafeMutablePointer<Float>, layout: ParameterLayout,
                  scratch: BackwardScratch, workers: WorkSplit) {
        let s = shape, d = s.dModel, dh = s.dHead, p = s.p, rows = rows, heads = s.heads
        let scale = 1 / Float(dh).squareRoot()
        let dxHeads = scratch.dInputs.pointer, dk = scratch.dKeys.pointer, dv = scratch.dValues.pointer
        let dq = scratch.dQuery.pointer, dxEquals = scratch.dEqualsInput.pointer
        let x = inputs.pointer, k = keys.pointer, v = values.pointer, q = query.pointer
        let equals = x + 2 * p * d
        workers.forEach(heads) { h in
            let dx = dxHeads + h * rows * d
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
            if let dValueOut {
                gemm(transB: true, m: rows, n: dh, k: d, a: dValueOut + h * rows * d, lda: d,
                     b: w + layout.output + h * dh * d, ldb: d, c: dv + h * rows * dh, ldc: dh)
                gemm(transA: true, m: dh, n: d, k: rows, a: v + h * rows * dh, lda: dh, b: dValueOut + h * rows * d, ldb: d,
                     c: g + layout.output + h * dh * d, ldc: d)
            }
            // K = X W_K, V = X W_V  →  dW = Xᵀ dK, Xᵀ dV;  dX_h = dK W_Kᵀ + dV W_Vᵀ
            gemm(transA: true, m: d, n: dh, k: rows, a: x, lda: d, b: dk + h * rows * dh, ldb: dh,
                 c: g + layout.key + h * d * dh, ldc: dh)
            gemm(transA: true, m: d, n: dh, k: rows, a: x, lda: d, b: dv + h * rows * dh, ldb: dh,
                 c: g + layout.value + h * d * dh, ldc: dh)
            gemm(transB: true, m: rows, n: d, k: dh, a: dk + h * rows * dh, lda: dh, b: w + layout.key + h * d * dh, ldb: dh,
                 c: dx, ldc: d)
            gemm(transB: true, m: rows, n: d, k: dh, a: dv + h * rows * dh, lda: dh, b: w + layout.value + h * d * dh, ldb: dh,
                 beta: 1, c: dx, ldc: d)
            // q = x_{2p} W_Q  →  dW_Q = x_{2p} ⊗ dq,  dx_{2p} += W_Q dq (kept per head, added below)
            let wq = w + layout.query + h * d * dh, gq = g + layout.query + h * d * dh
            for i in 0..<d {
                var acc: Float = 0
                for j in 0..<dh {
                    gq[i * dh + j] = equals[i] * dq[h * dh + j]
                    acc += wq[i * dh + j] * dq[h * dh + j]
                }
                dxEquals[h * d + i] = acc
            }
        }
        // dx = Σ_h dX_h (head order); x_{2p} is also the residual stream at `=`, so its row adds dEquals and W_Q dq.
        let dx = dxHeads
        for h in 1..<max(1, heads) {
            let part = dxHeads + h * rows * d
            for j in 0..<rows * d { dx[j] += part[j] }
        }
        for i in 0..<d {
            var total = dx[2 * p * d + i] + dEquals[i]
            for h in 0..<heads { total += dxEquals[h * d + i] }
            dx[2 * p * d + i] = total
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
    }
}

/// Buffers the table backward reuses between steps: d x per head [heads, rows, d_model], dK and dV [heads, rows, d_head],
/// dq [heads, d_head], and each head's W_Q dq [heads, d_model]; with `throughHeads`, the gradients of W_O[h]·W_in
/// [heads, d_head, d_mlp] and of W_O[h]·W_U [heads, d_head, classes].
final class BackwardScratch {
    let dInputs: AlignedBuffer<Float>
    let dKeys: AlignedBuffer<Float>
    let dValues: AlignedBuffer<Float>
    let dQuery: AlignedBuffer<Float>
    let dEqualsInput: AlignedBuffer<Float>
    let dHeadIn: AlignedBuffer<Float>
    let dHeadUnembed: AlignedBuffer<Float>

    init(shape s: ModelShape, products: TableProducts = .throughResidual) {
        let heads = products == .throughHeads ? s.heads * s.dHead : 0
        dHeadIn = AlignedBuffer(heads * s.dMLP, zero: 0)
        dHeadUnembed = AlignedBuffer(heads * s.classes, zero: 0)
        let rows = 2 * s.p + 1
        dInputs = AlignedBuffer(s.heads * rows * s.dModel, zero: 0)
        dKeys = AlignedBuffer(s.heads * rows * s.dHead, zero: 0)
        dValues = AlignedBuffer(s.heads * rows * s.dHead, zero: 0)
        dQuery = AlignedBuffer(s.heads * s.dHead, zero: 0)
        dEqualsInput = AlignedBuffer(s.heads * s.dModel, zero: 0)
    }
}
