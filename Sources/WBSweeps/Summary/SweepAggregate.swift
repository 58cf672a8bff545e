import Foundation

/// A measure of a sweep's points gathered over one or two swept keys, for its figures: per cell (a value of X, or of X
/// and Y) the median, minimum and maximum over the other keys (usually the seeds). A finished point that never got there
/// counts as +∞ ("never"); a point not finished and not there yet is left out.
public struct SweepAggregate: Sendable, Equatable {
    /// One cell.
    public struct Cell: Sendable, Equatable {
        /// nil: no point measured; +∞: never (the median point never got there).
        public var median: Double?
        public var minimum: Double?
        public var maximum: Double?
        /// Points in the cell, and how many of them never got there.
        public var count: Int
        public var never: Int
    }
    public var x: SweepAxis
    public var y: SweepAxis?
    /// Row-major: `cells[yIndex * x.values.count + xIndex]` (one row without Y).
    public var cells: [Cell]

    /// Gathers `measure` over the axis labelled (or keyed) `x`, and `y` when given.
    public static func make(_ summary: SweepSummary, x: String, y: String?, measure: SweepMeasure) throws -> SweepAggregate {
        try make(summary, x: x, y: y, canBeNever: measure.canBeNever) { measure.value($0.milestones) }
    }

    /// Gathers any measure of a point (`value`, nil where it has none) over the axes; with `canBeNever` a finished point
    /// without a value counts as never (+∞), else it is left out.
    public static func make(_ summary: SweepSummary, x: String, y: String?, canBeNever: Bool,
                            value: (SweepSummary.Row) -> Double?) throws -> SweepAggregate {
        func axis(_ word: String) throws -> SweepAxis {
            let lower = word.lowercased()
            if let found = summary.axes.first(where: { $0.label == lower || $0.key == lower || $0.typedKey == lower }) { return found }
            let labels = summary.axes.map(\.label)
            throw SweepError.spec(word: word, problem: labels.isEmpty ? "sweep \(summary.name) varies no key"
                : "sweep \(summary.name) varies \(labels.joined(separator: ", ")), not '\(word)'")
        }
        let xAxis = try axis(x)
        let yAxis = try y.map(axis)
        if let yAxis, yAxis.key == xAxis.key { throw SweepError.spec(word: y!, problem: "X and Y must be two different keys") }
        let rows = yAxis?.values.count ?? 1
        var groups = [[Double]](repeating: [], count: rows * xAxis.values.count)
        var counts = [Int](repeating: 0, count: groups.count)
        for row in summary.rows {
            guard let xi = xAxis.values.firstIndex(of: row.point.values[xAxis.key] ?? "") else { continue }
            let yi = yAxis.flatMap { a in a.values.firstIndex(of: row.point.values[a.key] ?? "") } ?? 0
            let index = yi * xAxis.values.count + xi
            counts[index] += 1
            if let value = value(row) {
                groups[index].append(value)
            } else if row.state == .finished && canBeNever {
                groups[index].append(.infinity)
            }
        }
        let cells = zip(groups, counts).map { values, count -> Cell in
            let sorted = values.sorted()
            guard !sorted.isEmpty else { return Cell(median: nil, minimum: nil, maximum: nil, count: count, never: 0) }
            let mid = sorted.count / 2
            let median = sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
            return Cell(median: median.isNaN ? .infinity : median, minimum: sorted.first, maximum: sorted.last, count: count,
                        never: sorted.filter { $0 == .infinity }.count)
        }
        return SweepAggregate(x: xAxis, y: yAxis, cells: cells)
    }
}
