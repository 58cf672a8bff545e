/// The x window of the loss chart in a full-screen view (`range pick`, `dashboard live`): the whole run at zoom 1×;
/// each zoom-in halves the window around a focus epoch (the cursor, the shown checkpoint), each zoom-out doubles it,
/// reset shows the whole run again. The focus keeps moving over the whole run; when it leaves the window, the window
/// follows it. Pure, so key sequences are tested without a terminal.
public struct ChartZoom: Equatable, Sendable {
    /// The run's first and last epoch (the window at 1×).
    public let lowest: Int
    public let highest: Int
    /// The zoom factor, a power of two: the window is the run's span divided by it.
    public private(set) var level: Int = 1
    /// The window's first epoch.
    public private(set) var start: Int

    /// The narrowest window zooming in goes to, in epochs.
    public static let minimumSpan = 8

    public init(lowest: Int, highest: Int) {
        self.lowest = lowest
        self.highest = max(lowest, highest)
        start = lowest
    }

    /// Epochs the window spans.
    public var span: Int { level == 1 ? highest - lowest : (highest - lowest) / level }

    /// The epochs shown: the whole run at 1×.
    public var window: ClosedRange<Int> { start...(start + span) }

    public var isZoomed: Bool { level > 1 }

    /// Zooms in around `focus`; false (nothing changes) when the window would get narrower than `minimumSpan`.
    @discardableResult
    public mutating func zoomIn(around focus: Int) -> Bool {
        guard (highest - lowest) / (level * 2) >= Self.minimumSpan else { return false }
        level *= 2
        center(on: focus)
        return true
    }

    /// Zooms out around `focus`; false when the whole run is shown already.
    @discardableResult
    public mutating func zoomOut(around focus: Int) -> Bool {
        guard level > 1 else { return false }
        level /= 2
        center(on: focus)
        return true
    }

    /// Back to the whole run.
    public mutating func reset() {
        level = 1
        start = lowest
    }

    /// Moves the window just enough that `focus` is inside it.
    public mutating func follow(_ focus: Int) {
        if focus < start { start = max(lowest, focus) }
        if focus > start + span { start = min(highest - span, focus - span) }
    }

    private mutating func center(on focus: Int) {
        start = level == 1 ? lowest : min(highest - span, max(lowest, focus - span / 2))
    }

    /// `epochs 1,000–3,000 (zoom 4×)`.
    public var description: String {
        "epochs \(Self.grouped(window.lowerBound))–\(Self.grouped(window.upperBound)) (zoom \(level)×)"
    }

    /// `12345` as `12,345`.
    static func grouped(_ value: Int) -> String {
        let digits = String(abs(value))
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return (value < 0 ? "-" : "") + out
    }
}
