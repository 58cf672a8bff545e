import Foundation
import WBSupport
import WBTraining

extension CommandExecutor {
    /// `train [template=NAME] [key=value ...]`.
    func train(_ assignments: [String], context: ExecutionContext) throws -> CellOutput {
        var base = session.template?.config ?? TrainingConfig()
        var templateName = session.template?.name
        var rest: [String] = []
        for word in assignments {
            if word.lowercased().hasPrefix("template=") {
                let template = try session.templates.find(String(word.dropFirst("template=".count)))
                base = template.config
                templateName = template.name
            } else {
                rest.append(word)
            }
        }
        var output = CellOutput()
        let config: TrainingConfig
        do {
            config = try base.applying(rest)
        } catch let error as ConfigError {
            // A template's checkpoints past a shorter `epochs=` (and none given): the default schedule instead, said so.
            let keys = rest.map { $0.split(separator: "=").first.map { $0.lowercased() } ?? "" }
            guard case .invalid(key: "checkpoints", _, _) = error, keys.contains("epochs"), !keys.contains("checkpoints"),
                  let spec = base.checkpoints, let shorter = try? base.applying(rest + ["checkpoints=default"]) else { throw error }
            config = shorter
            output.append(.text("the template's checkpoints (\(spec)) go past epochs=\(config.epochs): the default schedule is used "
                + "(give checkpoints=… to choose)"))
        }
        if let name = templateName {
            var comparable = config
            comparable.name = base.name
            if comparable != base {
                output.append(.text("config departs from template \(name); the run records no template"))
                templateName = nil
                if session.template?.name == name { session.template = nil }
            }
        }
        let folder = RunFolder(url: session.runsRoot.appendingPathComponent(config.name, isDirectory: true))
        let outcome: TrainingOutcome
        if session.reuseExistingRuns, folder.exists, let record = try? folder.readRecord(), record.config == config {
            // The same config trained before (training is deterministic): reuse it, finishing it if it was stopped.
            // A reused run starts as a fresh one would, without a stored selection, so replays do not depend on it.
            // In a replay it also loses the checkpoints `range fill` made (they are remade bit for bit when the notebook
            // fills them again), so `info`, `next` and `range` print what they printed when recorded.
            try CheckpointSelection.clear(folder)
            if session.restoresReusedRuns { try CheckpointFiller(run: folder).removeUnscheduled() }
            let latest = folder.checkpointEpochs().last ?? -1
            if latest >= config.epochs {
                outcome = TrainingOutcome(status: .finished, run: folder, epoch: latest, final: try folder.readMetrics().last, seconds: 0)
            } else {
                outcome = try Trainer.resume(folder, cancel: context.cancel, progress: context.onTraining)
            }
        } else {
            outcome = try Trainer.start(config, root: session.runsRoot, template: templateName, cancel: context.cancel,
                                        progress: context.onTraining)
        }
        try reloadRun(outcome.run)
        output.append(.text(Self.describe(outcome)))
        return output
    }

    /// `resume [epochs=N]`.
    func resume(epochs: Int?, context: ExecutionContext) throws -> CellOutput {
        let run = try requireRun()
        let outcome = try Trainer.resume(run.folder, epochs: epochs, cancel: context.cancel, progress: context.onTraining)
        try reloadRun(outcome.run)
        return .text(Self.describe(outcome))
    }

    static func describe(_ outcome: TrainingOutcome) -> String {
        let variant = (try? outcome.run.readRecord()).flatMap { $0.config.variantLabel == nil ? nil : $0.config.taskDescription }
        let name = outcome.run.name + (variant.map { " (\($0))" } ?? "")
        let m = outcome.final.map {
            String(format: "train loss %.3e, test loss %.3e, accuracy %.1f%% train / %.1f%% test",
                   $0.trainLoss, $0.testLoss, $0.trainAccuracy * 100, $0.testAccuracy * 100)
        } ?? ""
        switch outcome.status {
        case .finished:
            // No wall time here: outputs must replay byte-identically (notebooks keep times apart).
            return "\(name): finished at epoch \(outcome.epoch): \(m)"
        case .cancelled:
            return "\(name): stopped at epoch \(outcome.epoch), checkpoint saved: \(m). `resume` continues exactly."
        }
    }

