import Foundation

/// Renders a `Figure` as Unicode text for the terminal: line charts on a braille canvas (2 × 4 dots a cell),
/// heatmaps with half blocks (two rows a cell), bar charts with eighth blocks, and marks in strips around the frame.
///
/// Pure: the size and colour mode are parameters (see `TerminalEnvironment.detect()` for picking them), so the
/// same figure and parameters always give the same text. With `.none` the output has no escape sequences.
public struct TerminalRenderer: Sendable {
    public var width: Int
    public var height: Int
    public var colorMode: TerminalColorMode
    /// Shade the plot area under highlighted ranges (a background tint; colour modes only). Off by default; the
    /// interactive `range pick` turns it on.
    public var shadesHighlights = false
    /// The background tint of shaded ranges.
    static let highlightShade = RGB(52, 58, 74)

    /// - Parameters:
    ///   - width: columns available (at least 20 are used).
    ///   - height: lines available for one grid row of panels (at least 8 are used); grids of several rows take more.
    public init(width: Int = 80, height: Int = 24, colorMode: TerminalColorMode = .none) {
        self.width = max(20, width)
        self.height = max(8, height)
        self.colorMode = colorMode
    }

    /// The figure as lines of text, each ending in a newline.
    public func render(_ figure: Figure) -> String {
        let subtitle = figure.subtitle.map { TerminalRenderer.wrapped($0, width: width) } ?? []
        let titleRows = (figure.title.isEmpty ? 0 : 1) + subtitle.count
        let cols = max(1, min(figure.columns, figure.panels.count, max(1, (width + 2) / 30)))
        let gap = 2
        let panelW = (width - (cols - 1) * gap) / cols
        let gridRows = figure.panels.isEmpty ? 0 : (figure.panels.count + cols - 1) / cols
        let panelH = gridRows <= 1 ? height - titleRows : max(10, (height - titleRows) / min(gridRows, 2))
        let rendered = figure.panels.map { renderPanel($0, width: panelW, height: panelH) }

        var rowHeights: [Int] = []
        for r in 0..<gridRows {
            let slice = rendered[(r * cols)..<min(rendered.count, (r + 1) * cols)]
            rowHeights.append(slice.map(\.height).max() ?? 0)
        }
        var out = TextCanvas(width: width, height: titleRows + rowHeights.reduce(0, +))
        if !figure.title.isEmpty {
            let tw = TextCanvas.displayWidth(figure.title)
            out.put(figure.title, max(0, (width - tw) / 2), 0, CellStyle(bold: true))
        }
        for (i, line) in subtitle.enumerated() {
            let tw = TextCanvas.displayWidth(line)
            out.put(line, max(0, (width - tw) / 2), (figure.title.isEmpty ? 0 : 1) + i)
        }
        var y = titleRows
        for r in 0..<gridRows {
            for c in 0..<cols where r * cols + c < rendered.count {
                out.blit(rendered[r * cols + c], c * (panelW + gap), y)
            }
            y += rowHeights[r]
        }
        return out.lines(mode: colorMode).map { $0 + "\n" }.joined()
    }

    /// `text` in lines of at most `width` cells, broken after " · " separators (else at spaces).
    static func wrapped(_ text: String, width: Int) -> [String] {
        TextWrap.lines(text, width: Double(width)) { Double(TextCanvas.displayWidth($0)) }
    }

    // MARK: - One panel

    /// Vertical positions of the parts of a panel.
    struct Rows {
        var title: Int?
        var legend: Int?
        var legendCount = 0
        var phases: Int?
        var top = 0
        var plot = 0
        var plotHeight = 0
        var bottom = 0
        var xTicks: Int?
        var groups: Int?
        var xLabel: Int?
        var strip: Int?
        var total = 0
    }

