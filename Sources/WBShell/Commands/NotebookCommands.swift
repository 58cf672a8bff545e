import Foundation
import WBNotebook
import WBTraining
import WBSupport

extension CommandExecutor {
    /// `save PATH`: the session's notebook continues at PATH.
    func save(_ path: String) throws -> CellOutput {
        guard let recorder = session.recorder else {
            throw ShellError("this session is not recorded (only the interactive prompt records); nothing to save")
        }
        let url = try session.writableURL(path, extension: "wbnb")
        try recorder.move(to: url)
        return .text("notebook saved to \(Session.displayPath(url)); recording continues there")
    }
}

extension CommandExecutor {
    /// `export [to FILE]`: the notebook being recorded (or replayed) as it stands, as HTML or .ipynb.
    func export(_ path: String?) throws -> CellOutput {
        var source: (notebook: Notebook, url: URL)
        if let replaying = session.replaying {
            source = replaying()
        } else if let recorder = session.recorder {
            source = (recorder.notebook, recorder.url)
        } else {
            throw ShellError("this session is not recorded (only the prompt and `wb run` keep a notebook); use `wb export NOTEBOOK.wbnb`")
        }
        // What the commands before `export` on its own line returned belongs in the report (the line's cell is recorded
        // when the line ends).
        if let line = session.lineInProgress, !line.output.blocks.isEmpty {
            source.notebook.append(NotebookCell(kind: .command, source: line.source,
                                                outputs: NotebookRecorder.outputs(line.output, error: nil)))
        }
        let target: URL
        if let path {
            target = try session.writableURL(path, extension: path.lowercased().hasSuffix(".ipynb") ? "ipynb" : "html")
        } else {
            let html = source.url.deletingPathExtension().appendingPathExtension("html")
            target = try session.writableURL(html.path, extension: "html")
        }
        try NotebookReport.write(source.notebook, to: target, ipynb: target.pathExtension.lowercased() == "ipynb", session: session)
        return .text("wrote \(Session.displayPath(target)) (\(source.notebook.cells.count) cells)")
    }
}

/// Writes a notebook as a report: one self-contained HTML page (with each run's config, read from the runs folder) or,
/// for a `.ipynb` target, a Jupyter notebook. Atomic. Shared by `export` at the prompt and `wb export`.
public enum NotebookReport {
    /// Writes `notebook` to `target` (as a Jupyter notebook when `ipynb`, else HTML) and returns the bytes written.
    @discardableResult
    public static func write(_ notebook: Notebook, to target: URL, ipynb: Bool, session: Session) throws -> Int {
        let text: String
        if ipynb {
            text = NotebookExport.ipynb(notebook)
        } else {
            let runs = NotebookRuns.names(in: notebook).compactMap { name -> (name: String, config: String)? in
                guard let record = try? session.folder(for: name).readRecord() else { return nil }
                return (name, TrainingTemplate.describe(record.config))
            }
            text = NotebookExport.html(notebook, runs: runs)
        }
        try AtomicFile.write(text, to: target)
        return text.utf8.count
    }
}

extension Session {
    /// Where a command may write `path` (relative to the working folder). In a replayed notebook only the working folder
    /// and `$WB_HOME` are allowed, so a notebook from someone else cannot write elsewhere.
    func writableURL(_ path: String, extension required: String) throws -> URL {
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true)
        let url = URL(fileURLWithPath: path, relativeTo: cwd).standardizedFileURL
        guard url.pathExtension.lowercased() == required else { throw ShellError("'\(path)' must end in .\(required)") }
        if let roots = writeRoots {
            let inside = roots.contains { root in
                let base = root.standardizedFileURL.path
                return url.path == base || url.path.hasPrefix(base.hasSuffix("/") ? base : base + "/")
            }
            guard inside else {
                throw ShellError("'\(path)' is outside the working folder and $WB_HOME; a notebook may only write inside them")
            }
        }
        return url
    }
}

/// The run names a notebook's `train` cells create.
public enum NotebookRuns {
    public static func names(in notebook: Notebook) -> [String] {
        var names: [String] = []
        for cell in notebook.cells where cell.kind == .command {
            for command in (try? Parser.parse(cell.source)) ?? [] {
                guard case .train(let words) = command else { continue }
                let name = words.last { $0.lowercased().hasPrefix("name=") }.map { String($0.dropFirst(5)) } ?? TrainingConfig().name
                if !names.contains(name) { names.append(name) }
            }
        }
        return names
    }
}
