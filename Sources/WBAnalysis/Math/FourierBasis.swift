import Foundation

/// The real Fourier basis of Z_p (reference §5.1, the paper code's `make_fourier_basis` order), for odd p.
///
/// `F` is p×p, row-major, one basis vector per row over x = 0..<p:
/// - row 0: the constant 1/√p;
/// - row 2k−1: cos(w_k x)·√(2/p);  row 2k: sin(w_k x)·√(2/p), for k = 1…(p−1)/2 and w_k = 2πk/p.
///
/// F is orthonormal (F·Fᵀ = I): the transform of x is F·x and its inverse Fᵀ·x̂. (TransformerLens orders sin before cos;
/// sets of components per frequency, and so every norm and fraction here, are the same in both orders.)
public struct FourierBasis: Sendable {
    public let p: Int
    /// The p×p basis, row-major (rows are basis vectors).
    public let matrix: [Double]
    /// The same in Float, for the GEMMs over activations.
    public let floatMatrix: [Float]

    /// Frequencies k = 1…(p−1)/2.
    public var frequencyCount: Int { (p - 1) / 2 }

    public init(p: Int) throws {
        guard p >= 3, p % 2 == 1 else { throw AnalysisError.unsupported("the real Fourier basis needs an odd p ≥ 3; got p = \(p)") }
        self.p = p
        var f = [Double](repeating: 0, count: p * p)
        let constant = 1 / Double(p).squareRoot()
        let scale = (2 / Double(p)).squareRoot()
        for x in 0..<p { f[x] = constant }
        for k in 1...((p - 1) / 2) {
            for x in 0..<p {
                // The angle from (k·x mod p) keeps the argument small and the rows exact to rounding.
                let angle = 2 * Double.pi * Double((k * x) % p) / Double(p)
                f[(2 * k - 1) * p + x] = scale * Foundation.cos(angle)
                f[(2 * k) * p + x] = scale * Foundation.sin(angle)
            }
        }
        matrix = f
        floatMatrix = f.map { Float($0) }
    }

    /// The row of cos(w_k x) (k ≥ 1).
    public static func cosRow(_ k: Int) -> Int { 2 * k - 1 }
    /// The row of sin(w_k x) (k ≥ 1).
    public static func sinRow(_ k: Int) -> Int { 2 * k }
    /// The frequency of component row j: ⌊(j+1)/2⌋ (0 for the constant).
    public static func frequency(ofRow j: Int) -> Int { (j + 1) / 2 }

    /// "const", "cos k" or "sin k".
    public static func componentName(_ j: Int) -> String {
        if j == 0 { return "const" }
        let k = frequency(ofRow: j)
        return j % 2 == 1 ? "cos \(k)" : "sin \(k)"
    }

    /// F·X for X of p rows and `columns` columns (row-major): the transform along the first axis.
    public func transform(_ x: [Double], columns: Int) -> [Double] {
        precondition(x.count == p * columns, "transform: expected \(p)×\(columns) values, got \(x.count)")
        return Matrix.multiply(matrix, x, m: p, k: p, n: columns)
    }

    /// Per-frequency norms N_k = √(n_{2k−1}² + n_{2k}²), k = 1…(p−1)/2, from the p component norms n_j.
    public func frequencyNorms(componentNorms n: [Double]) -> [Double] {
        (1...frequencyCount).map { (k: Int) -> Double in
            let c: Double = n[2 * k - 1], s: Double = n[2 * k]
            return (c * c + s * s).squareRoot()
        }
    }

    /// The norms n_j = ‖(F·X)[j, :]‖₂ of each Fourier component of X (p rows × `columns`).
    public func componentNorms(_ x: [Double], columns: Int) -> [Double] {
        Matrix.rowNorms(transform(x, columns: columns), rows: p, columns: columns)
    }

    /// The sum-direction unit vectors of ℝ^{p²} (reference §5.6) evaluated at s = (a+b) mod p:
    /// c_k(a,b) = (√2/p)·cos(w_k s), s_k(a,b) = (√2/p)·sin(w_k s). Returns (cos, sin), each indexed by s.
    public func sumDirection(_ k: Int) -> (cos: [Double], sin: [Double]) {
        let scale = 2.0.squareRoot() / Double(p)
        var c = [Double](repeating: 0, count: p), s = [Double](repeating: 0, count: p)
        for v in 0..<p {
            let angle = 2 * Double.pi * Double((k * v) % p) / Double(p)
            c[v] = scale * Foundation.cos(angle)
            s[v] = scale * Foundation.sin(angle)
        }
        return (c, s)
    }
}
