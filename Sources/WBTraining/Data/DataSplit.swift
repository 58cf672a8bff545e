/// The modular-addition data set and its train/test split.
///
/// Pairs are (a, b) for a in 0..<p (outer) and b in 0..<p (inner); the flat index is a·p + b and the label is (a + b) mod p.
/// The split follows the paper's code: Python `random.seed(seed); random.shuffle(pairs)`, the first ⌊frac·p²⌋ pairs train,
/// every other pair tests.
public struct DataSplit: Sendable, Equatable {
    public let p: Int
    /// Flat indices a·p + b of the training pairs, in shuffled order.
    public let trainIndices: [Int]
    /// Flat indices of every pair not in the training set, in shuffled order.
    public let testIndices: [Int]

    public init(p: Int, trainIndices: [Int], testIndices: [Int]) {
        self.p = p
        self.trainIndices = trainIndices
        self.testIndices = testIndices
    }

    /// The paper's split: shuffle with Python's generator seeded with `seed`, keep the first `Int(frac·p²)` pairs for training.
    public static func shuffled(p: Int, frac: Double, seed: UInt64) -> DataSplit {
        var order = Array(0..<(p * p))
        var rng = MersenneTwister(seed: seed)
        rng.shuffle(&order)
        let cut = Int(frac * Double(p * p))
        return DataSplit(p: p, trainIndices: Array(order[..<cut]), testIndices: Array(order[cut...]))
    }

    /// A split with a given training set (for example `train_indices` from a safetensors file); the rest, a-major, tests.
    public static func explicit(p: Int, trainIndices: [Int]) throws -> DataSplit {
        var seen = [Bool](repeating: false, count: p * p)
        for index in trainIndices {
            guard index >= 0 && index < p * p else {
                throw ConfigError.invalid(key: "init", value: "train_indices",
                                          allowed: "flat indices a·p+b in 0..<\(p * p); found \(index)")
            }
            guard !seen[index] else {
                throw ConfigError.invalid(key: "init", value: "train_indices",
                                          allowed: "each pair at most once; \(index) repeats")
            }
            seen[index] = true
        }
        let test = (0..<(p * p)).filter { !seen[$0] }
        return DataSplit(p: p, trainIndices: trainIndices, testIndices: test)
    }
}

/// A batch of examples as parallel arrays: first operand, second operand, label.
public struct ExampleBatch: Sendable {
    public let a: [Int32]
    public let b: [Int32]
    public let labels: [Int32]
    public var count: Int { labels.count }

    public init(flatIndices: [Int], p: Int) {
        a = flatIndices.map { Int32($0 / p) }
        b = flatIndices.map { Int32($0 % p) }
        labels = flatIndices.map { Int32(($0 / p + $0 % p) % p) }
    }
}
