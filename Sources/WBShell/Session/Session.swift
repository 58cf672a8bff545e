import Foundation
import WBSweeps
import WBNotebook
import WBAnalysis
import WBTraining

/// The state of one `wb` session: where runs and templates live, the current run, the epoch cursor, the loaded template.
public final class Session {
    public var runsRoot: URL
    public var home: URL
    public internal(set) var run: LoadedRun?
    public internal(set) var epoch: Int?
    public internal(set) var template: TrainingTemplate?
    /// `train` with the config of an existing run reuses it (resuming it if it stopped) instead of refusing; notebook
    /// replays rely on this, and `wb run --fresh` turns it off.
    public var reuseExistingRuns = true
    /// A reused run is put back as training saved it, without checkpoints made later by `range fill` (set for notebook
    /// replays, so every command sees what it saw when recorded; the prompt keeps them).
    public var restoresReusedRuns = false
    /// The notebook this session records to (the interactive prompt sets it).
    public var recorder: NotebookRecorder?
    /// While `wb run` replays a notebook: that notebook as replayed so far and its file (what `export` writes out).
    public var replaying: (() -> (notebook: Notebook, url: URL))?
    /// The line being run and what its commands returned so far: `export` on the same line as `plot loss` (typed as
    /// `plot loss; export to r.html`) includes that output in the report, though the line's cell is recorded only after
    /// it ends. Set by `ShellRunner` before each command; nil between lines.
    public var lineInProgress: (source: String, output: CellOutput)?
    /// Where commands may write files; nil means anywhere (set for replays: the working folder and `$WB_HOME`).
    public var writeRoots: [URL]?
    /// The current run's analysis runner (it keeps the run's split and basis; results are cached on disk).
    var analysisRunner: AnalysisRunner?
    /// By run folder: the epochs whose whole-network λ̂ with the run's LLC defaults this session estimated or read
    /// (`analyze llc`, `plot llc`). In a replay (`restoresReusedRuns`) the dashboard's λ̂ panel shows only these, so a
    /// notebook's dashboard does not depend on estimates its runs folder held before; at the prompt it shows every
    /// cached one.
    var llcEpochsThisSession: [URL: Set<Int>] = [:]
    /// The current run's dashboard builder (keeps recently shown neuron grids in memory).
    var dashboardBuilder: DashboardBuilder?
    /// The analysis runner of the run being trained, for the dashboard the live training block can show.
    var trainingRunner: AnalysisRunner?
    /// Set while the dashboard was the last thing shown: cursor moves (`next`, `prev`, `at`, …) then show the dashboard
    /// at the new epoch (with the same neurons) instead of the cursor line. Any other command clears it.
    var dashboardShown: DashboardRequest?
    /// The sweep `plot sweep` draws: the last one a `sweep` command named.
    public internal(set) var sweepName: String?
    /// The `wb` executable sweep workers run: `$WB_EXECUTABLE`, else this program when it is `wb` (tests set it).
    public var workerExecutable: URL? = Session.defaultWorkerExecutable()

    public init(runsRoot: URL = RunFolder.runsRoot(), home: URL = Session.defaultHome()) {
        self.runsRoot = runsRoot
        self.home = home
    }

    /// `$WB_HOME`, else `~/.wb`.
    public static func defaultHome() -> URL {
        if let path = ProcessInfo.processInfo.environment["WB_HOME"], !path.isEmpty { return URL(fileURLWithPath: path, isDirectory: true) }
        return FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".wb", isDirectory: true)
    }

    public var templates: TemplateStore { TemplateStore(home: home) }

    /// `$WB_EXECUTABLE`, else the running program when it is named `wb`.
    public static func defaultWorkerExecutable() -> URL? {
        if let path = ProcessInfo.processInfo.environment["WB_EXECUTABLE"], !path.isEmpty { return URL(fileURLWithPath: path) }
        let me = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        if me.lastPathComponent == "wb" { return me }
        if let main = Bundle.main.executableURL, main.lastPathComponent == "wb" { return main }
        return nil
    }

    /// The prompt: `wb> `, with the template and run when there are any, e.g. `wb demo@1500> `.
    public var prompt: String {
        var parts: [String] = []
        if let run { parts.append(epoch.map { "\(run.name)@\($0)" } ?? run.name) }
        if let template { parts.append("[\(template.name)]") }
        return parts.isEmpty ? "wb> " : "wb \(parts.joined(separator: " "))> "
    }

    /// Resolves a run argument: a path (contains `/` or exists as given) or a name under the runs folder; a sweep's
    /// point, `SWEEP/POINT`, is found under the runs folder when there is no such path.
    public func folder(for run: String) -> RunFolder {
        if run.contains("/") || run.hasPrefix(".") {
            let path = RunFolder(url: URL(fileURLWithPath: run).standardizedFileURL)
            let underRuns = RunFolder(url: runsRoot.appendingPathComponent(run, isDirectory: true).standardizedFileURL)
            if !path.exists, !run.hasPrefix("/"), !run.hasPrefix("."), underRuns.exists { return underRuns }
            return path
        }
        return RunFolder(url: runsRoot.appendingPathComponent(run, isDirectory: true))
    }

    /// A path relative to the working folder when it is inside it (so recorded outputs do not depend on where a
    /// notebook is replayed), else absolute.
    public static func displayPath(_ url: URL) -> String {
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath).standardizedFileURL.path
        let path = url.standardizedFileURL.path
        return path.hasPrefix(cwd + "/") ? String(path.dropFirst(cwd.count + 1)) : path
    }

    /// A path as outputs show it: under the runs folder as `runs/…` wherever that folder is (`$WB_RUNS`, `--runs`), so a
    /// notebook's outputs do not depend on where its runs live; anything else as `displayPath(_:)` shows it.
    public func displayPath(_ url: URL) -> String {
        let root = runsRoot.standardizedFileURL.path
        let path = url.standardizedFileURL.path
        if path == root { return "runs" }
        if path.hasPrefix(root + "/") { return "runs/" + path.dropFirst(root.count + 1) }
        return Self.displayPath(url)
    }

    /// The names of runs under the runs folder.
    public func runNames() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: runsRoot.path)) ?? []
        return names.filter { RunFolder(url: runsRoot.appendingPathComponent($0)).exists }.sorted()
    }

    /// The sweeps under the runs folder (folders with a `sweep.json`), sorted.
    public func sweepNames() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: runsRoot.path)) ?? []
        return names.filter { SweepFolder(root: runsRoot, name: $0).exists }.sorted()
    }

    func setRun(_ loaded: LoadedRun?, epoch: Int?) {
        run = loaded
        self.epoch = epoch
    }
}
