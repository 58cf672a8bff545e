import Crypto
import Foundation

/// Everything that defines a training run, with the paper's defaults (Nanda et al. 2023; `docs/numerics.md`, What is exact).
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
    /// The operation learned (Power et al. 2022); the paper's is `add`.
    public var task: ModularTask = .add
    /// The Grokfast gradient filter (Lee et al. 2024) between the backward pass and AdamW.
    public var grokfast: GradientFilterKind = .none
    /// Grokfast-EMA's momentum α.
    public var gfAlpha: Double = 0.98
    /// Grokfast's amplification λ; `nil` means the filter's default (2 for `ema`, 5 for `ma`).
    public var gfLambda: Double? = nil
    /// Grokfast-MA's window, in gradients.
    public var gfWindow: Int = 100
    /// The factor the initial weights are multiplied by (Omnigrok's α, Liu et al. 2023).
    public var initScale: Double = 1
    /// Which checkpoints keep the AdamW moments and filter state (`MomentsPolicy`); storage only, not in the trajectory
    /// hash. Kept as nil for `every`, so config files and checkpoints of runs that keep every moment read and write as
    /// they did before the key existed.
    private var storedMoments: MomentsPolicy? = nil
    public var moments: MomentsPolicy {
        get { storedMoments ?? .every }
        set { storedMoments = newValue == .every ? nil : newValue }
    }
    /// The network (`ModelKind`); the paper's is a transformer.
    public var model: ModelKind = .transformer
    /// Transformer blocks.
    public var layers: Int = 1
    /// The transformer's normalisation.
    public var norm: Normalization = .none
    /// The hidden activation of the transformer's MLP or of every MLP layer.
    public var act: ActivationKind = .relu
    /// The MLP's hidden widths, first layer first; `nil` means `MLPDefaults.hidden`. Only with `model=mlp`.
    public var hidden: [Int]? = nil
    /// Whether the MLP's linear layers have biases; `nil` means yes. Only with `model=mlp`.
    public var bias: Bool? = nil
    public var loss: LossKind = .ce
    public var optimizer: OptimizerKind = .adamw
    /// SGD's heavy-ball momentum (torch's `momentum`, no dampening); only with `optimizer=sgd`.
    public var momentum: Double = 0
    /// ⊥Grad (Prieto et al. 2025): each tensor's gradient loses its component along the weights, keeping its norm.
    public var orthograd: Bool = false
    /// Examples per optimizer step; 0 is the full training set (one step per epoch).
    public var batch: Int = 0
    /// Seed of the Python generator that shuffles the training positions at the start of every epoch (with `batch`).
    public var batchSeed: Int = 0

    public init() {}

    enum CodingKeys: String, CodingKey {
        case name, p, frac, dataSeed = "data_seed", initSeed = "init_seed", dModel = "d_model", heads, dMLP = "d_mlp"
        case lr, wd, beta1, beta2, eps, warmup, epochs, evalEvery = "eval_every", checkpoints, initFile = "init", threads
        case task, grokfast, gfAlpha = "gf_alpha", gfLambda = "gf_lambda", gfWindow = "gf_window", initScale = "init_scale"
        case storedMoments = "moments"
        case model, layers, norm, act, hidden, bias, loss, optimizer, momentum, orthograd, batch, batchSeed = "batch_seed"
    }

    /// Reads a config; keys a file does not have (it was written before they existed) keep their defaults.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = TrainingConfig()
        func value<T: Decodable>(_ key: CodingKeys, _ fallback: T) throws -> T {
            try c.decodeIfPresent(T.self, forKey: key) ?? fallback
        }
        name = try value(.name, d.name); p = try value(.p, d.p); frac = try value(.frac, d.frac)
        dataSeed = try value(.dataSeed, d.dataSeed); initSeed = try value(.initSeed, d.initSeed)
        dModel = try value(.dModel, d.dModel); heads = try value(.heads, d.heads); dMLP = try value(.dMLP, d.dMLP)
        lr = try value(.lr, d.lr); wd = try value(.wd, d.wd); beta1 = try value(.beta1, d.beta1)
        beta2 = try value(.beta2, d.beta2); eps = try value(.eps, d.eps); warmup = try value(.warmup, d.warmup)
        epochs = try value(.epochs, d.epochs); evalEvery = try value(.evalEvery, d.evalEvery)
        checkpoints = try c.decodeIfPresent(String.self, forKey: .checkpoints)
        initFile = try c.decodeIfPresent(String.self, forKey: .initFile)
        threads = try value(.threads, d.threads); task = try value(.task, d.task)
        grokfast = try value(.grokfast, d.grokfast); gfAlpha = try value(.gfAlpha, d.gfAlpha)
        gfLambda = try c.decodeIfPresent(Double.self, forKey: .gfLambda)
        gfWindow = try value(.gfWindow, d.gfWindow); initScale = try value(.initScale, d.initScale)
        moments = try value(.storedMoments, MomentsPolicy.every)
        model = try value(.model, d.model); layers = try value(.layers, d.layers); norm = try value(.norm, d.norm)
        act = try value(.act, d.act); hidden = try c.decodeIfPresent([Int].self, forKey: .hidden)
        bias = try c.decodeIfPresent(Bool.self, forKey: .bias); loss = try value(.loss, d.loss)
        optimizer = try value(.optimizer, d.optimizer); momentum = try value(.momentum, d.momentum)
        orthograd = try value(.orthograd, d.orthograd); batch = try value(.batch, d.batch)
        batchSeed = try value(.batchSeed, d.batchSeed)
    }

    /// Writes every key the paper's config has, and the keys added with the other models and regimes only where they
    /// differ from their defaults, so a paper run's `config.json` and checkpoint metadata keep their bytes.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        let d = TrainingConfig()
        try c.encode(name, forKey: .name); try c.encode(p, forKey: .p); try c.encode(frac, forKey: .frac)
        try c.encode(dataSeed, forKey: .dataSeed); try c.encode(initSeed, forKey: .initSeed)
        try c.encode(dModel, forKey: .dModel); try c.encode(heads, forKey: .heads); try c.encode(dMLP, forKey: .dMLP)
        try c.encode(lr, forKey: .lr); try c.encode(wd, forKey: .wd); try c.encode(beta1, forKey: .beta1)
        try c.encode(beta2, forKey: .beta2); try c.encode(eps, forKey: .eps); try c.encode(warmup, forKey: .warmup)
        try c.encode(epochs, forKey: .epochs); try c.encode(evalEvery, forKey: .evalEvery)
        try c.encodeIfPresent(checkpoints, forKey: .checkpoints); try c.encodeIfPresent(initFile, forKey: .initFile)
        try c.encode(threads, forKey: .threads); try c.encode(task, forKey: .task); try c.encode(grokfast, forKey: .grokfast)
        try c.encode(gfAlpha, forKey: .gfAlpha); try c.encodeIfPresent(gfLambda, forKey: .gfLambda)
        try c.encode(gfWindow, forKey: .gfWindow); try c.encode(initScale, forKey: .initScale)
        try c.encodeIfPresent(storedMoments, forKey: .storedMoments)
        func add<T: Encodable & Equatable>(_ value: T, _ standard: T, _ key: CodingKeys) throws {
            if value != standard { try c.encode(value, forKey: key) }
        }
        try add(model, d.model, .model); try add(layers, d.layers, .layers); try add(norm, d.norm, .norm)
        try add(act, d.act, .act); try c.encodeIfPresent(hidden, forKey: .hidden); try c.encodeIfPresent(bias, forKey: .bias)
        try add(loss, d.loss, .loss); try add(optimizer, d.optimizer, .optimizer); try add(momentum, d.momentum, .momentum)
        try add(orthograd, d.orthograd, .orthograd); try add(batch, d.batch, .batch); try add(batchSeed, d.batchSeed, .batchSeed)
    }

    /// The keys accepted by `set(_:to:)`, in the order help lists them.
    public static let keys = ["p", "frac", "data_seed", "init_seed", "d_model", "heads", "d_mlp", "lr", "wd", "beta1",
                              "beta2", "eps", "warmup", "epochs", "eval_every", "checkpoints", "init", "name", "threads",
                              "task", "grokfast", "gf_alpha", "gf_lambda", "gf_window", "init_scale", "moments",
                              "model", "layers", "norm", "act", "hidden", "bias", "loss", "optimizer", "momentum",
                              "orthograd", "batch", "batch_seed"]

    /// One line of help per key: what it is, its default.
    public static let keyHelp: [(key: String, help: String)] = [
        ("p", "modulus, a prime in 3...257 (113)"), ("frac", "training fraction of the p² pairs, in (0, 1) (0.3)"),
        ("data_seed", "seed of Python's random.shuffle for the split (0)"), ("init_seed", "seed of the weight initialisation (0)"),
        ("d_model", "residual width (128)"), ("heads", "attention heads; must divide d_model (4)"),
        ("d_mlp", "MLP width (512)"), ("lr", "AdamW learning rate (1e-3)"), ("wd", "AdamW weight decay (1.0)"),
        ("beta1", "AdamW β1 (0.9)"), ("beta2", "AdamW β2 (0.98)"), ("eps", "AdamW ε (1e-8)"),
        ("warmup", "optimizer steps of linear warm-up, lr·min(step/warmup, 1); steps are epochs with the full batch (10)"), ("epochs", "epochs to train (40000)"),
        ("eval_every", "evaluate and log metrics every N epochs (1)"),
        ("checkpoints", "epochs to save, e.g. '0..1000 step 100, 1000..40000 step 500' (every 100 and the last)"),
        ("init", "safetensors file of initial weights (none: random from init_seed)"),
        ("name", "run folder name under runs/ (grokking)"), ("threads", "worker threads; part of the trajectory (2)"),
        ("task", "the operation mod p: add, sub, mul, div, x2y2, x2xyy2, x3xy (Power et al. 2022) (add)"),
        ("grokfast", "gradient filter before AdamW: none, ema or ma (Grokfast, Lee et al. 2024) (none)"),
        ("gf_alpha", "grokfast=ema: ema ← α·ema + (1−α)·g, g ← g + λ·ema (0.98)"),
        ("gf_lambda", "grokfast amplification λ (2 for ema, 5 for ma)"),
        ("gf_window", "grokfast=ma: g ← g + λ·mean of the last N gradients once N are kept (100)"),
        ("init_scale", "factor on the initial weights (Omnigrok's α, Liu et al. 2023) (1)"),
        ("moments", "checkpoints keeping the AdamW moments: every, or latest (epoch 0 and the newest; the rest weights "
            + "only); storage only (every; sweeps: latest)"),
        ("model", "the network: transformer (tokens a b =) or mlp (one-hot a ‖ one-hot b) (transformer)"),
        ("layers", "transformer blocks, 1...16 (1)"),
        ("norm", "transformer normalisation: none, or ln (TransformerLens pre-LN: ln1, ln2, ln_final) (none)"),
        ("act", "hidden activation: relu, gelu (exact erf), quad (x², mlp only) (relu)"),
        ("hidden", "model=mlp: hidden widths, e.g. 500 or 200,200 (200x200 in a sweep) (\(MLPDefaults.hidden.map(String.init).joined(separator: ",")))"),
        ("bias", "model=mlp: biases in the linear layers, yes or no (yes)"),
        ("loss", "ce (cross-entropy), mse (against one-hot, mean over batch and classes) or stablemax (Prieto et al. 2025) (ce)"),
        ("optimizer", "adamw (decoupled wd), adam (coupled L2: wd·w added to the gradient) or sgd (coupled wd) (adamw)"),
        ("momentum", "optimizer=sgd: heavy-ball momentum, no dampening (0)"),
        ("orthograd", "⊥Grad (Prieto et al. 2025): drop each gradient's component along its weights, keep its norm; yes or no (no)"),
        ("batch", "examples per optimizer step, or full (all training pairs, one step per epoch) (full)"),
        ("batch_seed", "seed of Python's random.shuffle of the training positions at every epoch, with batch=B (0)"),
    ]

    /// The keys, one aligned line each (for `help keys` and `wb help train`).
    public static var keyHelpLines: [String] {
        keyHelp.map { "  \($0.key.padding(toLength: 12, withPad: " ", startingAt: 0)) \($0.help)" }
    }

    /// Applies `key=value` assignments in order (a later value of a key overrides an earlier one, as `--set` and
    /// templates rely on); the first bad one throws. Nothing is changed on error.
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
        func choice<T: RawRepresentable & CaseIterable>(_ type: T.Type) throws -> T where T.RawValue == String {
            guard let v = T(rawValue: value.lowercased()) else {
                throw ConfigError.invalid(key: key, value: value, allowed: T.allCases.map(\.rawValue).joined(separator: ", "))
            }
            return v
        }
        func flag() throws -> Bool {
            switch value.lowercased() {
            case "yes", "true", "on", "1": return true
            case "no", "false", "off", "0": return false
            default: throw ConfigError.invalid(key: key, value: value, allowed: "yes or no")
            }
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
        case "task":
            guard let t = ModularTask(rawValue: value.lowercased()) else {
                throw ConfigError.invalid(key: key, value: value,
                                          allowed: ModularTask.allCases.map(\.rawValue).joined(separator: ", "))
            }
            task = t
        case "grokfast":
            guard let kind = GradientFilterKind(rawValue: value.lowercased()) else {
                throw ConfigError.invalid(key: key, value: value, allowed: "none, ema or ma")
            }
            grokfast = kind
        case "gf_alpha": gfAlpha = try real()
        case "gf_lambda": gfLambda = value == "default" ? nil : try real()
        case "gf_window": gfWindow = try int()
        case "init_scale": initScale = try real()
        case "moments":
            guard let policy = MomentsPolicy(rawValue: value.lowercased()) else {
                throw ConfigError.invalid(key: key, value: value, allowed: MomentsPolicy.allowedText)
            }
            moments = policy
        case "model": model = try choice(ModelKind.self)
        case "layers": layers = try int()
        case "norm": norm = try choice(Normalization.self)
        case "act": act = try choice(ActivationKind.self)
        case "hidden":
            if value == "default" { hidden = nil; break }
            // Commas or x between widths: `200,200` at the prompt, `200x200` in a sweep (where commas separate points).
            let widths = value.split(omittingEmptySubsequences: false) { $0 == "," || $0 == "x" }
                .map { NumberLiteral.integer(String($0)) }
            guard !widths.isEmpty, !widths.contains(nil) else {
                throw ConfigError.invalid(key: key, value: value, allowed: "widths separated by commas or x (e.g. 500, 200,200 or 200x200)")
            }
            hidden = widths.map { $0! }
        case "bias": bias = value == "default" ? nil : try flag()
        case "loss": loss = try choice(LossKind.self)
        case "optimizer": optimizer = try choice(OptimizerKind.self)
        case "momentum": momentum = try real()
        case "orthograd": orthograd = try flag()
        case "batch": batch = value.lowercased() == "full" ? 0 : try int()
        case "batch_seed": batchSeed = try int()
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
        let pairs = task.pairCount(p: p)
        let trainCount = Int(frac * Double(pairs))
        try check(trainCount >= 1 && trainCount < pairs, "frac", frac,
                  "a fraction that leaves at least one training and one test pair of the \(pairs) (task=\(task.rawValue))")
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
        try check(initScale > 0 && initScale <= 100, "init_scale", initScale, "a number in (0, 100]")
        try check(gfAlpha >= 0 && gfAlpha < 1, "gf_alpha", gfAlpha, "a number in [0, 1)")
        try check(gfAlpha == 0.98 || grokfast == .ema, "gf_alpha", gfAlpha, "a value only with grokfast=ema")
        if let lambda = gfLambda {
            try check(lambda >= 0 && lambda <= 1000, "gf_lambda", lambda, "a number in [0, 1000]")
            try check(grokfast != .none, "gf_lambda", lambda, "a value only with grokfast=ema or grokfast=ma")
        }
        try check(gfWindow >= 1 && gfWindow <= 1000, "gf_window", gfWindow, "a whole number of gradients in 1...1000")
        try check(gfWindow == 100 || grokfast == .ma, "gf_window", gfWindow, "a value only with grokfast=ma")
        try validateModelAndRegime(check)
        let nameOK = !name.isEmpty && name.count <= 100 && !name.hasPrefix(".")
            && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.=,+".contains($0)) }
        try check(nameOK, "name", name, "letters, digits, '-', '_', '.', '=', ',' and '+', not starting with '.'")
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

    /// The keys of the other models, losses, optimizers and minibatches: their ranges, and the keys that only mean
    /// something with another key's value.
    private func validateModelAndRegime(_ check: (Bool, String, Any, String) throws -> Void) throws {
        let d = TrainingConfig()
        switch model {
        case .transformer:
            try check(layers >= 1 && layers <= 16, "layers", layers, "a whole number in 1...16")
            try check(act != .quad, "act", act.rawValue, "relu or gelu for model=transformer (quad is for model=mlp)")
            if let hidden {
                try check(false, "hidden", hidden.map(String.init).joined(separator: ","), "a value only with model=mlp")
            }
            if let bias { try check(false, "bias", bias ? "yes" : "no", "a value only with model=mlp") }
        case .mlp:
            for (key, value, standard) in [("layers", layers, d.layers), ("d_model", dModel, d.dModel),
                                           ("heads", heads, d.heads), ("d_mlp", dMLP, d.dMLP)] {
                try check(value == standard, key, value, "a value only with model=transformer (an MLP's widths are hidden=…)")
            }
            try check(norm == .none, "norm", norm.rawValue, "a value only with model=transformer")
            let widths = mlpHidden
            try check(!widths.isEmpty && widths.count <= 8 && widths.allSatisfy { $0 >= 1 && $0 <= 16384 }, "hidden",
                      widths.map(String.init).joined(separator: ","), "1 to 8 widths, each in 1...16384")
        }
        try check(momentum >= 0 && momentum < 1, "momentum", momentum, "a number in [0, 1)")
        try check(momentum == 0 || optimizer == .sgd, "momentum", momentum, "a value only with optimizer=sgd")
        if optimizer == .sgd {
            for (key, value, standard) in [("beta1", beta1, d.beta1), ("beta2", beta2, d.beta2), ("eps", eps, d.eps)] {
                try check(value == standard, key, value, "a value only with optimizer=adamw or adam (sgd has momentum)")
            }
        }
        let trainCount = Int(frac * Double(task.pairCount(p: p)))
        try check(batch >= 0 && batch <= trainCount, "batch", batch,
                  "full, or a whole number of examples in 1...\(trainCount) (the training pairs)")
        try check(batchSeed >= 0, "batch_seed", batchSeed, "a whole number ≥ 0")
        try check(batchSeed == d.batchSeed || batch > 0, "batch_seed", batchSeed, "a value only with batch=B (minibatches)")
    }

    /// The MLP's hidden widths (the default when none are given).
    public var mlpHidden: [Int] { hidden ?? MLPDefaults.hidden }

    /// Whether the MLP's linear layers carry biases.
    public var mlpBias: Bool { bias ?? true }

    /// The network the config describes.
    public var architecture: ModelArchitecture {
        switch model {
        case .transformer:
            return .transformer(shape: shape, layers: layers, norm: norm, act: act)
        case .mlp:
            return .mlp(p: p, hidden: mlpHidden, act: act, bias: mlpBias)
        }
    }

    /// Where each weight lives in the flat buffer, for this config's network.
    public var layout: ParameterLayout { ParameterLayout(architecture) }

    /// Optimizer steps in one epoch over `trainCount` training pairs: 1 for the full batch, else ⌈trainCount / batch⌉.
    public func stepsPerEpoch(trainCount: Int) -> Int {
        batch <= 0 ? 1 : (trainCount + batch - 1) / batch
    }

    /// The learning rate of optimizer step `step` (counted from 0 across epochs): lr·min(step/warmup, 1) (LambdaLR).
    /// With the full batch, steps are epochs.
    public func learningRate(atStep step: Int) -> Double {
        guard warmup > 0 else { return lr }
        return lr * min(Double(step) / Double(warmup), 1.0)
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

    /// Grokfast's λ: the one given, else the filter's default (2 for `ema`, 5 for `ma`, as the Grokfast code).
    public var gfLambdaValue: Double { gfLambda ?? (grokfast == .ma ? 5 : 2) }

    /// The filter the config asks for.
    public var gradientFilter: GradientFilter {
        GradientFilter(kind: grokfast, alpha: gfAlpha, lambda: gfLambdaValue, window: gfWindow)
    }

    /// The seeded split of the config's task (a run made from an init file with `train_indices` keeps those instead).
    public var shuffledSplit: DataSplit {
        DataSplit.shuffled(p: p, frac: frac, seed: UInt64(dataSeed), task: task)
    }

    /// The filter in words, e.g. `Grokfast-EMA (α 0.98, λ 2)`; nil without one.
    public var grokfastDescription: String? {
        switch grokfast {
        case .none: return nil
        case .ema: return "Grokfast-EMA (α \(NumberLiteral.short(gfAlpha)), λ \(NumberLiteral.short(gfLambdaValue)))"
        case .ma: return "Grokfast-MA (window \(gfWindow), λ \(NumberLiteral.short(gfLambdaValue)))"
        }
    }

    /// The task and filter in words, e.g. `mul (a · b) mod 113, Grokfast-EMA (α 0.98, λ 2)`; for titles and `info`.
    public var taskDescription: String {
        var text = "\(task.rawValue) (\(task.formula)) mod \(p)"
        if let filter = grokfastDescription { text += ", " + filter }
        if initScale != 1 { text += ", init ×\(NumberLiteral.short(initScale))" }
        if !regimeWords.isEmpty { text += ", " + regimeWords.joined(separator: " ") }
        return text
    }

    /// A short label of what departs from the paper's task and optimiser (`mul grokfast=ema init×2`), or nil when nothing
    /// does; for the live progress line and run summaries.
    public var variantLabel: String? {
        var parts: [String] = []
        if task != .add { parts.append(task.rawValue) }
        if grokfast != .none { parts.append("grokfast=\(grokfast.rawValue)") }
        if initScale != 1 { parts.append("init×\(NumberLiteral.short(initScale))") }
        parts += regimeWords
        return parts.isEmpty ? nil : parts.joined(separator: " ")
    }

    /// The model, loss, optimizer and batch where they differ from the paper's, as `key=value` words.
    public var regimeWords: [String] {
        nonDefaultAssignments.filter {
            ["model=", "layers=", "norm=", "act=", "hidden=", "bias=", "loss=", "optimizer=", "momentum=", "orthograd=",
             "batch="].contains(where: $0.hasPrefix)
        }
    }

    /// The model's shape.
    public var shape: ModelShape { ModelShape(p: p, dModel: dModel, heads: heads, dMLP: dMLP) }

    /// A hash of everything that determines the trajectory (not the name, the length, the checkpoint schedule or where
    /// the moments are kept).
    public var trajectoryHash: String {
        let fields = "p=\(p);frac=\(frac);data_seed=\(dataSeed);init_seed=\(initSeed);d_model=\(dModel);heads=\(heads);"
            + "d_mlp=\(dMLP);lr=\(lr);wd=\(wd);beta1=\(beta1);beta2=\(beta2);eps=\(eps);warmup=\(warmup);"
            + "init=\(initFile ?? "");threads=\(threads)" + extraTrajectoryFields
        return SHA256.hash(data: Data(fields.utf8)).map { String(format: "%02x", $0) }.joined().prefix(16).description
    }

    /// The keys added after the first runs, only where they differ from the defaults, so that runs made before them keep
    /// their hash.
    private var extraTrajectoryFields: String {
        var text = ""
        if task != .add { text += ";task=\(task.rawValue)" }
        switch grokfast {
        case .none: break
        case .ema: text += ";grokfast=ema;gf_alpha=\(gfAlpha);gf_lambda=\(gfLambdaValue)"
        case .ma: text += ";grokfast=ma;gf_window=\(gfWindow);gf_lambda=\(gfLambdaValue)"
        }
        if initScale != 1 { text += ";init_scale=\(initScale)" }
        let d = TrainingConfig()
        if model != d.model { text += ";model=\(model.rawValue)" }
        if layers != d.layers { text += ";layers=\(layers)" }
        if norm != d.norm { text += ";norm=\(norm.rawValue)" }
        if act != d.act { text += ";act=\(act.rawValue)" }
        if model == .mlp { text += ";hidden=\(mlpHidden.map(String.init).joined(separator: ","));bias=\(mlpBias)" }
        if loss != d.loss { text += ";loss=\(loss.rawValue)" }
        if optimizer != d.optimizer { text += ";optimizer=\(optimizer.rawValue)" }
        if momentum != d.momentum { text += ";momentum=\(momentum)" }
        if orthograd { text += ";orthograd=yes" }
        if batch != d.batch { text += ";batch=\(batch);batch_seed=\(batchSeed)" }
        return text
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
        add("task", task.rawValue, defaults.task.rawValue); add("grokfast", grokfast.rawValue, defaults.grokfast.rawValue)
        add("gf_alpha", gfAlpha, defaults.gfAlpha)
        if let lambda = gfLambda { words.append("gf_lambda=\(lambda)") }
        add("gf_window", gfWindow, defaults.gfWindow); add("init_scale", initScale, defaults.initScale)
        add("moments", moments.rawValue, defaults.moments.rawValue)
        add("model", model.rawValue, defaults.model.rawValue); add("layers", layers, defaults.layers)
        add("norm", norm.rawValue, defaults.norm.rawValue); add("act", act.rawValue, defaults.act.rawValue)
        if let hidden { words.append("hidden=\(hidden.map(String.init).joined(separator: ","))") }
        if let bias { words.append("bias=\(bias ? "yes" : "no")") }
        add("loss", loss.rawValue, defaults.loss.rawValue); add("optimizer", optimizer.rawValue, defaults.optimizer.rawValue)
        add("momentum", momentum, defaults.momentum)
        if orthograd { words.append("orthograd=yes") }
        add("batch", batch, defaults.batch); add("batch_seed", batchSeed, defaults.batchSeed)
        return words
    }
}

func isPrime(_ n: Int) -> Bool {
    guard n >= 2 else { return false }
    var d = 2
    while d * d <= n { if n % d == 0 { return false }; d += 1 }
    return true
}
