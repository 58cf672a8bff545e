import Foundation
import WBAnalysis
import WBPlotting
import WBSweeps
import WBTraining
import WBSupport

extension CommandExecutor {
    /// `plot KIND [A..B] [to FILE.svg]`: builds the figure from the run's metrics or its (cached) analyses, zoomed to the
    /// window A..B when given.
    func plot(_ request: PlotRequest, context: ExecutionContext = ExecutionContext()) throws -> CellOutput {
        let figure = try buildFigure(request, context: context)
        var output = CellOutput([.figure(figure)])
        if let file = request.file {
            let url = try session.writableURL(file, extension: "svg")
            try AtomicFile.write(SVGRenderer(options: .report).render(figure), to: url)
            output.append(.text("wrote \(Session.displayPath(url))"))
        }
        return output
    }

    /// The figure, its title ending in the basis for a run read in the discrete-log basis (mul, div) when the figure
    /// shows analyses or neuron grids, which are in that order ("Embedding frequencies at epoch 900 (discrete-log basis,
    /// g = 3)"); titles of add runs are unchanged.
    func buildFigure(_ request: PlotRequest, context: ExecutionContext) throws -> Figure {
        var figure = try buildFigureInViewOrder(request, context: context)
        if let window = request.window, request.kind != .freqOverTime {
            figure = try Self.zoom(figure, to: window, unit: request.kind == .llcTraces ? "SGLD steps" : "epochs")
        }
        switch request.kind {
        case .freq, .freqOverTime, .neurons, .heatmap, .clusters, .progress:
            let context = try analysisRunner(layer: request.layer).context
            // A deeper transformer's figures say which layer they read (the embedding's are the same for every layer).
            let layer = context.layerCount > 1 && request.kind != .freq && request.kind != .freqOverTime
                ? "layer \(context.layer)" : ""
            let notes = [context.view.label, layer].filter { !$0.isEmpty }
            if !notes.isEmpty { figure.title += " (\(notes.joined(separator: ", ")))" }
        case .loss, .acc, .lr, .gradnorm, .sweep, .collapse, .llc, .llcTraces:
            break
        }
        return figure
    }

    private func buildFigureInViewOrder(_ request: PlotRequest, context: ExecutionContext) throws -> Figure {
        if request.kind == .sweep { return try sweepFigure(request, context: context) }
        let run = try requireRun()
        let epoch = session.epoch, layer = request.layer
        switch request.kind {
        case .sweep: return try sweepFigure(request, context: context)
        case .llc, .llcTraces: return try llcFigure(request, context: context)
        case .loss: return Figure.lossCurves(curves(run), currentEpoch: epoch, selection: selection(run))
        case .acc: return Figure.accuracyCurves(curves(run), currentEpoch: epoch, selection: selection(run))
        case .lr: return Figure.learningRateCurve(curves(run), currentEpoch: epoch)
        case .gradnorm: return Figure.gradientNormCurve(curves(run), currentEpoch: epoch)
        case .collapse:
            let m = run.metrics
            return Figure.softmaxCollapse(run: run.name, epochs: m.map(\.epoch), collapse: m.map(\.softmaxCollapse),
                                          testAccuracy: m.map(\.testAccuracy), currentEpoch: epoch)
        case .freq:
            let at = try cursor()
            let result = try analysis(EmbeddingFrequencies(), epochs: [at], context: context, layer: layer).result(EmbeddingFrequencies.self, epoch: at)
            guard let result else { throw ShellError("no embedding frequencies at epoch \(at)") }
            return Figure.dominantFrequencies(result.frequencyNorms, epoch: at, keyFrequencies: result.dominant)
        case .freqOverTime:
            // A heatmap of checkpoints: a window keeps the columns of the checkpoints inside it.
            var epochs = try selectedEpochs()
            if let window = request.window {
                let all = epochs
                epochs = all.filter(window.contains)
                guard !epochs.isEmpty else { throw Self.emptyWindow(window, unit: "selected checkpoints", span: all) }
            }
            let series = try analysis(EmbeddingFrequencies(), epochs: epochs, context: context, layer: layer).series(EmbeddingFrequencies.self)
            let evolution = EmbeddingFrequencies.evolution(series)
            var shown = epoch
            if let e = epoch, let window = request.window, !window.contains(e) { shown = nil }
            return Figure.frequencyEvolution(FrequencyEvolutionCurves(epochs: evolution.epochs, norms: evolution.norms), currentEpoch: shown)
        case .neurons, .heatmap:
            let at = try cursor()
            let state = try analysisRunner(layer: layer).state(epoch: at)
            var neurons = request.neurons
            let count = try analysisRunner(layer: layer).context.shape.dMLP
            if let bad = neurons.first(where: { $0 >= count }) { throw ShellError("neuron \(bad) does not exist: this model has neurons 0…\(count - 1)") }
            if neurons.isEmpty { neurons = try representativeNeurons(at: at, context: context, layer: layer) }
            let grids = neurons.map { NeuronGrid(neuron: $0, p: state.forward.n, values: state.forward.neuronGrid($0)) }
            return Figure.neuronActivations(grids, columns: min(3, grids.count), epoch: at)
        case .clusters:
            let at = try cursor()
            let state = try analysisRunner(layer: layer).state(epoch: at)
            let fractions = state.neuronFractions
            let clusters = try analysis(NeuronClusters(), epochs: [at], context: context, layer: layer).result(NeuronClusters.self, epoch: at)
            let ks = Array(1...fractions.frequencyCount)
            let matrix = (0..<fractions.neurons).map { n in ks.map { fractions.fraction(neuron: n, frequency: $0) } }
            let assigned: [Int?] = (0..<fractions.neurons).map { n in clusters.flatMap { $0.cluster[n] > 0 ? $0.cluster[n] : nil } }
            return Figure.neuronClusters(NeuronFrequencyClusters(neurons: Array(0..<fractions.neurons), frequencies: ks, fraction: matrix, clusters: assigned))
        case .progress:
            // Only the checkpoints a window shows (and one either side, so the lines reach its edges) are computed.
            let computed = try windowed(selectedEpochs(), request.window)
            let series = try analysis(WBAnalysis.ProgressMeasures(), epochs: computed, context: context, layer: layer).series(WBAnalysis.ProgressMeasures.self)
            guard !series.isEmpty else { throw ShellError("no progress measures could be computed (see `analyze progress`)") }
            let epochs = series.map(\.epoch)
            func line(_ name: String, _ value: (WBAnalysis.ProgressMeasures.Result) -> Double) -> MetricSeries {
                MetricSeries(name: name, epochs: epochs, values: series.map { value($0.result) })
            }
            let measures = ProgressMeasureCurves(series: [
                line("train loss", \.trainLoss), line("test loss", \.testLoss), line("restricted loss", \.restrictedLoss),
                line("excluded loss", \.excludedLoss), line("Gini W_E", \.giniEmbedding), line("Gini W_L", \.giniLogitMap),
            ], phases: phaseBoundaries(run))
            return Figure.progressMeasures(measures, currentEpoch: epoch)
        }
    }

