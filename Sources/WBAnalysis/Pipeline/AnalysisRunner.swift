import Dispatch
import Foundation
import WBTraining

/// Runs analyses over a run's checkpoints: loads each checkpoint at most once (and not at all when every result is
/// cached), runs every requested analysis on it, stores each result in the run's `AnalysisCache`, reports progress after
/// each checkpoint and stops between checkpoints (or analyses) when cancelled. A missing or unreadable checkpoint is
/// reported by epoch and path and skipped; the rest still complete.
public final class AnalysisRunner {
    public let run: RunFolder
    public let context: RunContext
    public let cache: AnalysisCache
    /// When false, cached results are ignored (and overwritten).
    public var readsCache = true
    let evaluator: GridEvaluator

    public typealias ProgressHandler = (AnalysisProgress) -> Void

    /// A runner for the run folder (reads its config and split).
    public convenience init(run: RunFolder) throws {
        try self.init(run: run, context: RunContext(run: run))
    }

    /// `cacheFolder` defaults to `runs/<name>/analysis/`.
    public init(run: RunFolder, context: RunContext, cacheFolder: URL? = nil) {
        self.run = run
        self.context = context
        cache = cacheFolder.map { AnalysisCache(folder: $0) } ?? AnalysisCache(run: run)
        evaluator = GridEvaluatorPool.take(context.architecture, view: context.view, layer: context.layer)
    }

    deinit { GridEvaluatorPool.give(evaluator) }

    /// One checkpoint's file, loaded lazily, and its state (shared forward pass) once loaded.
    final class EpochWork {
        let epoch: Int
        let url: URL
        let stat: CheckpointFingerprint?
        var loaded: CheckpointLoader.Loaded?
        var state: CheckpointState?
        init(epoch: Int, url: URL) { self.epoch = epoch; self.url = url; stat = CheckpointFingerprint.current(url) }
    }

    /// Runs `analyses` on `epochs` (default: every checkpoint of the run). The result of analysis A at epoch e is in
    /// `report.results.result(A.self, epoch: e)`.
    public func run(_ analyses: [any Analysis], epochs: [Int]? = nil, reference choice: ReferenceChoice = .finalCheckpoint,
                    cancel: CancellationToken = CancellationToken(), progress: ProgressHandler = { _ in }) -> AnalysisReport {
        let clock = DispatchTime.now().uptimeNanoseconds
        func elapsed() -> Double { Double(DispatchTime.now().uptimeNanoseconds - clock) / 1e9 }
        let selected = Array(Set(epochs ?? run.checkpointEpochs())).sorted()
        var report = AnalysisReport(results: AnalysisResults(), epochs: selected, failures: [], computed: 0, cached: 0,
                                    cancelled: false, reference: nil, seconds: 0)
        // Analyses that have no meaning for the run's task are refused once, by name, and the rest run.
        let task = context.task
        for a in analyses where !a.applies(to: task) {
            report.failures.append(AnalysisFailure(epoch: nil, analysis: a.name,
                                                   message: AnalysisError.inapplicable(analysis: a.name, task: task, applicable: a.tasks).description))
        }
        var analyses = analyses.filter { $0.applies(to: task) }
        if case .mlp = context.architecture {
            for a in analyses where type(of: a).readsAttention {
                report.failures.append(AnalysisFailure(epoch: nil, analysis: a.name,
                                                       message: "\(a.name) reads attention, which an MLP does not have"))
            }
            analyses = analyses.filter { !type(of: $0).readsAttention }
        }
        var active = analyses
        // The reference checkpoint's work (loaded weights, forward pass) is reused when it is also in the selection.
        var referenceWork: EpochWork?
        if analyses.contains(where: { $0.needs == .checkpointAndReference }) {
            do {
                let (reference, work) = try resolveReference(choice)
                report.reference = reference
                if let work, selected.contains(work.epoch) { referenceWork = work }
            } catch {
                let needing = analyses.filter { $0.needs == .checkpointAndReference }
                for a in needing {
                    report.failures.append(AnalysisFailure(epoch: nil, analysis: a.name, message: "skipped: \(error)"))
                }
                active = analyses.filter { $0.needs == .checkpoint }
            }
        }
        for (index, epoch) in selected.enumerated() {
            if cancel.isCancelled { report.cancelled = true; break }
            let work = referenceWork?.epoch == epoch ? referenceWork! : EpochWork(epoch: epoch, url: run.checkpointURL(epoch: epoch))
            if referenceWork?.epoch == epoch { referenceWork = nil }
            var failures: [AnalysisFailure] = []
            if work.stat == nil {
                failures.append(AnalysisFailure(epoch: epoch, analysis: nil, message: AnalysisError.checkpointUnreadable(
                    epoch: epoch, path: work.url.path, reason: "the file does not exist").description))
            } else {
                for analysis in active {
                    if cancel.isCancelled { report.cancelled = true; break }
                    do {
                        let (value, fromCache) = try evaluate(analysis, work: work, reference: report.reference)
                        report.results.set(analysis.name, epoch: epoch, value)
                        if fromCache { report.cached += 1 } else { report.computed += 1 }
                    } catch let error as AnalysisError {
                        if case .checkpointUnreadable = error {
                            failures.append(AnalysisFailure(epoch: epoch, analysis: nil, message: error.description))
                            break   // the other analyses cannot read it either
                        }
                        failures.append(AnalysisFailure(epoch: epoch, analysis: analysis.name, message: error.description))
                    } catch {
                        failures.append(AnalysisFailure(epoch: epoch, analysis: analysis.name, message: "\(error)"))
                    }
                }
            }
            report.failures += failures
            progress(AnalysisProgress(epoch: epoch, completed: index + 1, total: selected.count, computed: report.computed,
                                      cached: report.cached, failures: failures, elapsedSeconds: elapsed()))
            if report.cancelled { break }
        }
        report.seconds = elapsed()
        return report
    }

