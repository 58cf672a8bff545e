import Foundation
@testable import WBTraining

/// The plain, position-by-position model in Float64 (tests only): every position runs through every layer, causal
/// attention with the mask, the MLP and the unembedding, exactly as the paper's code writes it; the loss takes the last
/// position. Backward is written out by hand in the same order. It checks the structured model and is checked itself
/// by finite differences.
struct ReferenceModel {
    let shape: ModelShape
    let layout: ParameterLayout

    init(shape: ModelShape) { self.shape = shape; layout = ParameterLayout(shape) }

    /// Mean loss over the examples, and (when `withGradient`) its gradient in the parameter layout.
    func lossAndGradient(_ w: [Double], examples: [(a: Int, b: Int)], withGradient: Bool = true) -> (loss: Double, grad: [Double]) {
        let s = shape, D = s.dModel, H = s.heads, dh = s.dHead, M = s.dMLP, C = s.classes, L = layout
        let scale = 1 / Double(dh).squareRoot()
        var g = [Double](repeating: 0, count: L.totalCount)
        var total = 0.0
        let invN = 1 / Double(examples.count)
        func WE(_ t: Int, _ d: Int) -> Double { w[L.embed + t * D + d] }
        func Wpos(_ i: Int, _ d: Int) -> Double { w[L.posEmbed + i * D + d] }
        func Wq(_ off: Int, _ h: Int, _ d: Int, _ j: Int) -> Double { w[off + (h * D + d) * dh + j] }
        func WO(_ h: Int, _ j: Int, _ d: Int) -> Double { w[L.output + (h * dh + j) * D + d] }
        for ex in examples {
            let tokens = [ex.a, ex.b, s.p]
            let label = (ex.a + ex.b) % s.p
            // Forward, every position.
            var X = [[Double]](repeating: [Double](repeating: 0, count: D), count: 3)
            for i in 0..<3 { for d in 0..<D { X[i][d] = WE(tokens[i], d) + Wpos(i, d) } }
            func project(_ off: Int) -> [[[Double]]] {
                (0..<H).map { h in (0..<3).map { i in (0..<dh).map { j in (0..<D).reduce(0.0) { $0 + X[i][$1] * Wq(off, h, $1, j) } } } }
            }
            let Q = project(L.query), K = project(L.key), V = project(L.value)
            var A = [[[Double]]](repeating: [[Double]](repeating: [Double](repeating: 0, count: 3), count: 3), count: H)
            var Z = [[[Double]]](repeating: [[Double]](repeating: [Double](repeating: 0, count: dh), count: 3), count: H)
            for h in 0..<H {
                for i in 0..<3 {
                    var scores = [Double](repeating: 0, count: 3)
                    for j in 0..<3 {
                        let dot = (0..<dh).reduce(0.0) { $0 + Q[h][i][$1] * K[h][j][$1] }
                        scores[j] = j <= i ? dot : dot - 1e10   // causal mask, then scale
                        scores[j] *= scale
                    }
                    let top = scores.max()!
                    let exps = scores.map { Foundation.exp($0 - top) }
                    let sum = exps.reduce(0, +)
                    for j in 0..<3 { A[h][i][j] = exps[j] / sum }
                    for j in 0..<3 { for c in 0..<dh { Z[h][i][c] += A[h][i][j] * V[h][j][c] } }
                }
            }
            var mid = X
            for i in 0..<3 { for h in 0..<H { for j in 0..<dh { for d in 0..<D { mid[i][d] += Z[h][i][j] * WO(h, j, d) } } } }
            var pre = [[Double]](repeating: [Double](repeating: 0, count: M), count: 3)
            for i in 0..<3 { for m in 0..<M {
                var acc = w[L.mlpInBias + m]
                for d in 0..<D { acc += mid[i][d] * w[L.mlpIn + d * M + m] }
                pre[i][m] = acc
            } }
            let post = pre.map { $0.map { max($0, 0) } }
            var out = mid
            for i in 0..<3 { for d in 0..<D {
                var acc = w[L.mlpOutBias + d]
                for m in 0..<M { acc += post[i][m] * w[L.mlpOut + m * D + d] }
                out[i][d] += acc
            } }
            var logits = [Double](repeating: 0, count: C)
            for c in 0..<C { for d in 0..<D { logits[c] += out[2][d] * w[L.unembed + d * C + c] } }
            let top = logits.max()!
            let lse = top + Foundation.log(logits.reduce(0) { $0 + Foundation.exp($1 - top) })
            total += lse - logits[label]
            guard withGradient else { continue }

            // Backward, position by position (only the last position carries loss).
            var dOut = [[Double]](repeating: [Double](repeating: 0, count: D), count: 3)
            for c in 0..<C {
                let dl = (Foundation.exp(logits[c] - lse) - (c == label ? 1 : 0)) * invN
                for d in 0..<D {
                    g[L.unembed + d * C + c] += out[2][d] * dl
                    dOut[2][d] += dl * w[L.unembed + d * C + c]
                }
            }
            var dMid = dOut
            for i in 0..<3 {
                for d in 0..<D { g[L.mlpOutBias + d] += dOut[i][d] }
                var dPre = [Double](repeating: 0, count: M)
                for m in 0..<M {
                    var acc = 0.0
                    for d in 0..<D {
                        g[L.mlpOut + m * D + d] += post[i][m] * dOut[i][d]
                        acc += dOut[i][d] * w[L.mlpOut + m * D + d]
                    }
                    dPre[m] = pre[i][m] > 0 ? acc : 0
                    g[L.mlpInBias + m] += dPre[m]
                }
                for d in 0..<D { for m in 0..<M {
                    g[L.mlpIn + d * M + m] += mid[i][d] * dPre[m]
                    dMid[i][d] += dPre[m] * w[L.mlpIn + d * M + m]
                } }
            }
            var dX = dMid
            var dQ = Q.map { $0.map { $0.map { _ in 0.0 } } }, dK = dQ, dV = dQ
            for h in 0..<H {
                for i in 0..<3 {
                    var dZ = [Double](repeating: 0, count: dh)
                    for j in 0..<dh { for d in 0..<D {
                        dZ[j] += dMid[i][d] * WO(h, j, d)
                        g[L.output + (h * dh + j) * D + d] += Z[h][i][j] * dMid[i][d]
                    } }
                    var dA = [Double](repeating: 0, count: 3)
                    for j in 0..<3 { for c in 0..<dh {
                        dA[j] += dZ[c] * V[h][j][c]
                        dV[h][j][c] += A[h][i][j] * dZ[c]
                    } }
                    let mean = (0..<3).reduce(0.0) { $0 + A[h][i][$1] * dA[$1] }
                    for j in 0...i {
                        let dScore = A[h][i][j] * (dA[j] - mean) * scale
                        for c in 0..<dh {
                            dQ[h][i][c] += dScore * K[h][j][c]
                            dK[h][j][c] += dScore * Q[h][i][c]
                        }
                    }
                }
                for (off, dP) in [(L.query, dQ[h]), (L.key, dK[h]), (L.value, dV[h])] {
                    for i in 0..<3 { for d in 0..<D { for j in 0..<dh {
                        g[off + (h * D + d) * dh + j] += X[i][d] * dP[i][j]
                        dX[i][d] += dP[i][j] * w[off + (h * D + d) * dh + j]
                    } } }
                }
            }
            for i in 0..<3 { for d in 0..<D {
                g[L.embed + tokens[i] * D + d] += dX[i][d]
                g[L.posEmbed + i * D + d] += dX[i][d]
            } }
        }
        return (total * invN, g)
    }
}
