import Foundation
import WBTraining

extension CommandExecutor {
    /// `range fill`: recreates every selected epoch of the current run that has no checkpoint (`CheckpointFiller`), with
    /// progress and Ctrl-C, then reloads the run keeping the cursor. The wall time is a fact, so replays match byte for byte.
    func fillSelection(context: ExecutionContext) throws -> CellOutput {
        let run = try requireRun()
        guard let selection = run.selection else {
            return .text("no selection to fill: choose the epochs first with `range A..B step S` "
                + "(e.g. range 1000..3000 step 25), then `range fill` makes those without a checkpoint")
        }
        let have = Set(run.checkpoints)
        let missing = selection.epochs.filter { !have.contains($0) }
        let filler = CheckpointFiller(run: run.folder)
        guard !missing.isEmpty else {
            var output = try status(selection, filler: filler, checkpoints: run.checkpoints)
            output.facts["fill"] = "nothing missing"
            return output
        }
        let outcome: CheckpointFiller.Outcome
        do {
            outcome = try filler.fill(missing, cancel: context.cancel) { p in
                context.onProgress("filling \(run.name): epoch \(p.epoch), \(p.checkpointsWritten)/\(p.checkpointsTotal) checkpoints, epochs",
                                   p.epochsDone, p.epochsTotal)
            }
        } catch let error as CheckpointFillerError {
            throw ShellError("\(error)")
        }
        try reloadRun(run.folder, epoch: session.epoch)
        let reloaded = try requireRun()
        var output: CellOutput
        if outcome.cancelled {
            let now = Set(reloaded.checkpoints)
            let present = selection.epochs.filter { now.contains($0) }.count
            let made = "\(outcome.written.count) checkpoint\(outcome.written.count == 1 ? "" : "s")"
                + (outcome.written.isEmpty ? "" : " (\(EpochList.short(outcome.written)))")
            output = .text("stopped early (Ctrl-C): made \(made) of \(outcome.planned.count); the selection has \(present) of "
                + "\(selection.epochs.count). `range fill` makes the rest")
        } else {
            output = try status(selection, filler: filler, checkpoints: reloaded.checkpoints)
        }
        output.facts["fill"] = String(format: "made %d now: %d epochs trained in %.1f s, %.0f epochs/s", outcome.written.count,
                                      outcome.epochsTrained, outcome.seconds, outcome.epochsPerSecond)
        return output
    }

    /// What the selection holds after a fill. The same text whether the checkpoints were made now or by an earlier fill
    /// (a notebook replay on a reused run finds them made), so replays rewrite it byte for byte.
    private func status(_ selection: CheckpointSelection, filler: CheckpointFiller, checkpoints: [Int]) throws -> CellOutput {
        let have = Set(checkpoints)
        let present = selection.epochs.filter { have.contains($0) }
        let recreated = try filler.offSchedule(present)
        guard !recreated.isEmpty else {
            return .text("nothing to fill: all \(selection.epochs.count) selected epochs have checkpoints")
        }
        let all = present.count == selection.epochs.count ? "all \(present.count)" : "\(present.count) of \(selection.epochs.count)"
        return .text("the selection has \(all) checkpoints; \(recreated.count) of them (\(EpochList.short(recreated))) are off the "
            + "training schedule, recreated by training forward")
    }
}
