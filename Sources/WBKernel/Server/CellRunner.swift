import Foundation
import WBSupport
import WBNotebook
import WBShell
import WBTraining

/// The Jupyter side of the command loop (`CommandLoop`): runs the code of one cell against the kernel's session, the same
/// lines as at the prompt, one after another, each command's outputs published as soon as it returns (text as `stream`,
/// figures as `display_data`). Stops at the first error, and after an interrupt (the interrupted command keeps its work,
/// as Ctrl-C at the prompt does).
final class CellRunner: CommandLoopFrontEnd {
    let executor: CommandExecutor
    private let loop: CommandLoop

    init(executor: CommandExecutor) {
        self.executor = executor
        loop = CommandLoop(executor: executor)
    }

    /// What a cell came to.
    struct Outcome {
        /// The error that stopped it: name, message, traceback lines.
        var error: (name: String, value: String, traceback: [String])?
        /// Volatile facts the commands reported (cache hits, wall times), as at the prompt.
        var facts: [String: String] = [:]
        /// The text outputs, for `history` with output.
        var text: String = ""
    }

    static let interruptedName = "Interrupted"

    /// The cell that runs: its token, where its messages go, how it asks, what it came to so far.
    private var cancel = CancellationToken()
    private var publish: ((String, JSONValue) -> Void)?
    private var ask: ((String) -> Bool)?
    private var outcome = Outcome()
    /// The live display of the command that runs (one per command).
    private var live: LiveDisplay?

    /// Runs `code`; `publish` sends an iopub message (type, content) with the request as parent, nil for a silent
    /// execution (nothing is published).
    /// `ask` puts a yes/no question to the person at the front end (through `input_request`), nil when it does not
    /// allow input; commands that need an answer then refuse and say how to go on.
    func run(_ code: String, cancel: CancellationToken, publish: ((String, JSONValue) -> Void)?,
             ask: ((String) -> Bool)? = nil) -> Outcome {
        self.cancel = cancel
        self.publish = publish
        self.ask = ask
        outcome = Outcome()
        defer { self.publish = nil; self.ask = nil }
        for rawLine in code.components(separatedBy: "\n") {
            let line = ShellRunner.stripPrompt(rawLine)
            guard !line.trimmingCharacters(in: .whitespaces).isEmpty else { continue }
            switch loop.run(line: line, frontEnd: self).outcome {
            case .ok, .quit: continue
            case .failed: return outcome
            case .interrupted:
                let message = "interrupted: stopped after the current step; the work done so far is kept"
                let traceback = [message]
                publish?("error", ["ename": .string(Self.interruptedName), "evalue": .string(message),
                                   "traceback": .array(traceback.map { .string($0) })])
                outcome.error = (Self.interruptedName, message, traceback)
                return outcome
            }
        }
        return outcome
    }

    // MARK: the cell as the loop's front end

    func beginCommand(_ command: ShellCommand) -> ExecutionContext {
        let live = publish.map { LiveDisplay(publish: $0) }
        self.live = live
        return ExecutionContext(
            cancel: cancel,
            onTraining: { live?.training($0) },
            onProgress: { label, done, total in live?.progress(label, done: done, total: total) },
            onSweep: { live?.sweep($0) },
            confirm: ask)
    }

    func endCommand() {
        live?.finish()
        live = nil
    }

    func show(_ output: CellOutput) {
        for item in NotebookRecorder.outputs(output, error: nil) { emit(item) }
        outcome.facts.merge(output.facts) { _, new in new }
    }

    func show(error message: String) {
        if case .error(let name, let value, let traceback) = JupyterOutput(.error(message)) {
            outcome.error = (name, value, traceback)
        }
        emit(.error(message))
    }

    func quitEndsLoop() -> Bool {
        emit(.text("`quit` does nothing in a kernel: shut the kernel down from the front end (its menu, or "
            + "`jupyter console`'s quit)."))
        return false
    }

    var stopsWhenInterrupted: Bool { true }

    private func emit(_ output: NotebookOutput) {
        let jupyter = JupyterOutput(output)
        if case .stream(_, let text) = jupyter { outcome.text += text }
        publish?(jupyter.messageType, jupyter.content)
    }
}

extension JupyterOutput {
    /// The iopub message type that carries this output.
    var messageType: String {
        switch self {
        case .stream: return "stream"
        case .displayData: return "display_data"
        case .error: return "error"
        }
    }

    /// A display's mime bundle: text as strings, JSON mime types (a Vega-Lite spec) as objects.
    static func bundle(_ data: [(mime: String, content: String)]) -> JSONValue {
        .object(Dictionary(data.map { item in
            let value = isJSON(item.mime) ? (JSONValue.parse(Data(item.content.utf8)) ?? .string(item.content)) : .string(item.content)
            return (item.mime, value)
        }, uniquingKeysWith: { a, _ in a }))
    }

    /// The iopub message's content.
    var content: JSONValue {
        switch self {
        case .stream(let name, let text): return ["name": .string(name), "text": .string(text)]
        case .displayData(let data):
            return ["data": Self.bundle(data), "metadata": [:], "transient": [:]]
        case .error(let name, let value, let traceback):
            return ["ename": .string(name), "evalue": .string(value), "traceback": .array(traceback.map { .string($0) })]
        }
    }
}
