import Foundation
import WBTraining
import WBSupport

/// A named training config with a description (`template save`, `template load`, `train template=NAME`).
/// User templates live in `$WB_HOME/templates/<name>.json`, one file each; two are built in.
public struct TrainingTemplate: Codable, Equatable, Sendable {
    public var name: String
    public var description: String
    public var config: TrainingConfig
    /// For `help template NAME`: where the setup comes from, what was copied and what differs.
    public var notes: String?

    public init(name: String, description: String, config: TrainingConfig, notes: String? = nil) {
        self.name = name; self.description = description; self.config = config; self.notes = notes
    }

    /// The built-in templates: the paper's run, the TransformerLens demo's variant as far as the engine supports it, the
    /// demo config of the notebooks (p = 113, 40 % training data, 3,000 epochs) with and without Grokfast, and Power et
    /// al.'s tasks on the paper's model.
    public static let builtIn: [TrainingTemplate] = {
        let paper = TrainingConfig()
        var tl = TrainingConfig()
        tl.epochs = 25_000
        tl.warmup = 0
        tl.dataSeed = 598
        // The runs of the templates below are named after them (`train template=power-mul` makes runs/power-mul).
        var demo = TrainingConfig()
        demo.name = "demo"
        demo.frac = 0.4
        demo.epochs = 3_000
        var list = [
            TrainingTemplate(name: "nanda2023", description: "the paper's run: " + describe(paper), config: paper),
            TrainingTemplate(name: "tl-demo", description: "TransformerLens Grokking_Demo variant: no warm-up, 25k epochs, "
                + "data seed 598 (Python shuffle, not torch.randperm); still 114 output classes, paper init and MLP biases: "
                + describe(tl), config: tl),
            TrainingTemplate(name: "demo", description: "the notebooks' demo run, groks in about 1,400 epochs: " + describe(demo),
                             config: demo),
        ]
        for kind in [GradientFilterKind.ema, .ma] {
            var config = demo
            config.grokfast = kind
            config.name = "demo-grokfast-\(kind.rawValue)"
            let how = kind == .ema ? "EMA of the gradients (α 0.98, λ 2)" : "mean of the last 100 gradients (λ 5)"
            list.append(TrainingTemplate(name: "demo-grokfast-\(kind.rawValue)",
                                         description: "the demo run with Grokfast (Lee et al. 2024), amplifying the \(how): "
                                             + describe(config), config: config))
        }
        for task in ModularTask.allCases {
            var config = TrainingConfig()
            config.p = 97
            config.frac = 0.5
            config.task = task
            config.epochs = 10_000
            config.name = "power-\(task.rawValue)"
            list.append(TrainingTemplate(name: "power-\(task.rawValue)",
                                         description: "Power et al. (2022)'s \(task.formula) mod 97 with half the pairs for "
                                             + "training, on the paper's 1-layer model and optimiser: " + describe(config),
                                         config: config))
        }
        list += literature
        return list
    }()

