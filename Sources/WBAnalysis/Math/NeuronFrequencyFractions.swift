import Dispatch
import WBTraining

/// For every neuron, the fraction of its variance over the input grid explained by each frequency (`docs/analysis.md`):
///
///     N̂_n = F·Ñ_n·Fᵀ          (Ñ_n: neuron n's p×p activations over (a, b), centred)
///     frac_n(k) = Σ_{i,j ∈ {0, 2k−1, 2k}} N̂_n[i,j]² / Σ_{i,j} N̂_n[i,j]²
///
/// (p here is the order n of the basis: the grid is the run's `CyclicView`, n × n. For an even n the block of the Nyquist
/// frequency n/2 is {const, cos n/2}², 2×2: its row and column parts as below, and N̂[n/2, n/2]² = (F·G⁺)[n/2]²/n once.)
///
/// Computed without the full 2D transform. The 3×3 block of frequency k holds
/// - N̂[0, j] and N̂[i, 0] (j, i ∈ {cos k, sin k}): the 1D transforms of the column sums C_b = Σ_a N[a,b] and the row
///   sums R_a = Σ_b N[a,b], divided by √p;
/// - the 2×2 block {cos k, sin k}²: its four product basis functions are an orthonormal rotation of
///   (√2/p)·{cos, sin}(w_k(a+b)) and (√2/p)·{cos, sin}(w_k(a−b)), so its energy is (1/p)·(|F·G⁺|² + |F·G⁻|²) at the
///   rows 2k−1 and 2k, with G⁺_s = Σ_{a+b≡s} N[a,b] and G⁻_d = Σ_{a−b≡d} N[a,b];
/// - N̂[0,0], which centring removes.
/// So one pass over the activations gathers four p-vectors per neuron (plus the sums for the variance), and four small
/// p×p transforms finish the job: O(p²·d_mlp) instead of the O(p³·d_mlp) of two dense transforms. The denominator is the
/// centred sum of squares Σ(N − mean)² (Parseval). A neuron that is constant over the grid has fraction 0 everywhere.
public struct NeuronFrequencyFractions: Sendable {
    public let neurons: Int
    public let frequencyCount: Int
    /// frac[n·K + (k−1)], K = `basis.frequencyCount` ((p−1)/2 for odd p).
    public let fractions: [Double]
    /// Σ_{a,b}(N_n − mean N_n)² per neuron.
    public let variance: [Double]

    public func fraction(neuron n: Int, frequency k: Int) -> Double { fractions[n * frequencyCount + k - 1] }

    /// The best frequency of a neuron and its fraction (the lowest k on ties).
    public func best(neuron n: Int) -> (frequency: Int, fraction: Double) {
        var bestK = 1, bestF = -1.0
        for k in 1...frequencyCount {
            let f = fractions[n * frequencyCount + k - 1]
            if f > bestF { bestF = f; bestK = k }
        }
        return (bestK, bestF)
    }

