import Foundation

/// Reads `.wbnb` text (format described in `docs/wbnb-format.md`). Every refusal names the line and what was expected.
struct NotebookParser {
    private let path: String?
    private var lines: [String] = []

    init(text: String, path: String?) {
        self.path = path
        var text = text
        if text.unicodeScalars.first == "\u{FEFF}" { text.unicodeScalars.removeFirst() }
        var split = Bytes.lines(text)
        if split.last == "" { split.removeLast() }  // the final newline ends the last line
        if let first = split.first, first.utf8.last == 13 {
            // A CR LF file: every line was terminated by CR LF.
            let terminated = text.utf8.last == 0x0A ? split.count : split.count - 1
            for i in 0..<terminated where split[i].utf8.last == 13 { split[i] = Bytes.drop(split[i], last: 1) }
        }
        lines = split
    }

    private struct PendingID { let id: String; let line: Int }

    private func error(_ line: Int, _ message: String) -> NotebookError {
        NotebookError(line: line, message: message, path: path)
    }

    func parse() throws -> Notebook {
        var cells: [NotebookCell] = []
        var explicit: [Bool] = []
        var idLines: [String: Int] = [:]
        var volatile: [String: [String: String]] = [:]
        var pending: PendingID?
        var noteOpen = false       // the previous line was a note line of cells.last
        var outputsAllowed = false // cells.last is a command that outputs may follow
        var volatileEnded = false
        var version = 1            // a file without a header is version 1
        var i = 0

        func startCell(_ kind: NotebookCell.Kind, _ source: String) {
            cells.append(NotebookCell(id: pending?.id ?? "", kind: kind, source: source))
            explicit.append(pending != nil)
            pending = nil
        }

        while i < lines.count {
            let line = lines[i]
            let number = i + 1
            if i == 0, Bytes.starts(line, "@wbnb") {
                version = try checkHeader(line)
                i += 1
                continue
            }
            if Bytes.isBlank(line) {
                noteOpen = false
                i += 1
                continue
            }
            if volatileEnded {
                throw error(number, "only blank lines may follow the @volatile section; it must come after all cells")
            }
            let first = line.unicodeScalars.first!
            switch first {
            case "#":
                let text = Bytes.drop(line, first: Bytes.starts(line, "# ") ? 2 : 1)
                if noteOpen, pending == nil {
                    cells[cells.count - 1].source += "\n" + text
                } else {
                    startCell(.note, String(text))
                    noteOpen = true
                }
                outputsAllowed = false
                i += 1
            case "|":
                throw error(number, "an output line ('|') outside an output block; expected a command, a note ('# …'), "
                    + "or a marker such as @text before it")
            case "@":
                let marker = Bytes.firstWord(line)
                let rest = Bytes.drop(line, first: marker.utf8.count)
                switch marker {
                case "@wbnb":
                    throw error(number, "the '@wbnb' header must be the first line of the file")
                case "@cell":
                    if let pending {
                        throw error(number, "expected a command line or note lines for '@cell \(pending.id)' "
                            + "(line \(pending.line)) before another @cell")
                    }
                    let id = Bytes.drop(rest, first: 1)
                    guard Bytes.starts(rest, " "), NotebookCell.isValidID(id) else {
                        throw error(number, "expected '@cell ID' with an id of 1 to 64 characters from A-Z a-z 0-9 - _")
                    }
                    if let firstLine = idLines[id] {
                        throw error(number, "duplicate cell id '\(id)' (first used on line \(firstLine))")
                    }
                    idLines[id] = number
                    pending = PendingID(id: id, line: number)
                    noteOpen = false
                    outputsAllowed = false
                    i += 1
                case "@text", "@warning", "@error", "@figure", "@dashboard", "@vegalite":
                    if marker == "@dashboard", version < 2 {
                        throw error(number, "a @dashboard block needs format version 2: the first line must be '@wbnb 2'"
                            + (i > 0 && Bytes.starts(lines[0], "@wbnb") ? ", not '\(lines[0])'" : ""))
                    }
                    if marker == "@vegalite", version < 3 {
                        throw error(number, "a @vegalite block needs format version 3: the first line must be '@wbnb 3'"
                            + (i > 0 && Bytes.starts(lines[0], "@wbnb") ? ", not '\(lines[0])'" : ""))
                    }
                    if let pending {
                        throw error(number, "expected a command line or note lines for '@cell \(pending.id)' "
                            + "(line \(pending.line)) before its outputs")
                    }
                    guard outputsAllowed else {
                        if cells.last?.kind == .note {
                            throw error(number, "output block after a note; outputs belong to command cells")
                        }
                        throw error(number, "output block before any command; outputs follow their command line")
                    }
                    let (output, next) = try readBlock(kind: marker, rest: rest, at: i)
                    if case .text(let spec) = output, marker == "@vegalite" {
                        // The interactive form of the figure just before it, in the same cell.
                        guard case .figure(let title, let svg, nil)? = cells[cells.count - 1].outputs.last else {
                            throw error(number, "a @vegalite block follows the @figure block it belongs to (one per figure)")
                        }
                        cells[cells.count - 1].outputs[cells[cells.count - 1].outputs.count - 1] = .figure(title: title, svg: svg, vegaLite: spec)
                    } else {
                        cells[cells.count - 1].outputs.append(output)
                    }
                    noteOpen = false
                    i = next
                case "@end":
                    throw error(number, "'@end' without an open block")
                case "@volatile":
                    if let pending {
                        throw error(number, "expected a command line or note lines for '@cell \(pending.id)' "
                            + "(line \(pending.line)) before @volatile")
                    }
                    guard rest.isEmpty else { throw error(number, "expected '@volatile' alone on its line") }
                    i = try readVolatile(from: i, into: &volatile)
                    volatileEnded = true
                default:
                    throw error(number, "unknown marker '\(marker)'; expected one of @cell, @text, @warning, @error, "
                        + "@figure, @vegalite, @dashboard, @volatile (a command never starts with '@')")
                }
            default:
                startCell(.command, line)
                noteOpen = false
                outputsAllowed = true
                i += 1
            }
        }
        if let pending {
            throw error(max(lines.count, 1), "the file ends after '@cell \(pending.id)' (line \(pending.line)); "
                + "expected a command line or note lines")
        }

        // Cells without @cell get cN (N = position), or cN-2, cN-3, … when that id is taken.
        var used = Set(idLines.keys)
        for index in cells.indices where !explicit[index] {
            let base = "c\(index + 1)"
            var candidate = base
            var suffix = 2
            while used.contains(candidate) {
                candidate = "\(base)-\(suffix)"
                suffix += 1
            }
            used.insert(candidate)
            cells[index].id = candidate
        }
        return Notebook(cells: cells, volatile: volatile)
    }

