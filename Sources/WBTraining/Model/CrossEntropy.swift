import CModelKernels

/// The paper's loss on the `=` position: −log_softmax(logits)[label] per example, computed in Float64 over all p+1 classes
/// (the `=` class included, as the paper's code); accuracy takes the argmax over the first p classes only. The batch mean is
/// taken by the caller, once, as the sum of the per-example losses in example order divided by the batch size. The work is
/// `wb_cross_entropy` (C, with wb's own exponentials, so every processor gets the same bits).
enum CrossEntropy {
    /// Writes each row's loss into `losses` and 1/0 into `correct`; when `gradient` is given, also writes
    /// d(mean loss)/d(logits) = (softmax − onehot) / batchSize into it.
    static func evaluate(logits: UnsafePointer<Float>, labels: UnsafePointer<Int32>, count n: Int, classes c: Int, p: Int,
                         batchSize: Int, losses: UnsafeMutablePointer<Double>, correct: UnsafeMutablePointer<UInt8>,
                         gradient: UnsafeMutablePointer<Float>? = nil) {
        withUnsafeTemporaryAllocation(of: Double.self, capacity: c) { exps in
            wb_cross_entropy(logits, labels, Int32(n), Int32(c), Int32(p), Int32(batchSize), losses, correct, gradient,
                             exps.baseAddress!)
        }
    }
}
