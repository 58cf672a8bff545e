import Foundation
import WBNotebook
import WBPlotting
import WBTraining

/// Records every executed line of a session as a notebook cell and saves the notebook atomically after each one, so a
/// crash loses nothing. Figures are stored as SVG; wall times and dates go to the notebook's volatile section.
public final class NotebookRecorder {
    public private(set) var url: URL
    public private(set) var notebook: Notebook

    /// Appends to the notebook at `url` when it exists (refusing a damaged one), else starts a new one there.
    public init(url: URL) throws {
        self.url = url
        notebook = FileManager.default.fileExists(atPath: url.path) ? try Notebook.read(from: url) : Notebook()
    }

    public func record(_ line: ExecutedLine) throws {
        if let note = line.note {
            notebook.append(NotebookCell(kind: .note, source: note))
        } else {
            notebook.append(NotebookCell(kind: .command, source: line.source, outputs: Self.outputs(line.output, error: line.error)))
            let id = notebook.cells[notebook.cells.count - 1].id
            notebook.volatile[id] = Self.facts(line)
        }
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try notebook.write(to: url)
    }

    /// `save PATH`: the recording continues at `newURL` (the old file is left as it was).
    public func move(to newURL: URL) throws {
        try FileManager.default.createDirectory(at: newURL.deletingLastPathComponent(), withIntermediateDirectories: true)
        try notebook.write(to: newURL)
        url = newURL
    }

    /// A dashboard over many checkpoints as the notebook stores it: the loss chart once, one figure per checkpoint.
    public static func dashboard(_ series: DashboardSeries) -> NotebookDashboard {
        let shared = SVGRenderer(options: .dashboardLoss)
            .render(Figure.dashboardLoss(series.curves, selection: series.selection, epochs: series.epochs))
        let renderer = SVGRenderer(options: .dashboard)
        return NotebookDashboard(title: series.title, shared: shared,
                                 frames: series.frames.map { .init(epoch: $0.epoch, svg: renderer.render(Figure.dashboardFrame($0))) })
    }

    /// The volatile facts of a line: its wall time, the date, the numeric kernels it ran on (`numerics`, see
    /// `NumericPlatform.kernels`; `wb run --check` compares exactly only on the same kernels), and what its commands
    /// reported.
    static func facts(_ line: ExecutedLine) -> [String: String] {
        var facts = line.output.facts
        facts["numerics"] = NumericPlatform.currentKernels
        facts["seconds"] = String(format: "%.2f", line.seconds)
        facts["date"] = ISO8601DateFormatter().string(from: Date())
        return facts
    }

    /// A command's output as notebook outputs: text, warnings, figures as SVG with their Vega-Lite spec, and the error
    /// that stopped it.
    public static func outputs(_ output: CellOutput, error: String?) -> [NotebookOutput] {
        var result: [NotebookOutput] = output.blocks.map { block in
            switch block {
            case .text(let s): return .text(s)
            case .warning(let s): return .warning(s)
            case .figure(let f):
                return .figure(title: f.title, svg: SVGRenderer(options: .report).render(f), vegaLite: VegaLiteRenderer().render(f))
            case .dashboard(let d):
                let figure = Figure.dashboard(d)
                return .figure(title: d.heading, svg: SVGRenderer(options: .dashboard).render(figure),
                               vegaLite: VegaLiteRenderer(options: .dashboard).render(figure))
            case .dashboardSeries(let series): return .dashboard(Self.dashboard(series))
            }
        }
        if let error { result.append(.error(error)) }
        return result
    }

    /// A new notebook path for a plain `wb` session: `Notebooks/` when the working folder has one and is not a checkout
    /// of wb itself (whose `Notebooks/` holds the shipped notebooks, never a session), else `$WB_HOME/notebooks`.
    public static func sessionURL(home: URL, now: Date = Date(), workingFolder: URL? = nil) -> URL {
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyy-MM-dd-HHmmss"
        formatter.locale = Locale(identifier: "en_US_POSIX")
        let working = workingFolder ?? URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true)
        let local = working.appendingPathComponent("Notebooks", isDirectory: true)
        var isFolder: ObjCBool = false
        let useLocal = FileManager.default.fileExists(atPath: local.path, isDirectory: &isFolder) && isFolder.boolValue
            && !isCheckoutOfWB(working)
        let folder = useLocal ? local : home.appendingPathComponent("notebooks", isDirectory: true)
        return folder.appendingPathComponent("session-\(formatter.string(from: now)).wbnb").standardizedFileURL
    }

    /// True for the root of a clone of wb's own sources (its package manifest next to `Sources/WBShell`).
    static func isCheckoutOfWB(_ folder: URL) -> Bool {
        let manager = FileManager.default
        return manager.fileExists(atPath: folder.appendingPathComponent("Package.swift").path)
            && manager.fileExists(atPath: folder.appendingPathComponent("Sources/WBShell").path)
    }
}
