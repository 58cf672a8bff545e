import CModelKernels
import Foundation

/// The losses of `LossKind` on rows of float32 logits: each example's loss in Float64, whether its argmax over the first
/// `p` classes is the label, whether its softmax has collapsed, and (when asked) d(mean loss)/d(logits) as float32,
/// already divided by the batch size. The batch mean is taken by the caller, as the per-example losses added in example
/// order and divided once by the batch size, as for the paper's model.
struct LossFunction {
    let kind: LossKind
    /// Output classes (logits per row).
    let classes: Int
    /// Accuracy reads the argmax over classes 0..<p (the transformer's `=` class is left out).
    let p: Int

    /// The per-example float64 softmax "rest" Σ_{j≠y} exp(z_j − z_y) below which the float32 softmax of the correct class
    /// rounds to exactly 1 (its float32 sum 1 + rest rounds to 1): Prieto et al.'s softmax collapse.
    static let collapseThreshold = 0x1p-24

    /// The cross-entropy at that threshold: −log softmax_y = log1p(rest) when y holds the maximum, so an example's own
    /// loss tells whether it has collapsed.
    static let collapseLossLine = Foundation.log1p(collapseThreshold)

    /// Rows [begin, end) of `logits` [n, classes]: losses, hits and collapse flags at the same rows; gradient rows scaled
    /// by 1/batchSize when `gradient` is given.
    func evaluate(logits: UnsafePointer<Float>, labels: UnsafePointer<Int32>, rows: Range<Int>, batchSize: Int,
                  losses: UnsafeMutablePointer<Double>, correct: UnsafeMutablePointer<UInt8>,
                  collapsed: UnsafeMutablePointer<UInt8>, gradient: UnsafeMutablePointer<Float>?) {
        let c = classes, lo = rows.lowerBound, n = rows.count
        guard n > 0 else { return }
        switch kind {
        case .ce:
            withUnsafeTemporaryAllocation(of: Double.self, capacity: c) { exps in
                wb_cross_entropy(logits + lo * c, labels + lo, Int32(n), Int32(c), Int32(p), Int32(batchSize),
                                 losses + lo, correct + lo, gradient.map { $0 + lo * c }, exps.baseAddress!)
            }
            for e in rows { collapsed[e] = losses[e] <= Self.collapseLossLine ? 1 : 0 }
        case .mse:
            let scale = 1.0 / Double(batchSize * c)
            for e in rows {
                let row = logits + e * c, label = Int(labels[e])
                var total = 0.0
                for j in 0..<c {
                    let diff = Double(row[j]) - (j == label ? 1 : 0)
                    total += diff * diff
                    gradient?[e * c + j] = Float(2 * diff * scale)
                }
                // nn.MSELoss's mean over batch and classes: the example's share is its sum over classes / C.
                losses[e] = total / Double(c)
                correct[e] = Self.argmax(row, p) == label ? 1 : 0
                collapsed[e] = Self.softmaxCollapsed(row, label: label, classes: c) ? 1 : 0
            }
        case .stablemax:
            for e in rows {
                let row = logits + e * c, label = Int(labels[e])
                var total = 0.0
                for j in 0..<c { total += Self.stable(Double(row[j])) }
                let sLabel = Self.stable(Double(row[label]))
                losses[e] = -Foundation.log(sLabel / total)
                if let gradient {
                    // d/dz_j [log S − log s(z_y)] = s'(z_j)/S − [j = y]·s'(z_y)/s(z_y), over the batch.
                    let invN = 1.0 / Double(batchSize)
                    for j in 0..<c {
                        var d = Self.stableSlope(Double(row[j])) / total
                        if j == label { d -= Self.stableSlope(Double(row[j])) / sLabel }
                        gradient[e * c + j] = Float(d * invN)
                    }
                }
                correct[e] = Self.argmax(row, p) == label ? 1 : 0
                collapsed[e] = Self.softmaxCollapsed(row, label: label, classes: c) ? 1 : 0
            }
        }
    }

    /// s(x) = x + 1 for x ≥ 0, 1/(1 − x) below (Prieto et al.'s 1e-30 is below float64 resolution there).
    @inline(__always) static func stable(_ x: Double) -> Double { x >= 0 ? x + 1 : 1 / (1 - x) }

    /// s′(x): 1 for x ≥ 0, 1/(1 − x)² below.
    @inline(__always) static func stableSlope(_ x: Double) -> Double {
        if x >= 0 { return 1 }
        let s = 1 / (1 - x)
        return s * s
    }

    /// The first maximum over row[0..<p].
    @inline(__always) static func argmax(_ row: UnsafePointer<Float>, _ p: Int) -> Int {
        var best = 0
        for j in 1..<max(1, p) where row[j] > row[best] { best = j }
        return best
    }

    /// Whether the float32 softmax of `label` rounds to 1: the label holds the first maximum and Σ_{j≠y} exp(z_j − z_y)
    /// ≤ 2⁻²⁴ (every other logit at least 16.6 below it), with wb's own exponentials.
    static func softmaxCollapsed(_ row: UnsafePointer<Float>, label: Int, classes c: Int) -> Bool {
        let top = Double(row[label])
        for j in 0..<c where j != label && Double(row[j]) - top > -16.6 { return false }
        var rest = 0.0
        for j in 0..<c where j != label { rest += wb_exp_nonpositive(Double(row[j]) - top) }
        return rest <= collapseThreshold
    }
}
