/// Drawing of marks (phases, highlighted ranges, epoch indicator, checkpoints, reference lines, annotations) in SVG.
extension SVGRenderer {
    /// Phase shading colours (palette slots), cycled.
    static let phaseSlots = [2, 4, 5, 3]

    /// Marks drawn below the data: phase bands and highlighted ranges.
    func drawBackgroundMarks(_ marks: [Mark], layout L: SVGPanelLayout, into w: inout SVGWriter) {
        let plot = L.plot
        var phase = 0
        for m in marks {
            switch m {
            case .phase(let a, let b, let label):
                guard let x0 = clampX(a, L), let x1 = clampX(b, L) else { continue }
                let color = Palette.seriesColor(SVGRenderer.phaseSlots[phase % SVGRenderer.phaseSlots.count]).hex
                phase += 1
                w.rect(min(x0, x1), plot.y, abs(x1 - x0), plot.h, extra: "fill=\"\(color)\" fill-opacity=\".13\"")
                if let ty = L.topStripY, !label.isEmpty {
                    // Names go above the plot; shortened to fit the band.
                    let fit = fitted(label, width: abs(x1 - x0) - 4, size: 10)
                    if !fit.isEmpty { w.label(fit, x: (x0 + x1) / 2, y: ty, cls: "sm") }
                }
            case .highlight(let a, let b, let label):
                guard let x0 = clampX(a, L), let x1 = clampX(b, L) else { continue }
                w.rect(min(x0, x1), plot.y, max(1, abs(x1 - x0)), plot.h, cls: "hl")
                w.line(x0, plot.y, x0, plot.bottom, cls: "hle")
                w.line(x1, plot.y, x1, plot.bottom, cls: "hle")
                // The range's spec above it (its start and end handles are drawn on the checkpoint strip).
                if let ty = L.topStripY, !label.isEmpty {
                    let fit = fitted(label, width: abs(x1 - x0) - 8, size: 10)
                    if !fit.isEmpty { w.label(fit, x: (x0 + x1) / 2, y: ty, cls: "sm") }
                }
            default: break
            }
        }
    }

    /// Marks drawn above the data.
    func drawForegroundMarks(_ marks: [Mark], layout L: SVGPanelLayout, into w: inout SVGWriter) {
        let plot = L.plot
        for m in marks {
            switch m {
            case .referenceLine(let yv, let label):
                guard let y = L.py(yv), y >= plot.y - 0.5, y <= plot.bottom + 0.5 else { continue }
                w.line(plot.x, y, plot.right, y, cls: "ref")
                if !label.isEmpty { w.label(label, x: plot.right - 4, y: y - 4, anchor: "end", cls: "sm") }
            case .epochIndicator(let xv, let label):
                if options.switchableEpochIndicators { continue }
                drawEpochIndicator(xv, label: label, layout: L, into: &w)
            case .annotation(let xv, let yv, let text):
                guard let x = L.px(xv), let y = L.py(yv) else { continue }
                w.raw("<circle cx=\"")
                w.num(x)
                w.raw("\" cy=\"")
                w.num(y)
                w.raw("\" r=\"2.5\" class=\"cks\"/>\n")
                let tw = TextMetrics.width(text, size: 10)
                let right = x + 6 + tw <= plot.right
                w.label(text, x: right ? x + 6 : x - 6, y: y - 5, anchor: right ? "start" : "end", cls: "sm")
            default: break
            }
        }
        if options.switchableEpochIndicators { drawSwitchableEpochIndicators(marks, layout: L, into: &w) }
        drawCheckpointStrip(marks, layout: L, into: &w)
    }

    /// A vertical line at `xv` with a triangle and its label above the plot.
    private func drawEpochIndicator(_ xv: Double, label: String, layout L: SVGPanelLayout, into w: inout SVGWriter) {
        let plot = L.plot
        guard let x = L.px(xv), x >= plot.x - 0.5, x <= plot.right + 0.5 else { return }
        w.line(x, plot.y, x, plot.bottom, cls: "ep")
        w.raw("<path class=\"cks\" d=\"M")
        w.num(x - 4)
        w.raw(" ")
        w.num(plot.y - 5)
        w.raw("h8l-4 5z\"/>\n")
        if let ty = L.epochLabelY, !label.isEmpty {
            let tw = TextMetrics.width(label, size: 10)
            let cx = min(max(x, plot.x + tw / 2), plot.right - tw / 2)
            w.label(label, x: cx, y: ty - 1, cls: "sm", extra: "font-weight=\"bold\"")
        }
    }

