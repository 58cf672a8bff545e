import ArgumentParser
import Dispatch
import Foundation
import WBShell
import WBSweeps
import WBTraining

/// `wb sweep-worker SWEEP_FOLDER INDEX|slurm` (hidden): trains one point of a sweep. The local pool starts one per
/// point; each Slurm array task runs one with `slurm` (the point is `$SLURM_ARRAY_TASK_ID`). It reports progress on
/// standard output as `WorkerMessage` lines; SIGINT or SIGTERM stop it after the current epoch with a checkpoint saved.
struct SweepWorkerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep-worker",
        abstract: "Train one point of a sweep (started by `wb sweep`; not for typing).",
        shouldDisplay: false
    )

    @Argument(help: "The sweep's folder (runs/NAME).") var sweepFolder: String
    @Argument(help: "The point's index, or `slurm` for $SLURM_ARRAY_TASK_ID.") var point: String

    func run() throws {
        let index: Int
        if point == "slurm" {
            guard let text = ProcessInfo.processInfo.environment["SLURM_ARRAY_TASK_ID"], let n = Int(text) else {
                throw ValidationError("`slurm` takes the point from $SLURM_ARRAY_TASK_ID, which is not set to a number")
            }
            index = n
        } else {
            guard let n = Int(point), n >= 0 else { throw ValidationError("the point is an index ≥ 0 or `slurm`, not '\(point)'") }
            index = n
        }
        let token = CancellationToken()
        var sources: [DispatchSourceSignal] = []
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { token.cancel() }
            source.resume()
            sources.append(source)
        }
        defer { sources.forEach { $0.cancel() } }
        let folder = SweepFolder(url: URL(fileURLWithPath: sweepFolder))
        var last = Date.distantPast
        func emit(_ message: WorkerMessage) {
            FileHandle.standardOutput.write(Data((message.line + "\n").utf8))
        }
        let outcome = try SweepPointTrainer.train(folder, index: index, cancel: token) { p in
            let now = Date()
            guard now.timeIntervalSince(last) >= 0.25 || p.epoch == p.targetEpochs else { return }
            last = now
            emit(.progress(epoch: p.epoch, target: p.targetEpochs, testAccuracy: p.latest.testAccuracy, seconds: p.elapsedSeconds))
        }
        if let outcome {
            emit(.result(status: outcome.status.rawValue, epoch: outcome.epoch, seconds: outcome.seconds))
        } else {
            emit(.result(status: "skipped", epoch: 0, seconds: 0))
        }
    }
}

/// `wb sweep …`: exactly the prompt's `sweep` command.
struct SweepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Train a grid of runs (a local process pool or a Slurm job array), show their status and summary.",
        discussion: """
        The same words as `sweep` at the prompt (`help sweep` there, docs/sweeps.md). Examples:
          wb sweep wdfrac wd=0.3,1 frac=0.3..0.5 step 0.1 seeds=0..2 p=23 jobs=2
          wb sweep wdfrac              continue it (finished points kept)
          wb sweep status wdfrac       state, epoch, test accuracy, seconds, disk
          wb sweep table wdfrac        milestones; writes runs/wdfrac/summary.csv
          wb sweep stop wdfrac         workers save a checkpoint (Slurm: scancel)
          wb sweep big lr=1e-4..1e-3 step 1e-4 wd=0..2 step 0.01 --yes
          wb sweep cl wd=0.3,1 on=slurm partition=debug time=30 --print
        More than 1,000 points needs --yes. Ctrl-C stops every worker after its
        current epoch, with a checkpoint saved.

        """
    )

    @Argument(parsing: .allUnrecognized, help: "NAME key=value … | status NAME | stop NAME | table NAME | list")
    var words: [String] = []
    @OptionGroup var location: RunLocation

    func run() throws {
        let runner = makeRunner(location)
        let line = (["sweep"] + words.map(Self.quoted)).joined(separator: " ")
        let commands: [ShellCommand]
        do { commands = try Parser.parse(line) } catch { throw ValidationError("\(error)") }
        let outcome = runner.run(commands, source: line)
        if outcome == .failed { throw ExitCode.failure }
    }

    /// An argument as the prompt would need it typed: values with spaces quoted (`sbatch="--mem 2G"`).
    static func quoted(_ word: String) -> String {
        guard word.contains(" ") || word.contains(";") else { return word }
        if let eq = word.firstIndex(of: "="), !word[..<eq].contains(" ") {
            return String(word[...eq]) + "\"" + word[word.index(after: eq)...].replacingOccurrences(of: "\"", with: "\\\"") + "\""
        }
        return "\"" + word.replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
