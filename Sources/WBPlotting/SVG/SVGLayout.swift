/// Where each part of one panel goes in the SVG (viewBox units). Computed before anything is drawn,
/// so legends, phase names and checkpoint strips get their own space and never cover data.
struct SVGPanelLayout {
    struct Box {
        var x, y, w, h: Double
        var right: Double { x + w }
        var bottom: Double { y + h }
    }

    struct LegendItem {
        var entry: LegendEntry
        var x: Double
        var y: Double
    }

    var box: Box
    var plot: Box
    var scales: PanelScales
    var xTicks: [AxisTick]
    var yTicks: [AxisTick]
    var titleY: Double?
    var legend: [LegendItem]
    /// Baseline of the epoch indicator's label above the plot.
    var epochLabelY: Double?
    /// Baseline of the phase names (and selected-range labels) above the plot.
    var topStripY: Double?
    var xTickY: Double?
    var xLabelY: Double?
    var groupsY: Double?
    /// Centre line of the checkpoint strip under the axis.
    var checkpointY: Double?
    var yLabelX: Double
    var colorBarX: Double?

    static let tickFont = 11.0
    static let legendRow = 18.0

    /// Lays out `panel` in a box `width` wide at (x0, y0). `height` is used when the panel has no aspect.
    init(panel: Panel, x0: Double, y0: Double, width: Double, height: Double, maxPlotHeight: Double) {
        scales = PanelScales(panel)
        var top = y0 + 8
        if !panel.title.isEmpty {
            titleY = top + 12
            top += 20
        }
        // Legend: entries flow left to right, wrapping.
        legend = []
        let entries = panel.legendEntries
        if !entries.isEmpty {
            var lx = x0 + 12, row = 0.0
            for e in entries {
                let w = 30 + TextMetrics.width(e.label, size: 11) + 14
                if lx + w > x0 + width - 8 && lx > x0 + 12 {
                    lx = x0 + 12
                    row += 1
                }
                legend.append(LegendItem(entry: e, x: lx, y: top + 11 + row * SVGPanelLayout.legendRow))
                lx += w
            }
            top += (row + 1) * SVGPanelLayout.legendRow
        }
        let hasEpoch = panel.marks.contains { if case .epochIndicator = $0 { return true } else { return false } }
        // Phase names and selected-range labels share a strip above the plot.
        let hasPhases = panel.marks.contains {
            if case .phase = $0 { return true }
            if case .highlight(_, _, let label) = $0 { return !label.isEmpty }
            return false
        }
        if hasEpoch {
            epochLabelY = top + 11
            top += 16
        }
        if hasPhases {
            topStripY = top + 11
            top += 16
        }
        top += 6

        let showXTicks = panel.x.ticks.map { !$0.isEmpty } ?? true
        let hasStrip = panel.marks.contains {
            if case .checkpoints = $0 { return true }
            if case .missingCheckpoints = $0 { return true }
            if case .highlight = $0 { return true }
            return false
        }
        var bottomMargin = 6.0
        if showXTicks { bottomMargin += 18 }
        if !panel.x.label.isEmpty { bottomMargin += 18 }
        if !panel.x.groups.isEmpty { bottomMargin += 34 }
        if hasStrip { bottomMargin += 20 }

        let estPlotH = max(80, (panel.aspect != nil ? width * 0.8 : height) - (top - y0) - bottomMargin)
        yTicks = scales.y.ticks(target: max(2, Int(estPlotH / 42)))
        let yTickW = yTicks.map { TextMetrics.width($0.label, size: SVGPanelLayout.tickFont) }.max() ?? 0
        var left = x0 + 8 + (panel.y.label.isEmpty ? 0 : 18) + yTickW + 7
        yLabelX = x0 + 8 + 12
        var right = x0 + width - 16
        if let h = panel.heatmap, h.colorScale.showBar {
            let r = h.valueRange
            let labels = Ticks.linearLabels(Ticks.linear(r.lowerBound, r.upperBound, target: 5))
            let w = labels.map { TextMetrics.width($0, size: SVGPanelLayout.tickFont) }.max() ?? 20
            right -= 12 + 8 + w + (h.colorScale.label.isEmpty ? 0 : 18)
        }
        var plotW = max(40, right - left)
        var plotH: Double
        if let a = panel.aspect {
            plotH = plotW * a
            if plotH > maxPlotHeight {
                plotH = maxPlotHeight
                let newW = plotH / a
                left += (plotW - newW) / 2
                right = left + newW
                plotW = newW
            }
            box = Box(x: x0, y: y0, w: width, h: (top - y0) + plotH + bottomMargin)
        } else {
            plotH = max(60, height - (top - y0) - bottomMargin)
            box = Box(x: x0, y: y0, w: width, h: height)
        }
        plot = Box(x: left, y: top, w: plotW, h: plotH)
        if let h = panel.heatmap, h.colorScale.showBar { colorBarX = plot.right + 12 }

        // x ticks: as many as fit without labels touching.
        var target = max(2, Int(plotW / 75))
        var ticks = scales.x.ticks(target: target)
        while target > 2 {
            if !SVGPanelLayout.overlaps(ticks, axis: scales.x, length: plotW) { break }
            target -= 1
            ticks = scales.x.ticks(target: target)
        }
        xTicks = ticks

        var y = plot.bottom
        if showXTicks {
            xTickY = y + 15
            y += 18
        }
        if !panel.x.groups.isEmpty {
            groupsY = y + 6
            y += 34
        }
        if !panel.x.label.isEmpty {
            xLabelY = y + 15
            y += 18
        }
        if hasStrip { checkpointY = y + 10 }
    }

    /// Whether neighbouring tick labels would overlap.
    static func overlaps(_ ticks: [AxisTick], axis: ResolvedAxis, length: Double) -> Bool {
        var lastRight = -Double.infinity
        for t in ticks {
            guard let f = axis.fraction(t.value) else { continue }
            let w = TextMetrics.width(t.label, size: tickFont)
            let c = f * length
            if c - w / 2 < lastRight + 8 { return true }
            lastRight = c + w / 2
        }
        return false
    }

    /// x position (viewBox) of a data value, or nil.
    func px(_ v: Double) -> Double? { scales.x.fraction(v).map { plot.x + $0 * plot.w } }
    /// y position (viewBox) of a data value, or nil.
    func py(_ v: Double) -> Double? { scales.y.fraction(v).map { plot.y + (1 - $0) * plot.h } }
}
