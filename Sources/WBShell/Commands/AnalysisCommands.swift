import Foundation
import WBAnalysis
import WBTraining

/// Short names for analyses at the prompt (`analyze freq clusters`), besides their full names.
enum AnalysisAliases {
    static let table: [String: String] = [
        "freq": EmbeddingFrequencies.name, "frequencies": EmbeddingFrequencies.name, "neurons": NeuronActivations.name,
        "clusters": NeuronClusters.name, "keys": KeyFrequencies.name, "progress": WBAnalysis.ProgressMeasures.name,
        "attention": AttentionPatterns.name, "cosines": LogitCosines.name, "excluded": ExcludedLossPerFrequency.name,
    ]
    /// What `analyze` runs with no names: the summaries the plots and `info` read.
    static let defaults = [EmbeddingFrequencies.name, NeuronClusters.name, KeyFrequencies.name, WBAnalysis.ProgressMeasures.name]

    static var completions: [String] { Array(table.keys) + AnalysisRegistry.standard.names + ["all"] }

    static func resolve(_ word: String) throws -> String {
        if let name = table[word] { return name }
        if AnalysisRegistry.standard.names.contains(word) { return word }
        let all = completions
        let hint = CommandCatalog.suggestion(for: word, among: all).map { " Did you mean '\($0)'?" } ?? ""
        throw ShellError("unknown analysis '\(word)'.\(hint) Analyses: \(table.keys.sorted().joined(separator: ", ")) (or their full names: \(AnalysisRegistry.standard.names.joined(separator: ", ")), or all)")
    }

    /// The analyses `analyze WORDS` asks for and which of them run for `task`: the defaults with no words (and, when none
    /// of them applies, every analysis that does), every registered analysis for `all`, else the named ones. Those that
    /// do not apply are returned as skipped, to be reported; when names were given and none applies, it is an error.
    static func plan(_ words: [String], task: ModularTask) throws -> (run: [String], skipped: [any Analysis]) {
        let registry = AnalysisRegistry.standard
        let asked: [String]
        if words.isEmpty {
            // The defaults are all Fourier analyses: for a task without a view they are skipped (and said so), and
            // what does apply runs instead.
            let applicable = defaults.filter { (try? registry.analysis(named: $0, task: task)) != nil }
            asked = applicable.isEmpty ? defaults + registry.applicable(to: task).map(\.name) : defaults
        } else if words.map({ $0.lowercased() }) == ["all"] {
            asked = registry.names
        } else {
            var seen = Set<String>()
            asked = try words.map(resolve).filter { seen.insert($0).inserted }
        }
        let analyses = try asked.map { try registry.analysis(named: $0) }
        let skipped = analyses.filter { !$0.applies(to: task) }
        let run = analyses.filter { $0.applies(to: task) }.map(\.name)
        if run.isEmpty, let first = skipped.first {
            throw ShellError(AnalysisError.inapplicable(analysis: first.name, task: task, applicable: first.tasks).description
                             + (skipped.count > 1 ? " (nor do \(skipped.dropFirst().map(\.name).joined(separator: ", ")))" : ""))
        }
        return (run, skipped)
    }

    /// "skipped for task x2y2 (a² + b²): embedding_frequencies, … — they apply to add, sub, mul, div only", one line per
    /// set of tasks.
    static func skippedNote(_ skipped: [any Analysis], task: ModularTask) -> [String] {
        var groups: [(tasks: [ModularTask], names: [String])] = []
        for a in skipped {
            if let i = groups.firstIndex(where: { $0.tasks == a.tasks }) { groups[i].names.append(a.name) } else { groups.append((a.tasks, [a.name])) }
        }
        return groups.map { group in
            let why = Set(group.tasks) == Set(CyclicView.tasks) ? " (they read the task as addition in a cyclic group; see docs/analysis.md)" : ""
            return "skipped for task \(task.rawValue) (\(task.formula)): \(group.names.joined(separator: ", ")) — "
                + "\(group.names.count == 1 ? "it applies" : "they apply") to \(group.tasks.map(\.rawValue).joined(separator: ", ")) only\(why)"
        }
    }
}

extension CommandExecutor {
    /// The analysis runner of the current run, reading `layer` (nil: a transformer's last; made once per run and layer;
    /// it caches under `runs/<name>/analysis/`). A layer the model does not have is an error naming those it has.
    func analysisRunner(layer: Int? = nil) throws -> AnalysisRunner {
        let run = try requireRun()
        if let cached = session.analysisRunner, cached.run.url == run.folder.url,
           cached.context.layer == layer ?? cached.context.layerCount - 1 {
            return cached
        }
        let runner: AnalysisRunner
        do {
            runner = try AnalysisRunner(run: run.folder, context: RunContext(run: run.folder, layer: layer))
        } catch let error as AnalysisError {
            throw ShellError(error.description)
        }
        session.analysisRunner = runner
        return runner
    }

