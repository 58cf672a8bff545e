import Dispatch
import Foundation

/// Cross-entropy of logits over the first p classes (the `=` class dropped, as the paper's analysis code does), in Float64.
/// Rows are inputs a·p + b of the full grid, labels (a + b) mod p.
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

    /// Mean loss and accuracy (argmax = label) over `rows` of `logits` ([p², stride] Float, the first p columns used),
    /// optionally after subtracting a per-(a+b mod p) offset `offset` ([p, p] Double, indexed [s·p + c]).
    static func mean(logits: [Float], stride: Int, p: Int, rows: [Int], subtracting offset: [Double]? = nil)
        -> (loss: Double, accuracy: Double) {
        guard !rows.isEmpty else { return (0, 0) }
        let pieces = rows.count >= 2048 ? 2 : 1
        var partial = [(Double, Int)](repeating: (0, 0), count: pieces)
        logits.withUnsafeBufferPointer { lb in
        rows.withUnsafeBufferPointer { rb in
        partial.withUnsafeMutableBufferPointer { out in
            DispatchQueue.concurrentPerform(iterations: pieces) { piece in
                let lo = rows.count * piece / pieces, hi = rows.count * (piece + 1) / pieces
                var buffer = [Double](repeating: 0, count: p)
                var total = 0.0, correct = 0
                buffer.withUnsafeMutableBufferPointer { bb in
                    let row = bb.baseAddress!
                    for r in lo..<hi {
                        let index = rb[r]
                        let s = (index / p + index % p) % p
                        let source = lb.baseAddress! + index * stride
                        if let offset {
                            for c in 0..<p { row[c] = Double(source[c]) - offset[s * p + c] }
                        } else {
                            for c in 0..<p { row[c] = Double(source[c]) }
                        }
                        total += rowLoss(row, classes: p, label: s)
                        var best = 0
                        for c in 1..<p where row[c] > row[best] { best = c }
                        if best == s { correct += 1 }
                    }
                }
                out[piece] = (total, correct)
            }
        }}}
        let total = partial.reduce(0) { $0 + $1.0 }, correct = partial.reduce(0) { $0 + $1.1 }
        return (total / Double(rows.count), Double(correct) / Double(rows.count))
    }
}
