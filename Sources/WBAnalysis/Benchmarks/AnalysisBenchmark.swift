import Dispatch
import Foundation
import WBTraining
import WBSupport

/// Times the analysis pipeline on the paper's configuration (p 113, d_model 128, 4 heads, d_mlp 512): every registered
/// analysis on one checkpoint, on `checkpoints` checkpoints cold, and on the same checkpoints again from the cache, plus
/// the process's peak resident memory. Uses an existing run's checkpoints when given (its own cache is never touched: the
/// benchmark caches into a temporary folder), else synthesises checkpoints with random weights (paper initialisation,
/// one seed per checkpoint, with optimizer state so the files have their real size) in a temporary run folder.
public enum AnalysisBenchmark {
    /// Returns `key=value` lines: `analysis.one_checkpoint_ms`, `analysis.cold_<n>_ms`, `analysis.cached_<n>_ms`,
    /// `analysis.peak_rss_mb` and a few details (the forward pass and the neuron 2D transforms of one checkpoint).
    public static func run(runFolder: URL? = nil, checkpoints: Int = 100, threads: Int = 2,
                           registry: AnalysisRegistry = .standard) throws -> [String] {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("wb-analysis-bench-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let run: RunFolder
        var source: String
        if let runFolder {
            run = RunFolder(url: runFolder)
            source = run.url.path
        } else {
            run = try synthesize(at: scratch.appendingPathComponent("run"), checkpoints: checkpoints)
            source = "synthetic (random weights)"
        }
        let context = try RunContext(run: run)
        let epochs = Array(run.checkpointEpochs().suffix(checkpoints))
        guard let last = epochs.last else { throw AnalysisError.unsupported("\(run.checkpointsURL.path) has no checkpoints") }
        let cacheFolder = scratch.appendingPathComponent("cache")
        func milliseconds(_ body: () throws -> Void) rethrows -> Double {
            let start = DispatchTime.now().uptimeNanoseconds
            try body()
            return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
        }
        var lines = ["analysis.config=p=\(context.shape.p) d_model=\(context.shape.dModel) heads=\(context.shape.heads) d_mlp=\(context.shape.dMLP) threads=\(threads) checkpoints=\(epochs.count) analyses=\(registry.analyses.count) source=\(source)"]

        // Details on the last checkpoint (warm buffers): the forward pass over p² inputs, the neuron 2D transforms.
        let state = try AnalysisRunner(run: run, context: context, cacheFolder: scratch.appendingPathComponent("warm")).state(epoch: last)
        let evaluator = GridEvaluator(shape: context.shape, view: context.view)
        _ = evaluator.forward(parameters: state.parameters)
        let forwardMs = milliseconds { _ = evaluator.forward(parameters: state.parameters) }
        let activations = evaluator.forward(parameters: state.parameters).activations
        let fourierMs = milliseconds {
            _ = NeuronFrequencyFractions(activations: activations, neurons: context.shape.dMLP, basis: context.basis)
        }
        lines.append(String(format: "analysis.forward_ms=%.1f", forwardMs))
        lines.append(String(format: "analysis.neuron_fourier_ms=%.1f", fourierMs))

        // One checkpoint, cold, every analysis (the checkpoint is its own reference).
        var one = 0.0
        var failures: [AnalysisFailure] = []
        for attempt in 0..<3 {
            try? FileManager.default.removeItem(at: cacheFolder)
            let runner = AnalysisRunner(run: run, context: context, cacheFolder: cacheFolder)
            let ms = milliseconds {
                failures += runner.run(registry.analyses, epochs: [last], reference: .checkpoint(epoch: last)).failures
            }
            one = attempt == 0 ? ms : min(one, ms)
        }
        lines.append(String(format: "analysis.one_checkpoint_ms=%.1f", one))

        // All selected checkpoints, cold then cached (a fresh runner each time, as a new session would).
        try? FileManager.default.removeItem(at: cacheFolder)
        var cold: AnalysisReport?
        let coldMs = milliseconds {
            cold = AnalysisRunner(run: run, context: context, cacheFolder: cacheFolder).run(registry.analyses, epochs: epochs)
        }
        var cached: AnalysisReport?
        let cachedMs = milliseconds {
            cached = AnalysisRunner(run: run, context: context, cacheFolder: cacheFolder).run(registry.analyses, epochs: epochs)
        }
        failures += (cold?.failures ?? []) + (cached?.failures ?? [])
        lines.append(String(format: "analysis.cold_%d_ms=%.0f", epochs.count, coldMs))
        lines.append(String(format: "analysis.cold_per_checkpoint_ms=%.1f", coldMs / Double(epochs.count)))
        lines.append(String(format: "analysis.cached_%d_ms=%.0f", epochs.count, cachedMs))
        lines.append("analysis.cached_results=\(cached?.cached ?? 0) computed_on_second_pass=\(cached?.computed ?? 0)")
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        lines.append(String(format: "analysis.peak_rss_mb=%.0f", Double(usage.ru_maxrss) / 1024))
        if !failures.isEmpty { lines.append("analysis.failures=\(failures.map(\.description).joined(separator: "; "))") }
        return lines
    }

    /// A run folder of the paper's shape with `count` random checkpoints (epochs 0, 100, …).
    static func synthesize(at url: URL, checkpoints count: Int) throws -> RunFolder {
        var config = TrainingConfig()
        config.name = "analysis-bench"
        config.epochs = 100 * max(0, count - 1)
        let run = RunFolder(url: url)
        try FileManager.default.createDirectory(at: run.checkpointsURL, withIntermediateDirectories: true)
        let record = """
        {"format":"\(RunFolder.format)","config":\(String(decoding: try JSONEncoder().encode(config), as: UTF8.self)),\
        "created":"","updated":"","blas_threads":2}
        """
        try AtomicFile.write(record, to: run.configURL)
        let layout = ParameterLayout(config.shape)
        for i in 0..<count {
            let parameters = ParameterInitializer.initialWeights(layout, seed: i + 1)
            let moments = OptimizerState(firstMoment: parameters.map { $0 * 1e-3 }, secondMoment: parameters.map { $0 * $0 * 1e-6 }, step: 100 * i)
            try Checkpoint(epoch: 100 * i, parameters: parameters, optimizer: moments)
                .write(to: run.checkpointURL(epoch: 100 * i), layout: layout, config: config)
        }
        return run
    }
}
