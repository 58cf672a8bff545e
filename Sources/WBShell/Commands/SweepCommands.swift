import Foundation
import WBSupport
import WBPlotting
import WBSweeps
import WBTraining

extension CommandExecutor {
    /// `sweep …`.
    func sweep(_ request: SweepRequest, context: ExecutionContext) throws -> CellOutput {
        switch request {
        case .list: return listSweeps()
        case .run(let name, let text): return try runSweep(name: name, text: text, context: context)
        case .status(let name):
            let folder = try sweepFolder(name)
            session.sweepName = name
            let running = try SweepCommandsSlurm.runningTasks(folder)
            return .text(try SweepStatus.read(folder, slurmRunning: running).render())
        case .table(let name):
            let folder = try sweepFolder(name)
            session.sweepName = name
            let summary = try SweepCircuits.summary(folder)
            try summary.write(to: folder)
            return .text(summary.render() + "\nwritten: \(session.displayPath(folder.summaryURL))")
        case .stop(let name):
            let folder = try sweepFolder(name)
            return .text(try SweepCommandsSlurm.stop(folder))
        }
    }

    /// The sweep folder of `name`, or an error listing the sweeps there are.
    func sweepFolder(_ name: String) throws -> SweepFolder {
        let folder = SweepFolder(root: session.runsRoot, name: name)
        guard folder.exists else {
            let names = sweepNames()
            let hint = CommandCatalog.suggestion(for: name, among: names).map { " Did you mean '\($0)'?" } ?? ""
            throw ShellError("no sweep '\(name)' in \(session.runsRoot.path).\(hint) "
                + (names.isEmpty ? "There are no sweeps yet; `sweep NAME key=v1,v2 …` starts one." : "Sweeps: \(names.joined(separator: ", "))"))
        }
        return folder
    }

    /// The sweeps under the runs folder.
    func sweepNames() -> [String] { session.sweepNames() }

    func listSweeps() -> CellOutput {
        let names = sweepNames()
        guard !names.isEmpty else { return .text("no sweeps in \(session.runsRoot.path) yet; `sweep NAME key=v1,v2 …` starts one") }
        var rows = [["sweep", "points", "states", "grid"]]
        for name in names {
            guard let status = try? SweepStatus.read(SweepFolder(root: session.runsRoot, name: name)),
                  let manifest = try? SweepFolder(root: session.runsRoot, name: name).readManifest() else {
                rows.append([name, "", "damaged", ""]); continue
            }
            rows.append([name, "\(status.rows.count)", status.counts, manifest.grid])
        }
        return .text(TextTable.render(rows))
    }

    /// `sweep NAME [spec]`: makes the grid (or reads the sweep of that name) and runs what is not finished.
    func runSweep(name: String, text: String, context: ExecutionContext) throws -> CellOutput {
        let spec = try SweepSpec.parse(name: name, text: text)
        let folder = SweepFolder(root: session.runsRoot, name: name)
        var output = CellOutput()
        var manifest: SweepManifest
        if folder.exists {
            manifest = try folder.readManifest()
            if spec.definesGrid && spec.gridText != manifest.grid {
                throw SweepError.differentSpec(name: name, recorded: manifest.grid, given: spec.gridText)
            }
        } else {
            guard spec.definesGrid else {
                throw ShellError("no sweep '\(name)' yet: give its grid, e.g. `sweep \(name) wd=0.3,1 seeds=0..2 p=23 epochs=3000`")
            }
            if RunFolder(url: folder.url).exists || FileManager.default.fileExists(atPath: folder.url.path) {
                throw ShellError("\(session.displayPath(folder.url)) exists and is not a sweep; pick another name")
            }
            let base: TrainingConfig
            if let template = spec.template { base = try session.templates.find(template).config }
            else { base = session.template?.config ?? TrainingConfig() }
            let points = try SweepGrid.make(spec: spec, base: base)
            if points.count > SweepSpec.confirmationThreshold && !spec.confirmed {
                let question = "the grid has \(points.count) points (more than \(SweepSpec.confirmationThreshold)). Run it?"
                guard let confirm = context.confirm else { throw SweepError.needsConfirmation(points: points.count) }
                guard confirm(question) else { return .text("sweep \(name): not started (\(points.count) points)") }
            }
            manifest = SweepManifest(spec: spec, points: points)
            try folder.writeManifest(manifest)
        }
        session.sweepName = name
        let executor = spec.executor ?? manifest.executor
        if executor != manifest.executor {
            manifest.executor = executor
            try folder.writeManifest(manifest)
        }
        let dimensions = manifest.axes.map { "\($0.values.count) \($0.label)" }.joined(separator: " × ")
        output.append(.text("sweep \(name): \(manifest.points.count) points" + (dimensions.isEmpty ? "" : " (\(dimensions))")
            + " in \(session.displayPath(folder.url))"))
        if executor == .slurm {
            output.append(contentsOf: try SweepCommandsSlurm.submit(folder, spec: spec, home: session.home,
                                                                    executable: session.workerExecutable, context: context))
            return output
        }
        guard let executable = session.workerExecutable else {
            throw ShellError("cannot find the `wb` program for the sweep's workers; set WB_EXECUTABLE to its path")
        }
        let threads = manifest.points.map(\.point.config.threads).max() ?? 1
        let jobs = spec.jobs ?? manifest.jobs ?? LocalSweepPool.defaultJobs(threads: threads)
        let pool = LocalSweepPool(folder: folder, executable: executable, jobs: jobs)
        let outcome = try pool.run(cancel: context.cancel, progress: context.onSweep)
        var fact = String(format: "sweep: %.1f s with jobs=%d, %d points trained now", outcome.seconds, jobs, outcome.trainedNow)
        if !outcome.overheadSeconds.isEmpty {
            let mean = outcome.overheadSeconds.reduce(0, +) / Double(outcome.overheadSeconds.count)
            fact += String(format: ", pool overhead %.3f s per point", mean)
        }
        output.facts["sweep"] = fact
        if outcome.cancelled {
            output.append(.text("sweep \(name) stopped: \(outcome.finished) finished, \(outcome.stopped) stopped with a checkpoint, "
                + "\(outcome.queued) queued. `sweep \(name)` continues it exactly."))
        } else if outcome.failed > 0 {
            let reasons = outcome.failures.prefix(3).map { "  \($0.name): \($0.error)" }.joined(separator: "\n")
            throw ShellError("sweep \(name): \(outcome.failed) of \(outcome.total) points failed (`sweep \(name)` tries them again):\n\(reasons)")
        }
        let summary = try SweepCircuits.summary(folder)
        try summary.write(to: folder)
        output.append(.text(summary.render()))
        return output
    }
}

