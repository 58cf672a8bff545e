/// Projections of the logits onto the sum directions c_k, s_k of `docs/analysis.md`, for the restricted and excluded losses.
/// (p is the basis's order n: the logits are those of the run's `CyclicView` grid, rows i·n + j, classes in view order.)
///
/// Both directions depend on (a, b) only through s = (a + b) mod p, so every projection needs only the sums
/// G[s][c] = Σ_{(a,b): a+b ≡ s} L[(a,b)][c] (p×p), computed once per checkpoint. For a set K of frequencies the projected
/// logits are P_K[s][c] = Σ_{k∈K} c_k(s)·⟨c_k, L[:,c]⟩ + s_k(s)·⟨s_k, L[:,c]⟩, identical for every input with the same s.
public struct SumFrequencyProjection: Sendable {
    public let p: Int
    /// G[s·p + c].
    public let sums: [Double]
    /// mean_{(a,b)} L[(a,b)][c], per class c.
    public let classMeans: [Double]
    let basis: FourierBasis

    /// From logits [p², stride] (a-major), of which the first p columns are used.
    public init(logits: [Float], stride: Int, basis: FourierBasis) {
        let p = basis.p
        self.p = p
        self.basis = basis
        var g = [Double](repeating: 0, count: p * p)
        logits.withUnsafeBufferPointer { lb in
            g.withUnsafeMutableBufferPointer { gb in
                for a in 0..<p {
                    for b in 0..<p {
                        let s = (a + b) % p
                        let row = lb.baseAddress! + (a * p + b) * stride, out = gb.baseAddress! + s * p
                        for c in 0..<p { out[c] += Double(row[c]) }
                    }
                }
            }
        }
        sums = g
        var means = [Double](repeating: 0, count: p)
        for s in 0..<p { for c in 0..<p { means[c] += g[s * p + c] } }
        classMeans = means.map { $0 / Double(p * p) }
    }

    /// ⟨c_k, L[:,c]⟩ and ⟨s_k, L[:,c]⟩ for every class c.
    public func coefficients(_ k: Int) -> (cos: [Double], sin: [Double]) {
        let (cv, sv) = basis.sumDirection(k)
        var cc = [Double](repeating: 0, count: p), sc = [Double](repeating: 0, count: p)
        for s in 0..<p {
            for c in 0..<p {
                cc[c] += cv[s] * sums[s * p + c]
                sc[c] += sv[s] * sums[s * p + c]
            }
        }
        return (cc, sc)
    }

    /// P_K[s·p + c] for the frequencies K.
    public func projection(_ frequencies: [Int]) -> [Double] {
        var out = [Double](repeating: 0, count: p * p)
        for k in frequencies {
            let (cv, sv) = basis.sumDirection(k)
            let (cc, sc) = coefficients(k)
            for s in 0..<p { for c in 0..<p { out[s * p + c] += cv[s] * cc[c] + sv[s] * sc[c] } }
        }
        return out
    }

    /// ⟨L, cos(w_k(a+b−c))⟩ over the p³ grid, with the cube normalised to unit Frobenius norm (‖cube‖² = p³/2):
    /// Σ_{s,c} G[s][c]·cos(w_k(s − c)) / √(p³/2). (‖cube‖² = n³ at the Nyquist frequency of an even n.)
    public func cubeCoefficient(_ k: Int) -> Double {
        let (cv, sv) = basis.sumDirection(k)   // (√2/p)·cos(w_k·x), (√2/p)·sin(w_k·x)
        // cos(w(s−c)) = cos ws cos wc + sin ws sin wc; the two (√2/p) factors are divided back out.
        var total = 0.0
        for s in 0..<p {
            for c in 0..<p { total += sums[s * p + c] * (cv[s] * cv[c] + sv[s] * sv[c]) }
        }
        if basis.isNyquist(k) {
            // cv = (−1)^x/n and cos(π(s−c)) = (−1)^s·(−1)^c; ‖cube‖² = n³ (every entry is ±1).
            return total * Double(p * p) / Double(p * p * p).squareRoot()
        }
        let unscale = Double(p * p) / 2
        return total * unscale / (Double(p * p * p) / 2).squareRoot()
    }
}
