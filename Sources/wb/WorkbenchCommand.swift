import ArgumentParser
import Foundation
import WBShell
import WBTraining

/// The `wb` executable: the prompt, one-shot commands, scripts on standard input, and subcommands.
@main
struct WorkbenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wb",
        abstract: "wb — the Training Dynamics Workbench: watch a transformer grok modular addition, then take it apart.",
        discussion: """
        With no arguments, opens the wb> prompt (type `help` there). Examples:
          wb                                   the prompt (recorded to a new notebook)
          wb Notebooks/study.wbnb              the prompt, appending to that notebook
          wb run Notebooks/grokking.wbnb       replay a notebook, rewriting its outputs
          wb export Notebooks/grokking.wbnb    a self-contained HTML report
          wb -c "train p=23 epochs=500; info"  run commands, exit (non-zero on an error)
          wb < session.txt                     run a script of commands from stdin
          wb train p=113 frac=0.4 name=demo    the same `train` as at the prompt
          wb resume demo epochs=6000           continue a run exactly
          wb sweep s wd=0.3,1 seeds=0..2 p=23  a grid of runs (`wb help sweep`)
          wb help plot                         help on any command of the prompt
          wb kernel install                    wb as a Jupyter kernel (JupyterLab, VS Code)
          wb bench                             the benchmarks
        """,
        version: ShellRunner.version,
        subcommands: [TrainCommand.self, ResumeCommand.self, SweepCommand.self, SweepWorkerCommand.self, RunNotebookCommand.self,
                      ExportCommand.self, KernelCommand.self, BenchCommand.self]
    )

    /// `wb help COMMAND` for a command of the prompt (ArgumentParser's own help covers the subcommands).
    static func main() {
        NumericPlatform.warningHandler = { FileHandle.standardError.write(Data("wb: note: \($0)\n".utf8)) }
        let arguments = Array(CommandLine.arguments.dropFirst())
        let subcommands = configuration.subcommands.map { $0.configuration.commandName ?? "" }
        if let first = arguments.first, first.lowercased().hasSuffix(".wbnb"), !subcommands.contains(first) {
            let rest = Array(arguments.dropFirst())
            do {
                var command = try parseAsRoot(rest) as! WorkbenchCommand
                command.notebook = first
                try command.run()
            } catch {
                exit(withError: error)
            }
            return
        }
        if arguments.count == 2, arguments[0] == "help", !subcommands.contains(arguments[1]) {
            let runner = ShellRunner(executor: CommandExecutor(session: Session()), display: TerminalDisplay())
            Foundation.exit(runner.run([.help(topic: arguments[1].lowercased())], source: "help \(arguments[1])") == .ok ? 0 : 1)
        }
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            exit(withError: error)
        }
    }

    @Option(name: .customShort("c"), help: "Commands to run, separated by ';' or newlines; exits non-zero on the first error.")
    var commands: String?

    @OptionGroup var location: RunLocation

    /// `wb NOTEBOOK.wbnb`: the notebook the prompt appends to (set by `main`).
    var notebook: String?

    enum CodingKeys: CodingKey { case commands, location }

    func run() throws {
        let runner = makeRunner(location)
        if let commands {
            throw ExitCode(runner.script(commands.components(separatedBy: "\n")))
        }
        if isatty(STDIN_FILENO) == 0 {
            var lines: [String] = []
            while let line = readLine(strippingNewline: true) { lines.append(line) }
            throw ExitCode(runner.script(lines))
        }
        let session = runner.session
        let completion = Completion(session: session)
        let editor = LineEditor(historyPath: LineEditor.defaultHistoryPath()) { completion.complete(line: $0, word: $1) }
        let url = notebook.map { URL(fileURLWithPath: $0).standardizedFileURL } ?? NotebookRecorder.sessionURL(home: session.home)
        let recorder: NotebookRecorder
        do { recorder = try NotebookRecorder(url: url) } catch { throw ValidationError("\(url.path): \(error)") }
        session.recorder = recorder
        runner.onLine = { line in
            do { try recorder.record(line) } catch { runner.display.error("could not save the notebook: \(error)") }
        }
        runner.display.line("recording to \(url.path)")
        runner.interactive(editor: editor)
        runner.display.line("notebook: \(recorder.url.path)")
    }
}

/// `--runs DIR`, shared by every way in.
struct RunLocation: ParsableArguments {
    @Option(help: "Folder holding runs (default: $WB_RUNS, else ./runs).")
    var runs: String?
}

/// A shell runner on the terminal, with the session's runs folder.
func makeRunner(_ location: RunLocation) -> ShellRunner {
    let session = Session(runsRoot: RunFolder.runsRoot(location.runs))
    return ShellRunner(executor: CommandExecutor(session: session), display: TerminalDisplay())
}