    /// The setups of the grokking literature, each named after its paper (`help template NAME` says what was copied and
    /// what differs).
    static let literature: [TrainingTemplate] = {
        func config(_ words: [String]) -> TrainingConfig {
            // The words are wb's own; a mistake here is a programming error, caught by the template tests.
            try! TrainingConfig().applying(words)
        }
        let power = config(["name=power2022", "p=97", "frac=0.5", "task=div", "layers=2", "norm=ln", "act=gelu",
                            "lr=1e-3", "wd=1", "batch=512", "epochs=10000", "checkpoints=0..10000 step 250"])
        let grokfast = config(["name=grokfast2024", "p=97", "frac=0.5", "task=mul", "layers=2", "norm=ln", "act=gelu",
                               "optimizer=adam", "lr=1e-3", "wd=0.005", "batch=512", "grokfast=ema", "epochs=10000",
                               "checkpoints=0..10000 step 250"])
        let gromov = config(["name=gromov2023", "model=mlp", "p=97", "frac=0.5", "hidden=500", "act=quad", "bias=no",
                             "loss=mse", "lr=1e-2", "wd=5", "epochs=2000", "checkpoints=0..2000 step 50"])
        let stablemax = config(["name=prieto2025-stablemax", "model=mlp", "p=113", "frac=0.4", "hidden=200,200",
                                "loss=stablemax", "lr=1e-2", "wd=0", "epochs=3000", "checkpoints=0..3000 step 100"])
        let orthograd = config(["name=prieto2025-orthograd", "model=mlp", "p=113", "frac=0.4", "hidden=200,200",
                                "orthograd=yes", "lr=1e-2", "wd=0", "epochs=1000", "checkpoints=0..1000 step 25"])
        return [
            TrainingTemplate(name: "power2022", description: "Power et al. (2022)'s transformer on x/y mod 97: " + describe(power),
                             config: power, notes: """
                Power et al. 2022, "Grokking: generalization beyond overfitting on small algorithmic datasets". Copied: a \
                2-layer decoder of width 128 with 4 heads, AdamW (lr 1e-3, weight decay 1, betas 0.9/0.98), 10 warm-up \
                steps, minibatches of 512, x/y mod 97 with half the pairs for training, 10^5 optimizer steps (10,000 \
                epochs of 10 steps). Differs: the paper does not give its normalisation or activation; wb uses \
                TransformerLens's pre-LN and GELU, the tokens [a, b, =] and an MLP of 512 (4 × 128).
                """),
            TrainingTemplate(name: "grokfast2024", description: "Lee et al. (2024)'s Grokfast-EMA setup: " + describe(grokfast),
                             config: grokfast, notes: """
                Lee et al. 2024, "Grokfast: accelerated grokking by amplifying slow gradients", its algorithmic-data run. \
                Copied: a 2-layer transformer of width 128 with 4 heads, Adam with coupled L2 0.005 (torch.optim.Adam's \
                weight_decay), lr 1e-3, betas 0.9/0.98, minibatches of 512, x·y mod 97 with half the pairs, Grokfast-EMA \
                α 0.98, λ 2. Differs: their blocks are post-LN with attention biases on the tokens [x, op, y, =] and \
                leave y = 0 out; wb uses TransformerLens's pre-LN on [a, b, =] and every pair. `grokfast=none` gives the \
                baseline their ×50 is measured against.
                """),
            TrainingTemplate(name: "gromov2023", description: "Gromov (2023)'s quadratic MLP with MSE: " + describe(gromov),
                             config: gromov, notes: """
                Gromov 2023, "Grokking modular arithmetic". Copied: one hidden layer on one-hot(a) ‖ one-hot(b), x² \
                activation, no biases, MSE against one-hot targets (nn.MSELoss's mean over batch and classes), AdamW with \
                lr 1e-2 and weight decay 5 (one of the decays his scripts sweep), full batch, half the pairs of p = 97. \
                Differs: the width (wb takes 500) and the init (torch.nn.Linear's uniform rule, not his 1/√fan-in normal).
                """),
            TrainingTemplate(name: "prieto2025-stablemax", description: "Prieto et al. (2025)'s StableMax MLP without weight "
                                 + "decay: " + describe(stablemax), config: stablemax, notes: """
                Prieto et al. 2025, "Grokking at the edge of numerical stability". Copied: an MLP on one-hot inputs with \
                two ReLU layers of 200, the StableMax cross-entropy, no weight decay, AdamW lr 1e-2, full batch, p = 113 \
                with 40 % of the pairs. Differs: wb keeps its float32 weights (their runs also try float64) and AdamW \
                betas 0.9/0.98.
                """),
            TrainingTemplate(name: "prieto2025-orthograd", description: "Prieto et al. (2025)'s ⊥AdamW MLP: " + describe(orthograd),
                             config: orthograd, notes: """
                Prieto et al. 2025, "Grokking at the edge of numerical stability". Copied: the MLP of \
                prieto2025-stablemax with the ordinary cross-entropy and ⊥Grad (each tensor's gradient without its \
                component along the weights, rescaled to its norm) before AdamW, lr 1e-2, no weight decay. Differs: their \
                ⊥AdamW wrapper runs torch's default betas (0.9, 0.999); wb keeps 0.9/0.98 (beta2=0.999 gives theirs).
                """),
        ]
    }()

    /// An informative name, e.g. `p113-add-f0.3-d128h4m512-wd1-lr1e-3-s0` or `p97-mul-f0.5-…-s0-gfema`.
    public static func generatedName(_ c: TrainingConfig) -> String {
        var name = "p\(c.p)-\(c.task.rawValue)-f\(compact(c.frac))-d\(c.dModel)h\(c.heads)m\(c.dMLP)-wd\(compact(c.wd))"
            + "-lr\(compact(c.lr))-s\(c.dataSeed)"
        if c.grokfast != .none { name += "-gf\(c.grokfast.rawValue)" }
        if c.initScale != 1 { name += "-init\(compact(c.initScale))" }
        return name
    }