extension CommandExecutor {
    /// `plot sweep X [Y] [MEASURE]`: a phase diagram over X and Y, or the measure against X with its spread over seeds.
    func sweepFigure(_ request: PlotRequest, context: ExecutionContext = ExecutionContext()) throws -> Figure {
        guard let name = session.sweepName else {
            throw ShellError("no sweep is current: `sweep table NAME` (or `sweep status NAME`, `sweep NAME …`) chooses one")
        }
        let folder = try sweepFolder(name)
        let summary = try SweepSummary.read(folder)
        let x = request.sweepKeys[0], y = request.sweepKeys.count > 1 ? request.sweepKeys[1] : nil
        let aggregate: SweepAggregate
        let label: String
        if let word = request.measure, word.hasPrefix("llc") {
            let lambdas = try sweepLLC(summary, folder: folder, epoch: word.count > 4 ? Int(word.dropFirst(4)) : nil,
                                       options: request.options, context: context)
            label = lambdas.label
            aggregate = try SweepAggregate.make(summary, x: x, y: y, canBeNever: false) { lambdas.values[$0.point.name] }
        } else {
            let measure = request.measure.flatMap(SweepMeasure.init(rawValue:)) ?? .test95
            label = measure.label
            aggregate = try SweepAggregate.make(summary, x: x, y: y, measure: measure)
        }
        let median: [Double] = aggregate.cells.map { $0.median ?? Double.nan }
        let minimum: [Double] = aggregate.cells.map { $0.minimum ?? Double.nan }
        let maximum: [Double] = aggregate.cells.map { $0.maximum ?? Double.nan }
        let yValues: [String] = aggregate.y?.values ?? []
        let input = SweepPlotInput(title: "sweep \(name): \(label)", measure: label, xLabel: aggregate.x.label,
                                   xValues: aggregate.x.values, yLabel: aggregate.y?.label, yValues: yValues,
                                   median: median, minimum: minimum, maximum: maximum,
                                   spreadOver: Self.spreadOver(summary.axes, besides: [aggregate.x, aggregate.y].compactMap { $0 }))
        return aggregate.y == nil ? Figure.sweepCurve(input) : Figure.sweepPhaseDiagram(input)
    }

    /// The swept keys a figure gathers over (`seeds`, `wd and seed`; `points` when there is none).
    static func spreadOver(_ axes: [SweepAxis], besides shown: [SweepAxis]) -> String {
        let rest = axes.filter { axis in !shown.contains { $0.key == axis.key } }.map(\.label)
        if rest == ["seed"] { return "seeds" }
        if rest.isEmpty { return "points" }
        return rest.count == 1 ? rest[0] : rest.dropLast().joined(separator: ", ") + " and " + rest.last!
    }
}
