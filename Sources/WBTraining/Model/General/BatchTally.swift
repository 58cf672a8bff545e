/// The batch result of the general models: per-example losses added in example order (over every chunk of a large set,
/// in order), hits and collapsed examples counted, and the mean taken once at the end, as the structured model does.
struct BatchTally {
    private var total = 0.0, correct = 0, collapsed = 0, count = 0

    /// Adds examples 0..<n of the buffers.
    mutating func add(losses: UnsafePointer<Double>, correct hits: UnsafePointer<UInt8>, collapsed flags: UnsafePointer<UInt8>,
                      count n: Int) {
        for e in 0..<n {
            total += losses[e]
            correct += Int(hits[e])
            collapsed += Int(flags[e])
        }
        count += n
    }

    var result: BatchResult {
        BatchResult(loss: total / Double(max(count, 1)), correct: correct, count: count, collapsed: collapsed)
    }
}
