import Foundation
import WBNotebook
import WBTraining

/// Options of `wb run`: compare instead of rewrite, config overrides for `train` cells, the first cell to re-run.
public struct ReplayOptions {
    public var check = false
    /// `key=value` words added to every `train` cell (a later word wins), like papermill parameters.
    public var overrides: [String] = []
    /// 1-based: cells before it run (cheaply, through reuse) but keep their recorded outputs.
    public var from = 1
    /// `--check` across numeric platforms: the largest relative move of a number in a text output that still passes.
    public var driftTolerance = OutputComparison.defaultDriftTolerance
    public init() {}
}

/// What a replay produced.
public struct ReplayResult {
    public var notebook: Notebook
    /// `--check`: one readable entry per cell whose outputs changed beyond what its comparison allows.
    public var differences: [String]
    /// `--check`: cells recorded on other numeric kernels (or before wb recorded them), compared within the drift
    /// tolerance; one line each, saying how far their numbers moved.
    public var drifts: [String] = []
    /// `--check`: the kernels the cells were recorded on, when any differ from this machine's (`NumericPlatform.kernels`).
    public var otherPlatforms: [String] = []
    /// The 1-based cell that failed, if one did.
    public var failedCell: Int?
}

/// Replays a notebook in a fresh session: every command cell runs in order and its outputs are replaced.
public final class NotebookReplayer {
    public let runner: ShellRunner

    public init(runner: ShellRunner) { self.runner = runner }

    public func replay(_ original: Notebook, options: ReplayOptions, from url: URL? = nil,
                       progress: (Int, Int, String) -> Void = { _, _, _ in }) -> ReplayResult {
        var notebook = original
        // `export` in a replayed notebook writes the notebook as replayed so far, next to its file.
        let exportURL = url ?? URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("notebook.wbnb")
        let previousReplaying = runner.session.replaying
        runner.session.replaying = { (notebook, exportURL) }
        defer { runner.session.replaying = previousReplaying }
        var differences: [String] = [], drifts: [String] = [], otherPlatforms: [String] = []
        let here = NumericPlatform.currentKernels
        var failed: Int?
        var captured: ExecutedLine?
        let previous = runner.onLine
        runner.onLine = { captured = $0 }
        defer { runner.onLine = previous }
        let commandCount = notebook.cells.filter { $0.kind == .command }.count
        var done = 0
        for index in notebook.cells.indices where notebook.cells[index].kind == .command {
            done += 1
            let cell = notebook.cells[index]
            progress(done, commandCount, cell.source)
            captured = nil
            let outcome: ShellRunner.LineOutcome
            do {
                let commands = try Parser.parse(cell.source).map { Self.applying(options.overrides, to: $0) }
                outcome = runner.run(commands, source: cell.source)
            } catch {
                captured = ExecutedLine(source: cell.source, note: nil, output: CellOutput(), error: "\(error)", seconds: 0)
                outcome = .failed
            }
            let line = captured ?? ExecutedLine(source: cell.source, note: nil, output: CellOutput(), error: nil, seconds: 0)
            if index + 1 >= options.from {
                let outputs = NotebookRecorder.outputs(line.output, error: line.error)
                if options.check {
                    let recorded = original.volatile[cell.id]?["numerics"] ?? "an unrecorded platform (made before wb recorded its kernels)"
                    if recorded == here {
                        if let difference = OutputComparison.difference(cell.outputs, outputs, tolerance: 0) {
                            differences.append("cell \(index + 1) `\(cell.source)`: \(difference)")
                        }
                    } else {
                        if !otherPlatforms.contains(recorded) { otherPlatforms.append(recorded) }
                        let drift = OutputComparison.drift(cell.outputs, outputs)
                        if let problem = drift.failure(tolerance: options.driftTolerance) {
                            differences.append("cell \(index + 1) `\(cell.source)`: \(problem)")
                        } else if drift.moved > 0 || drift.figureMoved > 0 || drift.figuresRedrawn > 0 {
                            drifts.append("cell \(index + 1) `\(cell.source)`: \(drift.summary)")
                        }
                    }
                }
                notebook.cells[index].outputs = outputs
                notebook.volatile[cell.id] = NotebookRecorder.facts(line)
            }
            if outcome == .failed { failed = index + 1; break }
            if outcome == .quit { break }
        }
        return ReplayResult(notebook: notebook, differences: differences, drifts: drifts, otherPlatforms: otherPlatforms,
                            failedCell: failed)
    }

    /// A `train` command with the overrides appended (so they win over the cell's own values).
    static func applying(_ overrides: [String], to command: ShellCommand) -> ShellCommand {
        guard !overrides.isEmpty, case .train(let assignments) = command else { return command }
        return .train(assignments: assignments + overrides)
    }
}

