import Foundation
import WBSupport

/// A wb notebook: the commands typed at the `wb>` prompt, the notes between them, and what each command returned.
///
/// The on-disk form is the `.wbnb` text format (see `docs/wbnb-format.md`). A notebook is data: reading one never
/// runs anything.
///
/// ```swift
/// var notebook = try Notebook.read(from: URL(fileURLWithPath: "grok.wbnb"))
/// notebook.append(NotebookCell(kind: .command, source: "plot loss", outputs: [.text("ok")]))
/// try notebook.write(to: URL(fileURLWithPath: "grok.wbnb"))
/// ```
public struct Notebook: Equatable, Sendable {
    /// The newest `.wbnb` format version this module reads and writes. Version 2 added the `@dashboard` block, version 3
    /// the `@vegalite` block (a figure's interactive form); a notebook without them is still written with the lowest
    /// version that holds it (`requiredFormatVersion`), so older readers keep reading it.
    public static let formatVersion: Int = 3
    /// Every version this module reads.
    public static let readableVersions: ClosedRange<Int> = 1...3

    /// The lowest version that can hold this notebook: 3 when a figure carries a Vega-Lite spec, 2 when it has a
    /// dashboard, else 1. The writer's header.
    public var requiredFormatVersion: Int {
        func any(_ test: (NotebookOutput) -> Bool) -> Bool { cells.contains { $0.outputs.contains(where: test) } }
        if any({ if case .figure(_, _, .some) = $0 { return true } else { return false } }) { return 3 }
        return any({ if case .dashboard = $0 { return true } else { return false } }) ? 2 : 1
    }

    /// The cells, in order.
    public var cells: [NotebookCell]
    /// Facts that change from run to run (wall time, date, machine), by cell id, kept apart from the outputs.
    public var volatile: [String: [String: String]]

    public init(cells: [NotebookCell] = [], volatile: [String: [String: String]] = [:]) {
        self.cells = cells
        self.volatile = volatile
    }

    /// Parses `.wbnb` text. `path` only names the file in error messages.
    /// - Throws: `NotebookError` with the line number and what was expected.
    public static func parse(_ text: String, path: String? = nil) throws -> Notebook {
        try NotebookParser(text: text, path: path).parse()
    }

    /// Reads and parses a `.wbnb` file.
    public static func read(from url: URL) throws -> Notebook {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw NotebookError(line: nil, message: "cannot read the notebook: \(error.localizedDescription)", path: url.path)
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw NotebookError(line: UTF8Check.lineOfFirstInvalidByte(data), message: "the file is not valid UTF-8 text",
                                path: url.path)
        }
        return try parse(text, path: url.path)
    }

    /// The canonical `.wbnb` text. Reading it back gives an equal notebook (for a notebook that passes `validate()`).
    public func serialized() -> String {
        NotebookWriter.serialize(self)
    }

    /// Validates, then writes atomically: a temporary file in the same folder, `fsync`, rename over `url`.
    public func write(to url: URL) throws {
        try validate()
        do { try AtomicFile.write(Data(serialized().utf8), to: url) } catch let error as AtomicFileError {
            throw NotebookError(line: nil, message: "cannot write: \(error.reason)", path: url.path)
        }
    }

    /// Throws the first problem that would keep `serialized()` from round-tripping exactly.
    public func validate() throws {
        if let problem = NotebookWriter.problems(in: self).first {
            throw NotebookError(line: nil, message: problem)
        }
    }

    /// The first markdown heading of the first note, if any.
    public var title: String? {
        guard let note = cells.first(where: { $0.kind == .note }) else { return nil }
        return MarkdownHeadings.atx(in: note.source).first?.text
    }

    /// Appends a cell; gives it a fresh unique id if its id is empty or already used.
    public mutating func append(_ cell: NotebookCell) {
        var cell = cell
        if cell.id.isEmpty || cells.contains(where: { $0.id == cell.id }) {
            cell.id = newCellID()
        }
        cells.append(cell)
    }

    /// An id unused in this notebook: `cN`, counting up from the position a new cell would take.
    public func newCellID() -> String {
        let used = Set(cells.map(\.id))
        var n = cells.count + 1
        while used.contains("c\(n)") { n += 1 }
        return "c\(n)"
    }
}

/// One cell: a command (one line at the `wb>` prompt, with its outputs) or a note (markdown).
public struct NotebookCell: Equatable, Sendable {
    /// A command line with its outputs, or a markdown note.
    public enum Kind: String, Sendable { case command, note }

    /// Stable id, `[A-Za-z0-9_-]{1,64}`, unique in its notebook. Empty means "assign one" (see `Notebook.append`).
    public var id: String
    public var kind: Kind
    /// One command line, or markdown (may be multi-line).
    public var source: String
    /// What the command returned, in order. Command cells only.
    public var outputs: [NotebookOutput]