    /// `compare RUN RUN ... [A..B]`: the loss curves of several runs on one chart, in the epoch window when given.
    func compare(_ names: [String], window: EpochWindow? = nil) throws -> CellOutput {
        let runs = try names.map { name -> LoadedRun in
            let folder = session.folder(for: name)
            guard folder.exists else { throw ShellError("no run '\(name)' (looked in \(folder.url.path)); `runs` lists them") }
            return try LoadedRun.open(folder)
        }
        var figure = Figure.runComparison(runs.map(curves), metric: .loss)
        if let window { figure = try Self.zoom(figure, to: window, unit: "epochs") }
        return CellOutput([.figure(figure), .text(Self.milestoneTable(runs))])
    }

    /// `figure` zoomed to `window` (`Figure.windowed`): the x axis is the window (open ends at the data's), the series
    /// and marks are cut to it. A window with no data in it is an error naming the span there is.
    static func zoom(_ figure: Figure, to window: EpochWindow, unit: String) throws -> Figure {
        guard let extent = figure.seriesXExtent else { throw emptyWindow(window, unit: unit, span: []) }
        guard let range = window.resolved(over: extent), let zoomed = figure.windowed(range) else {
            throw emptyWindow(window, unit: unit, span: [Int(extent.lowerBound), Int(extent.upperBound)])
        }
        return zoomed
    }

    /// The error for a window with nothing in it: `no data in the window 5000..6000: the epochs run 0…3000`.
    static func emptyWindow(_ window: EpochWindow, unit: String, span: [Int]) -> ShellError {
        guard let first = span.min(), let last = span.max() else { return ShellError("no data in the window \(window)") }
        return ShellError("no data in the window \(window): the \(unit) run \(first)…\(last)")
    }

    /// The epochs a windowed figure needs computed: those in the window and the nearest either side (all without one).
    func windowed(_ epochs: [Int], _ window: EpochWindow?) throws -> [Int] {
        guard let window else { return epochs }
        let kept = window.restrict(epochs)
        guard kept.contains(where: window.contains) else { throw Self.emptyWindow(window, unit: "selected checkpoints", span: epochs) }
        return kept
    }

    /// One row per run: what departs from the paper's task and optimiser, and the epochs it memorised (train accuracy
    /// 99 %) and generalised (test accuracy 50 / 95 / 99 %), with the final test loss (`RunMilestones`).
    static func milestoneTable(_ runs: [LoadedRun]) -> String {
        var rows = [["run", "task, optimiser", "train 99%", "test 50%", "test 95%", "test 99%", "final test loss"]]
        for run in runs {
            let m = RunMilestones(run.metrics), c = run.record.config
            func epoch(_ value: Int?) -> String { value.map(String.init) ?? "–" }
            // The model's widths and layers stay out (the column would not fit); its kind, loss, optimizer and batch show.
            let regime = c.regimeWords.filter { !["hidden=", "bias=", "layers=", "norm=", "act="].contains(where: $0.hasPrefix) }
            let variant = [c.task.rawValue, c.grokfast == .none ? "" : "grokfast=\(c.grokfast.rawValue)",
                           c.initScale == 1 ? "" : "init×\(NumberLiteral.short(c.initScale))"].filter { !$0.isEmpty } + regime
            rows.append([run.name, variant.joined(separator: " "), epoch(m.trainAccuracy99), epoch(m.testAccuracy50),
                         epoch(m.testAccuracy95), epoch(m.testAccuracy99),
                         m.final.map { String(format: "%.3e", $0.testLoss) } ?? "–"])
        }
        return TextTable.render(rows) + "\n(first evaluated epoch at or above each accuracy; – never reached)"
    }

