import WBSweeps
import WBAnalysis
import WBTraining

/// Tab completion for the prompt: commands first, then what each command takes (config keys, run, template and sweep
/// names, plot kinds, analysis names, `sweep`'s subcommands and options).
public struct Completion {
    public var runNames: () -> [String]
    public var templateNames: () -> [String]
    public var analysisNames: () -> [String]
    public var sweepNames: () -> [String]

    public init(runNames: @escaping () -> [String], templateNames: @escaping () -> [String], analysisNames: @escaping () -> [String],
                sweepNames: @escaping () -> [String] = { [] }) {
        self.runNames = runNames; self.templateNames = templateNames; self.analysisNames = analysisNames
        self.sweepNames = sweepNames
    }

    /// Completions of `word`, the word being typed at the end of `line`.
    public func complete(line: String, word: String) -> [String] {
        let statement = line.split(separator: ";", omittingEmptySubsequences: false).last.map(String.init) ?? line
        let before = statement.split(separator: " ").map(String.init)
        let typingFirst = before.isEmpty || (before.count == 1 && !statement.hasSuffix(" "))
        let candidates: [String]
        if typingFirst {
            candidates = CommandCatalog.names
        } else {
            switch before[0].lowercased() {
            case "train": candidates = TrainingConfig.keys.map { $0 + "=" } + ["template="] + (word.lowercased().hasPrefix("template=") ? templateNames().map { "template=" + $0 } : [])
            case "resume": candidates = ["epochs="]
            case "load", "compare": candidates = runNames()
            case "save": candidates = []
            case "export": candidates = before.count == 1 ? ["to"] : []
            case "template": candidates = before.count >= 2 && (before.count > 2 || statement.hasSuffix(" ")) && before[1] == "load" ? templateNames() : ["save", "load"]
            case "plot": candidates = PlotRequest.Kind.allCases.map(\.rawValue).filter { !$0.contains(" ") } + ["to", "layer="]
            case "analyze", "analyse":
                candidates = before.count >= 2 && before[1].lowercased() == "llc" && (before.count > 2 || statement.hasSuffix(" "))
                    ? ["of="] + LLCSettings.keys.map { $0 + "=" } : analysisNames() + ["llc", "layer="]
            case "llc":
                candidates = before.count == 1 || (before.count == 2 && !statement.hasSuffix(" ")) ? ["calibrate", "defaults", "components"]
                    : ["of=", "eps=", "nbeta=", "at", "save"] + LLCSettings.keys.map { $0 + "=" }
            case "help": candidates = CommandCatalog.names + ["keys"]
            case "dashboard", "dash":
                let afterOver = before.last?.lowercased() == "over" && statement.hasSuffix(" ")
                    || before.count >= 2 && before[before.count - 2].lowercased() == "over" && !statement.hasSuffix(" ")
                candidates = afterOver ? ["range", "all"] : ["at", "live", "over", "neurons"]
            case "range": candidates = ["clear", "fill", "pick"] + RangePreset.allCases.map(\.rawValue)
            case "at": candidates = ["epoch"]
            case "sweep": candidates = sweepCandidates(before, typingAt: statement.hasSuffix(" ") ? before.count : before.count - 1, word: word)
            default: candidates = []
            }
        }
        return candidates.filter { $0.lowercased().hasPrefix(word.lowercased()) }.sorted()
    }
}

extension Completion {
    /// Subcommands of `sweep`.
    static let sweepVerbs = ["list", "status", "stop", "table"]
    /// What a sweep's grid takes besides the config keys.
    static let sweepOptions = ["seeds=", "data_seeds=", "template=", "jobs=", "on=", "partition=", "account=", "time=",
                               "sbatch=", "--yes", "--print"]

    /// `sweep ` → its subcommands and the sweeps; `sweep status ` (stop, table) → the sweeps; `sweep NAME ` → the keys
    /// and options of a grid (`on=` → local, slurm).
    func sweepCandidates(_ before: [String], typingAt position: Int, word: String) -> [String] {
        if position == 1 { return Self.sweepVerbs + sweepNames() }
        let verb = before[1].lowercased()
        if Self.sweepVerbs.contains(verb) { return position == 2 && verb != "list" ? sweepNames() : [] }
        if word.lowercased().hasPrefix("on=") { return SweepExecutorKind.allCases.map { "on=" + $0.rawValue } }
        return TrainingConfig.keys.map { $0 + "=" } + Self.sweepOptions
    }
}

extension Completion {
    /// Completion over a session's runs, templates and sweeps (the prompt's and the Jupyter kernel's).
    public init(session: Session) {
        self.init(runNames: { session.runNames() }, templateNames: { session.templates.all().map(\.name) },
                  analysisNames: { ShellCompletions.analysisNames }, sweepNames: { session.sweepNames() })
    }
}

/// Names the prompt completes that come from other modules.
public enum ShellCompletions {
    public static var analysisNames: [String] { AnalysisAliases.completions.sorted() }
}
