import WBSupport
/// How the SVG renderer embeds heatmap cells.
public enum HeatmapEncoding: String, Sendable, Equatable, Codable {
    /// Whichever of `.vector` and `.png` is estimated smaller for the matrix at hand.
    case auto
    /// One `<path>` per colour level with runs of equal colour merged (crisp at any zoom, larger for noisy data).
    case vector
    /// An indexed PNG as a `data:` URI inside the SVG, drawn with nearest-neighbour scaling.
    case png
}

/// Options of `SVGRenderer`.
public struct SVGOptions: Sendable, Equatable {
    /// Width of the figure in viewBox units (about CSS pixels at 100 %).
    public var width: Double
    /// Height of a panel without a fixed aspect; `nil`: 380 for a single column, 300 in grids.
    public var panelHeight: Double?
    /// Tallest plot area for panels with a fixed aspect (they get narrower instead).
    public var maxPlotHeight: Double
    public var heatmapEncoding: HeatmapEncoding
    /// Hover values without scripts: `<title>` elements (the browser's native tooltips) on a sample of each line's
    /// points, on every bar, and on blocks of heatmap cells (see `SVGTooltips`).
    public var tooltips: Bool
    /// Several epoch indicators in one panel are alternatives, shown one at a time: each is drawn in its own
    /// `<g class="wbi">` inside one `<g class="wbis">`, all but the first with `display="none"`. A host page (the
    /// dashboard's CSS-only slider) shows the one it wants with a CSS rule, which beats the attribute.
    public var switchableEpochIndicators: Bool
    /// Largest number of image pixels per heatmap cell side in PNG heatmaps (blocks keep cells sharp in viewers that
    /// smooth images; 1 relies on `image-rendering: pixelated`, which browsers honour, and is much smaller).
    public var heatmapPixelScale: Int
    /// Colour levels heatmaps are quantised to (2…255); fewer compress better.
    public var heatmapLevels: Int

    public init(width: Double = 760, panelHeight: Double? = nil, maxPlotHeight: Double = 460, heatmapEncoding: HeatmapEncoding = .auto,
                tooltips: Bool = false, switchableEpochIndicators: Bool = false, heatmapPixelScale: Int = 8, heatmapLevels: Int = 255) {
        self.width = width
        self.panelHeight = panelHeight
        self.maxPlotHeight = maxPlotHeight
        self.heatmapEncoding = heatmapEncoding
        self.tooltips = tooltips
        self.switchableEpochIndicators = switchableEpochIndicators
        self.heatmapPixelScale = heatmapPixelScale
        self.heatmapLevels = heatmapLevels
    }

    /// Figures in notebooks, reports and `plot … to FILE.svg`: hover values on.
    public static let report = SVGOptions(tooltips: true)
}

/// Renders a `Figure` as a self-contained SVG document, safe to inline in HTML.
///
/// - Deterministic: the same figure gives the same bytes (fixed-precision numbers, no locale, no clock).
/// - Every id starts with the figure id (`Figure.id`, or `wbf-` plus a hash of the content), and the
///   `<style>` rules are scoped by it, so several figures can share one page.
/// - No scripts, no event attributes, no external references; all text is XML-escaped.
/// - Text, axes and marks use `currentColor`, so a host page's text colour (light or dark theme) carries over.
public struct SVGRenderer: Sendable {
    public var options: SVGOptions

    public init(options: SVGOptions = SVGOptions()) { self.options = options }

