import ArgumentParser
import Foundation
import WBTraining

/// `wb resume RUN [epochs=N]`: continue a run exactly from its latest checkpoint.
struct ResumeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resume",
        abstract: "Continue a run from its latest checkpoint (bit-identical to never having stopped).",
        discussion: """
        Examples:
          wb resume demo               finish the epochs the run was started with
          wb resume demo epochs=10k    train on to epoch 10000
        """
    )

    @Argument(help: "The run: a name under the runs folder, or a path.")
    var runName: String

    @Argument(help: "epochs=N to change the target.")
    var assignments: [String] = []

    @Option(help: "Folder holding runs (default: $WB_RUNS, else ./runs).")
    var runs: String?

    func run() throws {
        var epochs: Int?
        for word in assignments {
            let parts = word.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, parts[0] == "epochs", let value = NumberLiteral.integer(parts[1]) else {
                throw ValidationError("resume takes only epochs=N (for example epochs=10k); got '\(word)'")
            }
            epochs = value
        }
        let folder = runName.contains("/") ? RunFolder(url: URL(fileURLWithPath: runName))
            : RunFolder(url: RunFolder.runsRoot(runs).appendingPathComponent(runName))
        try runTraining(description: "resuming \(folder.url.path)") { cancel, progress in
            try Trainer.resume(folder, epochs: epochs, cancel: cancel, progress: progress)
        }
    }
}
