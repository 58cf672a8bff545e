import Foundation
import WBTraining

extension CommandExecutor {
    /// `at epoch N`: the checkpoint at N, or the nearest one (the earlier on a tie), saying so.
    func moveCursor(to epoch: Int) throws -> CellOutput {
        let run = try requireRun()
        let epochs = run.navigableEpochs
        guard let nearest = epochs.min(by: { (abs($0 - epoch), $0) < (abs($1 - epoch), $1) }) else {
            throw ShellError("\(run.name) has no checkpoints yet")
        }
        session.epoch = nearest
        var output = CellOutput()
        if nearest != epoch {
            output.append(.text("epoch \(epoch) has no checkpoint\(run.selection == nil ? "" : " in the selection"); at \(nearest), the nearest"))
        }
        output.append(.text(cursorLine(run, nearest)))
        return output
    }

    /// `next`, `prev`, `first`, `last`.
    func step(_ move: ShellCommand.CursorMove) throws -> CellOutput {
        let run = try requireRun()
        let epochs = run.navigableEpochs
        guard let first = epochs.first, let last = epochs.last else { throw ShellError("\(run.name) has no checkpoints yet") }
        let current = session.epoch ?? last
        let target: Int
        switch move {
        case .first: target = first
        case .last: target = last
        case .next:
            guard let e = epochs.first(where: { $0 > current }) else { return .text("already at the last checkpoint (\(current))") }
            target = e
        case .prev:
            guard let e = epochs.last(where: { $0 < current }) else { return .text("already at the first checkpoint (\(current))") }
            target = e
        }
        session.epoch = target
        return .text(cursorLine(run, target))
    }

    func cursorLine(_ run: LoadedRun, _ epoch: Int) -> String {
        guard let m = run.metrics(at: epoch) else { return "epoch \(epoch)" }
        return String(format: "epoch %d: train loss %.3e, test loss %.3e, accuracy %.1f%% / %.1f%%", epoch, m.trainLoss, m.testLoss,
                      m.trainAccuracy * 100, m.testAccuracy * 100)
    }

    /// `range`, `range clear`, `range A..B step S, …`, `range fill`, `range pick`.
    func range(_ action: ShellCommand.RangeAction, context: ExecutionContext = ExecutionContext()) throws -> CellOutput {
        var run = try requireRun()
        switch action {
        case .pick:
            return try pickRange(run, context: context)
        case .show:
            guard let selection = run.selection else {
                return .text("no selection: every checkpoint (\(run.checkpoints.count)) is used. Set one with `range A..B step S`")
            }
            return describeSelection(selection, run)
        case .clear:
            try clearSelection(&run)
            return .text("selection cleared: every checkpoint (\(run.checkpoints.count)) is used")
        case .preset(let preset):
            let found: (epochs: ClosedRange<Int>, set: EpochSet)?
            do { found = try preset.window(metrics: run.metrics, checkpoints: run.checkpoints) } catch {
                throw ShellError("no \(preset.rawValue) window in \(run.name): \(error)")
            }
            guard let found else {
                try clearSelection(&run)
                return .text("selection: all \(run.checkpoints.count) checkpoints (no selection is stored)")
            }
            var output = try range(.set(found.set))
            let losses = [found.epochs.lowerBound, found.epochs.upperBound].compactMap { run.metrics(at: $0) }
                .map { String(format: "%.3g", $0.testLoss) }.joined(separator: " → ")
            output.blocks.insert(.text("\(preset.rawValue): epochs \(found.epochs.lowerBound)–\(found.epochs.upperBound) "
                + (losses.isEmpty ? "" : "(test loss \(losses)) ") + "by the rule in `help range`"), at: 0)
            return output
        case .set(let set):
            let selection: CheckpointSelection
            do { selection = try CheckpointSelection(set) } catch {
                throw ShellError("\(error): a selection holds at most \(CheckpointSelection.maximumEpochs) epochs; use a coarser step")
            }
            try selection.write(to: run.folder)
            run.selection = selection
            let available = run.navigableEpochs
            let epoch = session.epoch.flatMap { e in available.contains(e) ? e : nil } ?? available.first
            session.setRun(run, epoch: epoch)
            return describeSelection(selection, run)
        case .fill:
            return try fillSelection(context: context)
        }
    }

    /// Removes the run's stored selection, on disk and in the session.
    private func clearSelection(_ run: inout LoadedRun) throws {
        try CheckpointSelection.clear(run.folder)
        run.selection = nil
        session.setRun(run, epoch: session.epoch)
    }

    /// `range pick`: the picker on the terminal; its result is applied exactly as the equivalent `range …` line, which is
    /// what the notebook records (a cancelled pick records nothing).
    func pickRange(_ run: LoadedRun, context: ExecutionContext) throws -> CellOutput {
        guard let fullScreen = context.fullScreen else {
            throw ShellError("`range pick` is interactive and needs a terminal (the wb> prompt). Here, write the selection "
                + "as `range A..B step S[, ...]` (e.g. range 0..1000 step 100, 1000..3000 step 25)")
        }
        guard !run.metrics.isEmpty || !run.checkpoints.isEmpty else { throw ShellError("\(run.name) has no epochs to pick from yet") }
        let selection = run.selection.flatMap { try? EpochSet.parse($0.spec) }
        let picker = RangePicker(epochs: run.metrics.map(\.epoch), checkpoints: run.checkpoints, selection: selection, cursor: session.epoch)
        let view = RangePickerView(picker: picker, curves: curves(run), runName: run.name)
        try fullScreen(view)
        var output: CellOutput
        switch view.picker.outcome {
        case .confirmed(let set?)?:
            output = try range(.set(set))
            output.recording = .replaced(by: "range \(set)")
        case .confirmed(nil)?:
            output = try range(.clear)
            output.recording = .replaced(by: "range clear")
        case .cancelled?, nil:
            output = .text("range pick cancelled: the selection is unchanged")
            output.recording = .omitted
        }
        return output
    }

    func describeSelection(_ selection: CheckpointSelection, _ run: LoadedRun) -> CellOutput {
        let have = Set(run.checkpoints)
        let present = selection.epochs.filter { have.contains($0) }
        let missing = selection.epochs.filter { !have.contains($0) }
        var output = CellOutput.text("selection \(selection.spec): \(selection.epochs.count) epochs (\(EpochList.short(selection.epochs))); "
            + "\(present.count) have checkpoints")
        if !missing.isEmpty {
            let last = run.checkpoints.last ?? -1
            let untrained = missing.filter { $0 > last }
            var advice = " `range fill` makes them by training forward from earlier checkpoints."
            if let target = untrained.last {
                let epochs = max(target, run.record.config.epochs)
                advice = " \(untrained.count == missing.count ? "They are" : "\(untrained.count) of them are") after the last trained epoch"
                    + " (\(last)): train up to there first with `resume epochs=\(epochs)`, then `range fill` makes the rest."
            }
            output.append(.warning("\(missing.count) selected epochs have no checkpoint (\(EpochList.short(missing))); "
                + "they are skipped.\(advice)"))
        }
        return output
    }
}
