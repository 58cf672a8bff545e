/// A matrix of values drawn as coloured cells, with the colour scale used.
///
/// Cell (row r, column c) is `values[r * columns + c]`; it covers the data rectangle
/// x ∈ `x.lowerBound + c·w … + w`, y ∈ `y.lowerBound + r·h … + h`, where w and h divide the extents evenly.
/// Set `Axis.reversed` on the panel's y axis to put row 0 at the top. NaN cells are left empty.
public struct Heatmap: Sendable, Equatable, Codable {
    public var rows: Int
    public var columns: Int
    public var values: [Double]
    /// Data extent covered by the columns.
    public var x: ClosedRange<Double>
    /// Data extent covered by the rows.
    public var y: ClosedRange<Double>
    public var colorScale: ColorScale

    public init(rows: Int, columns: Int, values: [Double], x: ClosedRange<Double>? = nil, y: ClosedRange<Double>? = nil,
                colorScale: ColorScale = ColorScale()) {
        precondition(values.count == rows * columns, "heatmap needs rows × columns values")
        self.rows = rows
        self.columns = columns
        self.values = values
        self.x = x ?? 0...Double(columns)
        self.y = y ?? 0...Double(rows)
        self.colorScale = colorScale
    }

    /// The value at (row, column).
    public subscript(row: Int, column: Int) -> Double { values[row * columns + column] }

    /// Colour range: the scale's fixed range, else the finite minimum and maximum (a flat map gets a unit range).
    public var valueRange: ClosedRange<Double> {
        if let r = colorScale.range { return r }
        var lo = Double.infinity, hi = -Double.infinity
        for v in values where v.isFinite {
            lo = Swift.min(lo, v)
            hi = Swift.max(hi, v)
        }
        if !lo.isFinite { return 0...1 }
        if hi <= lo { return lo...(lo + 1) }
        return lo...hi
    }
}

/// Perceptual colour maps for heatmaps.
public enum ColorMap: String, Sendable, Equatable, Codable {
    /// Dark blue → green → yellow, perceptually uniform and colour-blind safe.
    case viridis
    /// Black → white.
    case grays
}

/// Maps heatmap values to colours; optionally shown as a colour bar next to the plot.
public struct ColorScale: Sendable, Equatable, Codable {
    public var map: ColorMap
    /// Fixed value range; `nil` uses the data's minimum and maximum.
    public var range: ClosedRange<Double>?
    /// Label of the colour bar.
    public var label: String
    public var showBar: Bool

    public init(map: ColorMap = .viridis, range: ClosedRange<Double>? = nil, label: String = "", showBar: Bool = true) {
        self.map = map
        self.range = range
        self.label = label
        self.showBar = showBar
    }
}
