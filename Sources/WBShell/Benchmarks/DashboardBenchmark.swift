import Dispatch
import Foundation
import WBNotebook
import WBPlotting
import WBTraining

/// Times the dashboard and sizes its report, on a paper-config run: by default one trained here for 49 epochs with a
/// checkpoint every epoch (50 checkpoints, early weights), or a copy of up to 50 checkpoints of an existing run (its
/// selection, else all, evenly thinned; its analysis cache is copied too and the original is never written).
///
/// Lines (`key=value`): `dashboard.over_<n>_s` (`dashboard over range`, analyses from the cache when present),
/// `dashboard.html_<n>_kb` and `dashboard.wbnb_<n>_kb` (the exported report and the notebook holding it),
/// `dashboard.step_cached_ms` (one step of the live dashboard to a checkpoint not shown before: analyses read from the
/// disk cache, activations computed, layout at 160 × 50), `dashboard.step_revisit_ms` (a checkpoint shown before) and
/// `dashboard.layout_ms` (the terminal layout alone); medians.
public enum DashboardBenchmark {
    public static func run(source: URL? = nil, checkpoints: Int = 50, threads: Int = 2) throws -> [String] {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("wb-dashboard-bench-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let runs = scratch.appendingPathComponent("runs", isDirectory: true)
        try FileManager.default.createDirectory(at: runs, withIntermediateDirectories: true)
        func executor() -> CommandExecutor { CommandExecutor(session: Session(runsRoot: runs, home: scratch.appendingPathComponent("home"))) }
        func perform(_ executor: CommandExecutor, _ line: String) throws -> CellOutput {
            var output = CellOutput()
            for command in try Parser.parse(line) { output.append(contentsOf: try executor.execute(command)) }
            return output
        }
        func milliseconds(_ body: () throws -> Void) rethrows -> Double {
            let start = DispatchTime.now().uptimeNanoseconds
            try body()
            return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
        }
        func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

        let first = executor()
        var described: String
        if let source {
            let name = try copy(source, into: runs, checkpoints: checkpoints)
            _ = try perform(first, "load \(name)")
            described = "\(source.path) (\(checkpoints) checkpoints copied)"
        } else {
            let last = checkpoints - 1
            _ = try perform(first, "train epochs=\(last) checkpoints=\"0..\(last) step 1\" threads=\(threads) name=bench")
            described = "paper config trained here for \(last) epochs, a checkpoint every epoch"
        }
        let run = try first.requireRun()
        let config = run.record.config
        var lines = ["dashboard.config=p=\(config.p) d_model=\(config.dModel) d_mlp=\(config.dMLP) threads=\(threads) "
            + "checkpoints=\(run.navigableEpochs.count) source=\(described)"]

        // The report over every checkpoint.
        var over = CellOutput()
        let overSeconds = try milliseconds { over = try perform(first, "dashboard over range") } / 1000
        let outputs = NotebookRecorder.outputs(over, error: nil)
        let notebook = Notebook(cells: [NotebookCell(id: "c1", kind: .command, source: "dashboard over range", outputs: outputs)])
        let html = NotebookExport.html(notebook)
        let count = run.navigableEpochs.count
        lines.append(String(format: "dashboard.over_%d_s=%.2f", count, overSeconds))
        lines.append(String(format: "dashboard.html_%d_kb=%.0f", count, Double(html.utf8.count) / 1024))
        lines.append(String(format: "dashboard.wbnb_%d_kb=%.0f", count, Double(notebook.serialized().utf8.count) / 1024))

        // Stepping as the live dashboard does, in a fresh session: analyses from the disk cache, activations computed.
        let stepper = executor()
        _ = try perform(stepper, "load \(run.name)")
        let builder = try stepper.dashboardBuilder()
        let epochs = run.navigableEpochs
        let neurons = builder.representativeNeurons(at: epochs.last!, results: try builder.analyses([epochs.last!], context: ExecutionContext(), label: ""))
        let layout = DashboardTerminalLayout(width: 160, height: 50, colorMode: .trueColor, footer: "bench")
        var shown: [Dashboard] = []
        func step(_ epoch: Int) throws {
            let results = try builder.analyses([epoch], context: ExecutionContext(), label: "")
            let dashboard = try builder.dashboard(at: epoch, neurons: neurons, results: results)
            _ = try layout.render(dashboard)
            shown.append(dashboard)
        }
        let sample = Array(epochs.dropLast().prefix(20))
        let cached = try sample.map { epoch in try milliseconds { try step(epoch) } }
        let revisit = try sample.map { epoch in try milliseconds { try step(epoch) } }
        let layoutOnly = try shown.prefix(20).map { dashboard in try milliseconds { _ = try layout.render(dashboard) } }
        lines.append(String(format: "dashboard.step_cached_ms=%.1f", median(cached)))
        lines.append(String(format: "dashboard.step_revisit_ms=%.1f", median(revisit)))
        lines.append(String(format: "dashboard.layout_ms=%.1f", median(layoutOnly)))
        return lines
    }

    /// Copies config, metrics, log, selection and analysis cache of `source`, and up to `checkpoints` of its selected
    /// checkpoints (evenly thinned, the last kept: the analyses' reference) into `runs`; returns the copy's name.
    static func copy(_ source: URL, into runs: URL, checkpoints: Int) throws -> String {
        let original = RunFolder(url: source)
        let loaded = try LoadedRun.open(original)
        let fm = FileManager.default
        let target = runs.appendingPathComponent(loaded.name, isDirectory: true)
        try fm.createDirectory(at: target.appendingPathComponent("checkpoints"), withIntermediateDirectories: true)
        for file in ["config.json", "metrics.csv", "train.log", "analysis"] {
            let from = source.appendingPathComponent(file)
            if fm.fileExists(atPath: from.path) { try fm.copyItem(at: from, to: target.appendingPathComponent(file)) }
        }
        var epochs = loaded.navigableEpochs
        if epochs.count > checkpoints {
            epochs = (0..<checkpoints).map { epochs[Int((Double($0) * Double(epochs.count - 1) / Double(checkpoints - 1)).rounded())] }
        }
        if let last = loaded.checkpoints.last, !epochs.contains(last) { epochs[epochs.count - 1] = last }
        for epoch in epochs {
            try fm.copyItem(at: original.checkpointURL(epoch: epoch),
                            to: target.appendingPathComponent("checkpoints").appendingPathComponent(original.checkpointURL(epoch: epoch).lastPathComponent))
        }
        return loaded.name
    }
}
