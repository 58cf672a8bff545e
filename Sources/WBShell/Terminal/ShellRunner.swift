import Dispatch
import Foundation
import WBPlotting
import WBTraining

/// The terminal side of the command loop (`CommandLoop`) for every way in through a terminal: the interactive prompt,
/// `wb -c "…"`, scripts on standard input and notebook replays. Renders each command's `CellOutput` to the terminal,
/// turns errors into one clear message (the session goes on), and records every line through `onLine`. Ctrl-C during a
/// command cancels it cleanly through the context's token; the line goes on with its next command.
public final class ShellRunner: CommandLoopFrontEnd {
    public let executor: CommandExecutor
    public let display: TerminalDisplay
    /// Called after every executed line with its source, output and error (the notebook recorder hooks in here).
    public var onLine: ((ExecutedLine) -> Void)?
    /// Runs full-screen views for commands that take over the terminal (`range pick`): set by the interactive prompt when
    /// standard input and output are terminals; nil for `wb -c`, scripts and replays, where those commands refuse.
    public var fullScreen: ((FullScreenView) throws -> Void)?
    private let loop: CommandLoop

    /// How one line at the prompt ended: it ran, a command failed (the session goes on), or `quit`.
    public enum LineOutcome: Equatable { case ok, failed, quit }

    public init(executor: CommandExecutor, display: TerminalDisplay) {
        self.executor = executor
        self.display = display
        loop = CommandLoop(executor: executor)
    }

    public var session: Session { executor.session }

    /// Runs every command of one line; stops at the first failure.
    @discardableResult
    public func run(line: String) -> LineOutcome {
        let commands: [ShellCommand]
        do { commands = try Parser.parse(line) } catch {
            display.error("\(error)")
            onLine?(ExecutedLine(source: line, note: nil, output: CellOutput(), error: "\(error)", seconds: 0))
            return .failed
        }
        return run(commands, source: line)
    }

    /// Runs already-parsed commands (the `wb train …` subcommand uses this, so it is the same `train` as at the prompt).
    @discardableResult
    public func run(_ commands: [ShellCommand], source: String) -> LineOutcome {
        InterruptSignal.install()
        let line = loop.run(commands, source: source, frontEnd: self)
        func record(_ error: String?) {
            if commands.count == 1, case .note(let text) = commands[0] {
                onLine?(ExecutedLine(source: source, note: text, output: CellOutput(), error: nil, seconds: 0))
            } else if let recorded = Self.recordedSource(source, commands: commands.count, recordings: line.recordings) {
                onLine?(ExecutedLine(source: recorded, note: nil, output: line.output, error: error, seconds: line.seconds))
            }
        }
        switch line.outcome {
        case .quit:
            if !line.output.blocks.isEmpty { record(nil) }
            return .quit
        case .failed:
            record(line.error)
            return .failed
        case .ok, .interrupted:
            if !commands.isEmpty { record(nil) }
            return .ok
        }
    }

    // MARK: the terminal as the loop's front end

    /// The live views of the command that runs (`beginCommand` to `endCommand`).
    private var live: (progress: TrainingProgressView, sweep: SweepProgressView, watcher: InterruptWatcher)?

    public func beginCommand(_ command: ShellCommand) -> ExecutionContext {
        let token = CancellationToken()
        // At the interactive prompt the live training block takes keys: `d` shows the latest checkpoint's dashboard.
        let progress = fullScreen == nil ? TrainingProgressView()
            : TrainingProgressView(keys: STDIN_FILENO, dashboard: { [executor] run, epoch in try executor.trainingDashboard(run, epoch: epoch) })
        let sweepView = SweepProgressView()
        live = (progress, sweepView, InterruptWatcher(token: token))
        let display = self.display
        let onProgress: (String, Int, Int) -> Void = { label, done, total in display.progress(label, done, total) }
        let confirm: ((String) -> Bool)? = fullScreen == nil ? nil : { Self.askYesNo($0) }
        return ExecutionContext(cancel: token, onTraining: { progress.update($0) }, onProgress: onProgress,
                                fullScreen: fullScreen, onSweep: { sweepView.update($0) }, confirm: confirm)
    }

    public func endCommand() {
        guard let live else { return }
        live.watcher.stop()
        live.progress.finish()
        live.sweep.finish()
        display.endProgress()
        self.live = nil
    }