    // MARK: helpers

    /// The run's phases by `TrainingPhases` (memorisation, circuit formation, cleanup), when its test loss has grokked.
    func phaseBoundaries(_ run: LoadedRun) -> PhaseBoundaries? {
        guard let phases = try? TrainingPhases.detect(epochs: run.metrics.map(\.epoch), testLoss: run.metrics.map(\.testLoss)) else {
            return nil
        }
        return PhaseBoundaries(memorizationEnd: phases.memorizationEnd, circuitFormationEnd: phases.circuitFormationEnd,
                               cleanupEnd: phases.cleanupEnd)
    }

    func cursor() throws -> Int {
        let run = try requireRun()
        guard let epoch = session.epoch ?? run.checkpoints.last else { throw ShellError("\(run.name) has no checkpoints yet") }
        return epoch
    }

    func curves(_ run: LoadedRun) -> RunCurves {
        let m = run.metrics
        return RunCurves(name: run.name, epochs: m.map(\.epoch), trainLoss: m.map(\.trainLoss), testLoss: m.map(\.testLoss),
                         trainAcc: m.map(\.trainAccuracy), testAcc: m.map(\.testAccuracy), lr: m.map(\.lr), gradNorm: m.map(\.gradNorm))
    }

    func selection(_ run: LoadedRun) -> EpochSelection? {
        guard let selection = run.selection, let set = try? EpochSet.parse(selection.spec) else { return nil }
        return EpochSelection(set, epochs: selection.epochs, available: run.checkpoints)
    }

    /// Runs one analysis over epochs through the cache (reading `layer`, default the last), with progress; failures
    /// become one error.
    func analysis(_ analysis: any Analysis, epochs: [Int], context: ExecutionContext, layer: Int? = nil) throws -> AnalysisResults {
        let runner = try analysisRunner(layer: layer)
        let report = runner.run([analysis], epochs: epochs, cancel: context.cancel) { p in
            context.onProgress("computing \(analysis.name)", p.completed, p.total)
        }
        if report.results.epochs(named: analysis.name).isEmpty, let failure = report.failures.first {
            throw ShellError(failure.description)
        }
        return report.results
    }

    /// Default neurons to show: the strongest neuron of each of the largest clusters (up to six); for a task without
    /// frequency clusters (x2y2, …) the three neurons that vary most over the grid.
    func representativeNeurons(at epoch: Int, context: ExecutionContext, layer: Int? = nil) throws -> [Int] {
        guard NeuronClusters.applies(to: try analysisRunner(layer: layer).context.task) else {
            let results = try analysis(NeuronActivations(), epochs: [epoch], context: context, layer: layer)
            guard let spread = results.result(NeuronActivations.self, epoch: epoch)?.standardDeviation else { return [0, 1, 2] }
            return Array(spread.indices.sorted { spread[$0] > spread[$1] }.prefix(3))
        }
        let results = try analysis(NeuronClusters(), epochs: [epoch], context: context, layer: layer)
        guard let clusters = results.result(NeuronClusters.self, epoch: epoch) else { return [0, 1, 2] }
        return Self.representatives(clusters)
    }

    /// The strongest neuron (best fraction) of each of the largest clusters, largest first (up to six); without
    /// clusters, the three neurons best explained by one frequency.
    static func representatives(_ clusters: NeuronClusters.Result) -> [Int] {
        var chosen: [Int] = []
        for cluster in clusters.clusters.sorted(by: { $0.neurons > $1.neurons }).prefix(6) {
            let members = clusters.cluster.indices.filter { clusters.cluster[$0] == cluster.frequency }
            if let best = members.max(by: { clusters.bestFraction[$0] < clusters.bestFraction[$1] }) { chosen.append(best) }
        }
        if chosen.isEmpty {
            chosen = Array(clusters.bestFraction.indices.sorted { clusters.bestFraction[$0] > clusters.bestFraction[$1] }.prefix(3))
        }
        return chosen
    }
}

extension EpochSelection {
    /// The marks of a selection for a figure: the ranges of `set`, the epochs it selects, and the checkpoints there are.
    init(_ set: EpochSet, epochs: [Int], available: [Int]) {
        self.init(ranges: set.items.map { EpochRange(start: $0.start, end: $0.end, step: $0.step) }, epochs: epochs, available: available)
    }
}
