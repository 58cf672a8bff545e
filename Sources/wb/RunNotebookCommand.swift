import ArgumentParser
import Foundation
import WBNotebook
import WBShell
import WBTraining

/// `wb run NOTEBOOK.wbnb`: replays a notebook from a fresh session and rewrites its outputs.
struct RunNotebookCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Replay a notebook in a fresh session and rewrite its outputs (atomically).",
        discussion: """
        Runs and analyses that already exist with the same config are reused, so a replay after a change is quick.
        Examples:
          wb run Notebooks/grokking.wbnb
          wb run Notebooks/grokking.wbnb --check           compare with the recorded outputs, exit 1 on a difference
                                                           (exactly on the numeric kernels that recorded them; on others,
                                                           numbers may drift: see --drift)
          wb run Notebooks/grokking.wbnb --set wd=0.3      override a config value of every train cell
          wb run Notebooks/grokking.wbnb --from 5 --fresh  re-run from cell 5; retrain from scratch
        """
    )

    @Argument(help: "The notebook (.wbnb).") var notebook: String
    @Flag(help: "Compare the new outputs with the recorded ones instead of rewriting; exit 1 with a diff when they differ.") var check = false
    @Option(name: .customLong("set"), help: "key=value for every train cell (repeatable).") var overrides: [String] = []
    @Option(help: "Re-run from this cell (1-based); earlier cells run but keep their outputs.") var from = 1
    @Option(help: "With --check, for cells recorded on other numeric kernels: the largest relative move of a printed number that passes (0.5 = 50 %).")
    var drift = OutputComparison.defaultDriftTolerance
    @Flag(help: "Retrain: delete the runs the notebook's train cells name, instead of reusing them.") var fresh = false
    @OptionGroup var location: RunLocation

    func run() throws {
        let url = URL(fileURLWithPath: notebook)
        let original: Notebook
        do { original = try Notebook.read(from: url) } catch { throw ValidationError("\(notebook): \(error)") }
        for word in overrides where !word.contains("=") { throw ValidationError("--set takes key=value, not '\(word)'") }
        let runner = makeRunner(location)
        let session = runner.session
        session.writeRoots = [URL(fileURLWithPath: FileManager.default.currentDirectoryPath), session.home]
        session.restoresReusedRuns = true
        if fresh {
            session.reuseExistingRuns = false
            for name in NotebookRuns.names(in: original) {
                let folder = session.folder(for: name)
                if folder.exists { try FileManager.default.removeItem(at: folder.url) }
            }
        }
        var options = ReplayOptions()
        options.check = check
        options.overrides = overrides
        options.from = from
        guard drift >= 0, drift.isFinite else { throw ValidationError("--drift takes a relative tolerance ≥ 0 (e.g. 0.5), not \(drift)") }
        options.driftTolerance = drift
        let started = Date()
        let result = NotebookReplayer(runner: runner).replay(original, options: options, from: url) { index, total, source in
            FileHandle.standardError.write(Data("[\(index)/\(total)] \(source)\n".utf8))
        }
        let seconds = Date().timeIntervalSince(started)
        if check {
            let here = NumericPlatform.currentKernels
            if !result.otherPlatforms.isEmpty {
                print("numeric platform differs: recorded on \(result.otherPlatforms.joined(separator: ", ")), replayed on \(here);")
                print("  those cells are compared within a drift tolerance of \(OutputDrift.percent(drift)) (see docs/wbnb-format.md)")
            }
            for line in result.drifts { print("drifted: \(line)") }
            if result.differences.isEmpty && result.failedCell == nil {
                let how = result.otherPlatforms.isEmpty ? "matches exactly" : "matches (exactly where the kernels are the same, within the drift elsewhere)"
                print("check passed: every output of \(notebook) \(how) (\(String(format: "%.1f", seconds)) s)")
                return
            }
            for difference in result.differences { print("differs: \(difference)") }
            if let cell = result.failedCell { print("failed at cell \(cell)") }
            throw ExitCode.failure
        }
        try result.notebook.write(to: url)
        print("replayed \(notebook) in \(String(format: "%.1f", seconds)) s; outputs rewritten")
        if let cell = result.failedCell {
            print("stopped at cell \(cell) with an error (recorded in the notebook)")
            throw ExitCode.failure
        }
    }
}

/// `wb export NOTEBOOK.wbnb [-o FILE]`: a self-contained HTML report, or a Jupyter notebook with --ipynb.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export a notebook to one self-contained HTML file (or .ipynb with --ipynb).",
        discussion: """
        Examples:
          wb export Notebooks/grokking.wbnb                      writes Notebooks/grokking.html
          wb export Notebooks/grokking.wbnb -o report.html
          wb export Notebooks/grokking.wbnb --ipynb -o grokking.ipynb
        """
    )

    @Argument(help: "The notebook (.wbnb).") var notebook: String
    @Option(name: .shortAndLong, help: "The output file (default: the notebook's name with .html or .ipynb).") var output: String?
    @Flag(help: "Write a Jupyter notebook (nbformat 4.5) instead of HTML.") var ipynb = false
    @OptionGroup var location: RunLocation

    func run() throws {
        let url = URL(fileURLWithPath: notebook)
        let book: Notebook
        do { book = try Notebook.read(from: url) } catch { throw ValidationError("\(notebook): \(error)") }
        let target = output.map { URL(fileURLWithPath: $0) } ?? url.deletingPathExtension().appendingPathExtension(ipynb ? "ipynb" : "html")
        let written = try NotebookReport.write(book, to: target, ipynb: ipynb, session: Session(runsRoot: RunFolder.runsRoot(location.runs)))
        print("wrote \(target.path) (\(written / 1024) KB)")
    }
}
