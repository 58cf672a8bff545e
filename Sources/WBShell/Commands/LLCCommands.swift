import Foundation
import WBAnalysis
import WBPlotting
import WBTraining

/// Forwards progress from the SGLD workers to the command's progress line, one caller at a time and at most about a
/// hundred times per estimate.
final class SerialProgress: @unchecked Sendable {
    private let lock = NSLock()
    private let forward: (String, Int, Int) -> Void
    init(_ forward: @escaping (String, Int, Int) -> Void) { self.forward = forward }

    func report(_ label: String, _ p: LLCRunner.Progress) {
        let every = max(1, p.totalSteps / 100)
        guard p.steps % every == 0 || p.steps == p.totalSteps else { return }
        lock.withLock {
            forward(label + ": epoch \(p.epoch), \(p.component)", p.completed * p.totalSteps + p.steps, p.total * p.totalSteps)
        }
    }
}

extension CommandExecutor {
    /// The LLC runner of the current run (cheap: it reads the config and the split).
    func llcRunner() throws -> LLCRunner { try LLCRunner(run: requireRun().folder) }

    /// Notes the whole-network estimates with the run's defaults among `estimates` (`Session.llcEpochsThisSession`).
    func noteLLCEstimates(_ estimates: [LLCEstimate], runner: LLCRunner) {
        let defaults = runner.defaultSettings
        let epochs = estimates.filter { $0.component == "all" && $0.settings == defaults }.map(\.epoch)
        session.llcEpochsThisSession[runner.run.url, default: []].formUnion(epochs)
        // The dashboard reads λ̂ once per builder: the next one sees these.
        session.dashboardBuilder = nil
    }

    /// `of=COMPONENT[,…]` and `llc_KEY=VALUE` words (the `llc_` may be left out) over the run's saved defaults; other
    /// words go back in `rest` for the caller to interpret or refuse.
    func llcOptions(_ words: [String], runner: LLCRunner) throws -> (components: [ModelComponent], settings: LLCSettings, rest: [String]) {
        var componentNames = ["all"]
        var settingWords: [String] = []
        var rest: [String] = []
        for word in words {
            let lower = word.lowercased()
            if lower.hasPrefix("of=") {
                componentNames = lower.dropFirst(3).split(separator: ",").map(String.init)
                guard !componentNames.isEmpty else { throw ShellError("of= needs components (e.g. of=embed,head0); `llc components` lists them") }
            } else if let key = lower.split(separator: "=").first, lower.contains("="),
                      LLCSettings.keys.contains(String(key)) || LLCSettings.keys.contains("llc_" + key) {
                settingWords.append(word)
            } else {
                rest.append(word)
            }
        }
        let settings: LLCSettings
        do { settings = try runner.defaultSettings.applying(settingWords) } catch { throw ShellError("\(error)") }
        do { return (try runner.components(componentNames), settings, rest) } catch { throw ShellError("\(error)") }
    }

    /// `analyze llc [of=…] [llc_KEY=VALUE …]`: λ̂ at every selected checkpoint for each component, cached, with a
    /// progress line; Ctrl-C keeps the estimates finished.
    func analyzeLLC(_ words: [String], context: ExecutionContext) throws -> CellOutput {
        let run = try requireRun()
        let runner = try llcRunner()
        let (components, settings, rest) = try llcOptions(words, runner: runner)
        if let extra = rest.first {
            throw ShellError("`analyze llc` takes of=COMPONENTS and llc_KEY=VALUE words, not '\(extra)'. Keys: "
                + LLCSettings.keys.joined(separator: ", ") + "; components: `llc components`")
        }
        let progress = SerialProgress(context.onProgress)
        let name = run.name
        let report: LLCRunner.Report
        do {
            report = try runner.run(epochs: try selectedEpochs(), components: components, settings: settings, cancel: context.cancel) {
                progress.report("llc of \(name)", $0)
            }
        } catch { throw ShellError("\(error)") }
        noteLLCEstimates(report.estimates, runner: runner)
        var output = CellOutput.text("local learning coefficient of \(run.name) at \(Set(report.estimates.map(\.epoch)).count) checkpoints"
            + (report.cancelled ? "; stopped early (Ctrl-C), the estimates finished are kept (cache and llc.csv)" : ""))
        output.append(.text(Self.describe(settings, nbeta: report.estimates.first?.nbeta)))
        if !report.estimates.isEmpty { output.append(.text(Self.llcTable(report.estimates))) }
        output.facts["llc"] = String(format: "%d estimates computed, %d from the cache, %.1f s", report.computed, report.cached, report.seconds)
        for estimate in report.estimates where estimate.chainsDiverged > 0 {
            output.append(.warning("epoch \(estimate.epoch), \(estimate.component): \(estimate.chainsDiverged) of \(estimate.settings.chains) "
                + "chains diverged and were left out (try a smaller llc_eps; `llc calibrate`)"))
        }
        for failure in report.failures.prefix(10) { output.append(.warning(failure.description)) }
        return output
    }

