import Crypto
import Foundation

/// Everything that defines a training run, with the paper's defaults (Nanda et al. 2023; `../shared/reference/grokking.md` §1–3).
///
/// Keys as typed at the prompt or on the command line (`key=value`): see `TrainingConfig.keys`.
public struct TrainingConfig: Sendable, Equatable, Codable {
    public var name: String = "grokking"
    public var p: Int = 113
    public var frac: Double = 0.3
    public var dataSeed: Int = 0
    public var initSeed: Int = 0
    public var dModel: Int = 128
    public var heads: Int = 4
    public var dMLP: Int = 512
    public var lr: Double = 1e-3
    public var wd: Double = 1.0
    public var beta1: Double = 0.9
    public var beta2: Double = 0.98
    public var eps: Double = 1e-8
    public var warmup: Int = 10
    public var epochs: Int = 40_000
    public var evalEvery: Int = 1
    /// Checkpoint epochs as an `EpochSet` spec; `nil` means every 100 epochs and the last, as the paper.
    public var checkpoints: String? = nil
    /// A safetensors file of initial weights (TransformerLens names); a `train_indices` tensor in it fixes the split.
    public var initFile: String? = nil
    /// wb's worker threads (each GEMM runs single-threaded on a block they split). The blocks follow from it, so it is part
    /// of what makes a run reproducible bit for bit, on any machine.
    public var threads: Int = 2

    public init() {}

    enum CodingKeys: String, CodingKey {
        case name, p, frac, dataSeed = "data_seed", initSeed = "init_seed", dModel = "d_model", heads, dMLP = "d_mlp"
        case lr, wd, beta1, beta2, eps, warmup, epochs, evalEvery = "eval_every", checkpoints, initFile = "init", threads
    }

    /// The keys accepted by `set(_:to:)`, in the order help lists them.
    public static let keys = ["p", "frac", "data_seed", "init_seed", "d_model", "heads", "d_mlp", "lr", "wd", "beta1",
                              "beta2", "eps", "warmup", "epochs", "eval_every", "checkpoints", "init", "name", "threads"]

    /// One line of help per key: what it is, its default.
    public static let keyHelp: [(key: String, help: String)] = [
        ("p", "modulus, a prime in 3...257 (113)"), ("frac", "training fraction of the p² pairs, in (0, 1) (0.3)"),
        ("data_seed", "seed of Python's random.shuffle for the split (0)"), ("init_seed", "seed of the weight initialisation (0)"),
        ("d_model", "residual width (128)"), ("heads", "attention heads; must divide d_model (4)"),
        ("d_mlp", "MLP width (512)"), ("lr", "AdamW learning rate (1e-3)"), ("wd", "AdamW weight decay (1.0)"),
        ("beta1", "AdamW β1 (0.9)"), ("beta2", "AdamW β2 (0.98)"), ("eps", "AdamW ε (1e-8)"),
        ("warmup", "epochs of linear warm-up, lr·min(epoch/warmup, 1) (10)"), ("epochs", "epochs to train (40000)"),
        ("eval_every", "evaluate and log metrics every N epochs (1)"),
        ("checkpoints", "epochs to save, e.g. '0..1000 step 100, 1000..40000 step 500' (every 100 and the last)"),
        ("init", "safetensors file of initial weights (none: random from init_seed)"),
        ("name", "run folder name under runs/ (grokking)"), ("threads", "worker threads; part of the trajectory (2)"),
    ]

    /// The keys, one aligned line each (for `help keys` and `wb help train`).
    public static var keyHelpLines: [String] {
        keyHelp.map { "  \($0.key.padding(toLength: 12, withPad: " ", startingAt: 0)) \($0.help)" }
    }

