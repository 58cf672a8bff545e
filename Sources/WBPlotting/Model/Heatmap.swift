/// A matrix of values drawn as coloured cells, with the colour scale used.
///
/// Cell (row r, column c) is `values[r * columns + c]`; it covers the data rectangle
/// x ∈ `x.lowerBound + c·w … + w`, y ∈ `y.lowerBound + r·h … + h`, where w and h divide the extents evenly.
/// Set `Axis.reversed` on the panel's y axis to put row 0 at the top. NaN cells are left empty; +∞ cells too, unless
/// `infinityFill` gives them a colour of their own.
public struct Heatmap: Sendable, Equatable, Codable {
    public var rows: Int
    public var columns: Int
    public var values: [Double]
    /// Data extent covered by the columns.
    public var x: ClosedRange<Double>
    /// Data extent covered by the rows.
    public var y: ClosedRange<Double>
    public var colorScale: ColorScale
    /// How cells of value +∞ are drawn (a sweep point that never got there): nil leaves them empty.
    public var infinityFill: InfinityFill?

    public init(rows: Int, columns: Int, values: [Double], x: ClosedRange<Double>? = nil, y: ClosedRange<Double>? = nil,
                colorScale: ColorScale = ColorScale(), infinityFill: InfinityFill? = nil) {
        precondition(values.count == rows * columns, "heatmap needs rows × columns values")
        self.rows = rows
        self.columns = columns
        self.values = values
        self.x = x ?? 0...Double(columns)
        self.y = y ?? 0...Double(rows)
        self.colorScale = colorScale
        self.infinityFill = infinityFill
    }

    /// Whether the cell value `v` is drawn in `infinityFill`'s colour.
    public func isInfinityFilled(_ v: Double) -> Bool { v == .infinity && infinityFill != nil }

    /// The value at (row, column).
    public subscript(row: Int, column: Int) -> Double { values[row * columns + column] }

    /// The mean of the finite values in the `size` × `size` block of cells at block (`row`, `column`) (the last block of
    /// a row or column holds what is left); +∞ when the block has no finite value but an infinity-filled cell, else NaN.
    public func blockMean(row: Int, column: Int, size: Int) -> Double {
        var sum = 0.0, count = 0, infinite = false
        for r in (row * size)..<Swift.min(rows, (row + 1) * size) {
            for c in (column * size)..<Swift.min(columns, (column + 1) * size) {
                let v = self[r, c]
                if v.isFinite { sum += v; count += 1 } else if isInfinityFilled(v) { infinite = true }
            }
        }
        return count > 0 ? sum / Double(count) : infinite ? .infinity : .nan
    }

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

/// A colour outside the colour map for the +∞ cells of a heatmap, e.g. "never" in a sweep's phase diagram: the cells are
/// filled with it, hover values name it, and a legend entry of kind `.bars` in the same palette slot explains it.
public struct InfinityFill: Sendable, Equatable, Codable {
    /// Palette slot (`Palette.seriesColor`), as legend entries name colours.
    public var color: Int
    /// What the cells mean, for hover values (`never`).
    public var label: String

    public init(color: Int, label: String) {
        self.color = color; self.label = label
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
