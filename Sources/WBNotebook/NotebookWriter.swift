import Foundation

/// Writes the canonical `.wbnb` text, and lists what in a notebook value could not be written faithfully.
enum NotebookWriter {
    static func serialize(_ notebook: Notebook) -> String {
        var out = "@wbnb \(notebook.requiredFormatVersion)\n"
        var written = Set<String>()
        for cell in notebook.cells {
            var source = cell.source
            if cell.kind == .command {
                source = writableCommand(source)
                if Bytes.isBlank(source) { continue }  // a blank command is not a cell; dropped
            }
            out += "\n"
            if NotebookCell.isValidID(cell.id), !written.contains(cell.id) {
                out += "@cell \(cell.id)\n"
                written.insert(cell.id)
            }
            switch cell.kind {
            case .command:
                out += source + "\n"
                for output in cell.outputs { writeBlock(output, to: &out) }
            case .note:
                for line in Bytes.lines(source) {
                    out += line.isEmpty ? "#\n" : "# " + line + "\n"
                }
            }
        }
        let facts = orderedFacts(notebook)
        if !facts.isEmpty {
            out += "\n@volatile\n"
            for (id, key, value) in facts { out += "\(id) \(key)=\(oneLine(value))\n" }
            out += "@end\n"
        }
        return out
    }

    private static func writeBlock(_ output: NotebookOutput, to out: inout String) {
        let text: String
        switch output {
        case .text(let t): out += "@text\n"; text = t
        case .warning(let t): out += "@warning\n"; text = t
        case .error(let t): out += "@error\n"; text = t
        case .figure(let title, let svg, let spec):
            out += title.isEmpty ? "@figure\n" : "@figure \(oneLine(title))\n"
            text = svg
            if let spec {
                writeLines(text, to: &out)
                out += "@vegalite\n"
                writeLines(spec, to: &out)
                return
            }
        case .dashboard(let dashboard):
            out += dashboard.title.isEmpty ? "@dashboard\n" : "@dashboard \(oneLine(dashboard.title))\n"
            var sections = ["@shared\n" + sectionText(dashboard.shared)]
            for frame in dashboard.frames { sections.append("@epoch \(max(0, frame.epoch))\n" + sectionText(frame.svg)) }
            text = sections.joined(separator: "\n")
        }
        writeLines(text, to: &out)
    }

    /// `text` as block lines (`| …`, an empty line as `|`) and the closing `@end`.
    private static func writeLines(_ text: String, to out: inout String) {
        for line in Bytes.lines(text) {
            out += line.isEmpty ? "|\n" : "| " + line + "\n"
        }
        out += "@end\n"
    }

    /// A dashboard section's text with every line that starts with '@' (which would read as a section line) shifted by
    /// a space; `Notebook.validate()` refuses such text, `serialize` only keeps the result readable.
    private static func sectionText(_ text: String) -> String {
        guard text.utf8.contains(UInt8(ascii: "@")) else { return text }
        return Bytes.lines(text).map { Bytes.starts($0, "@") ? " " + $0 : $0 }.joined(separator: "\n")
    }

    /// Volatile facts in file order: ids in cell order, then ids of absent cells sorted; keys sorted.
    static func orderedFacts(_ notebook: Notebook) -> [(String, String, String)] {
        var ids: [String] = []
        var seen = Set<String>()
        for cell in notebook.cells where notebook.volatile[cell.id] != nil && !seen.contains(cell.id) {
            ids.append(cell.id)
            seen.insert(cell.id)
        }
        ids += notebook.volatile.keys.filter { !seen.contains($0) }.sorted()
        var result: [(String, String, String)] = []
        for id in ids where NotebookCell.isValidID(id) {
            for (key, value) in notebook.volatile[id]!.sorted(by: { $0.key < $1.key }) where isValidFactKey(key) {
                result.append((id, key, value))
            }
        }
        return result
    }

    static func isValidFactKey(_ key: String) -> Bool {
        !key.isEmpty && key.unicodeScalars.allSatisfy { $0.isFactKeyCharacter }
    }

    private static func oneLine(_ s: String) -> String {
        s.utf8.contains(0x0A) ? Bytes.lines(s).joined(separator: " ") : s
    }

    private static func writableCommand(_ s: String) -> String {
        let line = oneLine(s)
        if let first = line.unicodeScalars.first, first == "@" || first == "#" || first == "|" { return " " + line }
        return line
    }

    /// Everything that keeps `serialize` from round-tripping exactly.
    static func problems(in notebook: Notebook) -> [String] {
        var problems: [String] = []
        var ids = Set<String>()
        for (index, cell) in notebook.cells.enumerated() {
            let name = "cell \(index + 1) (id '\(cell.id)')"
            if !NotebookCell.isValidID(cell.id) {
                problems.append("\(name): a cell id is 1 to 64 characters from A-Z a-z 0-9 - _")
            } else if !ids.insert(cell.id).inserted {
                problems.append("\(name): duplicate cell id")
            }
            switch cell.kind {
            case .command:
                if cell.source.utf8.contains(0x0A) { problems.append("\(name): a command is one line") }
                if Bytes.isBlank(cell.source) { problems.append("\(name): a command is not blank") }
                if let first = cell.source.unicodeScalars.first, first == "@" || first == "#" || first == "|" {
                    problems.append("\(name): a command does not start with '\(first)'")
                }
                for case .figure(let title, _, _) in cell.outputs where title.utf8.contains(0x0A) {
                    problems.append("\(name): a figure title is one line")
                }
                for case .dashboard(let dashboard) in cell.outputs {
                    if dashboard.title.utf8.contains(0x0A) { problems.append("\(name): a dashboard title is one line") }
                    if dashboard.frames.contains(where: { $0.epoch < 0 }) { problems.append("\(name): a dashboard epoch is ≥ 0") }
                    let texts = [dashboard.shared] + dashboard.frames.map(\.svg)
                    if texts.contains(where: { Bytes.lines($0).contains { Bytes.starts($0, "@") } }) {
                        problems.append("\(name): a dashboard figure has no line starting with '@'")
                    }
                }
            case .note:
                if !cell.outputs.isEmpty { problems.append("\(name): a note has no outputs") }
            }
        }
        for (id, facts) in notebook.volatile.sorted(by: { $0.key < $1.key }) {
            if !NotebookCell.isValidID(id) { problems.append("volatile facts: '\(id)' is not a cell id") }
            for (key, value) in facts.sorted(by: { $0.key < $1.key }) {
                if !isValidFactKey(key) { problems.append("volatile facts of '\(id)': bad key '\(key)' (A-Z a-z 0-9 . _ -)") }
                if value.utf8.contains(0x0A) { problems.append("volatile facts of '\(id)': the value of '\(key)' is one line") }
            }
        }
        return problems
    }
}