/// Compares recorded and replayed outputs like nbval: text with numbers equal within a relative tolerance, figures by
/// their data (the numbers in their SVG, within the same tolerance, and half a hundredth of a pixel when the tolerance is
/// not 0), everything else exactly. On the same numeric kernels a replay must reproduce every output exactly
/// (tolerance 0); across kernels `drift` measures how far the numbers moved.
public enum OutputComparison {
    public static let tolerance = 1e-6
    /// Across numeric platforms a training run is chaotic: after grokking, losses near 1e-7 differ by tens of percent
    /// between kernels that differ only in rounding. Text numbers may move this much (relative) before a check fails.
    public static let defaultDriftTolerance = 0.5

    /// nil when equal; otherwise what differs first.
    public static func difference(_ old: [NotebookOutput], _ new: [NotebookOutput], tolerance: Double = tolerance) -> String? {
        let pixels = tolerance == 0 ? 0 : 0.051
        guard old.count == new.count else { return "\(old.count) outputs recorded, \(new.count) now" }
        for (i, (a, b)) in zip(old, new).enumerated() {
            switch (a, b) {
            case (.text(let x), .text(let y)), (.warning(let x), .warning(let y)), (.error(let x), .error(let y)):
                if let d = textDifference(x, y, tolerance: tolerance) { return "output \(i + 1): \(d)" }
            case (.figure(let t1, let s1, let v1), .figure(let t2, let s2, let v2)):
                if t1 != t2 { return "output \(i + 1): figure '\(t1)' is now '\(t2)'" }
                if let d = textDifference(s1, s2, tolerance: tolerance, pixels: pixels) { return "output \(i + 1) (figure '\(t1)'): \(d)" }
                // A figure recorded before specs were kept (format 1 or 2) is checked by its SVG alone.
                if let v1, let v2, let d = textDifference(v1, v2, tolerance: tolerance) {
                    return "output \(i + 1) (figure '\(t1)', Vega-Lite spec): \(d)"
                }
            case (.dashboard(let x), .dashboard(let y)):
                if x.title != y.title { return "output \(i + 1): dashboard '\(x.title)' is now '\(y.title)'" }
                if x.frames.map(\.epoch) != y.frames.map(\.epoch) {
                    return "output \(i + 1): dashboard epochs \(EpochList.short(x.frames.map(\.epoch))) are now \(EpochList.short(y.frames.map(\.epoch)))"
                }
                if let d = textDifference(x.shared, y.shared, tolerance: tolerance, pixels: pixels) { return "output \(i + 1) (dashboard loss chart): \(d)" }
                for (a, b) in zip(x.frames, y.frames) {
                    if let d = textDifference(a.svg, b.svg, tolerance: tolerance, pixels: pixels) { return "output \(i + 1) (dashboard at epoch \(a.epoch)): \(d)" }
                }
            default:
                return "output \(i + 1) was \(summary(a)), now \(summary(b))"
            }
        }
        return nil
    }

    static func summary(_ output: NotebookOutput) -> String {
        switch output {
        case .text(let s): return "text '\(s.prefix(120))'"
        case .warning(let s): return "warning '\(s.prefix(120))'"
        case .error(let s): return "error '\(s.prefix(120))'"
        case .figure(let title, _, _): return "figure '\(title)'"
        case .dashboard(let d): return "dashboard '\(d.title)'"
        }
    }

    /// Splits text into numbers and the words between; words must match, numbers within the tolerance (relative for
    /// text; for figures also within `pixels` absolute, since SVG coordinates carry few decimals).
    static func textDifference(_ a: String, _ b: String, tolerance: Double = tolerance, pixels: Double = 0) -> String? {
        if a == b { return nil }
        let ta = tokens(a), tb = tokens(b)
        guard ta.count == tb.count else { return "expected\n    \(a.prefix(300))\n  got\n    \(b.prefix(300))" }
        for (x, y) in zip(ta, tb) where x != y {
            if let u = Double(x), let v = Double(y),
               abs(u - v) <= max(tolerance * max(abs(u), abs(v)), pixels) { continue }
            return "'\(x)' became '\(y)'"
        }
        return nil
    }

    private static let number = try! NSRegularExpression(pattern: "[-+]?[0-9]+(?:\\.[0-9]+)?(?:[eE][-+]?[0-9]+)?")

    /// Alternating runs of text and numbers.
    static func tokens(_ s: String) -> [String] {
        let text = s as NSString
        var result: [String] = []
        var last = 0
        for match in number.matches(in: s, range: NSRange(location: 0, length: text.length)) {
            if match.range.location > last { result.append(text.substring(with: NSRange(location: last, length: match.range.location - last))) }
            result.append(text.substring(with: match.range))
            last = match.range.location + match.range.length
        }
        if last < text.length { result.append(text.substring(from: last)) }
        return result
    }
}
