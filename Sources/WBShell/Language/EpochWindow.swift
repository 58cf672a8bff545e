/// The x window of a curve figure: `A..B` after the plot kind (`plot loss 1000..3000`, `plot progress 0..5k`,
/// `compare demo paper 2000..4000`). Either end may be left open (`..3000`, `1000..`): the start or end of the data.
/// Numbers are read as epochs elsewhere (`5k`, `1_000`).
public struct EpochWindow: Equatable, Sendable, CustomStringConvertible {
    public var lower: Int?
    public var upper: Int?

    public init(lower: Int?, upper: Int?) {
        self.lower = lower
        self.upper = upper
    }

    /// As typed, without separators: `1000..3000`, `..3000`, `1000..`.
    public var description: String { "\(lower.map(String.init) ?? "")..\(upper.map(String.init) ?? "")" }

    /// The window over data spanning `extent`, its open ends at the data's; nil when that leaves nothing (start ≥ end).
    public func resolved(over extent: ClosedRange<Double>) -> ClosedRange<Double>? {
        let lo = lower.map(Double.init) ?? extent.lowerBound, hi = upper.map(Double.init) ?? extent.upperBound
        return lo < hi ? lo...hi : nil
    }

    /// The epochs of `sorted` (ascending) inside the window, with the nearest one outside on each side, so a line
    /// through them reaches the window's edges.
    public func restrict(_ sorted: [Int]) -> [Int] {
        let first = lower.flatMap { lo in sorted.lastIndex { $0 <= lo } } ?? 0
        let last = upper.flatMap { hi in sorted.firstIndex { $0 >= hi } } ?? (sorted.count - 1)
        return first <= last ? Array(sorted[first...last]) : []
    }

    /// Whether `epoch` lies in the window.
    public func contains(_ epoch: Int) -> Bool { (lower.map { epoch >= $0 } ?? true) && (upper.map { epoch <= $0 } ?? true) }
}