    /// Applies `key=value` assignments in order; the first bad one throws. Nothing is changed on error.
    public func applying(_ assignments: [String]) throws -> TrainingConfig {
        var copy = self
        for token in assignments {
            guard let eq = token.firstIndex(of: "="), eq != token.startIndex else { throw ConfigError.malformed(token) }
            let key = String(token[..<eq]).lowercased()
            let value = String(token[token.index(after: eq)...]).trimmingCharacters(in: CharacterSet(charactersIn: "\"'"))
            try copy.set(key, to: value)
        }
        try copy.validate()
        return copy
    }

    /// Sets one key from text; checks the value's form (validate() checks ranges and relations).
    public mutating func set(_ key: String, to value: String) throws {
        func int() throws -> Int {
            guard let v = NumberLiteral.integer(value) else {
                throw ConfigError.invalid(key: key, value: value, allowed: "a whole number (e.g. 113, 40k, 1_000)")
            }
            return v
        }
        func real() throws -> Double {
            guard let v = NumberLiteral.real(value) else {
                throw ConfigError.invalid(key: key, value: value, allowed: "a number (e.g. 0.3, 1e-3)")
            }
            return v
        }
        switch key {
        case "p": p = try int()
        case "frac": frac = try real()
        case "data_seed": dataSeed = try int()
        case "init_seed": initSeed = try int()
        case "d_model": dModel = try int()
        case "heads": heads = try int()
        case "d_mlp": dMLP = try int()
        case "lr": lr = try real()
        case "wd": wd = try real()
        case "beta1": beta1 = try real()
        case "beta2": beta2 = try real()
        case "eps": eps = try real()
        case "warmup": warmup = try int()
        case "epochs": epochs = try int()
        case "eval_every": evalEvery = try int()
        case "checkpoints": checkpoints = value.isEmpty || value == "default" ? nil : value
        case "init": initFile = value.isEmpty || value == "none" ? nil : value
        case "name": name = value
        case "threads": threads = try int()
        default: throw ConfigError.unknownKey(key, known: Self.keys)
        }
    }

