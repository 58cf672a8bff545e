import Foundation
import WBAnalysis
import WBPlotting
import WBTraining

extension CommandExecutor {
    /// Most checkpoints one `dashboard over` records (each adds its own panels to the report).
    public static let maxDashboardEpochs = 200

    /// `dashboard [live | over SELECTION] [neurons N,M]`.
    func dashboard(_ request: DashboardRequest, context: ExecutionContext) throws -> CellOutput {
        switch request.mode {
        case .current, .at:
            var output = CellOutput()
            if case .at(let epoch) = request.mode {
                // Only the note that the epoch has no checkpoint is kept; the dashboard shows the cursor line's numbers.
                let moved = try moveCursor(to: epoch)
                output.blocks = Array(moved.blocks.dropLast())
            }
            let dashboard = try currentDashboard(neurons: request.neurons, context: context)
            session.dashboardShown = DashboardRequest(mode: .current, neurons: dashboard.neurons.map(\.neuron))
            output.append(.dashboard(dashboard))
            return output
        case .live:
            return try liveDashboard(neurons: request.neurons, context: context)
        case .over(let scope):
            return try dashboardOver(scope, neurons: request.neurons, context: context)
        }
    }

    /// The dashboard at the cursor; `neurons` empty: the strongest neuron of each of the three largest clusters there.
    func currentDashboard(neurons: [Int], context: ExecutionContext) throws -> Dashboard {
        let epoch = try cursor()
        let builder = try dashboardBuilder()
        try checkNeurons(neurons)
        let results = try builder.analyses([epoch], context: context, label: "dashboard: analyses at epoch \(epoch)")
        let shown = neurons.isEmpty ? builder.representativeNeurons(at: epoch, results: results) : neurons
        return try builder.dashboard(at: epoch, neurons: shown, results: results)
    }

    /// `dashboard over …`: one dashboard per checkpoint of the scope, the same neurons throughout (chosen at the last
    /// checkpoint when not given), for a report with one slider.
    func dashboardOver(_ scope: DashboardRequest.Scope, neurons: [Int], context: ExecutionContext) throws -> CellOutput {
        let run = try requireRun()
        try checkNeurons(neurons)
        var output = CellOutput()
        let epochs: [Int]
        switch scope {
        case .selection: epochs = run.navigableEpochs
        case .all: epochs = run.checkpoints
        case .epochs(let set):
            let wanted: [Int]
            do { wanted = try set.epochs() } catch { throw ShellError("\(error)") }
            let have = Set(run.checkpoints)
            epochs = wanted.filter { have.contains($0) }
            let missing = wanted.filter { !have.contains($0) }
            if !missing.isEmpty {
                guard !epochs.isEmpty else {
                    throw ShellError("none of the epochs \(set.description) has a checkpoint (checkpoints: \(EpochList.short(run.checkpoints)))")
                }
                output.append(.warning("\(missing.count) of these epochs have no checkpoint (\(EpochList.short(missing))); they are skipped"))
            }
        }
        guard let first = epochs.first, let last = epochs.last else { throw ShellError("\(run.name) has no checkpoints yet") }
        guard epochs.count <= Self.maxDashboardEpochs else {
            throw ShellError("a dashboard over \(epochs.count) checkpoints is more than one report holds (at most "
                + "\(Self.maxDashboardEpochs)). Choose a coarser step, e.g. `dashboard over \(first)..\(last) step "
                + "\(Self.coarserStep(first: first, last: last, limit: Self.maxDashboardEpochs))`")
        }
        let builder = try dashboardBuilder()
        let results = try builder.analyses(epochs, context: context, label: "dashboard: analyses")
        let shown = neurons.isEmpty ? builder.representativeNeurons(at: last, results: results) : neurons
        var frames: [Dashboard] = []
        for (i, epoch) in epochs.enumerated() {
            if context.cancel.isCancelled { throw ShellError("stopped (Ctrl-C); no dashboard recorded") }
            context.onProgress("dashboard: neurons at epoch \(epoch)", i + 1, epochs.count)
            frames.append(try builder.dashboard(at: epoch, neurons: shown, results: results))
        }
        let series = DashboardSeries(run: run.name, curves: builder.curves, selection: builder.selection, frames: frames)
        output.append(.text("dashboard over \(epochs.count) checkpoints of \(run.name) (epochs \(EpochList.short(epochs))), "
            + "neurons \(shown.map(String.init).joined(separator: ", ")); the exported report shows it with one slider"))
        output.append(.dashboardSeries(series))
        return output
    }