    func renderPanel(_ panel: Panel, width W: Int, height H: Int) -> TextCanvas {
        let scales = PanelScales(panel)
        let legend = legendLines(panel.legendEntries, width: W)
        let hasPhases = panel.marks.contains { if case .phase = $0 { return true } else { return false } }
        let hasStrip = panel.marks.contains {
            switch $0 {
            case .checkpoints, .missingCheckpoints, .highlight: return true
            default: return false
            }
        }
        let showXTicks = panel.x.ticks.map { !$0.isEmpty } ?? true

        var rows = Rows()
        var fixed = 0
        if !panel.title.isEmpty { fixed += 1 }
        fixed += legend.count
        if hasPhases { fixed += 1 }
        fixed += 2  // frame
        if showXTicks { fixed += 1 }
        if !panel.x.groups.isEmpty { fixed += 3 }
        if !panel.x.label.isEmpty { fixed += 1 }
        if hasStrip { fixed += 1 }
        var plotH = max(2, H - fixed)

        // Horizontal layout: y tick labels | frame | plot | frame | colour bar.
        var yTicks = scales.y.ticks(target: max(2, plotH / 3))
        var labelW = yTicks.map { TextCanvas.displayWidth($0.label) }.max() ?? 0
        let heat = panel.heatmap
        var barLabels: (String, String) = ("", "")
        var barW = 0
        if let h = heat, h.colorScale.showBar {
            let r = h.valueRange
            barLabels = (NumberFormat.short(r.upperBound), NumberFormat.short(r.lowerBound))
            barW = 1 + 2 + 1 + max(TextCanvas.displayWidth(barLabels.0), TextCanvas.displayWidth(barLabels.1))
        }
        var left = labelW + 1
        var plotW = max(4, W - left - 2 - barW)
        if let a = panel.aspect, heat != nil {
            // Half blocks make square pixels: one column wide, half a row tall.
            let needRows = max(2, Int((Double(plotW) * a / 2).rounded()))
            if needRows <= plotH {
                plotH = needRows
            } else {
                let newW = max(4, Int((Double(plotH) * 2 / a).rounded()))
                left += (plotW - newW) / 2
                plotW = newW
            }
            yTicks = scales.y.ticks(target: max(2, plotH / 3))
            labelW = yTicks.map { TextCanvas.displayWidth($0.label) }.max() ?? 0
        }

        var y = 0
        if !panel.title.isEmpty {
            rows.title = y
            y += 1
        }
        if !legend.isEmpty {
            rows.legend = y
            y += legend.count
        }
        if hasPhases {
            rows.phases = y
            y += 1
        }
        rows.top = y
        rows.plot = y + 1
        rows.plotHeight = plotH
        rows.bottom = y + 1 + plotH
        y = rows.bottom + 1
        if showXTicks {
            rows.xTicks = y
            y += 1
        }
        if !panel.x.groups.isEmpty {
            rows.groups = y
            y += 3
        }
        if !panel.x.label.isEmpty {
            rows.xLabel = y
            y += 1
        }
        if hasStrip {
            rows.strip = y
            y += 1
        }
        rows.total = y

        var c = TextCanvas(width: W, height: rows.total)
        let frameLeft = left - 1
        let frameRight = left + plotW
        let geo = PlotGeometry(scales: scales, left: left, top: rows.plot, columns: plotW, rows: plotH)

        if let t = rows.title {
            let tw = TextCanvas.displayWidth(panel.title)
            c.put(panel.title, max(0, left + (plotW - tw) / 2), t, CellStyle(bold: true))
        }
        if let l = rows.legend {
            for (i, line) in legend.enumerated() {
                var x = 0
                for item in line {
                    let style = CellStyle(fg: item.color.map(Palette.seriesColor))
                    x = c.put(item.sample, x, l + i, style)
                    x = c.put(" " + item.label + "   ", x, l + i)
                }
            }
        }

        // Frame.
        c.set(frameLeft, rows.top, "┌")
        c.set(frameRight, rows.top, "┐")
        c.set(frameLeft, rows.bottom, "└")
        c.set(frameRight, rows.bottom, "┘")
        for x in left..<frameRight {
            c.set(x, rows.top, "─")
            c.set(x, rows.bottom, "─")
        }
        for r in rows.plot..<rows.bottom {
            c.set(frameLeft, r, "│")
            c.set(frameRight, r, "│")
        }
        if !panel.y.label.isEmpty { c.put(" " + panel.y.label + " ", left + 1, rows.top, maxX: frameRight - 1) }

        // Content.
        if let h = heat { drawHeatmap(h, geo: geo, into: &c) }
        drawSeries(panel, geo: geo, into: &c)
        drawMarks(panel.marks, geo: geo, rows: rows, heatmap: heat != nil, into: &c)

        // Y ticks.
        var usedRows = Set<Int>()
        for t in yTicks {
            guard let r = geo.row(t.value), r >= rows.plot, r < rows.bottom, !usedRows.contains(r) else { continue }
            usedRows.insert(r)
            c.set(frameLeft, r, "┤")
            let lw = TextCanvas.displayWidth(t.label)
            c.put(t.label, frameLeft - lw, r)
        }
        // X ticks.
        if let xr = rows.xTicks {
            var lastEnd = -1
            let ticks = scales.x.ticks(target: max(2, plotW / 10))
            for t in ticks {
                guard let col = geo.column(t.value), col >= left, col < frameRight else { continue }
                let lw = TextCanvas.displayWidth(t.label)
                let start = min(max(0, col - lw / 2), W - lw)
                guard start > lastEnd else { continue }
                c.set(col, rows.bottom, "┬")
                c.put(t.label, start, xr)
                lastEnd = start + lw
            }
        }
        if let gr = rows.groups { drawGroups(panel.x.groups, geo: geo, row: gr, into: &c) }
        if let lr = rows.xLabel {
            let lw = TextCanvas.displayWidth(panel.x.label)
            c.put(panel.x.label, max(0, left + (plotW - lw) / 2), lr)
        }
        if let h = heat, h.colorScale.showBar {
            drawColorBar(h, x: frameRight + 2, top: rows.plot, rows: plotH, labels: barLabels, into: &c)
        }
        return c
    }