    /// The version the header declares; refuses versions this module does not read.
    private func checkHeader(_ line: String) throws -> Int {
        let parts = line.split(separator: " ", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0] == "@wbnb", !parts[1].isEmpty, parts[1].allSatisfy({ $0.isASCII && $0.isNumber })
        else {
            throw error(1, "expected '@wbnb \(Notebook.formatVersion)' (the format name and its version) on the first line")
        }
        let readable = Notebook.readableVersions
        guard let version = Int(parts[1]), readable.contains(version) else {
            throw error(1, "unsupported notebook format version \(parts[1]); this wb reads versions \(readable.lowerBound) "
                + "to \(readable.upperBound)")
        }
        return version
    }

    /// Reads an output block whose marker is on line index `start`; returns the output and the index after `@end`.
    private func readBlock(kind: String, rest: String, at start: Int) throws -> (NotebookOutput, Int) {
        let opened = start + 1
        var title = ""
        if kind == "@figure" || kind == "@dashboard" {
            if !rest.isEmpty {
                guard Bytes.starts(rest, " ") else { throw error(opened, "expected '\(kind) TITLE' or '\(kind)'") }
                title = Bytes.drop(rest, first: 1)
            }  // rest starts with the space after the marker
        } else if !rest.isEmpty {
            throw error(opened, "expected '\(kind)' alone on its line (only @figure and @dashboard take a title)")
        }
        var content: [String] = []
        var j = start + 1
        while true {
            guard j < lines.count else {
                throw error(max(lines.count, 1), "the file ends inside the \(kind) block opened on line \(opened); "
                    + "expected '| …' lines and '@end'")
            }
            let line = lines[j]
            if Bytes.equal(line, "@end") { break }
            if Bytes.equal(line, "|") {
                content.append("")
            } else if Bytes.starts(line, "| ") {
                content.append(Bytes.drop(line, first: 2))
            } else {
                throw error(j + 1, "expected '| ' followed by output text, or '@end' to close the \(kind) block "
                    + "opened on line \(opened)")
            }
            j += 1
        }
        guard !content.isEmpty else {
            throw error(j + 1, "the \(kind) block opened on line \(opened) is empty; it holds at least one '|' line "
                + "(an empty output is a single '|')")
        }
        let text = content.joined(separator: "\n")
        let output: NotebookOutput
        switch kind {
        case "@text", "@vegalite": output = .text(text)
        case "@warning": output = .warning(text)
        case "@error": output = .error(text)
        case "@dashboard": output = .dashboard(try dashboard(title: title, content: content, firstLine: start + 2, opened: opened))
        default: output = .figure(title: title, svg: text)
        }
        return (output, j + 1)
    }

