import Foundation
import WBAnalysis
import WBPlotting
import WBTraining

/// Gathers the `Dashboard` of one checkpoint of a run: the metrics row, the embedding frequencies, neuron clusters and
/// progress measures through the analysis cache (computing what is missing, with progress), λ̂ where `analyze llc` has
/// estimated it with the run's defaults (read from its cache only), and the activation grids of the neurons shown.
/// Grids of recently shown checkpoints stay in memory, so stepping back and forth redraws without a forward pass. One
/// builder per loaded run state (the session makes a new one when the run changes).
final class DashboardBuilder {
    let run: LoadedRun
    let runner: AnalysisRunner
    let curves: RunCurves
    let selection: EpochSelection?
    /// Activation grids by epoch, then neuron; `recent` keeps the order for evicting the oldest.
    private var grids: [Int: [Int: [Float]]] = [:]
    private var recent: [Int] = []
    static let keptGridEpochs = 64
    /// The only epochs whose λ̂ the panel may show (a replay's, `Session.llcEpochsThisSession`); nil: every cached one.
    let llcEpochs: Set<Int>?
    /// λ̂ of the whole network at the checkpoints already estimated (read once from the LLC cache, never computed here).
    private lazy var llc: LLCSeries? = {
        guard let cached = try? LLCRunner(run: run.folder).cachedEstimates() else { return nil }
        let estimates = cached.filter { $0.llc != nil && (llcEpochs?.contains($0.epoch) ?? true) }
        guard !estimates.isEmpty else { return nil }
        return LLCSeries(component: "all", epochs: estimates.map(\.epoch), values: estimates.map { $0.llc! },
                         standardErrors: estimates.map { $0.standardError ?? 0 })
    }()

    /// The analyses a dashboard reads.
    static var analyses: [any Analysis] { [EmbeddingFrequencies(), NeuronClusters(), WBAnalysis.ProgressMeasures()] }

    init(run: LoadedRun, runner: AnalysisRunner, curves: RunCurves, selection: EpochSelection?, llcEpochs: Set<Int>? = nil) {
        self.run = run
        self.llcEpochs = llcEpochs
        self.runner = runner
        self.curves = curves
        self.selection = selection
    }

    /// Whether this builder still describes `other` (same folder, checkpoints, metrics and selection).
    func matches(_ other: LoadedRun) -> Bool {
        run.folder.url == other.folder.url && run.checkpoints == other.checkpoints && run.metrics.count == other.metrics.count
            && run.selection == other.selection
    }

    /// Runs the dashboard's analyses over `epochs` (cached results are read, missing ones computed and cached),
    /// reporting progress as `label i/n`. A checkpoint that cannot be read is an error; other failures leave a panel or
    /// number out.
    func analyses(_ epochs: [Int], context: ExecutionContext, label: String) throws -> AnalysisResults {
        let report = runner.run(Self.analyses, epochs: epochs, cancel: context.cancel) { p in
            context.onProgress(label, p.completed, p.total)
        }
        if report.cancelled { throw ShellError("stopped (Ctrl-C); the analyses finished so far are kept in the cache") }
        if let failure = report.failures.first(where: { $0.analysis == nil }) { throw ShellError(failure.description) }
        return report.results
    }

    /// The strongest neurons of the largest clusters at `epoch` (up to `count`), from its cluster result.
    func representativeNeurons(at epoch: Int, results: AnalysisResults, count: Int = 3) -> [Int] {
        guard let clusters = results.result(NeuronClusters.self, epoch: epoch) else { return Array(0..<min(count, runner.context.shape.dMLP)) }
        return Array(CommandExecutor.representatives(clusters).prefix(count))
    }

    /// The dashboard at `epoch` showing `neurons`, from `results` (which must hold the epoch's analyses when they could
    /// run). `position` is the epoch's place among the checkpoints the cursor moves over.
    func dashboard(at epoch: Int, neurons: [Int], results: AnalysisResults) throws -> Dashboard {
        let m = run.metrics(at: epoch)
        let progress = results.result(WBAnalysis.ProgressMeasures.self, epoch: epoch)
        let frequencies = results.result(EmbeddingFrequencies.self, epoch: epoch)
        let clusters = results.result(NeuronClusters.self, epoch: epoch)
        let llcIndex = llc?.epochs.firstIndex(of: epoch)
        let numbers = DashboardNumbers(trainLoss: m?.trainLoss ?? progress?.trainLoss, testLoss: m?.testLoss ?? progress?.testLoss,
                                       trainAccuracy: m?.trainAccuracy ?? progress?.trainAccuracy,
                                       testAccuracy: m?.testAccuracy ?? progress?.testAccuracy,
                                       restrictedLoss: progress?.restrictedLoss, excludedLoss: progress?.excludedLoss,
                                       clusteredShare: clusters?.clusteredShare, llc: llcIndex.map { llc!.values[$0] },
                                       llcStandardError: llcIndex.flatMap { llc!.standardErrors[$0] > 0 ? llc!.standardErrors[$0] : nil })
        let sizes = clusters.map {
            ClusterSizes(frequencies: $0.clusters.map(\.frequency), sizes: $0.clusters.map(\.neurons), unclustered: $0.unclustered,
                         threshold: $0.threshold)
        }
        let p = runner.context.view.n   // the grid's side: p, or p − 1 in the discrete-log view of mul and div
        let shownGrids = try grids(at: epoch, neurons: neurons).map { NeuronGrid(neuron: $0.neuron, p: p, values: $0.values) }
        let epochs = run.navigableEpochs
        let index = epochs.firstIndex(of: epoch)
        return Dashboard(run: run.name, epoch: epoch, position: index.map { $0 + 1 }, checkpointCount: index == nil ? nil : epochs.count,
                         numbers: numbers, curves: curves, selection: selection, frequencyNorms: frequencies?.frequencyNorms ?? [],
                         dominantFrequencies: frequencies?.dominant ?? [], clusters: sizes, neurons: shownGrids,
                         neuronClusters: neurons.map { n in clusters.flatMap { n < $0.cluster.count && $0.cluster[n] > 0 ? $0.cluster[n] : nil } },
                         basis: runner.context.view.label, llc: llc)
    }

    /// The activation grids of `neurons` at `epoch`: from memory, else one forward pass over the grid.
    private func grids(at epoch: Int, neurons: [Int]) throws -> [(neuron: Int, values: [Float])] {
        guard !neurons.isEmpty else { return [] }
        var known = grids[epoch] ?? [:]
        let missing = neurons.filter { known[$0] == nil }
        if !missing.isEmpty {
            let activations: [Float]
            do { activations = try runner.activations(epoch: epoch) } catch { throw ShellError("\(error)") }
            let count = runner.context.shape.dMLP   // the MLP's hidden width for a one-hidden-layer MLP
            let cells = activations.count / count
            for n in missing { known[n] = (0..<cells).map { activations[$0 * count + n] } }
            grids[epoch] = known
        }
        recent.removeAll { $0 == epoch }
        recent.append(epoch)
        while recent.count > Self.keptGridEpochs { grids[recent.removeFirst()] = nil }
        return neurons.map { ($0, known[$0]!) }
    }
}
