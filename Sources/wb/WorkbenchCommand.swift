import ArgumentParser
import Foundation

/// The `wb` executable: the Training Dynamics Workbench.
@main
struct WorkbenchCommand: ParsableCommand {
    static let version = "0.1.0"
    static let configuration = CommandConfiguration(
        commandName: "wb",
        abstract: "wb — the Training Dynamics Workbench: watch a transformer grok modular addition, then take it apart.",
        discussion: """
        Examples:
          wb train p=113 frac=0.4 epochs=3000 name=demo     train a run into runs/demo
          wb resume demo epochs=6000                        continue it, exactly, to 6000 epochs
          wb bench                                          time the training engine (ms per epoch)
        """,
        version: version,
        subcommands: [TrainCommand.self, ResumeCommand.self, BenchCommand.self]
    )
}
