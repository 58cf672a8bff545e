import CEditLine
import Foundation

/// Reads lines at the prompt with libedit: editing, history kept across sessions in a file, Ctrl-R search, Tab
/// completion. Ctrl-C clears the line (a fresh prompt); Ctrl-D on an empty line ends input.
public final class LineEditor {
    /// What reading a line gave.
    public enum Input: Equatable { case line(String), interrupted, endOfInput }

    private let historyPath: String
    /// Gives the completions of `word`, the last word of `line` (the text before the cursor).
    nonisolated(unsafe) static var completer: (String, String) -> [String] = { _, _ in [] }
    nonisolated(unsafe) static var pending: [String] = []

    public init(historyPath: String, completer: @escaping (String, String) -> [String]) {
        self.historyPath = historyPath
        LineEditor.completer = completer
        wb_configure_editline()   // the program's name, and no SIGINT handler of libedit's own: wb's sets a flag
        stifle_history(5000)
        read_history(historyPath)
        wb_set_completion_entry { text, state in
            let word = text.map { String(cString: $0) } ?? ""
            if state == 0 {
                let line = wb_line_buffer().map { String(cString: $0) } ?? ""
                LineEditor.pending = LineEditor.completer(line, word)
            }
            guard !LineEditor.pending.isEmpty else { return nil }
            return strdup(LineEditor.pending.removeFirst())
        }
        InterruptSignal.install()
    }

    /// The history file: `$WB_HISTORY`, else `~/.wb_history`.
    public static func defaultHistoryPath() -> String {
        if let path = ProcessInfo.processInfo.environment["WB_HISTORY"], !path.isEmpty { return path }
        return FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".wb_history").path
    }

    public func read(prompt: String) -> Input {
        _ = InterruptSignal.take()
        let raw = readline(prompt)
        guard let raw else {
            if InterruptSignal.take() { return .interrupted }
            return .endOfInput
        }
        defer { free(raw) }
        if InterruptSignal.take() { return .interrupted }
        let line = String(cString: raw)
        if !line.trimmingCharacters(in: .whitespaces).isEmpty {
            add_history(line)
            write_history(historyPath)
        }
        return .line(line)
    }
}
