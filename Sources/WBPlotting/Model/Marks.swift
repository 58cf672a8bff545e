/// Annotations drawn on top of a panel's data. Positions are in data units of the panel's axes.
public enum Mark: Sendable, Equatable, Codable {
    /// Vertical line at the current epoch (checkpoint), labelled above the plot area.
    case epochIndicator(x: Double, label: String)
    /// A highlighted range (e.g. one range of the checkpoint selection), shaded, with start and end handles.
    case highlight(start: Double, end: Double, label: String)
    /// Checkpoint markers in a strip under the x axis. Selected ones are drawn larger and filled.
    case checkpoints(x: [Double], selected: Bool)
    /// Selected epochs that have no checkpoint yet, as hollow markers in the same strip.
    case missingCheckpoints(x: [Double])
    /// Horizontal reference line (e.g. a threshold), with a short label.
    case referenceLine(y: Double, label: String)
    /// Short text at a data point.
    case annotation(x: Double, y: Double, text: String)
    /// A shaded span of x (e.g. a training phase) with its name above the plot area.
    case phase(start: Double, end: Double, label: String)
}

/// What the legend of a panel shows. Legends are drawn outside the plot area, never over data.
public enum Legend: Sendable, Equatable, Codable {
    /// One entry per distinct named series; hidden when there are fewer than two.
    case auto
    case hidden
    /// Exactly these entries (e.g. run names by colour plus "train"/"test" by dash).
    case entries([LegendEntry])
}

/// One legend entry: a sample of a line (or bar/point) style and a label.
public struct LegendEntry: Sendable, Equatable, Codable {
    public var label: String
    /// Palette slot; `nil` draws the sample in the text colour (for style-only entries such as "test - -").
    public var color: Int?
    public var dashed: Bool
    public var kind: SeriesKind

    public init(_ label: String, color: Int?, dashed: Bool = false, kind: SeriesKind = .line) {
        self.label = label
        self.color = color
        self.dashed = dashed
        self.kind = kind
    }
}

extension Panel {
    /// The legend entries to draw, resolving `.auto` from the series.
    public var legendEntries: [LegendEntry] {
        switch legend {
        case .hidden: return []
        case .entries(let e): return e
        case .auto:
            var out: [LegendEntry] = []
            for (i, s) in series.enumerated() where !s.name.isEmpty {
                let e = LegendEntry(s.name, color: s.color ?? i, dashed: s.dashed, kind: s.kind)
                if !out.contains(e) { out.append(e) }
            }
            return out.count >= 2 ? out : []
        }
    }
}
