/// How values map to positions along an axis.
public enum AxisScale: String, Sendable, Equatable, Codable {
    /// Equal distances for equal differences.
    case linear
    /// Base-10 logarithmic; values ≤ 0 are not drawn.
    case log
}

/// One axis of a panel: label, scale, optional fixed range, optional explicit ticks and labelled groups.
public struct Axis: Sendable, Equatable, Codable {
    public var label: String
    public var scale: AxisScale
    /// Fixed data range; `nil` fits the data (y axes are widened to nice tick values).
    public var range: ClosedRange<Double>?
    /// Draw the largest value first (top for y, left for x), e.g. matrix rows from the top.
    public var reversed: Bool
    /// Explicit ticks replacing the automatic 1-2-5 / powers-of-ten ticks.
    public var ticks: [AxisTick]?
    /// Labelled spans drawn along the axis, e.g. neuron clusters with their sizes.
    public var groups: [AxisGroup]

    public init(_ label: String, scale: AxisScale = .linear, range: ClosedRange<Double>? = nil,
                reversed: Bool = false, ticks: [AxisTick]? = nil, groups: [AxisGroup] = []) {
        self.label = label
        self.scale = scale
        self.range = range
        self.reversed = reversed
        self.ticks = ticks
        self.groups = groups
    }
}

/// A tick at a data value with its label.
public struct AxisTick: Sendable, Equatable, Codable {
    public var value: Double
    public var label: String
    public init(_ value: Double, _ label: String) {
        self.value = value
        self.label = label
    }
}

/// A labelled span `start…end` (data units) along an axis.
public struct AxisGroup: Sendable, Equatable, Codable {
    public var start: Double
    public var end: Double
    public var label: String
    public init(start: Double, end: Double, label: String) {
        self.start = start
        self.end = end
        self.label = label
    }
}