    /// `load RUN`.
    func load(_ name: String) throws -> CellOutput {
        let folder = session.folder(for: name)
        guard folder.exists else {
            let names = session.runNames()
            let hint = CommandCatalog.suggestion(for: name, among: names).map { " Did you mean '\($0)'?" } ?? ""
            let list = names.isEmpty ? "there are no runs in \(session.runsRoot.path) yet" : "runs: \(names.joined(separator: ", "))"
            throw ShellError("no run '\(name)' (looked in \(folder.url.path)).\(hint) \(list)")
        }
        try reloadRun(folder)
        let run = try requireRun()
        return .text("loaded \(run.name): \(run.checkpoints.count) checkpoints, epochs \(run.checkpoints.first ?? 0)–\(run.checkpoints.last ?? 0)"
            + (session.epoch.map { "; at epoch \($0)" } ?? ""))
    }

    /// `runs`: one line per run.
    func listRuns() -> CellOutput {
        let names = session.runNames()
        guard !names.isEmpty else { return .text("no runs in \(session.runsRoot.path) yet; `train` makes one") }
        var rows = [["run", "status", "epochs", "train loss", "test loss", "test acc", "template"]]
        for name in names {
            let folder = RunFolder(url: session.runsRoot.appendingPathComponent(name))
            guard let record = try? folder.readRecord() else { rows.append([name, "damaged", "", "", "", "", ""]); continue }
            let last = folder.checkpointEpochs().last ?? 0
            let metrics = (try? folder.readMetrics())?.last
            let status = last >= record.config.epochs ? "finished" : "stopped"
            rows.append([name, status, "\(last)/\(record.config.epochs)",
                         metrics.map { String(format: "%.2e", $0.trainLoss) } ?? "–",
                         metrics.map { String(format: "%.2e", $0.testLoss) } ?? "–",
                         metrics.map { String(format: "%.1f%%", $0.testAccuracy * 100) } ?? "–",
                         record.template ?? ""])
        }
        return .text(TextTable.render(rows))
    }

    /// `info`.
    func info() throws -> CellOutput {
        var lines: [String] = []
        if let template = session.template { lines.append("template: \(template.name) — \(template.description)") }
        guard let run = session.run else {
            lines.append("no run loaded (runs folder \(session.runsRoot.path)); `runs` lists them")
            return .text(lines.joined(separator: "\n"))
        }
        let c = run.record.config
        lines.append("run: \(run.name) (\(session.displayPath(run.folder.url)))")
        lines.append("config: " + TrainingTemplate.describe(c) + String(format: " | eps %g, init seed %d, %d threads", c.eps, c.initSeed, c.threads))
        if let template = run.record.template { lines.append("template: \(template)") }
        let latest = run.checkpoints.last ?? 0
        lines.append("progress: epoch \(latest) of \(c.epochs)" + (latest >= c.epochs ? " (finished)" : " (resume continues)"))
        if let m = run.metrics.last {
            lines.append(String(format: "latest metrics (epoch %d): train loss %.3e, test loss %.3e, accuracy %.1f%% / %.1f%%",
                                m.epoch, m.trainLoss, m.testLoss, m.trainAccuracy * 100, m.testAccuracy * 100))
        }
        lines.append("checkpoints: \(run.checkpoints.count) (\(EpochList.short(run.checkpoints)))")
        if c.moments == .latest {
            let holding = run.checkpoints.filter { run.folder.holdsTrainingState(epoch: $0) }
            lines.append("moments=latest: the AdamW moments are kept in \(holding.isEmpty ? "no checkpoint" : EpochList.short(holding)) "
                + "only; the other checkpoints hold weights (range fill trains forward from those)")
        }
        if let selection = run.selection {
            let have = Set(run.checkpoints)
            lines.append("selection: \(selection.spec) → \(selection.epochs.count) epochs, \(selection.epochs.filter { have.contains($0) }.count) with checkpoints")
        } else {
            lines.append("selection: none (all checkpoints)")
        }
        if let epoch = session.epoch {
            var line = "epoch cursor: \(epoch)"
            if let m = run.metrics(at: epoch) {
                line += String(format: " — train loss %.3e, test loss %.3e, accuracy %.1f%% / %.1f%%", m.trainLoss, m.testLoss,
                               m.trainAccuracy * 100, m.testAccuracy * 100)
            }
            lines.append(line)
        }
        return .text(lines.joined(separator: "\n"))
    }

    /// `log [N]`.
    func log(_ count: Int) throws -> CellOutput {
        let run = try requireRun()
        guard count >= 1 else { throw ShellError("`log N` needs N ≥ 1") }
        let lines = run.folder.logTail(count)
        return .text(lines.isEmpty ? "the training log of \(run.name) is empty" : lines.joined(separator: "\n"))
    }
}