    /// The sections of a `@dashboard` block's content: `@shared`, then any number of `@epoch N`, each followed by its
    /// text (the lines up to the next section line). `firstLine` is the 1-based line of the first content line.
    private func dashboard(title: String, content: [String], firstLine: Int, opened: Int) throws -> NotebookDashboard {
        guard Bytes.equal(content[0], "@shared") else {
            throw error(firstLine, "expected '| @shared' as the first line of the @dashboard block opened on line \(opened)")
        }
        var sections: [(epoch: Int?, lines: [String], line: Int)] = [(nil, [], firstLine)]
        for (k, line) in content.enumerated().dropFirst() {
            let number = firstLine + k
            guard Bytes.starts(line, "@") else {
                sections[sections.count - 1].lines.append(line)
                continue
            }
            let words = line.split(separator: " ", omittingEmptySubsequences: false)
            guard words.count == 2, words[0] == "@epoch" else {
                throw error(number, "expected '| @epoch N' or figure lines in the @dashboard block opened on line \(opened); "
                    + "a figure line never starts with '@'")
            }
            let digits = words[1]
            guard !digits.isEmpty, digits.utf8.allSatisfy({ (0x30...0x39).contains($0) }), digits == "0" || digits.first != "0",
                  let epoch = Int(digits) else {
                throw error(number, "expected '| @epoch N' with N a whole number (0, 1, 2, … without leading zeros)")
            }
            sections.append((epoch, [], number))
        }
        for section in sections where section.lines.isEmpty {
            let name = section.epoch.map { "'@epoch \($0)'" } ?? "'@shared'"
            throw error(section.line, "\(name) is followed by no figure lines; expected at least one '|' line before the next section")
        }
        return NotebookDashboard(title: title, shared: sections[0].lines.joined(separator: "\n"),
                                 frames: sections.dropFirst().map { .init(epoch: $0.epoch!, svg: $0.lines.joined(separator: "\n")) })
    }

    /// Reads `@volatile` … `@end` starting at line index `start`; returns the index after `@end`.
    private func readVolatile(from start: Int, into facts: inout [String: [String: String]]) throws -> Int {
        var seen: [String: Int] = [:]
        var j = start + 1
        while true {
            guard j < lines.count else {
                throw error(max(lines.count, 1), "the file ends inside the @volatile section opened on line \(start + 1); "
                    + "expected 'ID KEY=VALUE' lines and '@end'")
            }
            let line = lines[j]
            let number = j + 1
            if Bytes.equal(line, "@end") { return j + 1 }
            if Bytes.isBlank(line) { j += 1; continue }
            let utf8 = line.utf8
            guard let space = utf8.firstIndex(of: UInt8(ascii: " ")),
                  let equals = utf8[space...].firstIndex(of: UInt8(ascii: "=")) else {
                throw error(number, "expected 'ID KEY=VALUE' (a volatile fact) or '@end' to close the @volatile section")
            }
            let id = String(decoding: utf8[..<space], as: UTF8.self)
            let key = String(decoding: utf8[utf8.index(after: space)..<equals], as: UTF8.self)
            let value = String(decoding: utf8[utf8.index(after: equals)...], as: UTF8.self)
            guard NotebookCell.isValidID(id) else {
                throw error(number, "expected a cell id (A-Z a-z 0-9 - _) at the start of the volatile fact")
            }
            guard !key.isEmpty, key.unicodeScalars.allSatisfy({ $0.isFactKeyCharacter }) else {
                throw error(number, "expected a fact key of A-Z a-z 0-9 . _ - between the id and '='")
            }
            let slot = id + " " + key
            if let firstLine = seen[slot] {
                throw error(number, "duplicate volatile fact '\(key)' for cell '\(id)' (first on line \(firstLine))")
            }
            seen[slot] = number
            facts[id, default: [:]][key] = value
            j += 1
        }
    }
}

/// Byte-level (UTF-8) string helpers: markers and prefixes are ASCII, and matching them by bytes keeps a combining mark
/// after `# ` or `| ` from merging with the space (Swift's `Character` would), so text round-trips exactly.
enum Bytes {
    static func starts(_ s: String, _ prefix: String) -> Bool { s.utf8.starts(with: prefix.utf8) }
    static func equal(_ s: String, _ other: String) -> Bool { s.utf8.elementsEqual(other.utf8) }
    static func drop(_ s: String, first n: Int) -> String { String(decoding: s.utf8.dropFirst(n), as: UTF8.self) }
    static func drop(_ s: String, last n: Int) -> String { String(decoding: s.utf8.dropLast(n), as: UTF8.self) }
    static func isBlank(_ s: some StringProtocol) -> Bool { s.utf8.allSatisfy { $0 == 0x20 || $0 == 0x09 } }
    static func firstWord(_ s: String) -> String {
        String(decoding: s.utf8.prefix(while: { $0 != 0x20 }), as: UTF8.self)
    }
    /// Splits at LF only (a CR stays in its line).
    static func lines(_ s: String) -> [String] {
        s.utf8.split(separator: 0x0A, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
    }
}