    /// The SVG document for `figure`.
    public func render(_ figure: Figure) -> String {
        let width = options.width
        let cols = max(1, min(figure.columns, max(1, figure.panels.count)))
        let panelW = width / Double(cols)
        let defaultH = options.panelHeight ?? (cols == 1 ? 380 : 300)
        let subtitleLines = figure.subtitle.map { SVGRenderer.wrapped($0, width: width - 24, size: 12) } ?? []
        let titleH = (figure.title.isEmpty ? 0.0 : 32.0) + Double(subtitleLines.count) * 16 + (subtitleLines.isEmpty ? 0 : 4)

        // Lay out the grid row by row; a row is as tall as its tallest panel.
        var layouts: [SVGPanelLayout] = []
        var y = titleH
        var index = 0
        while index < figure.panels.count {
            let rowPanels = Array(figure.panels[index..<min(figure.panels.count, index + cols)])
            let heights = rowPanels.enumerated().map { (i, p) in
                SVGPanelLayout(panel: p, x0: Double(i) * panelW, y0: y, width: panelW, height: defaultH,
                               maxPlotHeight: options.maxPlotHeight).box.h
            }
            let rowH = heights.max() ?? defaultH
            for (i, p) in rowPanels.enumerated() {
                layouts.append(SVGPanelLayout(panel: p, x0: Double(i) * panelW, y0: y, width: panelW,
                                              height: p.aspect == nil ? rowH : defaultH, maxPlotHeight: options.maxPlotHeight))
            }
            y += rowH
            index += cols
        }
        let height = max(y + 4, titleH + 20)

        var w = SVGWriter(capacity: 32_768)
        w.raw("<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"")
        w.id("")
        w.raw("\" class=\"wb-figure\" viewBox=\"0 0 ")
        w.num(width)
        w.raw(" ")
        w.num(height)
        w.raw("\" width=\"")
        w.num(width)
        w.raw("\" height=\"")
        w.num(height)
        w.raw("\" role=\"img\" aria-labelledby=\"")
        w.id("title")
        w.raw("\" style=\"max-width:100%;height:auto\">\n<title id=\"")
        w.id("title")
        w.raw("\">")
        w.text(figure.title)
        w.raw("</title>\n")
        writeStyle(&w, subtitle: !subtitleLines.isEmpty)
        if !figure.title.isEmpty { w.label(figure.title, x: width / 2, y: 22, cls: "tt") }
        for (i, line) in subtitleLines.enumerated() {
            w.label(line, x: width / 2, y: (figure.title.isEmpty ? 14 : 40) + Double(i) * 16, cls: "st")
        }
        for (i, (panel, layout)) in zip(figure.panels, layouts).enumerated() {
            drawPanel(panel, layout: layout, index: i, into: &w)
        }
        w.raw("</svg>\n")

        let id: String
        if let given = figure.id {
            id = XMLEscape.identifier(given)
        } else {
            let h = w.contentHash()
            let hex = String(h, radix: 16)
            id = "wbf-" + String(repeating: "0", count: 16 - hex.count) + hex
        }
        return w.finish(id: id)
    }

    /// `text` in lines no wider than `width` at `size`, broken after " · " separators (else at spaces).
    static func wrapped(_ text: String, width: Double, size: Double) -> [String] {
        TextWrap.lines(text, width: width) { TextMetrics.width($0, size: size) }
    }

    /// Rules for optional parts are written only when used, so figures without them keep their bytes.
    private func writeStyle(_ w: inout SVGWriter, subtitle: Bool) {
        var rules: [(String, String)] = [
            ("", "font-family:system-ui,'DejaVu Sans',Helvetica,Arial,sans-serif;font-size:11px"),
            (" text", "fill:currentColor"),
            (" .tt", "font-size:15px;font-weight:bold"),
            (" .pt", "font-size:12.5px;font-weight:bold"),
            (" .al", "font-size:12px"),
            (" .sm", "font-size:10px;fill-opacity:.8"),
            (" .fr", "fill:none;stroke:currentColor;stroke-opacity:.5"),
            (" .gr", "stroke:currentColor;stroke-opacity:.1"),
            (" .tk", "stroke:currentColor;stroke-opacity:.5"),
            (" .s", "fill:none;stroke-width:1.6;stroke-linejoin:round;stroke-linecap:round"),
            (" .pts", "fill:none;stroke-width:4;stroke-linecap:round"),
            (" .d", "stroke-dasharray:6 3"),
            (" .ref", "stroke:currentColor;stroke-opacity:.6;stroke-dasharray:2 3"),
            (" .ep", "stroke:currentColor;stroke-width:1.5"),
            (" .hl", "fill:currentColor;fill-opacity:.07"),
            (" .hle", "stroke:currentColor;stroke-opacity:.4"),
            (" .hnd", "fill:currentColor;fill-opacity:.75"),
            (" .ck", "stroke:currentColor;stroke-opacity:.45"),
            (" .cks", "fill:currentColor"),
            (" .cksd", "stroke:currentColor;stroke-width:1.5"),
            (" .grp", "fill:none;stroke:currentColor;stroke-opacity:.6"),
        ]
        if subtitle { rules.append((" .st", "font-size:12px")) }
        if options.tooltips { rules.append((" .tip", "fill:#000;fill-opacity:0;stroke:none")) }
        w.raw("<style>\n")
        for (sel, body) in rules {
            w.raw("#")
            w.id("")
            w.raw(sel + "{" + body + "}\n")
        }
        w.raw("</style>\n")
    }

    private func drawPanel(_ panel: Panel, layout L: SVGPanelLayout, index: Int, into w: inout SVGWriter) {
        let plot = L.plot
        w.raw("<g class=\"panel\">\n")
        w.raw("<clipPath id=\"")
        w.id("c\(index)")
        w.raw("\">")
        w.rect(plot.x, plot.y, plot.w, plot.h)
        w.raw("</clipPath>\n")

        if let ty = L.titleY { w.label(panel.title, x: plot.x + plot.w / 2, y: ty, cls: "pt") }
        drawLegend(L.legend, into: &w)

        // Background marks: phases and highlighted ranges.
        drawBackgroundMarks(panel.marks, layout: L, into: &w)

        // Grid lines.
        for t in L.yTicks { if let y = L.py(t.value) { w.line(plot.x, y, plot.right, y, cls: "gr") } }
        if panel.heatmap == nil { for t in L.xTicks { if let x = L.px(t.value) { w.line(x, plot.y, x, plot.bottom, cls: "gr") } } }

        if let h = panel.heatmap {
            drawHeatmap(h, layout: L, index: index, into: &w)
        }

        w.raw("<g clip-path=\"url(#")
        w.id("c\(index)")
        w.raw(")\">\n")
        for (i, s) in panel.series.enumerated() { drawSeries(s, colorSlot: s.color ?? i, layout: L, into: &w) }
        w.raw("</g>\n")

        drawForegroundMarks(panel.marks, layout: L, into: &w)
        drawAxes(panel, layout: L, into: &w)
        if options.tooltips { drawTooltips(panel, layout: L, into: &w) }
        w.raw("</g>\n")
    }

    private func drawLegend(_ items: [SVGPanelLayout.LegendItem], into w: inout SVGWriter) {
        for item in items {
            let e = item.entry
            let color = e.color.map { Palette.seriesColor($0).hex } ?? "currentColor"
            let cy = item.y - 4
            switch e.kind {
            case .line:
                w.line(item.x, cy, item.x + 24, cy, cls: e.dashed ? "s d" : "s", extra: "stroke=\"\(color)\"")
            case .points:
                w.raw("<path class=\"pts\" stroke=\"\(color)\" d=\"M")
                w.num(item.x + 12)
                w.raw(" ")
                w.num(cy)
                w.raw("h0\"/>\n")
            case .bars:
                w.rect(item.x + 6, cy - 5, 12, 10, extra: "fill=\"\(color)\"")
            }
            w.label(e.label, x: item.x + 30, y: item.y, anchor: "start")
        }
    }

    private func drawSeries(_ s: Series, colorSlot: Int, layout L: SVGPanelLayout, into w: inout SVGWriter) {
        let color = Palette.seriesColor(colorSlot).hex
        let plot = L.plot
        let n = s.count
        guard n > 0 else { return }
        switch s.kind {
        case .line, .points:
            // Split into drawable runs, map to viewBox units, then keep each pixel's first/min/max/last.
            var d = SVGWriter(capacity: 8 * min(n, 4096))
            var px: [Double] = [], py: [Double] = []
            px.reserveCapacity(n)
            py.reserveCapacity(n)
            func flush() {
                guard !px.isEmpty else { return }
                let keep = s.kind == .line ? Downsample.minMaxIndices(px: px, y: py) : Array(0..<px.count)
                for (j, k) in keep.enumerated() {
                    // Lines: "M x y L x y x y …" (repeated pairs after L are implicit line-tos); points: "M x y h0" dots.
                    d.raw(s.kind == .points || j == 0 ? "M" : j == 1 ? "L" : " ")
                    d.num(px[k])
                    d.raw(" ")
                    d.num(py[k])
                    if s.kind == .points { d.raw("h0") }
                }
                if s.kind == .line && keep.count == 1 { d.raw("h0") }
                px.removeAll(keepingCapacity: true)
                py.removeAll(keepingCapacity: true)
            }
            for i in 0..<n {
                if let fx = L.scales.x.fraction(s.x[i]), let fy = L.scales.y.fraction(s.y[i]) {
                    px.append(plot.x + fx * plot.w)
                    py.append(plot.y + (1 - fy) * plot.h)
                } else {
                    flush()
                }
            }
            flush()
            guard !d.bytes.isEmpty else { return }
            w.raw("<path class=\"\(s.kind == .line ? (s.dashed ? "s d" : "s") : "pts")\" stroke=\"\(color)\" d=\"")
            w.bytes.append(contentsOf: d.bytes)
            w.raw("\"/>\n")
        case .bars:
            var xs: [Double] = []
            for i in 0..<n { if let x = L.px(s.x[i]) { xs.append(x) } }
            var gap = Double.infinity
            let sorted = xs.sorted()
            for i in 1..<max(1, sorted.count) where sorted[i] > sorted[i - 1] { gap = min(gap, sorted[i] - sorted[i - 1]) }
            let bw = gap.isFinite ? gap * 0.8 : min(40, plot.w / 4)
            let base: Double = {
                if L.scales.y.axis.scale == .linear, let b = L.py(max(L.scales.y.lo, min(0, L.scales.y.hi))) { return b }
                return plot.bottom
            }()
            w.raw("<path fill=\"\(color)\" d=\"")
            for i in 0..<n {
                guard let x = L.px(s.x[i]), let y = L.py(s.y[i]) else { continue }
                let top = max(plot.y, min(plot.bottom, y))
                w.raw("M")
                w.num(x - bw / 2)
                w.raw(" ")
                w.num(base)
                w.raw("V")
                w.num(top)
                w.raw("h")
                w.num(bw)
                w.raw("V")
                w.num(base)
                w.raw("z")
            }
            w.raw("\"/>\n")
        }
    }

    private func drawAxes(_ panel: Panel, layout L: SVGPanelLayout, into w: inout SVGWriter) {
        let plot = L.plot
        w.rect(plot.x, plot.y, plot.w, plot.h, cls: "fr")
        var lastLabelY = -Double.infinity
        for t in L.yTicks.sorted(by: { (L.py($0.value) ?? 0) < (L.py($1.value) ?? 0) }) {
            guard let y = L.py(t.value) else { continue }
            w.line(plot.x - 4, y, plot.x, y, cls: "tk")
            // Explicit ticks can sit close together (frequencies 41 and 42): keep the tick, skip a colliding label.
            guard y - lastLabelY >= 12 else { continue }
            w.label(t.label, x: plot.x - 6, y: y + 3.8, anchor: "end")
            lastLabelY = y
        }
        if let ty = L.xTickY {
            for t in L.xTicks {
                guard let x = L.px(t.value) else { continue }
                w.line(x, plot.bottom, x, plot.bottom + 4, cls: "tk")
                w.label(t.label, x: x, y: ty, anchor: "middle")
            }
        }
        if let ly = L.xLabelY, !panel.x.label.isEmpty {
            w.label(panel.x.label, x: plot.x + plot.w / 2, y: ly, cls: "al")
        }
        if !panel.y.label.isEmpty {
            let cy = plot.y + plot.h / 2
            w.raw("<text transform=\"translate(")
            w.num(L.yLabelX)
            w.raw(" ")
            w.num(cy)
            w.raw(") rotate(-90)\" text-anchor=\"middle\" class=\"al\">")
            w.text(panel.y.label)
            w.raw("</text>\n")
        }
        if let gy = L.groupsY { drawGroups(panel.x.groups, layout: L, y: gy, into: &w) }
    }

    /// Labelled brackets under the x axis; labels that do not fit their span move to a second row or are left out.
    private func drawGroups(_ groups: [AxisGroup], layout L: SVGPanelLayout, y: Double, into w: inout SVGWriter) {
        var rowRight = [-Double.infinity, -Double.infinity]
        for g in groups {
            guard let a = L.px(g.start), let b = L.px(g.end) else { continue }
            let x0 = min(a, b) + 1, x1 = max(a, b) - 1
            w.raw("<path class=\"grp\" d=\"M")
            w.num(x0)
            w.raw(" ")
            w.num(y)
            w.raw("v4H")
            w.num(x1)
            w.raw("v-4\"/>\n")
            let cx = (x0 + x1) / 2
            let tw = TextMetrics.width(g.label, size: 10)
            for row in 0..<2 where cx - tw / 2 > rowRight[row] + 4 {
                w.label(g.label, x: cx, y: y + 15 + Double(row) * 12, cls: "sm")
                rowRight[row] = cx + tw / 2
                break
            }
        }
    }
}
