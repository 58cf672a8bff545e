import Foundation
import WBSweeps
import WBTraining

/// The parts of `sweep` that depend on where a sweep runs: stopping it, and (on=slurm) submitting and following it.
enum SweepCommandsSlurm {
    /// The point indices Slurm reports as running for the sweep's job array (empty for local sweeps, or when Slurm's
    /// commands cannot answer).
    static func runningTasks(_ folder: SweepFolder) throws -> Set<Int> {
        guard let manifest = try? folder.readManifest(), manifest.executor == .slurm, let job = manifest.slurmJobID else { return [] }
        let tasks = (try? SlurmClient().tasks(job: job)) ?? [:]
        return Set(tasks.filter { $0.value == "RUNNING" }.keys)
    }

    /// `sweep NAME … on=slurm`: writes the batch script (and with `--print` stops there), submits it with `sbatch`, and
    /// follows the job until its tasks have left the queue (Ctrl-C stops following; the job goes on).
    static func submit(_ folder: SweepFolder, spec: SweepSpec, home: URL, executable: URL?, context: ExecutionContext) throws -> CellOutput {
        let settings = try SlurmSettingsFile.read(home: home)
        var manifest = try folder.readManifest()
        let options = spec.slurm.filling(from: manifest.slurm ?? SlurmOptions()).filling(from: settings.options)
        guard let program = settings.wb ?? executable?.path else {
            throw ShellError("cannot find the `wb` program for the Slurm tasks; set \"wb\" in \(SlurmSettingsFile.url(home: home).path) or WB_EXECUTABLE")
        }
        if let job = manifest.slurmJobID, !((try? SlurmClient().tasks(job: job)) ?? [:]).isEmpty {
            throw ShellError("sweep \(folder.name) has Slurm job \(job) in the queue; `sweep status \(folder.name)` follows it, "
                + "`sweep stop \(folder.name)` cancels it")
        }
        let sweep = SlurmSweep(folder: folder)
        let (text, indices) = try sweep.writeScript(options: options, parallel: spec.jobs ?? manifest.jobs, executable: program)
        guard !indices.isEmpty else { return .text("sweep \(folder.name): every point is finished; nothing to submit") }
        var output = CellOutput()
        if spec.printOnly {
            output.append(.text("wrote \(Session.displayPath(sweep.scriptURL)) (\(indices.count) tasks; not submitted):\n\(text)"))
            return output
        }
        let job = try sweep.submit(options: options)
        manifest = try folder.readManifest()
        output.append(.text("submitted Slurm job \(job): \(indices.count) tasks (\(SlurmBatchScript.arraySpec(indices))), "
            + "script \(Session.displayPath(sweep.scriptURL)), output in \(Session.displayPath(folder.slurmURL))"))
        let done = try sweep.follow(job: job, cancel: context.cancel, progress: context.onSweep)
        if !done {
            output.append(.text("stopped following job \(job); it goes on. `sweep status \(folder.name)` follows it, `sweep stop \(folder.name)` cancels it."))
            return output
        }
        let status = try SweepStatus.read(folder)
        output.append(.text("job \(job) ended: \(status.counts)"))
        let summary = try SweepCircuits.summary(folder)
        try summary.write(to: folder)
        output.append(.text(summary.render()))
        return output
    }

    /// `sweep stop NAME`: SIGINT to the process running a local sweep (its workers save checkpoints), or for a Slurm
    /// sweep `scancel` (pending tasks cancelled, running ones sent SIGINT: they save a checkpoint and end).
    static func stop(_ folder: SweepFolder) throws -> String {
        let manifest = try folder.readManifest()
        if manifest.executor == .slurm, let job = manifest.slurmJobID {
            let client = SlurmClient()
            let queued = try client.tasks(job: job)
            guard !queued.isEmpty else { return "sweep \(folder.name): Slurm job \(job) is no longer queued; `sweep \(folder.name)` continues it" }
            try client.stop(job: job)
            return "sweep \(folder.name): scancel job \(job) (\(queued.count) tasks): pending ones cancelled, running ones save a checkpoint and end"
        }
        guard let pid = SweepLock.holder(folder), pid > 0 else {
            return "sweep \(folder.name) is not running; `sweep \(folder.name)` continues it"
        }
        guard kill(pid, SIGINT) == 0 else {
            throw ShellError("could not signal process \(pid) running sweep \(folder.name): \(String(cString: strerror(errno)))")
        }
        return "sweep \(folder.name): asked process \(pid) to stop; its workers save a checkpoint of the epoch they reached"
    }
}
