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

    static var completions: [String] { Array(table.keys) + AnalysisRegistry.standard.names }

    static func resolve(_ word: String) throws -> String {
        if let name = table[word] { return name }
        if AnalysisRegistry.standard.names.contains(word) { return word }
        let all = completions
        let hint = CommandCatalog.suggestion(for: word, among: all).map { " Did you mean '\($0)'?" } ?? ""
        throw ShellError("unknown analysis '\(word)'.\(hint) Analyses: \(table.keys.sorted().joined(separator: ", ")) (or their full names: \(AnalysisRegistry.standard.names.joined(separator: ", ")))")
    }
}

extension CommandExecutor {
    /// The analysis runner of the current run (made once per run; it caches under `runs/<name>/analysis/`).
    func analysisRunner() throws -> AnalysisRunner {
        let run = try requireRun()
        if let cached = session.analysisRunner, cached.run.url == run.folder.url { return cached }
        let runner = try AnalysisRunner(run: run.folder)
        session.analysisRunner = runner
        return runner
    }

    /// The epochs analyses and over-time plots use: the selected checkpoints, or every checkpoint.
    func selectedEpochs() throws -> [Int] { try requireRun().navigableEpochs }

    /// `analyze [NAME ...]`: runs analyses over the selection with progress; results are cached.
    func analyze(_ words: [String], context: ExecutionContext) throws -> CellOutput {
        let run = try requireRun()
        let names = try (words.isEmpty ? AnalysisAliases.defaults : words.map(AnalysisAliases.resolve))
        let runner = try analysisRunner()
        let epochs = try selectedEpochs()
        let report = try runner.run(named: names, epochs: epochs, cancel: context.cancel) { p in
            context.onProgress("analyzing \(run.name): epoch \(p.epoch)", p.completed, p.total)
        }
        var output = CellOutput.text("analyzed \(report.epochs.count) checkpoints of \(run.name)"
            + (report.cancelled ? "; stopped early (Ctrl-C), what was done is kept in the cache" : ""))
        output.facts["analysis"] = String(format: "%d results computed, %d from the cache, %.1f s", report.computed, report.cached, report.seconds)
        if let reference = report.reference {
            output.append(.text("key frequencies: \(reference.frequencies.map(String.init).joined(separator: ", ")) (\(reference.source))"))
        }
        if let last = report.epochs.last(where: { report.results.anyResult(named: names[0], epoch: $0) != nil }) {
            output.append(.text(summary(report.results, epoch: last)))
        }
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
            lines.append(String(format: "  neurons clustered (fraction > %.2f): %.1f%% (%@; none %d)", c.threshold, c.clusteredShare * 100, sizes, c.unclustered))
        }
        if let m = results.result(WBAnalysis.ProgressMeasures.self, epoch: epoch) {
            lines.append(String(format: "  restricted loss %.3e, excluded loss %.3e, Gini W_E %.2f, Gini W_L %.2f, sum of squared weights %.1f",
                                m.restrictedLoss, m.excludedLoss, m.giniEmbedding, m.giniLogitMap, m.sumSquaredWeights))
        }
        return lines.joined(separator: "\n")
    }
}
