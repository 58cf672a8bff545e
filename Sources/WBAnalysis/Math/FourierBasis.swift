import Foundation

/// The real Fourier basis of the cyclic group Z_n (`docs/analysis.md`, the paper code's `make_fourier_basis` order): n = p
/// (odd) for addition, n = p − 1 (even) for the discrete-log view of mul and div (`CyclicView`).
///
/// `F` is n×n, row-major, one basis vector per row over x = 0..<n, w_k = 2πk/n:
/// - row 0: the constant 1/√n;
/// - row 2k−1: cos(w_k x)·√(2/n);  row 2k: sin(w_k x)·√(2/n), for k = 1…⌈n/2⌉ − 1 (all of 1…(n−1)/2 for odd n);
/// - for even n only, row n − 1: the Nyquist frequency k = n/2, cos(πx)/√n = (−1)^x/√n alone (its sine is 0).
///
/// F is orthonormal (F·Fᵀ = I): the transform of x is F·x and its inverse Fᵀ·x̂. (TransformerLens orders sin before cos;
/// sets of components per frequency, and so every norm and fraction here, are the same in both orders.)
public struct FourierBasis: Sendable {
    /// The order n of the group (the name is the odd case's: p for addition; p − 1 in the discrete-log view).
    public let p: Int
    /// The n×n basis, row-major (rows are basis vectors).
    public let matrix: [Double]
    /// The same in Float, for the GEMMs over activations.
    public let floatMatrix: [Float]

    /// The order of the group, n (the same as `p`).
    public var n: Int { p }

    /// Frequencies k = 1…⌊n/2⌋: (p−1)/2 for odd p; n/2 for even n, the last one the Nyquist frequency.
    public var frequencyCount: Int { p / 2 }

    /// Whether frequency k has a single component (cos only): the Nyquist frequency n/2 of an even n.
    public func isNyquist(_ k: Int) -> Bool { p % 2 == 0 && 2 * k == p }

    /// The basis of Z_p for an odd p ≥ 3 (addition, subtraction; an even p is an error).
    public init(p: Int) throws {
        guard p >= 3, p % 2 == 1 else { throw AnalysisError.unsupported("the real Fourier basis needs an odd p ≥ 3; got p = \(p)") }
        self.init(uncheckedOrder: p)
    }

    /// The basis of Z_n for any n ≥ 2, odd or even (`order: p` is the same as `p: p` for an odd p).
    public init(order n: Int) throws {
        guard n >= 2 else { throw AnalysisError.unsupported("the real Fourier basis needs a group of order n ≥ 2; got n = \(n)") }
        self.init(uncheckedOrder: n)
    }

    private init(uncheckedOrder p: Int) {
        self.p = p
        var f = [Double](repeating: 0, count: p * p)
        let constant = 1 / Double(p).squareRoot()
        let scale = (2 / Double(p)).squareRoot()
        for x in 0..<p { f[x] = constant }
        // Every k with a sine (all of 1…(p−1)/2 for odd p), then the Nyquist row of an even n.
        let paired = (p - 1) / 2
        for k in stride(from: 1, through: paired, by: 1) {
            for x in 0..<p {
                // The angle from (k·x mod p) keeps the argument small and the rows exact to rounding.
                let angle = 2 * Double.pi * Double((k * x) % p) / Double(p)
                f[(2 * k - 1) * p + x] = scale * Foundation.cos(angle)
                f[(2 * k) * p + x] = scale * Foundation.sin(angle)
            }
        }
        if p % 2 == 0 {
            for x in 0..<p { f[(p - 1) * p + x] = x % 2 == 0 ? constant : -constant }
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

    /// Per-frequency norms N_k = √(n_{2k−1}² + n_{2k}²), k = 1…⌊n/2⌋, from the n component norms n_j (N = |n_{n−1}| at
    /// the Nyquist frequency of an even n).
    public func frequencyNorms(componentNorms n: [Double]) -> [Double] {
        (1...frequencyCount).map { (k: Int) -> Double in
            if isNyquist(k) { return abs(n[2 * k - 1]) }
            let c: Double = n[2 * k - 1], s: Double = n[2 * k]
            return (c * c + s * s).squareRoot()
        }
    }

    /// The norms n_j = ‖(F·X)[j, :]‖₂ of each Fourier component of X (p rows × `columns`).
    public func componentNorms(_ x: [Double], columns: Int) -> [Double] {
        Matrix.rowNorms(transform(x, columns: columns), rows: p, columns: columns)
    }

    /// The sum-direction unit vectors of ℝ^{n²} (`docs/analysis.md`) evaluated at s = (a+b) mod n:
    /// c_k(a,b) = (√2/n)·cos(w_k s), s_k(a,b) = (√2/n)·sin(w_k s). Returns (cos, sin), each indexed by s.
    /// At the Nyquist frequency of an even n the unit vector is c(a,b) = (−1)^s/n and the sine is all zeros.
    public func sumDirection(_ k: Int) -> (cos: [Double], sin: [Double]) {
        if isNyquist(k) {
            let scale = 1 / Double(p)
            return ((0..<p).map { $0 % 2 == 0 ? scale : -scale }, [Double](repeating: 0, count: p))
        }
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
