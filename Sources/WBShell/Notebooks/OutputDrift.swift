import Foundation
import WBNotebook

/// How far a cell's numbers moved between a recording and a replay on other numeric kernels, and whether the outputs
/// still have the same shape: the same outputs of the same kinds, figure titles, and text words and count of numbers.
/// Figures and dashboards are measured by the numbers in their SVG when they are drawn from as many values as before,
/// else counted as redrawn (other data can change a plot's ticks and points); they never fail the check and are never
/// quoted, so a report stays one line per cell.
public struct OutputDrift: Equatable {
    /// Numbers compared in text outputs, and how many of them changed.
    public var textNumbers = 0
    public var moved = 0
    /// The largest relative move |a − b| / max(|a|, |b|) of a text number, with the number before and after.
    public var largestText = 0.0
    public var largestExample: String?
    /// Numbers compared in figures, how many moved, the largest relative move.
    public var figureNumbers = 0
    public var figureMoved = 0
    public var largestFigure = 0.0
    /// Figures whose SVG has other words or another count of numbers than before.
    public var figuresRedrawn = 0
    /// What differs in shape (outputs, kinds, titles, words, number counts), when anything does.
    public var structural: String?

    /// Why the check fails: a change of shape, or a text number that moved more than `tolerance`. nil when it passes.
    public func failure(tolerance: Double) -> String? {
        if let structural { return structural }
        if largestText > tolerance, let example = largestExample {
            return "\(example) moved \(Self.percent(largestText)), more than the drift tolerance \(Self.percent(tolerance))"
        }
        return nil
    }

    /// One line: how many numbers moved and how far.
    public var summary: String {
        var parts: [String] = []
        if textNumbers > 0 {
            parts.append("\(moved) of \(textNumbers) numbers moved" + (largestExample.map { ", largest \($0) (\(Self.percent(largestText)))" } ?? ""))
        }
        if figureNumbers > 0 {
            parts.append("figures: \(figureMoved) of \(figureNumbers) values moved, largest \(Self.percent(largestFigure))")
        }
        if figuresRedrawn > 0 {
            parts.append("\(figuresRedrawn) figure\(figuresRedrawn == 1 ? "" : "s") redrawn from other data")
        }
        return parts.joined(separator: "; ")
    }

    public static func percent(_ fraction: Double) -> String {
        fraction >= 0.1 ? String(format: "%.0f %%", fraction * 100) : String(format: "%.2g %%", fraction * 100)
    }
}

extension OutputComparison {
    /// The drift between recorded and replayed outputs (see `OutputDrift`).
    public static func drift(_ old: [NotebookOutput], _ new: [NotebookOutput]) -> OutputDrift {
        var drift = OutputDrift()
        guard old.count == new.count else {
            drift.structural = "\(old.count) outputs recorded, \(new.count) now"
            return drift
        }
        for (i, (a, b)) in zip(old, new).enumerated() {
            switch (a, b) {
            case (.text(let x), .text(let y)), (.warning(let x), .warning(let y)), (.error(let x), .error(let y)):
                measure(x, y, figure: false, output: i + 1, into: &drift)
            case (.figure(let t1, let s1, _), .figure(let t2, let s2, _)):
                if t1 != t2 { drift.structural = "output \(i + 1): figure '\(t1)' is now '\(t2)'" } else {
                    measure(s1, s2, figure: true, output: i + 1, into: &drift)
                }
            case (.dashboard(let x), .dashboard(let y)):
                if x.title != y.title || x.frames.map(\.epoch) != y.frames.map(\.epoch) {
                    drift.structural = "output \(i + 1): dashboard '\(x.title)' (\(x.frames.count) epochs) is now '\(y.title)' (\(y.frames.count) epochs)"
                } else {
                    measure(x.shared, y.shared, figure: true, output: i + 1, into: &drift)
                    for (f, g) in zip(x.frames, y.frames) { measure(f.svg, g.svg, figure: true, output: i + 1, into: &drift) }
                }
            default:
                drift.structural = "output \(i + 1) was \(summary(a)), now \(summary(b))"
            }
            if drift.structural != nil { return drift }
        }
        return drift
    }

    private static func measure(_ a: String, _ b: String, figure: Bool, output: Int, into drift: inout OutputDrift) {
        let ta = tokens(a), tb = tokens(b)
        let sameWords = ta.count == tb.count && zip(ta, tb).allSatisfy { x, y in x == y || (Double(x) != nil && Double(y) != nil) }
        guard sameWords else {
            if figure { drift.figuresRedrawn += 1; return }
            drift.structural = "output \(output): expected\n    \(a.prefix(300))\n  got\n    \(b.prefix(300))"
            return
        }
        for (x, y) in zip(ta, tb) {
            guard let u = Double(x), let v = Double(y) else { continue }
            let scale = max(abs(u), abs(v))
            let move = scale == 0 ? 0 : abs(u - v) / scale
            if figure {
                drift.figureNumbers += 1
                if x != y { drift.figureMoved += 1 }
                drift.largestFigure = max(drift.largestFigure, move)
            } else {
                drift.textNumbers += 1
                if x != y { drift.moved += 1 }
                if move > drift.largestText {
                    drift.largestText = move
                    drift.largestExample = "'\(x)' → '\(y)' (output \(output))"
                }
            }
        }
    }
}
