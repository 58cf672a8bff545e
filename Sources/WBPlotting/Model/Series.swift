/// How a series is drawn.
public enum SeriesKind: String, Sendable, Equatable, Codable {
    /// Connected line; NaN or (on log axes) non-positive values break it.
    case line
    /// Unconnected dots.
    case points
    /// Vertical bars from the bottom of the axis to each value.
    case bars
}

/// A named sequence of (x, y) points with a style.
public struct Series: Sendable, Equatable, Codable {
    /// Shown in the legend (empty: not in the legend).
    public var name: String
    public var kind: SeriesKind
    public var x: [Double]
    public var y: [Double]
    /// Slot in `Palette.series`; `nil` takes the series' position in its panel.
    public var color: Int?
    /// Dashed line (e.g. test loss next to a solid train loss of the same colour).
    public var dashed: Bool

    public init(_ name: String, kind: SeriesKind = .line, x: [Double], y: [Double], color: Int? = nil, dashed: Bool = false) {
        self.name = name
        self.kind = kind
        self.x = x
        self.y = y
        self.color = color
        self.dashed = dashed
    }

    /// A series over integer epochs.
    public init(_ name: String, kind: SeriesKind = .line, epochs: [Int], values: [Double], color: Int? = nil, dashed: Bool = false) {
        self.init(name, kind: kind, x: epochs.map(Double.init), y: values, color: color, dashed: dashed)
    }

    /// Number of points drawn (the shorter of `x` and `y`).
    public var count: Int { min(x.count, y.count) }
}
