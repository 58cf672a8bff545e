import Foundation

/// One axis resolved for drawing: its data range, scale and ticks. Shared by both renderers.
struct ResolvedAxis: Sendable {
    let axis: Axis
    /// Data range (`lo < hi`).
    let lo: Double
    let hi: Double
    private let tlo: Double
    private let tspan: Double

    init(axis: Axis, lo: Double, hi: Double) {
        self.axis = axis
        self.lo = lo
        self.hi = hi
        let a = ResolvedAxis.transform(lo, axis.scale) ?? 0
        let b = ResolvedAxis.transform(hi, axis.scale) ?? 1
        tlo = a
        tspan = b - a == 0 ? 1 : b - a
    }

    static func transform(_ v: Double, _ scale: AxisScale) -> Double? {
        guard v.isFinite else { return nil }
        switch scale {
        case .linear: return v
        case .log: return v > 0 ? log10(v) : nil
        }
    }

    /// Position of `v` along the axis as a fraction (0 = start, left or bottom); `nil` when not drawable
    /// (NaN, or ≤ 0 on a log axis). Values outside the range give fractions outside 0…1.
    @inline(__always)
    func fraction(_ v: Double) -> Double? {
        guard let t = ResolvedAxis.transform(v, axis.scale) else { return nil }
        let f = (t - tlo) / tspan
        return axis.reversed ? 1 - f : f
    }

    /// Fraction clamped to a drawable value (for marks partly outside the range).
    func clampedFraction(_ v: Double) -> Double? {
        if axis.scale == .log && v <= 0 { return axis.reversed ? 1 : 0 }
        return fraction(v).map { min(1.2, max(-0.2, $0)) }
    }

    /// Ticks inside the range, about `target` of them.
    func ticks(target: Int) -> [AxisTick] {
        Ticks.ticks(for: axis, lo: lo, hi: hi, target: target)
    }
}

/// The x and y axes of a panel with ranges fitted to its data and marks.
struct PanelScales: Sendable {
    let x: ResolvedAxis
    let y: ResolvedAxis

    init(_ panel: Panel) {
        var xs = Extent(scale: panel.x.scale), ys = Extent(scale: panel.y.scale)
        var hasBars = false
        var minBarGap = Double.infinity
        for s in panel.series {
            let n = s.count
            for i in 0..<n {
                let xv = s.x[i], yv = s.y[i]
                guard xs.accepts(xv), ys.accepts(yv) else { continue }
                xs.add(xv)
                ys.add(yv)
            }
            if s.kind == .bars {
                hasBars = true
                for i in 1..<max(1, n) where s.x[i] != s.x[i - 1] { minBarGap = min(minBarGap, abs(s.x[i] - s.x[i - 1])) }
            }
        }
        if let h = panel.heatmap {
            xs.add(h.x.lowerBound)
            xs.add(h.x.upperBound)
            ys.add(h.y.lowerBound)
            ys.add(h.y.upperBound)
        }
        for m in panel.marks {
            switch m {
            case .epochIndicator(let x, _): xs.add(x)
            case .highlight(let a, let b, _), .phase(let a, let b, _):
                xs.add(a)
                xs.add(b)
            case .checkpoints(let v, _), .missingCheckpoints(let v): for x in v { xs.add(x) }
            case .referenceLine(let y, _): ys.add(y)
            case .annotation(let x, let y, _):
                xs.add(x)
                ys.add(y)
            }
        }
        if hasBars {
            let half = (minBarGap.isFinite ? minBarGap : 1) / 2
            if xs.lo.isFinite {
                xs.lo -= half
                xs.hi += half
            }
            if panel.y.scale == .linear { ys.add(0) }
        }

        let (xlo, xhi) = panel.x.range.map { ($0.lowerBound, $0.upperBound) } ?? xs.bounds(nice: false)
        let (ylo, yhi) = panel.y.range.map { ($0.lowerBound, $0.upperBound) }
            ?? ys.bounds(nice: panel.heatmap == nil)
        x = ResolvedAxis(axis: panel.x, lo: xlo, hi: xhi)
        y = ResolvedAxis(axis: panel.y, lo: ylo, hi: yhi)
    }
}

/// Running minimum and maximum of drawable values on one axis.
private struct Extent {
    let scale: AxisScale
    var lo = Double.infinity
    var hi = -Double.infinity

    init(scale: AxisScale) { self.scale = scale }

    func accepts(_ v: Double) -> Bool { v.isFinite && (scale == .linear || v > 0) }

    mutating func add(_ v: Double) {
        guard accepts(v) else { return }
        if v < lo { lo = v }
        if v > hi { hi = v }
    }

    /// A non-empty range; `nice` widens it to tick values (decades on log axes).
    func bounds(nice: Bool) -> (Double, Double) {
        guard lo.isFinite else { return scale == .log ? (0.1, 10) : (0, 1) }
        var a = lo, b = hi
        if b <= a {
            if scale == .log { return (a / 10, a * 10) }
            let d = a == 0 ? 1 : abs(a) * 0.1
            a -= d
            b += d
        }
        guard nice else { return (a, b) }
        switch scale {
        case .linear:
            let step = Ticks.niceStep(span: b - a, target: 5)
            return ((a / step + 1e-9).rounded(.down) * step, (b / step - 1e-9).rounded(.up) * step)
        case .log:
            let la = log10(a), lb = log10(b)
            if lb - la >= 1 { return (pow(10, (la + 1e-9).rounded(.down)), pow(10, (lb - 1e-9).rounded(.up))) }
            return (a / 1.1, b * 1.1)
        }
    }
}
