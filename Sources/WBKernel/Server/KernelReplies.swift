import Foundation
import WBSupport
import WBNotebook
import WBShell
import WBTraining

/// The contents of the kernel's replies that only describe the language: `kernel_info`, `complete`, `inspect`,
/// `is_complete`. Cursor positions count Unicode code points, as protocol 5.2 and later say.
enum KernelReplies {
    static let banner = "wb \(ShellRunner.version) — the Training Dynamics Workbench. Cells hold the lines you would type at "
        + "the wb> prompt; `help` lists the commands, Shift-Tab on a word shows its help."

    static var kernelInfo: JSONValue {
        [
            "status": "ok", "protocol_version": .string(KernelMessage.protocolVersion), "implementation": "wb",
            "implementation_version": .string(ShellRunner.version),
            "language_info": [
                "name": .string(JupyterLanguageInfo.name), "version": .string(ShellRunner.version),
                "mimetype": .string(JupyterLanguageInfo.mimetype), "file_extension": .string(JupyterLanguageInfo.fileExtension),
                "pygments_lexer": .string(JupyterLanguageInfo.pygmentsLexer), "codemirror_mode": .string(JupyterLanguageInfo.codemirrorMode),
            ],
            "banner": .string(banner), "help_links": [], "debugger": false,
        ]
    }

    /// `complete_request`: the prompt's Tab completion of the word that ends at the cursor.
    static func complete(code: String, cursor: Int, completion: Completion) -> JSONValue {
        let scalars = Array(code.unicodeScalars)
        let end = max(0, min(cursor, scalars.count))
        var lineStart = end
        while lineStart > 0, scalars[lineStart - 1] != "\n" { lineStart -= 1 }
        var wordStart = end
        while wordStart > lineStart, !CharacterSet.whitespaces.contains(scalars[wordStart - 1]), scalars[wordStart - 1] != ";" {
            wordStart -= 1
        }
        let line = String(String.UnicodeScalarView(scalars[lineStart..<end]))
        let word = String(String.UnicodeScalarView(scalars[wordStart..<end]))
        let matches = completion.complete(line: line, word: word)
        return ["status": "ok", "matches": .array(matches.map { .string($0) }), "cursor_start": .int(wordStart),
                "cursor_end": .int(end), "metadata": [:]]
    }

    /// The word around the cursor (letters, digits, `_`, `-`, `=` and `.` make a word).
    static func word(in code: String, at cursor: Int) -> String {
        let scalars = Array(code.unicodeScalars)
        let position = max(0, min(cursor, scalars.count))
        func isWordPart(_ s: Unicode.Scalar) -> Bool {
            CharacterSet.alphanumerics.contains(s) || s == "_" || s == "-" || s == "=" || s == "."
        }
        var start = position, end = position
        while start > 0, isWordPart(scalars[start - 1]) { start -= 1 }
        while end < scalars.count, isWordPart(scalars[end]) { end += 1 }
        return String(String.UnicodeScalarView(scalars[start..<end]))
    }

    /// `inspect_request`: the `help` of the command under the cursor, or the line of `help keys` for a config key
    /// (`wd=` or `wd`).
    static func inspect(code: String, cursor: Int, executor: CommandExecutor) -> JSONValue {
        let word = self.word(in: code, at: cursor).lowercased()
        let key = word.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? word
        var text: String?
        if !word.contains("="), let help = try? executor.execute(.help(topic: word)).plainText { text = help }
        if text == nil, TrainingConfig.keys.contains(key) {
            let lines = TrainingConfig.keyHelpLines.filter {
                let trimmed = $0.trimmingCharacters(in: .whitespaces)
                return trimmed.hasPrefix(key + " ") || trimmed.hasPrefix(key + "=") || trimmed.hasPrefix(key + "(")
            }
            if !lines.isEmpty { text = (["config key \(key) (`help keys` lists them all):"] + lines).joined(separator: "\n") }
        }
        guard let text else { return ["status": "ok", "found": false, "data": [:], "metadata": [:]] }
        return ["status": "ok", "found": true, "data": ["text/plain": .string(text)], "metadata": [:]]
    }

    /// `is_complete_request`: every line of the prompt's language is complete on its own; a line that does not parse is
    /// `invalid` (a console then runs it and shows the error).
    static func isComplete(code: String) -> JSONValue {
        for line in code.components(separatedBy: "\n") {
            let stripped = ShellRunner.stripPrompt(line)
            guard !stripped.trimmingCharacters(in: .whitespaces).isEmpty else { continue }
            if (try? Parser.parse(stripped)) == nil { return ["status": "invalid"] }
        }
        return ["status": "complete"]
    }
}