    /// `dashboard live`: the dashboard full screen, stepped with the arrow keys (`LiveDashboardView`), the same neurons
    /// throughout (given, else the strongest of the largest clusters at the last selected checkpoint). Leaving it is
    /// `dashboard at N neurons …` at the epoch left on: that command runs (the cursor moves, the dashboard is shown and
    /// recorded) and the notebook records its line, so a replay needs no keyboard and gives the same outputs.
    func liveDashboard(neurons requested: [Int], context: ExecutionContext) throws -> CellOutput {
        guard let fullScreen = context.fullScreen else {
            throw ShellError("`dashboard live` needs an interactive terminal (it reads the arrow keys); here use `dashboard` "
                + "with `next`/`prev`/`at`, or `dashboard over range` for a report with a slider")
        }
        let run = try requireRun()
        try checkNeurons(requested)
        let epochs = run.navigableEpochs
        guard let last = epochs.last else { throw ShellError("\(run.name) has no checkpoints yet") }
        let start = try cursor()
        let builder = try dashboardBuilder()
        let neurons: [Int] = requested.isEmpty
            ? builder.representativeNeurons(at: last, results: try builder.analyses([last], context: context, label: "dashboard: analyses at epoch \(last)"))
            : requested
        var quiet = context
        quiet.onProgress = { _, _, _ in }  // the screen is the view's; it says when it computes
        let view = LiveDashboardView(epochs: epochs, start: start) { epoch in
            let results = try builder.analyses([epoch], context: quiet, label: "")
            return try builder.dashboard(at: epoch, neurons: neurons, results: results)
        }
        // The first dashboard is built before the view takes the screen, its analyses with the usual progress line.
        _ = try builder.analyses([view.epoch], context: context, label: "dashboard: analyses at epoch \(view.epoch)")
        try view.prepare()
        try fullScreen(view)
        var output = try execute(.dashboard(DashboardRequest(mode: .at(view.epoch), neurons: neurons)), context: context)
        output.recording = .replaced(by: "dashboard at \(view.epoch) neurons \(neurons.map(String.init).joined(separator: ","))")
        return output
    }

    /// The dashboard of checkpoint `epoch` of a run being trained (for the live training block): read afresh from its
    /// folder (the metrics so far, the checkpoints saved), analyses through its cache, its strongest neurons there.
    /// The session's run and cursor are left alone.
    public func trainingDashboard(_ folder: RunFolder, epoch: Int) throws -> Dashboard {
        let run = try LoadedRun.open(folder)
        let runner: AnalysisRunner
        if let cached = session.trainingRunner, cached.run.url == folder.url {
            runner = cached
        } else {
            runner = try AnalysisRunner(run: folder)
            session.trainingRunner = runner
        }
        let builder = DashboardBuilder(run: run, runner: runner, curves: curves(run), selection: selection(run),
                                       llcEpochs: llcEpochFilter(folder))
        let results = try builder.analyses([epoch], context: ExecutionContext(), label: "")
        return try builder.dashboard(at: epoch, neurons: builder.representativeNeurons(at: epoch, results: results), results: results)
    }

    /// A round step (1, 2 or 5 × 10ⁿ) that gives at most `limit` epochs from `first` to `last`.
    static func coarserStep(first: Int, last: Int, limit: Int) -> Int {
        let least = max(1, Int((Double(last - first) / Double(max(1, limit - 1))).rounded(.up)))
        var scale = 1
        while true {
            for m in [1, 2, 5] where m * scale >= least { return m * scale }
            scale *= 10
        }
    }

    /// Neuron numbers must exist in the model.
    func checkNeurons(_ neurons: [Int]) throws {
        let count = try analysisRunner().context.shape.dMLP
        if let bad = neurons.first(where: { $0 >= count }) {
            throw ShellError("neuron \(bad) does not exist: this model has neurons 0…\(count - 1)")
        }
    }

    /// The dashboard builder of the current run state (made again when the run, its checkpoints or its selection change).
    func dashboardBuilder() throws -> DashboardBuilder {
        let run = try requireRun()
        if let cached = session.dashboardBuilder, cached.matches(run) { return cached }
        let builder = DashboardBuilder(run: run, runner: try analysisRunner(), curves: curves(run), selection: selection(run),
                                       llcEpochs: llcEpochFilter(run.folder))
        session.dashboardBuilder = builder
        return builder
    }

    /// The epochs whose λ̂ the dashboard of `folder` may show: in a replay only those this session estimated or read
    /// (`Session.llcEpochsThisSession`), at the prompt every cached one (nil).
    func llcEpochFilter(_ folder: RunFolder) -> Set<Int>? {
        session.restoresReusedRuns ? session.llcEpochsThisSession[folder.url] ?? [] : nil
    }

    /// After a cursor move while the dashboard is shown: the dashboard at the new epoch instead of the cursor line.
    func redrawingDashboard(_ output: CellOutput, moved: Bool, context: ExecutionContext) throws -> CellOutput {
        guard moved, let shown = session.dashboardShown else { return output }
        var blocks = output.blocks
        if case .text = blocks.last { blocks.removeLast() }  // the cursor line: the dashboard shows the same numbers
        let dashboard = try currentDashboard(neurons: shown.neurons, context: context)
        return CellOutput(blocks + [.dashboard(dashboard)])
    }
}