    /// From activations [n², neurons] (row a·n + b over the basis's group; the view's (i, j) for a `CyclicView` grid).
    public init(activations: [Float], neurons m: Int, basis: FourierBasis) {
        let p = basis.p, K = basis.frequencyCount
        precondition(activations.count == p * p * m, "NeuronFrequencyFractions: expected \(p * p * m) activations")
        neurons = m
        frequencyCount = K
        // Gathers, [p, m] each: sums along a+b, along a−b, over a (per b), over b (per a); and per-neuron Σ N².
        var plus = [Float](repeating: 0, count: p * m), minus = [Float](repeating: 0, count: p * m)
        var columns = [Float](repeating: 0, count: p * m), rowSums = [Float](repeating: 0, count: p * m)
        var squares = [Double](repeating: 0, count: m)
        // Values are shifted by a rough per-neuron mean (that of the a = 0 rows) before the Float32 sums: a shift only
        // moves N̂[0,0] (and the constant component of each gather, neither used), and it keeps Σ(N − shift)² free of the
        // cancellation that ruins the variance of a neuron with a large mean and a small spread.
        var shift = [Float](repeating: 0, count: m)
        activations.withUnsafeBufferPointer { nb in
            for b in 0..<p { for n in 0..<m { shift[n] += nb[b * m + n] } }
        }
        for n in 0..<m { shift[n] /= Float(p) }
        let pieces = m >= 64 ? 2 : 1
        shift.withUnsafeBufferPointer { shiftBuffer in
        activations.withUnsafeBufferPointer { nb in
        plus.withUnsafeMutableBufferPointer { gp in
        minus.withUnsafeMutableBufferPointer { gm in
        columns.withUnsafeMutableBufferPointer { cs in
        rowSums.withUnsafeMutableBufferPointer { rs in
        squares.withUnsafeMutableBufferPointer { sq in
            WorkSplit.concurrently(pieces) { piece in
                let lo = m * piece / pieces, hi = m * (piece + 1) / pieces
                var rowSquares = [Float](repeating: 0, count: m)
                rowSquares.withUnsafeMutableBufferPointer { rq in
                    for a in 0..<p {
                        for n in lo..<hi { rq[n] = 0 }
                        let r = rs.baseAddress! + a * m
                        for b in 0..<p {
                            let row = nb.baseAddress! + (a * p + b) * m
                            let s = gp.baseAddress! + ((a + b) % p) * m
                            let d = gm.baseAddress! + ((a - b + p) % p) * m
                            let c = cs.baseAddress! + b * m
                            for n in lo..<hi {
                                let v = row[n] - shiftBuffer[n]
                                s[n] += v; d[n] += v; c[n] += v; r[n] += v
                                rq[n] += v * v
                            }
                        }
                        for n in lo..<hi { sq[n] += Double(rq[n]) }
                    }
                }
            }
        }}}}}}}
        // Per-neuron total and centred sum of squares.
        var total = [Double](repeating: 0, count: m)
        for a in 0..<p { for n in 0..<m { total[n] += Double(rowSums[a * m + n]) } }
        let count = Double(p * p)
        let v = (0..<m).map { max(0, squares[$0] - total[$0] * total[$0] / count) }
        variance = v
        // 1D transforms of the four gathers (F [p×p] · [p×m], Float64).
        func transform(_ x: [Float]) -> [Double] { basis.transform(x.map(Double.init), columns: m) }
        let tPlus = transform(plus), tMinus = transform(minus), tColumns = transform(columns), tRows = transform(rowSums)
        var out = [Double](repeating: 0, count: m * K)
        let invP = 1 / Double(p)
        for k in 1...K {
            if basis.isNyquist(k) {
                // The single row (−1)^x: the block is {const, cos K}², and N̂[K,K] = (F·G⁺)[K]/√n; the a−b gather gives
                // the same value ((−1)^(a−b) = (−1)^(a+b)), so it is counted once.
                let c = (2 * k - 1) * m
                for n in 0..<m where v[n] > 0 {
                    let e = tPlus[c + n] * tPlus[c + n] + tColumns[c + n] * tColumns[c + n] + tRows[c + n] * tRows[c + n]
                    out[n * K + k - 1] = e * invP / v[n]
                }
                continue
            }
            let c = (2 * k - 1) * m, s = 2 * k * m
            for n in 0..<m where v[n] > 0 {
                var e = tPlus[c + n] * tPlus[c + n] + tPlus[s + n] * tPlus[s + n]
                e += tMinus[c + n] * tMinus[c + n] + tMinus[s + n] * tMinus[s + n]
                e += tColumns[c + n] * tColumns[c + n] + tColumns[s + n] * tColumns[s + n]
                e += tRows[c + n] * tRows[c + n] + tRows[s + n] * tRows[s + n]
                out[n * K + k - 1] = e * invP / v[n]
            }
        }
        fractions = out
    }
}
