/// The data set of a modular task and its train/test split.
///
/// Pairs are (a, b) for a in 0..<p (outer) and b in 0..<p (inner), those the task uses (`ModularTask.pairs`); the flat
/// index is a·p + b and the label the task's value. The split follows the paper's code: Python `random.seed(seed);
/// random.shuffle(pairs)`, the first ⌊frac·N⌋ of the N pairs train, every other pair tests.
public struct DataSplit: Sendable, Equatable {
    public let p: Int
    public let task: ModularTask
    /// Flat indices a·p + b of the training pairs, in shuffled order.
    public let trainIndices: [Int]
    /// Flat indices of every pair not in the training set, in shuffled order.
    public let testIndices: [Int]

    public init(p: Int, task: ModularTask = .add, trainIndices: [Int], testIndices: [Int]) {
        self.p = p
        self.task = task
        self.trainIndices = trainIndices
        self.testIndices = testIndices
    }

    /// The paper's split: shuffle the task's pairs with Python's generator seeded with `seed`, keep the first
    /// `Int(frac·N)` for training.
    public static func shuffled(p: Int, frac: Double, seed: UInt64, task: ModularTask = .add) -> DataSplit {
        var order = task.pairs(p: p)
        var rng = MersenneTwister(seed: seed)
        rng.shuffle(&order)
        let cut = Int(frac * Double(order.count))
        return DataSplit(p: p, task: task, trainIndices: Array(order[..<cut]), testIndices: Array(order[cut...]))
    }

    /// A split with a given training set (for example `train_indices` from a safetensors file); the task's other pairs,
    /// a-major, test.
    public static func explicit(p: Int, trainIndices: [Int], task: ModularTask = .add) throws -> DataSplit {
        var seen = [Bool](repeating: false, count: p * p)
        for index in trainIndices {
            guard index >= 0 && index < p * p else {
                throw ConfigError.invalid(key: "init", value: "train_indices",
                                          allowed: "flat indices a·p+b in 0..<\(p * p); found \(index)")
            }
            guard task.includes(a: index / p, b: index % p) else {
                throw ConfigError.invalid(key: "init", value: "train_indices",
                                          allowed: "pairs of task \(task.rawValue); (\(index / p), \(index % p)) is not one")
            }
            guard !seen[index] else {
                throw ConfigError.invalid(key: "init", value: "train_indices",
                                          allowed: "each pair at most once; \(index) repeats")
            }
            seen[index] = true
        }
        let test = task.pairs(p: p).filter { !seen[$0] }
        return DataSplit(p: p, task: task, trainIndices: trainIndices, testIndices: test)
    }
}

/// A batch of examples as parallel arrays: first operand, second operand, label.
public struct ExampleBatch: Sendable {
    public let a: [Int32]
    public let b: [Int32]
    public let labels: [Int32]
    public var count: Int { labels.count }

    public init(a: [Int32], b: [Int32], labels: [Int32]) {
        self.a = a; self.b = b; self.labels = labels
    }

    /// The examples at `positions`, in that order (a minibatch).
    public func subset<C: Collection>(_ positions: C) -> ExampleBatch where C.Element == Int {
        ExampleBatch(a: positions.map { a[$0] }, b: positions.map { b[$0] }, labels: positions.map { labels[$0] })
    }

    /// The pairs at `flatIndices` (a·p + b), labelled by `task`.
    public init(flatIndices: [Int], p: Int, task: ModularTask = .add) {
        a = flatIndices.map { Int32($0 / p) }
        b = flatIndices.map { Int32($0 % p) }
        labels = flatIndices.map { Int32(task.label(a: $0 / p, b: $0 % p, p: p)) }
    }
}
