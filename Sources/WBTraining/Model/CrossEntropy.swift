import Foundation

/// The paper's loss on the `=` position: mean over the batch of −log_softmax(logits)[label], computed in Float64 over all
/// p+1 classes (the `=` class included, as the paper's code); accuracy takes the argmax over the first p classes only.
enum CrossEntropy {
    struct Result { var loss: Double; var correct: Int }

    /// Loss and accuracy; when `gradient` is given, also writes d(loss)/d(logits) = (softmax − onehot)/N into it.
    static func evaluate(logits: UnsafePointer<Float>, labels: UnsafePointer<Int32>, count n: Int, classes c: Int, p: Int,
                         gradient: UnsafeMutablePointer<Float>? = nil) -> Result {
        var total = 0.0
        var correct = 0
        let invN = 1.0 / Double(n)
        for e in 0..<n {
            let row = logits + e * c
            var maxValue = row[0]
            var best = 0
            for j in 1..<c where row[j] > maxValue { maxValue = row[j] }
            var bestValue = row[0]
            for j in 1..<p where row[j] > bestValue { bestValue = row[j]; best = j }
            let m = Double(maxValue)
            var sum = 0.0
            for j in 0..<c { sum += Foundation.exp(Double(row[j]) - m) }
            let logSum = m + Foundation.log(sum)
            let label = Int(labels[e])
            total += logSum - Double(row[label])
            if best == label { correct += 1 }
            if let grad = gradient {
                let out = grad + e * c
                for j in 0..<c { out[j] = Float(Foundation.exp(Double(row[j]) - logSum) * invN) }
                out[label] = Float((Foundation.exp(Double(row[label]) - logSum) - 1.0) * invN)
            }
        }
        return Result(loss: total * invN, correct: correct)
    }
}
