import Dispatch
import Foundation
import WBTraining
import WBSupport

/// Runs LLC estimates over a run's checkpoints and components: each (checkpoint, component) is read from the cache
/// when it was made with the same settings from the same checkpoint bytes, else estimated (`LLCEstimator`), stored and
/// added to `llc.csv` at once, so Ctrl-C keeps everything finished. Works for every model wb trains.
public final class LLCRunner {
    public let run: RunFolder
    public let config: TrainingConfig
    public let split: DataSplit
    public let layout: ParameterLayout
    public let cache: LLCCache
    public let table: LLCTable
    /// When false, cached estimates are ignored (and overwritten).
    public var readsCache = true

    public init(run: RunFolder) throws {
        self.run = run
        config = try run.readRecord().config
        split = try run.split(for: config)
        layout = config.layout
        cache = LLCCache(run: run)
        table = LLCTable(run: run)
    }

    /// Where a long estimate is: the checkpoint and component, how many of the (checkpoint, component) pairs are done,
    /// and the SGLD steps done of the current one.
    public struct Progress: Sendable {
        public var epoch: Int
        public var component: String
        public var completed: Int
        public var total: Int
        public var steps: Int
        public var totalSteps: Int
    }

    /// What a call produced: the estimates in (checkpoint, component) order, how many came from the cache.
    public struct Report: Sendable {
        public var estimates: [LLCEstimate] = []
        public var computed = 0
        public var cached = 0
        public var cancelled = false
        public var failures: [AnalysisFailure] = []
        public var seconds = 0.0
    }

    /// The run's own defaults (`llc defaults KEY=VALUE …`, or a calibration's suggestion saved), over the built-in ones.
    public var defaultSettings: LLCSettings {
        guard let text = try? String(contentsOf: defaultsURL, encoding: .utf8),
              let saved = try? LLCSettings().applying(text.split(whereSeparator: \.isWhitespace).map(String.init))
        else { return LLCSettings() }
        return saved
    }

    /// `runs/<name>/llc.defaults`: the run's LLC defaults as `key=value` words.
    public var defaultsURL: URL { run.url.appendingPathComponent("llc.defaults") }

    /// Saves `settings` as the run's defaults.
    public func saveDefaults(_ settings: LLCSettings) throws {
        try AtomicFile.write(settings.words.joined(separator: " ") + "\n", to: defaultsURL)
    }

    /// The components named (`all`, `embed`, `head0`, …; `heads` means every head of every layer), or an error listing
    /// the model's.
    public func components(_ names: [String]) throws -> [ModelComponent] {
        var list: [ModelComponent] = []
        for name in names {
            if name.lowercased() == "heads" {
                let heads = ModelComponent.all(of: layout).filter { $0.name.split(separator: ".").last?.hasPrefix("head") == true }
                if heads.isEmpty { throw LLCError.unknownComponent("this model has no attention heads") }
                list += heads
            } else {
                list.append(try ModelComponent.named(name, in: layout))
            }
        }
        var seen = Set<String>()
        return list.filter { seen.insert($0.name).inserted }
    }

    /// The estimates already in the cache for `component` with `settings` (default: the run's own), one per checkpoint
    /// whose file is unchanged since, in epoch order; nothing is estimated (the dashboard's λ̂ panel reads these).
    public func cachedEstimates(component: String = "all", settings: LLCSettings? = nil) -> [LLCEstimate] {
        let settings = settings ?? defaultSettings
        return run.checkpointEpochs().compactMap { epoch in
            guard let stat = CheckpointFingerprint.current(run.checkpointURL(epoch: epoch)),
                  let hit = cache.lookup(epoch: epoch, component: component, settings: settings, file: stat), hit.sameStat
            else { return nil }
            return hit.estimate
        }
    }

    /// Estimates λ̂ at `epochs` (default: every checkpoint) for each of `components`.
    public func run(epochs: [Int]? = nil, components: [ModelComponent], settings: LLCSettings,
                    cancel: CancellationToken = CancellationToken(), progress: @escaping @Sendable (Progress) -> Void = { _ in }) throws -> Report {
        let clock = DispatchTime.now().uptimeNanoseconds
        let selected = Array(Set(epochs ?? run.checkpointEpochs())).sorted()
        let estimator = try LLCEstimator(config: config, split: split, settings: settings)
        var report = Report()
        let total = selected.count * components.count
        outer: for (epochIndex, epoch) in selected.enumerated() {
            let url = run.checkpointURL(epoch: epoch)
            guard let stat = CheckpointFingerprint.current(url) else {
                report.failures.append(AnalysisFailure(epoch: epoch, analysis: "llc", message: "no checkpoint at \(url.path)"))
                continue
            }
            var loaded: CheckpointLoader.Loaded?
            for (componentIndex, component) in components.enumerated() {
                if cancel.isCancelled { report.cancelled = true; break outer }
                let hit = readsCache ? cache.lookup(epoch: epoch, component: component.name, settings: settings, file: stat) : nil
                if let hit, hit.sameStat {
                    report.estimates.append(hit.estimate); report.cached += 1
                    continue
                }
                do {
                    if loaded == nil { loaded = try CheckpointLoader.load(url, epoch: epoch, layout: layout) }
                } catch {
                    report.failures.append(AnalysisFailure(epoch: epoch, analysis: "llc", message: "\(error)"))
                    continue outer
                }
                if let hit, let sha = hit.sha, sha == loaded!.fingerprint.sha256 {
                    // The same bytes under a new stat (a copied or touched run folder): keep it, refresh the fingerprint.
                    try cache.store(hit.estimate, file: loaded!.fingerprint)
                    report.estimates.append(hit.estimate); report.cached += 1
                    continue
                }
                let done = epochIndex * components.count + componentIndex
                let name = component.name
                guard let estimate = estimator.estimate(loaded!.parameters, epoch: epoch, component: component, cancel: cancel,
                                                        progress: { steps, totalSteps in
                    progress(Progress(epoch: epoch, component: name, completed: done, total: total, steps: steps, totalSteps: totalSteps))
                }) else { report.cancelled = true; break outer }
                try cache.store(estimate, file: loaded!.fingerprint)
                try table.record([estimate])
                report.estimates.append(estimate)
                report.computed += 1
            }
        }
        // Cached estimates enter llc.csv too (it may have been deleted or made before them).
        try table.record(report.estimates)
        report.seconds = Double(DispatchTime.now().uptimeNanoseconds - clock) / 1e9
        return report
    }
}
