/// The Gini coefficient of a non-negative vector (Hurley & Rickard 2009, `docs/analysis.md`), a sparsity measure:
/// 0 for a constant vector, 1 − 1/N for a one-hot vector of length N.
///
/// With c sorted ascending: G = 1 − 2·Σ_{i=1}^{N} (c_(i)/‖c‖₁)·(N − i + ½)/N.
public enum Gini {
    /// The coefficient; 0 for an empty or all-zero vector. Negative entries are a caller error (their absolute value is used).
    public static func coefficient(_ values: [Double]) -> Double {
        let n = values.count
        guard n > 0 else { return 0 }
        let sorted = values.map(abs).sorted()
        let total = sorted.reduce(0, +)
        guard total > 0 else { return 0 }
        var sum = 0.0
        for (index, c) in sorted.enumerated() {
            let i = Double(index + 1)
            sum += (c / total) * (Double(n) - i + 0.5) / Double(n)
        }
        return 1 - 2 * sum
    }
}
