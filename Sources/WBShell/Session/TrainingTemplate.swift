import Foundation
import WBTraining

/// A named training config with a description (`template save`, `template load`, `train template=NAME`).
/// User templates live in `$WB_HOME/templates/<name>.json`, one file each; two are built in.
public struct TrainingTemplate: Codable, Equatable, Sendable {
    public var name: String
    public var description: String
    public var config: TrainingConfig

    public init(name: String, description: String, config: TrainingConfig) {
        self.name = name; self.description = description; self.config = config
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
        return list
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
        String(format: "p=%d frac=%.2f | d_model %d, %d heads, d_mlp %d | lr %@, wd %@, betas (%@, %@), warm-up %d | %@ epochs | data seed %d",
               c.p, c.frac, c.dModel, c.heads, c.dMLP, compact(c.lr), String(format: "%.1f", c.wd), compact(c.beta1),
               compact(c.beta2), c.warmup, c.epochs % 1000 == 0 ? "\(c.epochs / 1000)k" : "\(c.epochs)", c.dataSeed)
            + (c.variantLabel == nil ? "" : " | " + c.taskDescription)
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
