import Dispatch
import WBTraining
import Foundation

/// Cross-entropy of logits over the first p classes (the `=` class dropped, as the paper's analysis code does).
/// Rows are inputs a·p + b of the full grid, labels (a + b) mod p — or, for a `CyclicView` of order n passed as `p`, rows
/// i·n + j of the view grid, labels (i + j) mod n over the view's n classes.
enum LogitLoss {
    /// −log softmax(row)[label], computed as log Σ_j exp(x_j − max) + max − x_label in Float64.
    @inline(__always)
    static func rowLoss(_ row: UnsafePointer<Double>, classes: Int, label: Int) -> Double {
        var top = row[0]
        for j in 1..<classes where row[j] > top { top = row[j] }
        var sum = 0.0
        for j in 0..<classes { sum += Foundation.exp(row[j] - top) }
        return Foundation.log(sum) + top - row[label]
    }

    /// The same loss with the exponentials in Float32: every term is exp(x_j − max) ≤ 1 and the largest is exactly 1,
    /// so the relative error of the sum's part below 1 — which is the loss when the label is the top class — stays near
    /// 1e-7, and a loss of 1e-7 keeps about 6 digits (the differences, the log and the sums stay Float64).
    @inline(__always)
    static func fastRowLoss(_ row: UnsafePointer<Double>, scratch: UnsafeMutablePointer<Float>, classes: Int,
                            label: Int) -> (loss: Double, correct: Bool) {
        var top = row[0], best = 0
        for j in 1..<classes where row[j] > top { top = row[j]; best = j }
        for j in 0..<classes { scratch[j] = Float(row[j] - top) }
        var sum: Float = 0, rest = 0.0
        // Sum in Float32 in blocks of 16, the blocks in Float64.
        var j = 0
        while j < classes {
            let end = min(classes, j + 16)
            sum = 0
            while j < end { sum += expf(scratch[j]); j += 1 }
            rest += Double(sum)
        }
        return (Foundation.log(rest) + top - row[label], best == label)
    }

    /// Mean loss and accuracy (argmax = label) over `rows` of `logits` ([p², stride] Float, the first p columns used),
    /// optionally after subtracting a per-(a+b mod p) offset `offset` ([p, p] Double, indexed [s·p + c]).
    static func mean(logits: [Float], stride: Int, p: Int, rows: [Int], subtracting offset: [Double]? = nil)
        -> (loss: Double, accuracy: Double) {
        guard !rows.isEmpty else { return (0, 0) }
        let pieces = rows.count >= 2048 ? 2 : 1
        var partial = [(Double, Int)](repeating: (0, 0), count: pieces)
        let zero = [Double](repeating: 0, count: p * p)
        let shifts = offset ?? zero
        logits.withUnsafeBufferPointer { lb in
        rows.withUnsafeBufferPointer { rb in
        shifts.withUnsafeBufferPointer { ob in
        partial.withUnsafeMutableBufferPointer { out in
            WorkSplit.concurrently(pieces) { piece in
                let lo = rb.count * piece / pieces, hi = rb.count * (piece + 1) / pieces
                let row = UnsafeMutablePointer<Double>.allocate(capacity: p)
                let scratch = UnsafeMutablePointer<Float>.allocate(capacity: p)
                defer { row.deallocate(); scratch.deallocate() }
                var total = 0.0, correct = 0
                for r in lo..<hi {
                    let index = rb[r]
                    let s = (index / p + index % p) % p
                    let source = lb.baseAddress! + index * stride, shift = ob.baseAddress! + s * p
                    for c in 0..<p { row[c] = Double(source[c]) - shift[c] }
                    let (loss, hit) = fastRowLoss(row, scratch: scratch, classes: p, label: s)
                    total += loss
                    if hit { correct += 1 }
                }
                out[piece] = (total, correct)
            }
        }}}}
        let total = partial.reduce(0) { $0 + $1.0 }, correct = partial.reduce(0) { $0 + $1.1 }
        return (total / Double(rows.count), Double(correct) / Double(rows.count))
    }
}
