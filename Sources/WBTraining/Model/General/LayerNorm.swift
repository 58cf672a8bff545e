/// TransformerLens's `LayerNorm` over rows of width d, in float32 with float64 sums: x ← x − mean(x);
/// scale = √(mean(x²) + ε) (the biased variance); y = (x / scale)·w + b. The forward keeps x̂ = x / scale and 1/scale
/// for the backward.
enum LayerNorm {
    static let epsilon: Float = 1e-5

    /// Rows [lo, hi) of x [·, d] into y, with x̂ and 1/scale saved.
    static func forward(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, normalized: UnsafeMutablePointer<Float>,
                        inverseScale: UnsafeMutablePointer<Float>, weight: UnsafePointer<Float>, bias: UnsafePointer<Float>,
                        rows: Range<Int>, width d: Int) {
        for r in rows {
            let row = x + r * d, out = y + r * d, hat = normalized + r * d
            var sum = 0.0
            for j in 0..<d { sum += Double(row[j]) }
            let mean = Float(sum / Double(d))
            var squares = 0.0
            for j in 0..<d {
                let centred = row[j] - mean
                hat[j] = centred
                squares += Double(centred) * Double(centred)
            }
            let scale = (Float(squares / Double(d)) + epsilon).squareRoot()
            inverseScale[r] = 1 / scale
            for j in 0..<d {
                hat[j] = hat[j] / scale
                out[j] = hat[j] * weight[j] + bias[j]
            }
        }
    }

    /// dx (added into `dx` when `accumulate`, else written) from dy for rows [lo, hi):
    /// dx = (1/scale)·(g − mean(g) − x̂·mean(g ⊙ x̂)) with g = dy ⊙ w.
    static func backward(_ dy: UnsafePointer<Float>, _ dx: UnsafeMutablePointer<Float>, normalized: UnsafePointer<Float>,
                         inverseScale: UnsafePointer<Float>, weight: UnsafePointer<Float>, rows: Range<Int>, width d: Int,
                         accumulate: Bool) {
        for r in rows {
            let g = dy + r * d, hat = normalized + r * d, out = dx + r * d
            var meanG = 0.0, meanGX = 0.0
            for j in 0..<d {
                let gj = Double(g[j] * weight[j])
                meanG += gj
                meanGX += gj * Double(hat[j])
            }
            let mg = Float(meanG / Double(d)), mgx = Float(meanGX / Double(d)), inv = inverseScale[r]
            for j in 0..<d {
                let value = (g[j] * weight[j] - mg - hat[j] * mgx) * inv
                out[j] = accumulate ? out[j] + value : value
            }
        }
    }

    /// dw = Σ_rows dy ⊙ x̂ and db = Σ_rows dy for columns `columns`, rows added in order.
    static func parameterGradients(_ dy: UnsafePointer<Float>, normalized: UnsafePointer<Float>, rows: Int, width d: Int,
                                   columns: Range<Int>, dWeight: UnsafeMutablePointer<Float>, dBias: UnsafeMutablePointer<Float>) {
        for j in columns { dWeight[j] = 0; dBias[j] = 0 }
        for r in 0..<rows {
            let g = dy + r * d, hat = normalized + r * d
            for j in columns {
                dWeight[j] += g[j] * hat[j]
                dBias[j] += g[j]
            }
        }
    }
}