    // MARK: - Legend

    private struct LegendItem {
        var sample: String
        var label: String
        var color: Int?
    }

    private func legendLines(_ entries: [LegendEntry], width: Int) -> [[LegendItem]] {
        var lines: [[LegendItem]] = []
        var current: [LegendItem] = []
        var x = 0
        for e in entries {
            let sample: String
            switch e.kind {
            case .line: sample = e.dashed ? "╍╍" : "━━"
            case .points: sample = "••"
            case .bars: sample = "██"
            }
            let w = 2 + 1 + TextCanvas.displayWidth(e.label) + 3
            if x + w > width && !current.isEmpty {
                lines.append(current)
                current = []
                x = 0
            }
            current.append(LegendItem(sample: sample, label: e.label, color: e.color))
            x += w
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }
}

/// Maps data values to cells and braille pixels of a terminal plot area.
struct PlotGeometry {
    let scales: PanelScales
    let left: Int
    let top: Int
    let columns: Int
    let rows: Int

    var pixelWidth: Int { columns * 2 }
    var pixelHeight: Int { rows * 4 }

    /// Braille pixel x (fractional) of a data value.
    func px(_ v: Double) -> Double? { scales.x.fraction(v).map { $0 * Double(pixelWidth - 1) } }
    /// Braille pixel y (fractional, 0 = top) of a data value.
    func py(_ v: Double) -> Double? { scales.y.fraction(v).map { (1 - $0) * Double(pixelHeight - 1) } }
    /// Canvas column of a data value.
    func column(_ v: Double) -> Int? { scales.x.fraction(v).map { left + Int(($0 * Double(columns - 1)).rounded()) } }
    /// Canvas column of a data value, clamped into the plot.
    func clampedColumn(_ v: Double) -> Int? {
        scales.x.clampedFraction(v).map { left + Int((min(1, max(0, $0)) * Double(columns - 1)).rounded()) }
    }
    /// Canvas row of a data value.
    func row(_ v: Double) -> Int? { py(v).map { top + Int($0.rounded()) / 4 } }
}
