/// For every neuron, the fraction of its variance over the input grid explained by each frequency (reference §5.4–5.5):
///
///     N̂_n = F·Ñ_n·Fᵀ          (Ñ_n: neuron n's p×p activations over (a, b), centred)
///     frac_n(k) = Σ_{i,j ∈ {0, 2k−1, 2k}} N̂_n[i,j]² / Σ_{i,j} N̂_n[i,j]²
///
/// Only the entries in the 3×3 blocks are needed, so the transform is one GEMM along a over all neurons at once
/// (F [p×p] times the activations viewed as [p × p·d_mlp]) followed by small GEMMs along b for the rows each block uses.
/// Centring only zeroes N̂[0,0], so the uncentred activations are transformed and (0,0) is left out; the denominator is
/// the centred sum of squares Σ(N − mean)² (Parseval). A neuron that is constant over the grid has fraction 0 everywhere.
public struct NeuronFrequencyFractions: Sendable {
    public let neurons: Int
    public let frequencyCount: Int
    /// frac[n·K + (k−1)], K = (p−1)/2.
    public let fractions: [Double]
    /// Σ_{a,b}(N_n − mean N_n)² per neuron.
    public let variance: [Double]

    public func fraction(neuron n: Int, frequency k: Int) -> Double { fractions[n * frequencyCount + k - 1] }

    /// The best frequency of a neuron and its fraction (k = 1 on ties at 0).
    public func best(neuron n: Int) -> (frequency: Int, fraction: Double) {
        var bestK = 1, bestF = -1.0
        for k in 1...frequencyCount {
            let f = fractions[n * frequencyCount + k - 1]
            if f > bestF { bestF = f; bestK = k }
        }
        return (bestK, bestF)
    }

    /// From post-ReLU activations [p², neurons] (a-major).
    public init(activations: [Float], neurons m: Int, basis: FourierBasis) {
        let p = basis.p, K = basis.frequencyCount, pm = p * m
        precondition(activations.count == p * pm, "NeuronFrequencyFractions: expected \(p * pm) activations")
        neurons = m
        frequencyCount = K
        // Centred sum of squares per neuron, in Float64.
        var sum = [Double](repeating: 0, count: m), sumSq = [Double](repeating: 0, count: m)
        activations.withUnsafeBufferPointer { nb in
            for r in 0..<(p * p) {
                let row = nb.baseAddress! + r * m
                for n in 0..<m { let v = Double(row[n]); sum[n] += v; sumSq[n] += v * v }
            }
        }
        let count = Double(p * p)
        variance = (0..<m).map { max(0, sumSq[$0] - sum[$0] * sum[$0] / count) }

        // X[i][b][n] = Σ_a F[i,a]·N[a][b][n]
        var x = [Float](repeating: 0, count: p * pm)
        // Per neuron: row 0 of N̂ (all j), column 0 (all i), and the 2×2 block of each frequency.
        var row0 = [Float](repeating: 0, count: p * m)        // N̂[0, j][n] at j·m + n
        var col0 = [Float](repeating: 0, count: p * m)        // N̂[i, 0][n] at i·m + n
        var block = [Float](repeating: 0, count: 2 * m)
        var energy = [Double](repeating: 0, count: m * K)
        let f = basis.floatMatrix
        f.withUnsafeBufferPointer { fb in
        activations.withUnsafeBufferPointer { nb in
        x.withUnsafeMutableBufferPointer { xb in
        row0.withUnsafeMutableBufferPointer { r0 in
        col0.withUnsafeMutableBufferPointer { c0 in
        block.withUnsafeMutableBufferPointer { bl in
            let F = fb.baseAddress!, X = xb.baseAddress!
            Matrix.sgemm(m: p, n: pm, k: p, a: F, lda: p, b: nb.baseAddress!, ldb: pm, c: X, ldc: pm)
            // Row 0 of N̂: F·X[0] (p×p · p×m).
            Matrix.sgemm(m: p, n: m, k: p, a: F, lda: p, b: X, ldb: m, c: r0.baseAddress!, ldc: m)
            // Column 0 of N̂: for every i, F[0,:]·X[i] = (1/√p)·Σ_b X[i][b][n].
            let inv = Float(1 / Double(p).squareRoot())
            for i in 0..<p {
                let out = c0.baseAddress! + i * m
                for n in 0..<m { out[n] = 0 }
                for b in 0..<p {
                    let src = X + i * pm + b * m
                    for n in 0..<m { out[n] += src[n] }
                }
                for n in 0..<m { out[n] *= inv }
            }
            for k in 1...K {
                let rows = F + (2 * k - 1) * p   // rows 2k−1 (cos k) and 2k (sin k)
                for i in [2 * k - 1, 2 * k] {
                    Matrix.sgemm(m: 2, n: m, k: p, a: rows, lda: p, b: X + i * pm, ldb: m, c: bl.baseAddress!, ldc: m)
                    for n in 0..<m {
                        let u = Double(bl[n]), v = Double(bl[m + n])
                        energy[n * K + k - 1] += u * u + v * v
                    }
                }
                for n in 0..<m {
                    let a1 = Double(r0[(2 * k - 1) * m + n]), a2 = Double(r0[2 * k * m + n])
                    let b1 = Double(c0[(2 * k - 1) * m + n]), b2 = Double(c0[2 * k * m + n])
                    energy[n * K + k - 1] += a1 * a1 + a2 * a2 + b1 * b1 + b2 * b2
                }
            }
        }}}}}}
        let v = variance
        fractions = (0..<(m * K)).map { index in
            let n = index / K
            return v[n] > 0 ? energy[index] / v[n] : 0
        }
    }
}