    /// Takes `layer=N` out of an `analyze` command's words: the layer (nil when not given) and the other words.
    static func layerOption(_ words: [String]) throws -> (layer: Int?, rest: [String]) {
        var layer: Int?, rest: [String] = []
        for word in words {
            guard word.lowercased().hasPrefix("layer=") else { rest.append(word); continue }
            guard layer == nil else { throw ShellError("`analyze` takes one layer=N") }
            guard let value = Parser.layerNumber(word) else { throw ShellError(Parser.badLayer(word)) }
            layer = value
        }
        return (layer, rest)
    }

    /// The epochs analyses and over-time plots use: the selected checkpoints, or every checkpoint.
    func selectedEpochs() throws -> [Int] { try requireRun().navigableEpochs }

    /// `analyze [NAME ... | all] [layer=N]`: runs analyses over the selection with progress; results are cached. Analyses
    /// that have no meaning for the run's task are skipped and named in the output. `layer=N` reads a deeper
    /// transformer's layer N (default the last).
    func analyze(_ words: [String], context: ExecutionContext) throws -> CellOutput {
        if words.first == "llc" { return try analyzeLLC(Array(words.dropFirst()), context: context) }
        let run = try requireRun()
        let (layer, words) = try Self.layerOption(words)
        let runner = try analysisRunner(layer: layer)
        let (names, skipped) = try AnalysisAliases.plan(words, task: runner.context.task)
        let epochs = try selectedEpochs()
        let report = try runner.run(named: names, epochs: epochs, cancel: context.cancel) { p in
            context.onProgress("analyzing \(run.name): epoch \(p.epoch)", p.completed, p.total)
        }
        let layerNote = runner.context.layerCount > 1 ? " (layer \(runner.context.layer) of \(runner.context.layerCount))" : ""
        var output = CellOutput.text("analyzed \(report.epochs.count) checkpoints of \(run.name)\(layerNote)"
            + (report.cancelled ? "; stopped early (Ctrl-C), what was done is kept in the cache" : ""))
        output.facts["analysis"] = String(format: "%d results computed, %d from the cache, %.1f s", report.computed, report.cached, report.seconds)
        if let reference = report.reference {
            output.append(.text("key frequencies: \(reference.frequencies.map(String.init).joined(separator: ", ")) (\(reference.source))"))
        }
        if let last = report.epochs.last(where: { report.results.anyResult(named: names[0], epoch: $0) != nil }) {
            output.append(.text(summary(report.results, epoch: last)))
        }
        for note in AnalysisAliases.skippedNote(skipped, task: runner.context.task) { output.append(.text(note)) }
        for failure in report.failures.prefix(10) { output.append(.warning(failure.description)) }
        if report.failures.count > 10 { output.append(.warning("… and \(report.failures.count - 10) more failures")) }
        return output
    }

    /// One line per analysis result at `epoch`.
    func summary(_ results: AnalysisResults, epoch: Int) -> String {
        var lines = ["at epoch \(epoch):"]
        if let f = results.result(EmbeddingFrequencies.self, epoch: epoch) {
            lines.append("  dominant embedding frequencies: \(f.dominant.map(String.init).joined(separator: ", "))")
        }
        if let c = results.result(NeuronClusters.self, epoch: epoch) {
            let sizes = c.clusters.map { "\($0.frequency)→\($0.neurons)" }.joined(separator: ", ")
            // Without clusters, "(none of the N)" instead of an empty list.
            let detail = c.clusters.isEmpty ? "none of the \(c.unclustered)" : "\(sizes); none \(c.unclustered)"
            lines.append(String(format: "  neurons clustered (fraction > %.2f): %.1f%% (%@)", c.threshold, c.clusteredShare * 100, detail))
        }
        if let m = results.result(WBAnalysis.ProgressMeasures.self, epoch: epoch) {
            lines.append(String(format: "  restricted loss %.3e, excluded loss %.3e, Gini W_E %.2f, Gini W_L %.2f, sum of squared weights %.1f",
                                m.restrictedLoss, m.excludedLoss, m.giniEmbedding, m.giniLogitMap, m.sumSquaredWeights))
        }
        if let a = results.result(NeuronActivations.self, epoch: epoch) {
            let active = a.activeShare.isEmpty ? 0 : a.activeShare.reduce(0, +) / Double(a.activeShare.count)
            lines.append(String(format: "  neurons: %d dead of %d, mean share of inputs active %.1f%%", a.deadNeurons, a.mean.count, active * 100))
        }
        if let a = results.result(AttentionPatterns.self, epoch: epoch) {
            let heads = a.heads.enumerated().map { h, head in
                "head \(h) " + head.meanAttention.map { String(format: "%.2f", $0) }.joined(separator: "/")
            }
            lines.append("  mean attention of '=' on a/b/=: \(heads.joined(separator: ", "))")
        }
        return lines.joined(separator: "\n")
    }
}