    /// The settings in one line, nβ as used.
    static func describe(_ s: LLCSettings, nbeta: Double?) -> String {
        let beta = s.nbeta.map(NumberLiteral.short) ?? nbeta.map { String(format: "%.4g (m / ln m)", $0) } ?? "m / ln m"
        return "SGLD: ε \(NumberLiteral.short(s.eps)), γ \(NumberLiteral.short(s.gamma)), nβ \(beta), \(s.chains) chains × "
            + "\(s.draws) draws after \(s.burnin) burn-in steps, batch \(s.batch == 0 ? "full" : String(s.batch)), seed \(s.seed)"
    }

    /// One row per estimate: epoch, component, L(w*), λ̂ ± standard error, chains used.
    static func llcTable(_ estimates: [LLCEstimate]) -> String {
        var lines = ["  epoch  component        L(w*)        λ̂   ± s.e.  chains"]
        for e in estimates {
            let llc = e.llc.map { String(format: "%8.3f", $0) } ?? "       —"
            let se = e.standardError.map { String(format: "%8.3f", $0) } ?? "       —"
            let flag = e.chainsDiverged > 0 ? " (\(e.chainsDiverged) diverged)" : (e.settled ? "" : " (not settled)")
            lines.append(String(format: "%7d  %@ %10.3e  %@ %@  %d/%d", e.epoch,
                                e.component.padding(toLength: 14, withPad: " ", startingAt: 0), e.initialLoss, llc, se,
                                e.chainsUsed, e.settings.chains) + flag)
        }
        return lines.joined(separator: "\n")
    }

    /// `llc calibrate …`, `llc defaults …`, `llc components`.
    func llc(_ request: LLCRequest, context: ExecutionContext) throws -> CellOutput {
        let runner = try llcRunner()
        switch request {
        case .components:
            let list = ModelComponent.all(of: runner.layout)
            return .text("components of \(runner.run.name) (\(runner.config.architecture.summary)), for analyze llc of=…:\n"
                + list.map { "  \($0.name.padding(toLength: 10, withPad: " ", startingAt: 0)) \($0.count) weights" }.joined(separator: "\n"))
        case .defaults(let words):
            if words.isEmpty {
                let saved = FileManager.default.fileExists(atPath: runner.defaultsURL.path)
                return .text((saved ? "LLC defaults of \(runner.run.name) (\(session.displayPath(runner.defaultsURL))):\n  "
                                    : "LLC defaults (built in; none saved for \(runner.run.name)):\n  ")
                    + runner.defaultSettings.words.joined(separator: " "))
            }
            let settings: LLCSettings
            do { settings = try runner.defaultSettings.applying(words) } catch { throw ShellError("\(error)") }
            try runner.saveDefaults(settings)
            return .text("saved the LLC defaults of \(runner.run.name): \(settings.words.joined(separator: " "))")
        case .calibrate(let words):
            return try calibrate(words, runner: runner, context: context)
        }
    }