    /// Every epoch indicator as one alternative of a set (see `SVGOptions.switchableEpochIndicators`): each in its own
    /// `<g class="wbi">`, in order, inside `<g class="wbis">`; only the first is displayed unless a host page's CSS says
    /// otherwise.
    private func drawSwitchableEpochIndicators(_ marks: [Mark], layout L: SVGPanelLayout, into w: inout SVGWriter) {
        var first = true
        var opened = false
        for m in marks {
            guard case .epochIndicator(let xv, let label) = m else { continue }
            if !opened { w.raw("<g class=\"wbis\">\n"); opened = true }
            w.raw(first ? "<g class=\"wbi\">\n" : "<g class=\"wbi\" display=\"none\">\n")
            drawEpochIndicator(xv, label: label, layout: L, into: &w)
            w.raw("</g>\n")
            first = false
        }
        if opened { w.raw("</g>\n") }
    }

    /// The strip under the axis: highlighted ranges as bars with start and end handles, available checkpoints as
    /// short ticks, selected ones as filled diamonds.
    private func drawCheckpointStrip(_ marks: [Mark], layout L: SVGPanelLayout, into w: inout SVGWriter) {
        guard let cy = L.checkpointY else { return }
        w.label("ckpt", x: L.plot.x - 6, y: cy + 3.5, anchor: "end", cls: "sm")
        w.line(L.plot.x, cy, L.plot.right, cy, cls: "gr")
        for m in marks {
            if case .highlight(let a, let b, _) = m, let x0 = clampX(a, L), let x1 = clampX(b, L) {
                w.rect(min(x0, x1), cy - 2, abs(x1 - x0), 4, cls: "hl", extra: "fill-opacity=\".3\"")
                w.rect(x0 - 1.5, cy - 7, 3, 14, cls: "hnd")
                w.rect(x1 - 1.5, cy - 7, 3, 14, cls: "hnd")
            }
        }
        for m in marks {
            if case .missingCheckpoints(let xs) = m {
                drawMissingCheckpoints(xs, y: cy, layout: L, into: &w)
                continue
            }
            guard case .checkpoints(let xs, let selected) = m else { continue }
            var d = SVGWriter(capacity: xs.count * 16)
            // Dense selections (markers closer than 7 units) are drawn as tall ticks instead of diamonds.
            let dense = selected && xs.count > 1 && L.plot.w / Double(xs.count) < 7
            for xv in xs {
                guard let x = L.px(xv), x >= L.plot.x - 0.5, x <= L.plot.right + 0.5 else { continue }
                d.raw("M")
                d.num(x)
                if dense {
                    d.raw(" ")
                    d.num(cy - 6)
                    d.raw("v12")
                } else if selected {
                    d.raw(" ")
                    d.num(cy - 4.5)
                    d.raw("l3.5 4.5-3.5 4.5-3.5-4.5z")
                } else {
                    d.raw(" ")
                    d.num(cy - 3)
                    d.raw("v6")
                }
            }
            guard !d.bytes.isEmpty else { continue }
            w.raw(dense ? "<path class=\"cksd\" d=\"" : selected ? "<path class=\"cks\" d=\"" : "<path class=\"ck\" d=\"")
            w.bytes.append(contentsOf: d.bytes)
            w.raw("\"/>\n")
        }
    }

    /// Selected epochs without a checkpoint: hollow diamonds (faint tall ticks when dense).
    private func drawMissingCheckpoints(_ xs: [Double], y cy: Double, layout L: SVGPanelLayout, into w: inout SVGWriter) {
        let dense = xs.count > 1 && L.plot.w / Double(xs.count) < 7
        var d = SVGWriter(capacity: xs.count * 24)
        for xv in xs {
            guard let x = L.px(xv), x >= L.plot.x - 0.5, x <= L.plot.right + 0.5 else { continue }
            d.raw("M")
            d.num(x)
            d.raw(" ")
            if dense {
                d.num(cy - 6)
                d.raw("v12")
            } else {
                d.num(cy - 4)
                d.raw("l3 4-3 4-3-4z")
            }
        }
        guard !d.bytes.isEmpty else { return }
        w.raw(dense ? "<path class=\"ck\" d=\"" : "<path class=\"ck\" fill=\"none\" stroke-opacity=\".9\" d=\"")
        w.bytes.append(contentsOf: d.bytes)
        w.raw("\"/>\n")
    }

    /// x position of a data value, clamped to the plot area.
    func clampX(_ v: Double, _ L: SVGPanelLayout) -> Double? {
        guard let f = L.scales.x.clampedFraction(v) else { return nil }
        return L.plot.x + min(1, max(0, f)) * L.plot.w
    }

    /// `s`, cut with an ellipsis so it fits `width` at `size`; empty when not even one letter fits.
    func fitted(_ s: String, width: Double, size: Double) -> String {
        if TextMetrics.width(s, size: size) <= width { return s }
        var out = ""
        for ch in s {
            if TextMetrics.width(out + String(ch) + "…", size: size) > width { break }
            out.append(ch)
        }
        return out.isEmpty ? "" : out + "…"
    }
}
