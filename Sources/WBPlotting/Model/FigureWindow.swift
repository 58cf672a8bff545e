import Foundation

// Zooming a figure into part of its x axis (`plot loss 1000..3000`, the zoom keys of `range pick` and `dashboard live`).
// The x axis shows exactly the window; lines are cut at its edges, with a point interpolated on each edge so they reach
// them; points, bars and marks outside it are dropped and shaded spans are clipped to it. Both renderers fit the y axis
// to every point of a series, so cutting the series is what fits the y axis to the data inside the window.
extension Figure {
    /// The smallest and largest x of any finite point of any series, nil when there is none.
    public var seriesXExtent: ClosedRange<Double>? {
        var lo = Double.infinity, hi = -Double.infinity
        for panel in panels {
            for s in panel.series {
                for i in 0..<s.count where s.x[i].isFinite && s.y[i].isFinite {
                    lo = Swift.min(lo, s.x[i])
                    hi = Swift.max(hi, s.x[i])
                }
            }
        }
        return lo <= hi ? lo...hi : nil
    }

    /// The figure with every panel zoomed to `window` on the x axis (`Panel.windowed`); nil when no series of any
    /// panel has a finite point inside the window (there would be nothing to draw).
    public func windowed(_ window: ClosedRange<Double>) -> Figure? {
        guard panels.contains(where: { $0.pointCount(in: window) > 0 }) else { return nil }
        var figure = self
        figure.panels = panels.map { $0.windowed(window) }
        return figure
    }
}

extension Panel {
    /// Finite points of the panel's series whose x lies in `window`.
    public func pointCount(in window: ClosedRange<Double>) -> Int {
        series.reduce(0) { total, s in
            total + (0..<s.count).filter { window.contains(s.x[$0]) && s.y[$0].isFinite }.count
        }
    }

    /// The panel zoomed to `window`: the x axis range is the window, series are cut to it (`Series.clipped`), marks
    /// outside it are dropped (epoch indicators, checkpoint markers, annotations) or clipped (highlights, phases; a
    /// phase outside stays as an empty band so the colours stay tied to the phases). A heatmap is left as it is.
    public func windowed(_ window: ClosedRange<Double>) -> Panel {
        var panel = self
        panel.x.range = window
        panel.series = series.map { $0.clipped(to: window, logY: y.scale == .log) }
        panel.marks = marks.compactMap { $0.clipped(to: window) }
        return panel
    }
}

extension Series {
    /// The points with x in `window`. A line also gets a point on each edge it crosses, interpolated between the
    /// neighbours on either side (in log space when `logY` and both values are positive), so it reaches the edge; its
    /// x values are taken to be ascending, as epochs are. Points and bars keep only the points inside.
    public func clipped(to window: ClosedRange<Double>, logY: Bool) -> Series {
        let lo = window.lowerBound, hi = window.upperBound
        var xs: [Double] = [], ys: [Double] = []
        func edge(_ i: Int, _ j: Int, at position: Double) {
            guard kind == .line, let v = Self.interpolate(position, x[i], y[i], x[j], y[j], logY: logY) else { return }
            xs.append(position)
            ys.append(v)
        }
        for i in 0..<count {
            let xi = x[i]
            if window.contains(xi) {
                if i > 0, x[i - 1] < lo, xi > lo { edge(i - 1, i, at: lo) }
                xs.append(xi)
                ys.append(y[i])
                if i + 1 < count, x[i + 1] > hi, xi < hi { edge(i, i + 1, at: hi) }
            } else if xi < lo, i + 1 < count, x[i + 1] > hi {
                // One segment spans the whole window.
                edge(i, i + 1, at: lo)
                edge(i, i + 1, at: hi)
            }
        }
        var out = self
        out.x = xs
        out.y = ys
        return out
    }

    /// The value at `x` on the segment (x0, y0)–(x1, y1); nil when either end is not finite.
    static func interpolate(_ x: Double, _ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double, logY: Bool) -> Double? {
        guard x0.isFinite, x1.isFinite, y0.isFinite, y1.isFinite, x1 != x0 else { return nil }
        let t = (x - x0) / (x1 - x0)
        if logY, y0 > 0, y1 > 0 { return exp(log(y0) + t * (log(y1) - log(y0))) }
        return y0 + t * (y1 - y0)
    }
}

extension Mark {
    /// The mark as drawn in an x window: nil when it lies outside, spans clamped to the window.
    func clipped(to window: ClosedRange<Double>) -> Mark? {
        let lo = window.lowerBound, hi = window.upperBound
        func clamp(_ v: Double) -> Double { Swift.min(hi, Swift.max(lo, v)) }
        switch self {
        case .epochIndicator(let x, _), .annotation(let x, _, _):
            return window.contains(x) ? self : nil
        case .highlight(let start, let end, let label):
            guard end >= lo, start <= hi else { return nil }
            return .highlight(start: clamp(start), end: clamp(end), label: label)
        case .phase(let start, let end, let label):
            return .phase(start: clamp(start), end: clamp(end), label: label)
        case .checkpoints(let xs, let selected):
            let inside = xs.filter(window.contains)
            return inside.isEmpty ? nil : .checkpoints(x: inside, selected: selected)
        case .missingCheckpoints(let xs):
            let inside = xs.filter(window.contains)
            return inside.isEmpty ? nil : .missingCheckpoints(x: inside)
        case .referenceLine:
            return self
        }
    }
}