    /// Runs analyses given by name (see `AnalysisRegistry`); a name that does not apply to the run's task is refused
    /// (`AnalysisError.inapplicable`) before anything runs.
    public func run(named names: [String], registry: AnalysisRegistry = .standard, epochs: [Int]? = nil,
                    reference: ReferenceChoice = .finalCheckpoint, cancel: CancellationToken = CancellationToken(),
                    progress: ProgressHandler = { _ in }) throws -> AnalysisReport {
        let analyses = try names.map { try registry.analysis(named: $0, task: context.task) }
        return run(analyses, epochs: epochs, reference: reference, cancel: cancel, progress: progress)
    }

    /// The key frequencies analyses that need a reference get: `KeyFrequencies.keys` of the chosen checkpoint
    /// (computed through the cache), or the given list.
    public func referenceFrequencies(_ choice: ReferenceChoice = .finalCheckpoint) throws -> ReferenceFrequencies {
        try resolveReference(choice).reference
    }

    private func resolveReference(_ choice: ReferenceChoice) throws -> (reference: ReferenceFrequencies, work: EpochWork?) {
        let epoch: Int
        switch choice {
        case .frequencies(let list):
            let top = context.basis.frequencyCount
            guard !list.isEmpty, list.allSatisfy({ (1...top).contains($0) }) else {
                throw AnalysisError.noReference(reason: "key frequencies must be in 1…\(top); got \(list)")
            }
            return (ReferenceFrequencies(epoch: nil, frequencies: Array(Set(list)), source: "given"), nil)
        case .checkpoint(let e): epoch = e
        case .finalCheckpoint:
            guard let last = run.checkpointEpochs().last else {
                throw AnalysisError.noReference(reason: "\(run.checkpointsURL.path) has no checkpoints")
            }
            epoch = last
        }
        let work = EpochWork(epoch: epoch, url: run.checkpointURL(epoch: epoch))
        guard work.stat != nil else {
            throw AnalysisError.noReference(reason: "checkpoint \(epoch) (\(work.url.path)) does not exist")
        }
        let analysis = KeyFrequencies()
        let (value, _) = try evaluate(analysis, work: work, reference: nil)
        guard let result = value as? KeyFrequencies.Result else { throw AnalysisError.noReference(reason: "internal: wrong result type") }
        guard !result.keys.isEmpty else {
            throw AnalysisError.noReference(reason: "checkpoint \(epoch) has no key frequencies (all-zero weights?)")
        }
        return (ReferenceFrequencies(epoch: epoch, frequencies: result.keys, source: "key_frequencies.keys at epoch \(epoch)"), work)
    }

    /// The cached result when valid, else computes it (loading the checkpoint once per `work`) and stores it.
    private func evaluate<A: Analysis>(_ analysis: A, work: EpochWork, reference: ReferenceFrequencies?) throws -> (Any, Bool) {
        try A.requireApplicable(to: context.task)
        guard let stat = work.stat else {
            throw AnalysisError.checkpointUnreadable(epoch: work.epoch, path: work.url.path, reason: "the file does not exist")
        }
        var stale: (sha: String?, result: A.Result)?
        if readsCache {
            switch cache.lookup(analysis, epoch: work.epoch, file: stat, reference: reference, order: context.cacheTag) {
            case .hit(let result): return (result, true)
            case .stale(let sha, let result): stale = (sha, result)
            case .miss: break
            }
        }
        let loaded = try load(work)
        if let stale, let sha = stale.sha, sha == loaded.fingerprint.sha256 {
            // Same bytes under a new stat (copied or touched): keep the result, refresh the fingerprint.
            try cache.store(analysis, epoch: work.epoch, file: loaded.fingerprint, reference: reference, result: stale.result,
                            order: context.cacheTag)
            return (stale.result, true)
        }
        if work.state == nil {
            work.state = CheckpointState(epoch: work.epoch, parameters: loaded.parameters, run: context, evaluator: evaluator)
        }
        let result = try analysis.compute(AnalysisInput(checkpoint: work.state!, reference: reference))
        try cache.store(analysis, epoch: work.epoch, file: loaded.fingerprint, reference: reference, result: result,
                        order: context.cacheTag)
        return (result, false)
    }

    private func load(_ work: EpochWork) throws -> CheckpointLoader.Loaded {
        if let loaded = work.loaded { return loaded }
        let loaded = try CheckpointLoader.load(work.url, epoch: work.epoch, layout: context.layout)
        work.loaded = loaded
        return loaded
    }

    /// The post-ReLU MLP activations over the view's grid at `epoch` ([n², d_mlp], row i·n + j; all p² inputs, row
    /// a·p + b, for add), through this runner's own evaluator (no new buffers; the dashboard steps through checkpoints
    /// with it). The returned array is a copy.
    public func activations(epoch: Int) throws -> [Float] {
        let loaded = try CheckpointLoader.load(run.checkpointURL(epoch: epoch), epoch: epoch, layout: context.layout)
        return evaluator.activations(parameters: loaded.parameters)
    }

    /// The checkpoint at `epoch` as a `CheckpointState` (for on-demand work such as one neuron's activation grid).
    /// It has its own evaluator, so it stays usable after the runner is gone.
    public func state(epoch: Int) throws -> CheckpointState {
        let loaded = try CheckpointLoader.load(run.checkpointURL(epoch: epoch), epoch: epoch, layout: context.layout)
        return CheckpointState(epoch: epoch, parameters: loaded.parameters, run: context)
    }
}
