import ArgumentParser
import WBShell
import WBTraining

/// `wb train key=value ...`: exactly the prompt's `train` command.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a new run (paper defaults; override any key with key=value).",
        discussion: """
        Keys:
        \(TrainingConfig.keyHelpLines.joined(separator: "\n"))

        Examples:
          wb train p=113 frac=0.4 epochs=3000 name=demo
          wb train p=23 d_model=32 d_mlp=128 epochs=500 checkpoints="0..500 step 50" name=tiny
          wb train template=nanda2023 name=paper
        Ctrl-C stops after the current epoch and saves a checkpoint; `wb resume NAME` continues exactly.
        """
    )

    @Argument(help: "Config assignments, key=value.") var assignments: [String] = []
    @OptionGroup var location: RunLocation

    func run() throws {
        let runner = makeRunner(location)
        let outcome = runner.run([.train(assignments: assignments)], source: (["train"] + assignments).joined(separator: " "))
        if outcome == .failed { throw ExitCode.failure }
    }
}

/// `wb resume RUN [epochs=N]`.
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

    @Argument(help: "The run: a name under the runs folder, or a path.") var runName: String
    @Argument(help: "epochs=N to change the target.") var assignments: [String] = []
    @OptionGroup var location: RunLocation

    func run() throws {
        let runner = makeRunner(location)
        let line = (["resume"] + assignments).joined(separator: " ")
        let commands: [ShellCommand]
        do { commands = try Parser.parse(line) } catch { throw ValidationError("\(error)") }
        let outcome = runner.run([.load(run: runName)] + commands, source: "load \(runName); \(line)")
        if outcome == .failed { throw ExitCode.failure }
    }
}