    /// A one-line description, e.g. `p=113 frac=0.30 | d_model 128, 4 heads, d_mlp 512 | lr 1e-3, wd 1.0, …`; the task,
    /// filter and initial scale follow when they are not the paper's.
    public static func describe(_ c: TrainingConfig) -> String {
        let epochs = c.epochs % 1000 == 0 ? "\(c.epochs / 1000)k" : "\(c.epochs)"
        if c.architecture.isPaperTransformer && c.regimeWords.isEmpty {
            return String(format: "p=%d frac=%.2f | d_model %d, %d heads, d_mlp %d | lr %@, wd %@, betas (%@, %@), warm-up %d | %@ epochs | data seed %d",
                          c.p, c.frac, c.dModel, c.heads, c.dMLP, compact(c.lr), String(format: "%.1f", c.wd), compact(c.beta1),
                          compact(c.beta2), c.warmup, epochs, c.dataSeed)
                + (c.variantLabel == nil ? "" : " | " + c.taskDescription)
        }
        // Another model or regime: the network in words, then the optimizer as it is configured.
        var optimizer: String
        switch c.optimizer {
        case .adamw: optimizer = "AdamW lr \(compact(c.lr)), wd \(compact(c.wd)), betas (\(compact(c.beta1)), \(compact(c.beta2)))"
        case .adam: optimizer = "Adam lr \(compact(c.lr)), L2 \(compact(c.wd)), betas (\(compact(c.beta1)), \(compact(c.beta2)))"
        case .sgd: optimizer = "SGD lr \(compact(c.lr)), wd \(compact(c.wd)), momentum \(compact(c.momentum))"
        }
        if c.orthograd { optimizer = "⊥" + optimizer }
        let loss = ["ce": "cross-entropy", "mse": "MSE", "stablemax": "StableMax"][c.loss.rawValue]!
        let batch = c.batch > 0 ? "batch \(c.batch) (seed \(c.batchSeed))" : "full batch"
        var text = String(format: "p=%d frac=%.2f | ", c.p, c.frac) + c.architecture.summary
            + " | \(loss), \(optimizer), warm-up \(c.warmup) steps, \(batch) | \(epochs) epochs | data seed \(c.dataSeed)"
        let rest = [c.task != .add ? "\(c.task.rawValue) (\(c.task.formula))" : nil,
                    c.grokfast == .none ? nil : c.grokfastDescription,
                    c.initScale != 1 ? "init ×\(compact(c.initScale))" : nil].compactMap { $0 }
        if !rest.isEmpty { text += " | " + rest.joined(separator: ", ") }
        return text
    }

    /// Short numbers: 1 → "1", 0.3 → "0.3", 0.001 → "1e-3".
    static func compact(_ x: Double) -> String {
        if x == x.rounded() && abs(x) < 1e6 { return "\(Int(x))" }
        if abs(x) >= 0.01 { return "\(x)" }
        let exponent = Int(floor(log10(abs(x))))
        let mantissa = x / pow(10, Double(exponent))
        let m = abs(mantissa - mantissa.rounded()) < 1e-9 ? "\(Int(mantissa.rounded()))" : String(format: "%g", mantissa)
        return "\(m)e\(exponent)"
    }
}

/// The template folder and the built-ins.
public struct TemplateStore {
    public let folder: URL

    public init(home: URL) { folder = home.appendingPathComponent("templates", isDirectory: true) }

    public func all() -> [TrainingTemplate] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        let user = files.filter { $0.hasSuffix(".json") && !$0.hasPrefix(".") }.sorted().compactMap { file in
            (try? Data(contentsOf: folder.appendingPathComponent(file))).flatMap { try? JSONDecoder().decode(TrainingTemplate.self, from: $0) }
        }
        return TrainingTemplate.builtIn + user.filter { u in !TrainingTemplate.builtIn.contains { $0.name == u.name } }
    }

    public func find(_ name: String) throws -> TrainingTemplate {
        let list = all()
        if let t = list.first(where: { $0.name.lowercased() == name.lowercased() }) { return t }
        let hint = CommandCatalog.suggestion(for: name, among: list.map(\.name)).map { " Did you mean '\($0)'?" } ?? ""
        throw ShellError("no template named '\(name)'.\(hint) Templates: \(list.map(\.name).joined(separator: ", "))")
    }

    public func save(_ template: TrainingTemplate) throws {
        guard !TrainingTemplate.builtIn.contains(where: { $0.name == template.name }) else {
            throw ShellError("'\(template.name)' is a built-in template; choose another name")
        }
        let ok = !template.name.isEmpty && !template.name.hasPrefix(".")
            && template.name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }
        guard ok else { throw ShellError("template name '\(template.name)': use letters, digits, '-', '_' and '.'") }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(encoder.encode(template), to: folder.appendingPathComponent("\(template.name).json"))
    }
}