    /// `llc calibrate [at N] [of=C] [eps=A,B,…] [nbeta=X,Y,…] [llc_KEY=VALUE …] [save]`.
    private func calibrate(_ words: [String], runner: LLCRunner, context: ExecutionContext) throws -> CellOutput {
        var rest: [String] = []
        var epoch = try cursor()
        var save = false
        var epsValues = LLCCalibration.defaultEps
        var nbetaValues: [Double]?
        var index = 0
        func numbers(_ word: String) throws -> [Double] {
            let value = word.split(separator: "=", maxSplits: 1).last.map(String.init) ?? ""
            let list = value.split(separator: ",").map { NumberLiteral.real(String($0)) }
            guard !list.isEmpty, list.allSatisfy({ ($0 ?? 0) > 0 }) else {
                throw ShellError("\(word): expected numbers above 0 separated by commas (e.g. eps=1e-4,1e-3,1e-2)")
            }
            return list.map { $0! }
        }
        while index < words.count {
            let word = words[index], lower = word.lowercased()
            if lower == "at" || lower == "epoch" {
                if lower == "at", index + 1 < words.count, words[index + 1].lowercased() == "epoch" { index += 1 }
                guard index + 1 < words.count, let n = NumberLiteral.integer(words[index + 1]) else {
                    throw ShellError("expected `at epoch N` (e.g. llc calibrate at epoch 1500)")
                }
                epoch = n
                index += 2
                continue
            }
            if lower == "save" { save = true } else if lower.hasPrefix("eps=") { epsValues = try numbers(word) }
            else if lower.hasPrefix("nbeta=") { nbetaValues = try numbers(word) } else { rest.append(word) }
            index += 1
        }
        let (components, base, unknown) = try llcOptions(rest, runner: runner)
        if let extra = unknown.first {
            throw ShellError("`llc calibrate` takes at epoch N, of=COMPONENT, eps=…, nbeta=…, llc_KEY=VALUE and save, not '\(extra)'")
        }
        guard components.count == 1, let component = components.first else { throw ShellError("`llc calibrate` calibrates one component at a time") }
        guard runner.run.checkpointEpochs().contains(epoch) else {
            throw ShellError("\(runner.run.name) has no checkpoint at epoch \(epoch)")
        }
        let defaultBeta = base.effectiveNBeta(trainCount: runner.split.trainIndices.count)
        let betas = nbetaValues ?? LLCCalibration.defaultNBeta(defaultBeta)
        let progress = SerialProgress(context.onProgress)
        let name = runner.run.name
        let calibration: LLCCalibration
        do {
            calibration = try LLCCalibration.run(runner, epoch: epoch, component: component, base: base, eps: epsValues, nbeta: betas,
                                                 cancel: context.cancel) { progress.report("calibrating llc of \(name)", $0) }
        } catch { throw ShellError("\(error)") }
        guard !calibration.cancelled else {
            return .text("calibration stopped (Ctrl-C); the cells finished are cached and are not computed again")
        }
        func short(_ v: Double) -> String { String(format: "%.3g", v) }
        let figure = Figure.llcCalibration(run: name, epoch: epoch, eps: epsValues.map(short), nbeta: betas.map(short),
                                           values: calibration.cells.map { $0.estimate.llc ?? .nan },
                                           verdicts: calibration.cells.map(\.verdict))
        var lines = ["calibration of λ̂ at epoch \(epoch), \(component.name): \(epsValues.count) ε × \(betas.count) nβ, "
                     + "\(base.chains) chains × \(base.draws) draws each (after \(base.burnin) burn-in steps), batch "
                     + (base.batch == 0 ? "full" : String(base.batch))]
        lines.append("         nβ         ε         λ̂    ± s.e.  verdict")
        for cell in calibration.cells {
            func column(_ text: String) -> String { String(repeating: " ", count: max(0, 8 - text.count)) + text }
            lines.append(String(format: "  %9.4g  %8.2g", cell.nbeta, cell.eps) + "  "
                + column(cell.estimate.llc.map { String(format: "%.3f", $0) } ?? "—") + "  "
                + column(cell.estimate.standardError.map { String(format: "%.3f", $0) } ?? "—") + "  " + cell.verdict)
        }
        var output = CellOutput([.figure(figure), .text(lines.joined(separator: "\n"))])
        // The loss traces of the suggested cell (else of the smallest ε at the preferred nβ): what "settled" looks like.
        let shown = calibration.suggestion.flatMap { s in calibration.cells.first { $0.eps == s.eps && $0.nbeta == s.nbeta } }
            ?? calibration.cells.filter { $0.nbeta == calibration.preferredNBeta }.min { $0.eps < $1.eps }
        if let cell = shown {
            output.append(.figure(Figure.llcTraces(run: name, epoch: epoch, component: component.name,
                                                   chains: cell.estimate.chains.map(\.losses), burnin: base.burnin,
                                                   initialLoss: cell.estimate.initialLoss,
                                                   settings: "the cell ε \(short(cell.eps)), nβ \(short(cell.nbeta)): \(cell.verdict)")))
        }
        if let suggestion = calibration.suggestion {
            output.append(.text("suggested: llc_eps=\(NumberLiteral.short(suggestion.eps)) llc_nbeta=\(short(suggestion.nbeta)) "
                + "(the largest ε whose chains settled without diverging at that nβ)"))
            if save {
                var chosen = base
                chosen.eps = suggestion.eps
                chosen.nbeta = Double(short(suggestion.nbeta))
                try runner.saveDefaults(chosen)
                output.append(.text("saved as the LLC defaults of \(name): \(chosen.words.joined(separator: " "))"))
            }
        } else {
            output.append(.warning("no cell of the grid settled without diverging: try more burn-in (llc_burnin=200) or another ε range (eps=…)"))
        }
        return output
    }

