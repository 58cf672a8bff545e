import CModelKernels

/// Causal self-attention over the three positions `[a, b, =]` of each example, per head, from packed q, k, v rows
/// ([rows, 3·d_model]: q, then k, then v, head h at columns h·d_head of each): scores q_i·k_j / √d_head for j ≤ i,
/// softmax over j (wb's own exponentials in float64, rounded), z_i = Σ_j A_ij v_j. Attention weights are kept as
/// [examples, heads, 3, 3] (zeros above the diagonal) for the backward pass.
///
/// With `lastQueryOnly` (the last block, where only `=` feeds the logits) only the query at position 2 is attended, and
/// z (and dz in the backward pass) has one row per example instead of three.
enum CausalAttention {
    static func forward(qkv: UnsafePointer<Float>, z: UnsafeMutablePointer<Float>, weights: UnsafeMutablePointer<Float>,
                        examples: Range<Int>, heads: Int, dHead: Int, lastQueryOnly: Bool = false) {
        let d = heads * dHead, stride = 3 * d, scale = Float(Double(dHead).squareRoot())
        withUnsafeTemporaryAllocation(of: Double.self, capacity: 6) { buffer in
            let scores = buffer.baseAddress!, exps = scores + 3
            for e in examples {
                for h in 0..<heads {
                    let a = weights + (e * heads + h) * 9
                    for i in (lastQueryOnly ? 2 : 0)..<3 {
                        let q = qkv + (3 * e + i) * stride + h * dHead
                        var top = -Float.infinity
                        for j in 0...i {
                            let k = qkv + (3 * e + j) * stride + d + h * dHead
                            var dot: Float = 0
                            for t in 0..<dHead { dot += q[t] * k[t] }
                            let s = dot / scale
                            scores[j] = Double(s)
                            top = max(top, s)
                        }
                        var sum = 0.0
                        for j in 0...i { exps[j] = wb_exp_nonpositive(Double(Float(scores[j]) - top)); sum += exps[j] }
                        for j in 0..<3 { a[i * 3 + j] = j <= i ? Float(exps[j] / sum) : 0 }
                        let out = z + (lastQueryOnly ? e : 3 * e + i) * d + h * dHead
                        for t in 0..<dHead { out[t] = 0 }
                        for j in 0...i {
                            let v = qkv + (3 * e + j) * stride + 2 * d + h * dHead, w = a[i * 3 + j]
                            for t in 0..<dHead { out[t] += w * v[t] }
                        }
                    }
                }
            }
        }
    }

    /// From dz [rows, d_model] to dqkv [rows, 3·d_model] (written) for `examples`:
    /// dA_ij = dz_i·v_j, dv_j += A_ij dz_i, dS_ij = A_ij (dA_ij − Σ_k A_ik dA_ik), dq_i += dS_ij k_j / √d_head,
    /// dk_j += dS_ij q_i / √d_head.
    static func backward(qkv: UnsafePointer<Float>, weights: UnsafePointer<Float>, dz: UnsafePointer<Float>,
                         dqkv: UnsafeMutablePointer<Float>, examples: Range<Int>, heads: Int, dHead: Int,
                         lastQueryOnly: Bool = false) {
        let d = heads * dHead, stride = 3 * d, inverseScale = 1 / Float(Double(dHead).squareRoot())
        withUnsafeTemporaryAllocation(of: Float.self, capacity: 3) { buffer in
            let dA = buffer.baseAddress!
            for e in examples {
                for i in 0..<3 { let row = dqkv + (3 * e + i) * stride; for t in 0..<stride { row[t] = 0 } }
                for h in 0..<heads {
                    let a = weights + (e * heads + h) * 9
                    for i in (lastQueryOnly ? 2 : 0)..<3 {
                        let g = dz + (lastQueryOnly ? e : 3 * e + i) * d + h * dHead
                        var weighted: Float = 0
                        for j in 0...i {
                            let v = qkv + (3 * e + j) * stride + 2 * d + h * dHead
                            let dv = dqkv + (3 * e + j) * stride + 2 * d + h * dHead
                            let w = a[i * 3 + j]
                            var dot: Float = 0
                            for t in 0..<dHead { dot += g[t] * v[t]; dv[t] += w * g[t] }
                            dA[j] = dot
                            weighted += w * dot
                        }
                        let q = qkv + (3 * e + i) * stride + h * dHead
                        let dq = dqkv + (3 * e + i) * stride + h * dHead
                        for j in 0...i {
                            let ds = a[i * 3 + j] * (dA[j] - weighted) * inverseScale
                            let k = qkv + (3 * e + j) * stride + d + h * dHead
                            let dk = dqkv + (3 * e + j) * stride + d + h * dHead
                            for t in 0..<dHead { dq[t] += ds * k[t]; dk[t] += ds * q[t] }
                        }
                    }
                }
            }
        }
    }
}