    /// Checks every value and relation; the error names the key, the value and what is allowed.
    public func validate() throws {
        func check(_ ok: Bool, _ key: String, _ value: Any, _ allowed: String) throws {
            if !ok { throw ConfigError.invalid(key: key, value: "\(value)", allowed: allowed) }
        }
        try check(p >= 3 && p <= 257 && isPrime(p), "p", p, "a prime number in 3...257")
        try check(frac > 0 && frac < 1, "frac", frac, "a fraction strictly between 0 and 1")
        let trainCount = Int(frac * Double(p * p))
        try check(trainCount >= 1 && trainCount < p * p, "frac", frac,
                  "a fraction that leaves at least one training and one test pair of the \(p * p)")
        try check(dataSeed >= 0, "data_seed", dataSeed, "a whole number ≥ 0")
        try check(initSeed >= 0, "init_seed", initSeed, "a whole number ≥ 0")
        try check(dModel >= 1 && dModel <= 4096, "d_model", dModel, "a whole number in 1...4096")
        try check(heads >= 1 && dModel % heads == 0, "heads", heads, "a whole number ≥ 1 that divides d_model=\(dModel)")
        try check(dMLP >= 1 && dMLP <= 16384, "d_mlp", dMLP, "a whole number in 1...16384")
        try check(lr > 0 && lr <= 10, "lr", lr, "a number in (0, 10]")
        try check(wd >= 0 && wd <= 100, "wd", wd, "a number in [0, 100]")
        try check(beta1 >= 0 && beta1 < 1, "beta1", beta1, "a number in [0, 1)")
        try check(beta2 >= 0 && beta2 < 1, "beta2", beta2, "a number in [0, 1)")
        try check(eps > 0 && eps < 1, "eps", eps, "a number in (0, 1)")
        try check(warmup >= 0, "warmup", warmup, "a whole number of epochs ≥ 0")
        try check(epochs >= 1 && epochs <= 10_000_000, "epochs", epochs, "a whole number in 1...10000000")
        try check(evalEvery >= 1, "eval_every", evalEvery, "a whole number ≥ 1")
        try check(threads >= 1 && threads <= 64, "threads", threads, "a whole number in 1...64")
        let nameOK = !name.isEmpty && name.count <= 100 && !name.hasPrefix(".")
            && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }
        try check(nameOK, "name", name, "letters, digits, '-', '_' and '.', not starting with '.'")
        if let spec = checkpoints {
            do {
                let epochs = try EpochSet.parse(spec).epochs()
                if let last = epochs.last, last > self.epochs {
                    throw ConfigError.invalid(key: "checkpoints", value: spec,
                                              allowed: "epochs within 0...\(self.epochs) (epochs=\(self.epochs)); \(last) is beyond")
                }
            } catch let error as EpochSetError {
                throw ConfigError.invalid(key: "checkpoints", value: spec, allowed: error.description)
            }
        }
    }

    /// The sorted checkpoint epochs: the spec's, or every 100 and the last. The final epoch is always included.
    public func checkpointEpochs() -> [Int] {
        var set: Set<Int>
        if let spec = checkpoints, let epochs = try? EpochSet.parse(spec).epochs() {
            set = Set(epochs)
        } else {
            set = Set(stride(from: 0, through: epochs, by: 100))
        }
        set.insert(epochs)
        return set.filter { $0 <= epochs }.sorted()
    }

    /// The learning rate of the update at `epoch`: lr·min(epoch/warmup, 1) (PyTorch LambdaLR as the paper; epoch 0 runs at 0).
    public func learningRate(atEpoch epoch: Int) -> Double {
        guard warmup > 0 else { return lr }
        return lr * min(Double(epoch) / Double(warmup), 1.0)
    }

    /// The model's shape.
    public var shape: ModelShape { ModelShape(p: p, dModel: dModel, heads: heads, dMLP: dMLP) }

    /// A hash of everything that determines the trajectory (not the name, the length or the checkpoint schedule).
    public var trajectoryHash: String {
        let fields = "p=\(p);frac=\(frac);data_seed=\(dataSeed);init_seed=\(initSeed);d_model=\(dModel);heads=\(heads);"
            + "d_mlp=\(dMLP);lr=\(lr);wd=\(wd);beta1=\(beta1);beta2=\(beta2);eps=\(eps);warmup=\(warmup);"
            + "init=\(initFile ?? "");threads=\(threads)"
        return SHA256.hash(data: Data(fields.utf8)).map { String(format: "%02x", $0) }.joined().prefix(16).description
    }

    /// The config as `key=value` words, only where it differs from the defaults (for logs and notebooks).
    public var nonDefaultAssignments: [String] {
        let defaults = TrainingConfig()
        var words: [String] = []
        func add<T: Equatable>(_ key: String, _ value: T, _ standard: T) {
            if value != standard { words.append("\(key)=\(value)") }
        }
        add("name", name, defaults.name)
        add("p", p, defaults.p); add("frac", frac, defaults.frac)
        add("data_seed", dataSeed, defaults.dataSeed); add("init_seed", initSeed, defaults.initSeed)
        add("d_model", dModel, defaults.dModel); add("heads", heads, defaults.heads); add("d_mlp", dMLP, defaults.dMLP)
        add("lr", lr, defaults.lr); add("wd", wd, defaults.wd); add("beta1", beta1, defaults.beta1)
        add("beta2", beta2, defaults.beta2); add("eps", eps, defaults.eps); add("warmup", warmup, defaults.warmup)
        add("epochs", epochs, defaults.epochs); add("eval_every", evalEvery, defaults.evalEvery)
        if let spec = checkpoints { words.append("checkpoints=\"\(spec)\"") }
        if let file = initFile { words.append("init=\(file)") }
        add("threads", threads, defaults.threads)
        return words
    }
}

func isPrime(_ n: Int) -> Bool {
    guard n >= 2 else { return false }
    var d = 2
    while d * d <= n { if n % d == 0 { return false }; d += 1 }
    return true
}
