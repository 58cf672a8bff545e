import ArgumentParser
import Foundation
import WBTraining

/// `wb train key=value ...`: a new run with the paper's defaults for every key not given.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a new run (paper defaults; override any key with key=value).",
        discussion: """
        Keys:
        \(TrainingConfig.keyHelp.map { "  \($0.key.padding(toLength: 12, withPad: " ", startingAt: 0)) \($0.help)" }.joined(separator: "\n"))

        Examples:
          wb train p=113 frac=0.4 epochs=3000 name=demo
          wb train p=23 d_model=32 d_mlp=128 epochs=500 checkpoints="0..500 step 50" name=tiny
        Ctrl-C stops after the current epoch and saves a checkpoint; `wb resume NAME` continues exactly.
        """
    )

    @Argument(help: "Config assignments, key=value.")
    var assignments: [String] = []

    @Option(help: "Folder holding runs (default: $WB_RUNS, else ./runs).")
    var runs: String?

    func run() throws {
        let config: TrainingConfig
        do { config = try TrainingConfig().applying(assignments) } catch {
            throw ValidationError("\(error)")
        }
        let root = RunFolder.runsRoot(runs)
        try runTraining(description: "training \(root.appendingPathComponent(config.name).path)") { cancel, progress in
            try Trainer.start(config, root: root, cancel: cancel, progress: progress)
        }
    }
}

/// Runs a training session with a progress line and Ctrl-C handling, then prints the outcome.
func runTraining(description: String,
                 _ body: (CancellationToken, @escaping Trainer.ProgressHandler) throws -> TrainingOutcome) throws {
    let interrupts = InterruptHandler()
    let line = ProgressLine()
    interrupts.install {
        FileHandle.standardError.write(Data("\nwb: stopping after this epoch (Ctrl-C again to quit at once)…\n".utf8))
    }
    defer { interrupts.uninstall() }
    FileHandle.standardError.write(Data("wb: \(description)\n".utf8))
    let outcome: TrainingOutcome
    do {
        outcome = try body(interrupts.token) { line.update($0) }
    } catch {
        line.finish()
        throw error
    }
    line.finish()
    let summary = outcome.final.map {
        String(format: "train loss %.3e, test loss %.3e, train acc %.1f%%, test acc %.1f%%",
               $0.trainLoss, $0.testLoss, $0.trainAccuracy * 100, $0.testAccuracy * 100)
    } ?? ""
    switch outcome.status {
    case .finished:
        print("finished \(outcome.run.name) at epoch \(outcome.epoch) in \(ProgressLine.duration(outcome.seconds)): \(summary)")
    case .cancelled:
        print("stopped \(outcome.run.name) at epoch \(outcome.epoch) (checkpoint saved): \(summary). Continue with: wb resume \(outcome.run.name)")
    }
    print("run folder: \(outcome.run.url.path)")
}
