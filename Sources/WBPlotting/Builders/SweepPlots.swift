import Foundation

/// A measure over one or two swept keys, as the sweep figures take it. Cell values: a number, `.infinity` for "never"
/// (the point never got there within its epochs), NaN for not measured.
public struct SweepPlotInput: Sendable, Equatable {
    public var title: String
    /// The measure, e.g. `epochs to 95% test accuracy`.
    public var measure: String
    public var xLabel: String
    public var xValues: [String]
    /// nil for a curve over X alone.
    public var yLabel: String?
    public var yValues: [String]
    /// Row-major (`row * xValues.count + column`): the median over the other keys.
    public var median: [Double]
    public var minimum: [Double]
    public var maximum: [Double]
    /// What the median, minimum and maximum are taken over, for the legend (`seeds`, `wd and seed`).
    public var spreadOver: String

    public init(title: String, measure: String, xLabel: String, xValues: [String], yLabel: String? = nil, yValues: [String] = [],
                median: [Double], minimum: [Double], maximum: [Double], spreadOver: String = "seeds") {
        self.title = title; self.measure = measure; self.xLabel = xLabel; self.xValues = xValues; self.yLabel = yLabel
        self.yValues = yValues; self.median = median; self.minimum = minimum; self.maximum = maximum
        self.spreadOver = spreadOver
    }
}

// Builders for sweeps: a phase diagram over two keys, and a measure against one key with the spread over seeds.
extension Figure {
    /// A heatmap of the median measure over X (columns) and Y (rows), each cell labelled with its value; cells whose
    /// median point never got there are filled with a colour of their own, outside the colour map (vermillion, "never"
    /// in the legend and in their hover values); cells with nothing measured are left empty.
    public static func sweepPhaseDiagram(_ input: SweepPlotInput) -> Figure {
        let columns = input.xValues.count, rows = max(1, input.yValues.count)
        // +∞ stays: the heatmap draws it in the never fill; NaN (not measured) stays empty.
        let values = input.median.map { $0 == .infinity ? $0 : $0.isFinite ? $0 : Double.nan }
        let heatmap = Heatmap(rows: rows, columns: columns, values: values, x: 0...Double(columns), y: 0...Double(rows),
                              colorScale: ColorScale(map: .viridis, label: input.measure),
                              infinityFill: InfinityFill(color: Self.neverColor, label: "never"))
        let xTicks = input.xValues.enumerated().map { AxisTick(Double($0.offset) + 0.5, $0.element) }
        let yTicks = input.yValues.enumerated().map { AxisTick(Double($0.offset) + 0.5, $0.element) }
        var marks: [Mark] = []
        if rows * columns <= 144 {
            for r in 0..<rows {
                for c in 0..<columns where values[r * columns + c].isFinite {
                    marks.append(.annotation(x: Double(c) + 0.5, y: Double(r) + 0.5, text: Self.sweepNumber(values[r * columns + c])))
                }
            }
        }
        let anyNever = values.contains(.infinity)
        let panel = Panel(x: Axis(input.xLabel, range: 0...Double(columns), ticks: xTicks),
                          y: Axis(input.yLabel ?? "", range: 0...Double(rows), ticks: yTicks),
                          heatmap: heatmap, marks: marks,
                          legend: anyNever ? .entries([LegendEntry("never (not within the epochs)", color: Self.neverColor, kind: .bars)])
                                           : .hidden)
        return Figure(title: input.title, subtitle: "median over \(input.spreadOver); " + input.measure, panels: [panel])
    }

    /// The palette slot of "never" in the sweep figures: vermillion, a colour viridis does not have.
    static let neverColor = 1

    /// The median measure against X (numeric values on a linear axis, else evenly spaced), with the minimum and maximum
    /// over the other keys (the seeds) as dashed lines around it; "never" is a reference line above every number: X
    /// values whose median never got there are marked on it, and a maximum that never got there ends on it.
    public static func sweepCurve(_ input: SweepPlotInput) -> Figure {
        let numeric = input.xValues.compactMap(Double.init)
        let xs: [Double] = numeric.count == input.xValues.count ? numeric : input.xValues.indices.map(Double.init)
        let ticks: [AxisTick]? = numeric.count == input.xValues.count ? nil
            : input.xValues.enumerated().map { AxisTick(Double($0.offset), $0.element) }
        let finiteValues = (input.median + input.minimum + input.maximum).filter(\.isFinite)
        let top = (finiteValues.max() ?? 1) * 1.08
        // "never" sits on a line of its own above every number; a band edge that never got there ends on it.
        func values(_ v: [Double], neverOnTop: Bool) -> [Double] {
            v.map { $0.isFinite ? $0 : ($0 == .infinity && neverOnTop ? top : .nan) }
        }
        var series = [
            Series("median", kind: .line, x: xs, y: values(input.median, neverOnTop: false), color: 0),
            Series("median", kind: .points, x: xs, y: values(input.median, neverOnTop: false), color: 0),
            Series("min–max over \(input.spreadOver)", kind: .line, x: xs, y: values(input.minimum, neverOnTop: true), color: 0, dashed: true),
            Series("min–max over \(input.spreadOver)", kind: .line, x: xs, y: values(input.maximum, neverOnTop: true), color: 0, dashed: true),
        ]
        var entries = [LegendEntry("median", color: 0), LegendEntry("min–max over \(input.spreadOver)", color: 0, dashed: true)]
        let never = input.median.enumerated().filter { $0.element == .infinity }.map { xs[$0.offset] }
        if !never.isEmpty {
            series.append(Series("never", kind: .points, x: never, y: never.map { _ in top }, color: Self.neverColor))
            entries.append(LegendEntry("never (median point not within the epochs)", color: Self.neverColor, kind: .points))
        }
        let anyNever = (input.median + input.minimum + input.maximum).contains(.infinity)
        let panel = Panel(x: Axis(input.xLabel, ticks: ticks), y: Axis(input.measure), series: series,
                          marks: anyNever ? [.referenceLine(y: top, label: "never")] : [], legend: .entries(entries))
        return Figure(title: input.title, panel: panel)
    }

    /// A cell's number: whole numbers (and anything ≥ 100, rounded) as they are, others with 3 significant digits.
    static func sweepNumber(_ v: Double) -> String {
        if (v == v.rounded() || abs(v) >= 100) && abs(v) < 1e9 { return String(Int(v.rounded())) }
        return String(format: "%.3g", v)
    }
}