    public init(id: String = "", kind: Kind, source: String, outputs: [NotebookOutput] = []) {
        self.id = id
        self.kind = kind
        self.source = source
        self.outputs = outputs
    }

    /// Whether `id` is a valid cell id: 1 to 64 characters from `A–Z a–z 0–9 - _`.
    public static func isValidID(_ id: String) -> Bool {
        let scalars = id.unicodeScalars
        return (1...64).contains(scalars.count) && scalars.allSatisfy { $0.isIDCharacter }
    }
}

/// One recorded output of a command.
public enum NotebookOutput: Equatable, Sendable {
    case text(String)
    case warning(String)
    case error(String)
    /// A self-contained `<svg>…</svg>` (ids already prefixed per figure) and, when the figure has one, its Vega-Lite v5
    /// spec (JSON text), which Jupyter front ends draw interactively (format version 3). Reports use the SVG.
    case figure(title: String, svg: String, vegaLite: String? = nil)
    /// Dashboards of many checkpoints, shown in the HTML export with one slider (format version 2).
    case dashboard(NotebookDashboard)
}

/// The dashboard of many checkpoints as a notebook stores it: a loss chart drawn once, whose epoch indicators are
/// alternatives (one `<g class="wbi">` per frame, in frame order, inside `<g class="wbis">`), and one figure per
/// checkpoint with everything else. The HTML export shows one frame and its indicator at a time, chosen with a
/// CSS-only slider.
public struct NotebookDashboard: Equatable, Sendable {
    /// One checkpoint: its epoch and its self-contained `<svg>…</svg>`.
    public struct Frame: Equatable, Sendable {
        public var epoch: Int
        public var svg: String
        public init(epoch: Int, svg: String) {
            self.epoch = epoch
            self.svg = svg
        }
    }

    public var title: String
    /// The shared `<svg>…</svg>` (the loss curves and the selection, with one switchable epoch indicator per frame).
    public var shared: String
    /// In slider order (ascending epochs when recorded by wb).
    public var frames: [Frame]

    public init(title: String, shared: String, frames: [Frame]) {
        self.title = title
        self.shared = shared
        self.frames = frames
    }
}

/// A notebook that cannot be read or written, with the line (1-based) where the problem is, when there is one.
public struct NotebookError: Error, CustomStringConvertible, Equatable {
    public let line: Int?
    public let message: String
    public let path: String?

    public init(line: Int?, message: String, path: String? = nil) {
        self.line = line
        self.message = message
        self.path = path
    }

    /// `path:line: message`, as compilers print it.
    public var description: String {
        var prefix = path ?? "notebook"
        if let line { prefix += ":\(line)" }
        return "\(prefix): \(message)"
    }
}

extension Unicode.Scalar {
    var isIDCharacter: Bool {
        switch value {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A, 0x2D, 0x5F: return true
        default: return false
        }
    }

    var isFactKeyCharacter: Bool { isIDCharacter || value == 0x2E }
}

enum UTF8Check {
    /// The 1-based line holding the first byte that is not valid UTF-8.
    static func lineOfFirstInvalidByte(_ data: Data) -> Int {
        var iterator = data.makeIterator()
        var decoder = UTF8()
        var line = 1
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar): if scalar == "\n" { line += 1 }
            case .emptyInput: return line
            case .error: return line
            }
        }
    }
}

/// ATX headings (`# Title`) of a markdown text, outside fenced code blocks.
enum MarkdownHeadings {
    static func atx(in markdown: String) -> [(level: Int, text: String)] {
        var result: [(Int, String)] = []
        var fence: String?
        for rawLine in markdown.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = Substring(rawLine)
            if line.hasSuffix("\r") { line = line.dropLast() }
            let indent = line.prefix(while: { $0 == " " }).count
            guard indent <= 3 else { continue }
            let body = line.dropFirst(indent)
            if let open = fence {
                if body.hasPrefix(open) { fence = nil }
                continue
            }
            if body.hasPrefix("```") || body.hasPrefix("~~~") {
                fence = String(body.prefix(3))
                continue
            }
            let hashes = body.prefix(while: { $0 == "#" }).count
            guard (1...6).contains(hashes) else { continue }
            let rest = body.dropFirst(hashes)
            guard rest.isEmpty || rest.first == " " || rest.first == "\t" else { continue }
            var text = rest.trimmingCharacters(in: .whitespaces)
            // A closing sequence of #s (preceded by a space, or the whole text) is not part of the heading.
            let trailing = text.reversed().prefix(while: { $0 == "#" }).count
            if trailing > 0 {
                let kept = text.dropLast(trailing)
                if kept.isEmpty || kept.last == " " || kept.last == "\t" {
                    text = kept.trimmingCharacters(in: .whitespaces)
                }
            }
            if !text.isEmpty { result.append((hashes, text)) }
        }
        return result
    }
}
