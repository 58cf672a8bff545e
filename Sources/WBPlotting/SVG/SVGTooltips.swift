import Foundation

/// Hover values without scripts (`SVGOptions.tooltips`): invisible shapes carrying `<title>` elements, which browsers
/// show as native tooltips. Drawn last in each panel so they sit on top. Sampled so a figure stays small:
/// at most `maxPointsPerSeries` points of a line, every bar, and heatmap cells merged into at most
/// `heatmapBlocks` × `heatmapBlocks` blocks (each block tells its cell ranges, mean and maximum).
extension SVGRenderer {
    static let maxPointsPerSeries = 60
    static let heatmapBlocks = 6

    func drawTooltips(_ panel: Panel, layout L: SVGPanelLayout, into w: inout SVGWriter) {
        if let h = panel.heatmap { heatmapTooltips(h, panel: panel, layout: L, into: &w) }
        for s in panel.series {
            switch s.kind {
            case .line, .points: pointTooltips(s, panel: panel, layout: L, categoricalY: panel.heatmap != nil, into: &w)
            case .bars: barTooltips(s, panel: panel, layout: L, into: &w)
            }
        }
    }

    /// Evenly spaced drawable points (by index), each a small invisible circle: "train: epoch 1500, loss 0.0123".
    /// `categoricalY`: over a heatmap (a sweep's phase diagram), a point's y is a row, named by its tick label.
    private func pointTooltips(_ s: Series, panel: Panel, layout L: SVGPanelLayout, categoricalY: Bool = false,
                               into w: inout SVGWriter) {
        let plot = L.plot
        var drawable: [Int] = []
        for i in 0..<s.count {
            guard let x = L.px(s.x[i]), let y = L.py(s.y[i]),
                  x >= plot.x - 0.5, x <= plot.right + 0.5, y >= plot.y - 0.5, y <= plot.bottom + 0.5 else { continue }
            drawable.append(i)
        }
        guard !drawable.isEmpty else { return }
        let count = min(drawable.count, SVGRenderer.maxPointsPerSeries)
        var last = -1
        for j in 0..<count {
            let k = count == 1 ? drawable.count - 1 : Int((Double(j) * Double(drawable.count - 1) / Double(count - 1)).rounded())
            let i = drawable[k]
            guard i != last, let x = L.px(s.x[i]), let y = L.py(s.y[i]) else { continue }
            last = i
            w.raw("<circle class=\"tip\" cx=\"")
            w.num(x)
            w.raw("\" cy=\"")
            w.num(y)
            w.raw("\" r=\"5\"><title>")
            let prefix = s.name.isEmpty ? "" : s.name + ": "
            if categoricalY, let row = tickLabel(panel.y, s.y[i]) {
                w.text(prefix + axisName(panel.x) + " " + (tickLabel(panel.x, s.x[i]) ?? NumberFormat.compact(s.x[i]))
                    + ", " + axisName(panel.y) + " " + row)
            } else {
                w.text(prefix + pair(panel.x, s.x[i], panel.y, s.y[i]))
            }
            w.raw("</title></circle>\n")
        }
    }

    /// One invisible column per bar, the full plot height (so short bars are easy to hover): "frequency k 14: 3.21".
    private func barTooltips(_ s: Series, panel: Panel, layout L: SVGPanelLayout, into w: inout SVGWriter) {
        let plot = L.plot
        var xs: [Double] = []
        for i in 0..<s.count { if let x = L.px(s.x[i]) { xs.append(x) } }
        let sorted = xs.sorted()
        var gap = Double.infinity
        for i in 1..<max(1, sorted.count) where sorted[i] > sorted[i - 1] { gap = min(gap, sorted[i] - sorted[i - 1]) }
        let width = gap.isFinite ? gap : min(40, plot.w / 4)
        for i in 0..<s.count {
            guard let x = L.px(s.x[i]), s.y[i].isFinite else { continue }
            w.raw("<path class=\"tip\" d=\"M")
            w.num(x - width / 2)
            w.raw(" ")
            w.num(plot.y)
            w.raw("h")
            w.num(width)
            w.raw("v")
            w.num(plot.h)
            w.raw("h")
            w.num(-width)
            w.raw("z\"><title>")
            let name = tickLabel(panel.x, s.x[i]) ?? (axisName(panel.x) + " " + NumberFormat.compact(s.x[i]))
            w.text(name + ": " + NumberFormat.short(s.y[i]) + (s.name.isEmpty ? "" : " (\(s.name))"))
            w.raw("</title></path>\n")
        }
    }