    /// `plot llc [of=…] [llc_…]` and `plot llc traces [of=C] [llc_…]`.
    func llcFigure(_ request: PlotRequest, context: ExecutionContext) throws -> Figure {
        let run = try requireRun()
        let runner = try llcRunner()
        let (components, settings, rest) = try llcOptions(request.options, runner: runner)
        if let extra = rest.first {
            throw ShellError("`plot llc` takes of=COMPONENTS and llc_KEY=VALUE words, not '\(extra)'")
        }
        let progress = SerialProgress(context.onProgress)
        let name = run.name
        func estimates(_ epochs: [Int], _ components: [ModelComponent]) throws -> [LLCEstimate] {
            let report: LLCRunner.Report
            do {
                report = try runner.run(epochs: epochs, components: components, settings: settings, cancel: context.cancel) {
                    progress.report("llc of \(name)", $0)
                }
            } catch { throw ShellError("\(error)") }
            if report.estimates.isEmpty, let failure = report.failures.first { throw ShellError(failure.description) }
            noteLLCEstimates(report.estimates, runner: runner)
            return report.estimates
        }
        let settingsLine = Self.describe(settings, nbeta: nil)
        if request.kind == .llcTraces {
            let at = try cursor()
            guard let e = try estimates([at], [components[0]]).first else { throw ShellError("no LLC estimate at epoch \(at)") }
            return Figure.llcTraces(run: name, epoch: at, component: e.component, chains: e.chains.map(\.losses),
                                    burnin: e.settings.burnin, initialLoss: e.initialLoss, settings: settingsLine)
        }
        let all = try estimates(try windowed(selectedEpochs(), request.window), components)
        let series = components.map { c -> LLCSeries in
            let mine = all.filter { $0.component == c.name && $0.llc != nil }
            return LLCSeries(component: c.name, epochs: mine.map(\.epoch), values: mine.map { $0.llc! },
                             standardErrors: mine.map { $0.standardError ?? 0 })
        }
        let epochs = all.map(\.epoch)
        let metrics = run.metrics.filter { m in
            m.testLoss.isFinite && (epochs.min().map { m.epoch >= $0 } ?? true) && (epochs.max().map { m.epoch <= $0 } ?? true)
        }
        let testLoss = metrics.isEmpty ? nil : MetricSeries(name: "test loss", epochs: metrics.map(\.epoch), values: metrics.map(\.testLoss))
        return Figure.llcOverTime(run: name, series: series, testLoss: testLoss, phases: phaseBoundaries(run),
                                  currentEpoch: session.epoch, settings: settingsLine)
    }
}
