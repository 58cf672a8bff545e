import Foundation
import WBTraining

/// The side of a `CommandLoop` that shows what happens: the terminal (`ShellRunner`, for the prompt, `wb -c`, scripts and
/// notebook replays) or a Jupyter cell (the kernel's `CellRunner`). The loop decides what runs; the front end decides how
/// it looks and how long work reports its progress.
public protocol CommandLoopFrontEnd: AnyObject {
    /// The context the next command runs with: its cancellation token and the callbacks that show its progress.
    func beginCommand(_ command: ShellCommand) -> ExecutionContext
    /// The command returned (with an output or an error): live views end here.
    func endCommand()
    /// Shows one command's output.
    func show(_ output: CellOutput)
    /// Shows the error that stops the line (it did not parse, or a command failed).
    func show(error: String)
    /// `quit` was typed: true ends the loop (the prompt), false only answers it and goes on (a kernel, which the front
    /// end shuts down).
    func quitEndsLoop() -> Bool
    /// Whether a line stops after a command whose context was cancelled: a Jupyter cell stops, as IPython's does on
    /// KeyboardInterrupt; at the prompt Ctrl-C ends only the command that runs (its work kept) and the line goes on.
    var stopsWhenInterrupted: Bool { get }
}

/// What one line came to.
public struct LineRun {
    /// How the line ended: every command ran, one failed (the rest did not run), `quit`, or Ctrl-C.
    public enum Outcome: Equatable { case ok, failed, quit, interrupted }
    public var outcome: Outcome
    /// The outputs of the commands that ran, without those that asked not to be recorded (`CellOutput.Recording`).
    public var output = CellOutput()
    /// How each command that ran asked to be recorded, in order.
    public var recordings: [CellOutput.Recording] = []
    /// The error that stopped the line.
    public var error: String?
    public var seconds: Double = 0
}

/// The one command loop of every way in: parses a line, runs its commands one after another through the
/// `CommandExecutor`, hands each output to the front end, and stops at the first error (or at an interrupt, where the
/// front end says so). While a line runs, `Session.lineInProgress` holds what it has produced, so that `export` on the
/// same line as a `plot` includes that plot.
public final class CommandLoop {
    public let executor: CommandExecutor

    public init(executor: CommandExecutor) { self.executor = executor }

    public var session: Session { executor.session }

    /// Parses and runs one line.
    public func run(line: String, frontEnd: CommandLoopFrontEnd) -> LineRun {
        let commands: [ShellCommand]
        do { commands = try Parser.parse(line) } catch {
            frontEnd.show(error: "\(error)")
            return LineRun(outcome: .failed, error: "\(error)")
        }
        return run(commands, source: line, frontEnd: frontEnd)
    }

    /// Runs already-parsed commands; `source` is the line they came from.
    public func run(_ commands: [ShellCommand], source: String, frontEnd: CommandLoopFrontEnd) -> LineRun {
        let start = Date()
        var result = LineRun(outcome: .ok)
        defer { session.lineInProgress = nil }
        func finish(_ outcome: LineRun.Outcome, error: String? = nil) -> LineRun {
            result.outcome = outcome
            result.error = error
            result.seconds = Date().timeIntervalSince(start)
            return result
        }
        for command in commands {
            if command == .quit {
                if frontEnd.quitEndsLoop() { return finish(.quit) }
                continue
            }
            session.lineInProgress = (source, result.output)
            let context = frontEnd.beginCommand(command)
            let outcome = Result { try executor.execute(command, context: context) }
            frontEnd.endCommand()
            switch outcome {
            case .success(let output):
                frontEnd.show(output)
                result.recordings.append(output.recording)
                if output.recording != .omitted { result.output.append(contentsOf: output) }
            case .failure(let error):
                frontEnd.show(error: "\(error)")
                return finish(.failed, error: "\(error)")
            }
            if frontEnd.stopsWhenInterrupted && context.cancel.isCancelled { return finish(.interrupted) }
        }
        return finish(.ok)
    }
}