    /// Heatmap cells merged into blocks: "b 0–14, a 0–14: mean 0.41, max 1.2"; +∞ cells drawn in a fill of their own
    /// are named by its label ("wd 0.3, frac 0.5: never", or "…: mean 1200, max 1500, 2 never").
    private func heatmapTooltips(_ h: Heatmap, panel: Panel, layout L: SVGPanelLayout, into w: inout SVGWriter) {
        guard h.rows > 0, h.columns > 0 else { return }
        let blockRows = (h.rows + SVGRenderer.heatmapBlocks - 1) / SVGRenderer.heatmapBlocks
        let blockColumns = (h.columns + SVGRenderer.heatmapBlocks - 1) / SVGRenderer.heatmapBlocks
        let cellW = (h.x.upperBound - h.x.lowerBound) / Double(h.columns)
        let cellH = (h.y.upperBound - h.y.lowerBound) / Double(h.rows)
        for r0 in stride(from: 0, to: h.rows, by: blockRows) {
            let r1 = min(h.rows, r0 + blockRows)
            for c0 in stride(from: 0, to: h.columns, by: blockColumns) {
                let c1 = min(h.columns, c0 + blockColumns)
                var sum = 0.0, count = 0, top = -Double.infinity, filled = 0
                for r in r0..<r1 {
                    for c in c0..<c1 {
                        let v = h.values[r * h.columns + c]
                        if h.isInfinityFilled(v) { filled += 1; continue }
                        guard v.isFinite else { continue }
                        sum += v
                        count += 1
                        top = max(top, v)
                    }
                }
                guard count > 0 || filled > 0 else { continue }
                let xa = h.x.lowerBound + Double(c0) * cellW, xb = h.x.lowerBound + Double(c1) * cellW
                let ya = h.y.lowerBound + Double(r0) * cellH, yb = h.y.lowerBound + Double(r1) * cellH
                guard let pxa = L.px(xa), let pxb = L.px(xb), let pya = L.py(ya), let pyb = L.py(yb) else { continue }
                w.raw("<path class=\"tip\" d=\"M")
                w.num(min(pxa, pxb))
                w.raw(" ")
                w.num(min(pya, pyb))
                w.raw("h")
                w.num(abs(pxb - pxa))
                w.raw("v")
                w.num(abs(pyb - pya))
                w.raw("h")
                w.num(-abs(pxb - pxa))
                w.raw("z\"><title>")
                let where_ = cells(panel.x, from: xa, to: xb, width: cellW) + ", " + cells(panel.y, from: ya, to: yb, width: cellH)
                let label = h.infinityFill?.label ?? ""
                var value = count == 0 ? label : count == 1 ? NumberFormat.short(sum)
                    : "mean " + NumberFormat.short(sum / Double(count)) + ", max " + NumberFormat.short(top)
                if count > 0 && filled > 0 { value += ", \(filled) \(label)" }
                w.text(where_ + ": " + value)
                w.raw("</title></path>\n")
            }
        }
    }

    /// "epoch 1500, loss 0.0123".
    private func pair(_ xAxis: Axis, _ x: Double, _ yAxis: Axis, _ y: Double) -> String {
        let xs = tickLabel(xAxis, x) ?? NumberFormat.compact(x)
        return axisName(xAxis) + " " + xs + ", " + axisName(yAxis) + " " + NumberFormat.short(y)
    }

    private func axisName(_ axis: Axis) -> String { axis.label.isEmpty ? "x" : axis.label }

    /// The label of an explicit tick at exactly `value`, if the axis has one.
    private func tickLabel(_ axis: Axis, _ value: Double) -> String? {
        axis.ticks?.first(where: { $0.value == value }).map { $0.label }
    }

    /// The cells a block covers along one axis: integer indices for unit cells ("a 0–14"), else the data range.
    private func cells(_ axis: Axis, from a: Double, to b: Double, width: Double) -> String {
        let name = axisName(axis)
        if width == 1, a == a.rounded() {
            let first = Int(a), last = Int(b) - 1
            // Cells labelled by ticks at their centres (a sweep's phase diagram: one swept value per column or row).
            if let firstLabel = tickLabel(axis, Double(first) + 0.5), let lastLabel = tickLabel(axis, Double(last) + 0.5) {
                return first == last ? "\(name) \(firstLabel)" : "\(name) \(firstLabel)–\(lastLabel)"
            }
            return first == last ? "\(name) \(first)" : "\(name) \(first)–\(last)"
        }
        return "\(name) \(NumberFormat.short(a))–\(NumberFormat.short(b))"
    }
}
