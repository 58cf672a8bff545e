import Foundation

/// The paper's loss on the `=` position: −log_softmax(logits)[label] per example, computed in Float64 over all p+1 classes
/// (the `=` class included, as the paper's code); accuracy takes the argmax over the first p classes only. The batch mean is
/// taken by the caller, once, as the sum of the per-example losses in example order divided by the batch size.
enum CrossEntropy {
    /// Writes each row's loss into `losses` and 1/0 into `correct`; when `gradient` is given, also writes
    /// d(mean loss)/d(logits) = (softmax − onehot) / batchSize into it.
    static func evaluate(logits: UnsafePointer<Float>, labels: UnsafePointer<Int32>, count n: Int, classes c: Int, p: Int,
                         batchSize: Int, losses: UnsafeMutablePointer<Double>, correct: UnsafeMutablePointer<UInt8>,
                         gradient: UnsafeMutablePointer<Float>? = nil) {
        let invN = 1.0 / Double(batchSize)
        withUnsafeTemporaryAllocation(of: Double.self, capacity: c) { exps in
        for e in 0..<n {
            let row = logits + e * c
            var maxValue = row[0]
            var best = 0
            for j in 1..<c where row[j] > maxValue { maxValue = row[j] }
            var bestValue = row[0]
            for j in 1..<p where row[j] > bestValue { bestValue = row[j]; best = j }
            let m = Double(maxValue)
            var sum = 0.0
            for j in 0..<c {
                let value = Foundation.exp(Double(row[j]) - m)
                exps[j] = value
                sum += value
            }
            let logSum = m + Foundation.log(sum)
            let label = Int(labels[e])
            losses[e] = logSum - Double(row[label])
            correct[e] = best == label ? 1 : 0
            if let grad = gradient {
                // softmax_j = exp(x_j − m) / Σ, from the exponentials already taken.
                let out = grad + e * c, scale = invN / sum
                for j in 0..<c { out[j] = Float(exps[j] * scale) }
                out[label] = Float((exps[label] / sum - 1.0) * invN)
            }
        }
        }
    }
}