    public func show(_ output: CellOutput) {
        display.show(output)
        if case .replaced(let line) = output.recording { display.line(display.paint("(recorded as `\(line)`)", "2")) }
    }

    public func show(error: String) { display.error(error) }

    public func quitEndsLoop() -> Bool { true }

    public var stopsWhenInterrupted: Bool { false }

    /// The line a notebook records for `source`: as typed, unless a command asked to be recorded differently (see
    /// `CellOutput.Recording`); nil when nothing is left to record. `recordings` covers the commands that ran.
    static func recordedSource(_ source: String, commands: Int, recordings: [CellOutput.Recording]) -> String? {
        guard recordings.contains(where: { $0 != .asTyped }) else { return source }
        let pieces = commands == 1 ? [source] : ((try? Parser.statementSources(source)) ?? [])
        guard pieces.count == commands else { return source }
        var kept: [String] = []
        for (index, piece) in pieces.enumerated() where !piece.isEmpty {
            switch index < recordings.count ? recordings[index] : .asTyped {
            case .asTyped: kept.append(piece)
            case .replaced(let line): kept.append(line)
            case .omitted: continue
            }
        }
        return kept.isEmpty ? nil : kept.joined(separator: "; ")
    }

    /// The interactive prompt, until `quit` or Ctrl-D.
    public func interactive(editor: LineEditor) {
        if fullScreen == nil, RawTerminal.isAvailable() {
            let colorMode: TerminalColorMode = display.color ? TerminalEnvironment.detect().colorMode : .none
            fullScreen = { view in try FullScreen.run(view, colorMode: colorMode) }
        }
        display.line("wb \(ShellRunner.version) — the Training Dynamics Workbench. `help` lists commands; Ctrl-D quits.")
        while true {
            switch editor.read(prompt: display.promptStyle(session.prompt)) {
            case .endOfInput:
                display.line("")
                return
            case .interrupted:
                display.line("")
                continue
            case .line(let text):
                display.inputEntered()
                let stripped = Self.stripPrompt(text)
                guard !stripped.trimmingCharacters(in: .whitespaces).isEmpty else { continue }
                if run(line: stripped) == .quit { return }
            }
        }
    }

    /// Runs lines as a script (from `-c` or standard input); stops at the first error with exit status 1.
    public func script(_ lines: [String]) -> Int32 {
        InterruptSignal.install()
        for line in lines {
            let stripped = Self.stripPrompt(line)
            guard !stripped.trimmingCharacters(in: .whitespaces).isEmpty else { continue }
            switch run(line: stripped) {
            case .ok: continue
            case .quit: return 0
            case .failed: return 1
            }
        }
        return 0
    }

    /// Asks on the terminal; only `y` or `yes` is yes.
    static func askYesNo(_ question: String) -> Bool {
        FileHandle.standardError.write(Data("\(question) [y/N] ".utf8))
        let answer = readLine(strippingNewline: true)?.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
        return answer == "y" || answer == "yes"
    }

    /// Pasted prompts: a leading `wb> ` (or `wb run@1500> `) is removed, as Julia's REPL does.
    public static func stripPrompt(_ line: String) -> String {
        guard line.hasPrefix("wb"), let end = line.range(of: "> ") else { return line }
        let prefix = line[..<end.lowerBound]
        guard prefix == "wb" || prefix.hasPrefix("wb ") else { return line }
        return String(line[end.upperBound...])
    }

    public static let version = "0.1.0"
}

/// One executed line of input: what a notebook recorder stores as a cell.
public struct ExecutedLine {
    public var source: String
    /// The note's markdown when the line was `# text`.
    public var note: String?
    /// Everything the line's commands returned, in order.
    public var output: CellOutput
    /// The error that stopped the line, if any.
    public var error: String?
    /// Wall time (volatile: kept apart from the outputs in notebooks).
    public var seconds: Double
}

/// Polls the Ctrl-C flag while a command runs and cancels the command's token (a signal handler must never do the work).
final class InterruptWatcher {
    private let timer: DispatchSourceTimer

    init(token: CancellationToken) {
        timer = DispatchSource.makeTimerSource(queue: .global())
        timer.schedule(deadline: .now(), repeating: .milliseconds(50))
        timer.setEventHandler {
            if InterruptSignal.take() {
                token.cancel()
                FileHandle.standardError.write(Data("\nwb: stopping after the current step…\n".utf8))
            }
        }
        timer.resume()
    }

    func stop() { timer.cancel() }
}
