import Foundation

/// One panel of a figure as a layered Vega-Lite unit: shading (phases, highlights), the heatmap, the series (one layer
/// per kind, coloured and dashed as the SVG draws them), a hover layer that shows the values of the point nearest the
/// pointer, and the marks (epoch indicator, reference lines, checkpoints, annotations).
///
/// Every layer encodes x (and y where it has one) with the same title and scale, so Vega-Lite merges them into one
/// axis; the zoom parameter (`bind: scales`) sits on the first layer and moves every layer.
struct VegaLitePanel {
    let panel: Panel
    let index: Int
    let width: Double
    let options: VegaLiteOptions
    /// The heatmap's cells are drawn as the means of `heatmapBlock` × `heatmapBlock` squares of cells (1: every cell),
    /// which the renderer chooses so that the figure's heatmaps fit `VegaLiteOptions.maxHeatmapCells`.
    var heatmapBlock: Int = 1

    /// Points of a series are decimated to about this many per pixel column (the SVG's M4 rule).
    private var pixelColumns: Int { max(100, Int(width)) }

    /// The unit spec and the named datasets it refers to (series data is shared by a series layer and its hover layer;
    /// the renderer puts the datasets at the top level).
    func spec() -> (unit: [String: Any], datasets: [String: Any])? {
        var datasets: [String: Any] = [:]
        var data: [[String: Any]] = []
        if let heatmap = panel.heatmap { data += heatmapLayers(heatmap) }
        data += seriesLayers(datasets: &datasets)
        guard !data.isEmpty else { return nil }  // marks alone are no chart
        var layers = shadingLayers() + data + markLayers()
        // The zoom: on the first layer, wheel zooms and drag pans (x; x and y over a heatmap), double-click resets.
        let encodings = panel.heatmap != nil ? ["x", "y"] : ["x"]
        layers[0]["params"] = ((layers[0]["params"] as? [[String: Any]]) ?? [])
            + [["name": "zoom\(index)", "select": ["type": "interval", "encodings": encodings], "bind": "scales"]]
        var unit: [String: Any] = ["width": width, "height": height, "layer": layers]
        if panel.heatmap != nil { unit["resolve"] = ["scale": ["color": "independent"]] }
        if !panel.title.isEmpty { unit["title"] = ["text": panel.title, "fontSize": 13, "fontWeight": "normal"] }
        return (unit, datasets)
    }

    private var height: Double {
        guard let aspect = panel.aspect else { return options.panelHeight }
        return min(options.maxPanelHeight, (width * aspect).rounded())
    }

    // MARK: - Axes

    private func scale(_ axis: Axis, isX: Bool) -> [String: Any] {
        // Linear axes fit the data, not zero (as the SVG does); a log scale has no zero to leave out.
        var scale: [String: Any] = axis.scale == .log ? ["type": "log"] : ["zero": false]
        if let range = axis.range { scale["domain"] = [VegaLiteRenderer.rounded(range.lowerBound), VegaLiteRenderer.rounded(range.upperBound)] }
        if isX || axis.range != nil { scale["nice"] = false }
        if axis.reversed { scale["reverse"] = true }
        return scale
    }

    private func axisSpec(_ axis: Axis) -> [String: Any] {
        // Grid lines would show through the hairlines between heatmap cells.
        var spec: [String: Any] = panel.heatmap != nil ? ["grid": false] : [:]
        if let ticks = axis.ticks, !ticks.isEmpty {
            spec["values"] = ticks.map { VegaLiteRenderer.rounded($0.value) }
            // Labels by value: the label of the nearest explicit tick.
            let cases = ticks.map { "abs(datum.value - \(VegaLiteRenderer.rounded($0.value))) < 1e-9 ? \(Self.quoted($0.label))" }
            spec["labelExpr"] = cases.joined(separator: " : ") + " : ''"
        }
        return spec
    }

    /// The x encoding of `field` with the panel's axis title and scale.
    private func x(_ field: String) -> [String: Any] {
        ["field": field, "type": "quantitative", "title": panel.x.label, "scale": scale(panel.x, isX: true), "axis": axisSpec(panel.x)]
    }

    private func y(_ field: String) -> [String: Any] {
        ["field": field, "type": "quantitative", "title": panel.y.label, "scale": scale(panel.y, isX: false), "axis": axisSpec(panel.y)]
    }

    /// The axes' names in hover values (`x` and `y` when an axis has no label).
    private var xTitle: String { panel.x.label.isEmpty ? "x" : panel.x.label }
    private var yTitle: String { panel.y.label.isEmpty ? "y" : panel.y.label }

    /// Whether a point can be placed on the panel's axes (finite, and positive on a log axis).
    private func drawable(_ x: Double, _ y: Double) -> Bool {
        x.isFinite && y.isFinite && (panel.x.scale != .log || x > 0) && (panel.y.scale != .log || y > 0)
    }

    // MARK: - Series

    /// Colour legend: a series' label is the legend entry of its palette slot (so "run A train" and "run A test" share
    /// "run A"), else its own name; style legend: the entries without a colour ("train" solid, "test" dashed).
    /// Rows hold only the series' index, x and y; its name and colour and style labels are looked up by `calculate`
    /// transforms, which keeps long curves small.
    private func seriesLayers(datasets: inout [String: Any]) -> [[String: Any]] {
        let entries = panel.legendEntries
        var colorDomain: [String] = [], colorRange: [String] = [], slotLabels: [Int: String] = [:]
        var labelOf: [(name: String, label: String, style: String)] = []
        var rows: [SeriesKind: [[String: Any]]] = [:]
        let solidLabel = entries.first { $0.color == nil && !$0.dashed }?.label
        let dashedLabel = entries.first { $0.color == nil && $0.dashed }?.label
        for (i, series) in panel.series.enumerated() where series.count > 0 {
            let slot = series.color ?? i
            var label = slotLabels[slot] ?? entries.first { $0.color == slot }?.label ?? (series.name.isEmpty ? "series \(i + 1)" : series.name)
            if slotLabels[slot] == nil {
                // Two slots with one label (two runs of the same name) stay apart.
                if colorDomain.contains(label) { label += " (\(colorDomain.count + 1))" }
                slotLabels[slot] = label
                colorDomain.append(label)
                colorRange.append(Palette.seriesColor(slot).hex)
            }
            let style = series.dashed ? (dashedLabel ?? "dashed") : (solidLabel ?? "solid")
            var name = series.name.isEmpty ? label + (solidLabel != nil || dashedLabel != nil ? " " + style : "") : series.name
            if labelOf.contains(where: { $0.name == name }) { name += " (\(i + 1))" }  // each series its own line
            labelOf.append((name, label, style))
            var xs = Array(series.x.prefix(series.count)), ys = Array(series.y.prefix(series.count))
            let keep = zip(xs, ys).enumerated().filter { drawable($0.element.0, $0.element.1) }.map(\.offset)
            xs = keep.map { xs[$0] }
            ys = keep.map { ys[$0] }
            if series.kind == .line, let lo = xs.min(), let hi = xs.max(), hi > lo {
                (xs, ys) = Downsample.minMax(x: xs, y: ys, xRange: lo...hi, pixels: pixelColumns)
            }
            // One row per point (not arrays flattened by the spec: a point selection tells flattened points apart
            // only by their input row, so hovering one would light the whole series).
            for (x, y) in zip(xs, ys) {
                rows[series.kind, default: []].append(["s": labelOf.count - 1, "x": VegaLiteRenderer.rounded(x),
                                                       "y": VegaLiteRenderer.rounded(y, digits: 5)])
            }
        }
        let lookup: [[String: Any]] = [
            ["calculate": Self.arrayLiteral(labelOf.map(\.name)) + "[datum.s]", "as": "n"],
            ["calculate": Self.arrayLiteral(labelOf.map(\.label)) + "[datum.s]", "as": "c"],
            ["calculate": Self.arrayLiteral(labelOf.map(\.style)) + "[datum.s]", "as": "d"],
        ]
        let showColorLegend = !entries.filter { $0.color != nil }.isEmpty
        let showStyleLegend = solidLabel != nil || dashedLabel != nil
        var layers: [[String: Any]] = []
        for kind in [SeriesKind.bars, .line, .points] {
            guard let values = rows[kind], !values.isEmpty else { continue }
            let symbol = kind == .line ? "stroke" : kind == .bars ? "square" : "circle"
            let color: [String: Any] = ["field": "c", "type": "nominal", "title": NSNull(),
                                        "scale": ["domain": colorDomain, "range": colorRange],
                                        "legend": showColorLegend ? ["title": NSNull(), "symbolType": symbol, "symbolStrokeWidth": 2] as [String: Any] : NSNull()]
            let dash: [String: Any] = ["field": "d", "type": "nominal", "title": NSNull(),
                                       "scale": ["domain": [solidLabel ?? "solid", dashedLabel ?? "dashed"], "range": [[1, 0], [6, 4]]],
                                       "legend": showStyleLegend ? ["title": NSNull(), "symbolType": "stroke", "symbolStrokeColor": "#666666"] as [String: Any] : NSNull()]
            var encoding: [String: Any] = ["x": x("x"), "y": y("y"), "color": color, "detail": ["field": "s", "type": "nominal"]]
            let mark: [String: Any]
            switch kind {
            case .line:
                encoding["strokeDash"] = dash
                mark = ["type": "line", "strokeWidth": 1.6, "clip": true]
            case .points:
                mark = ["type": "point", "filled": true, "size": 24, "clip": true]
            case .bars:
                mark = ["type": "bar", "clip": true]
            }
            let dataset = "panel\(index)\(kind.rawValue)"
            datasets[dataset] = values
            layers.append(["data": ["name": dataset], "transform": lookup, "mark": mark, "encoding": encoding])
            layers.append(hoverLayer(dataset: dataset, transform: lookup, color: color, name: "hover\(index)\(kind.rawValue)"))
        }
        return layers
    }

    /// Invisible points over a series layer: the one nearest the pointer is shown and its values appear as a tooltip.
    private func hoverLayer(dataset: String, transform: [[String: Any]], color: [String: Any], name: String) -> [String: Any] {
        [
            "data": ["name": dataset], "transform": transform,
            "mark": ["type": "point", "filled": true, "size": 48, "clip": true],
            "params": [["name": name, "select": ["type": "point", "on": "pointerover", "nearest": true, "clear": "pointerout"]]],
            "encoding": [
                "x": x("x"), "y": y("y"), "color": color,
                "opacity": ["condition": ["param": name, "empty": false, "value": 1], "value": 0],
                "tooltip": [
                    ["field": "n", "type": "nominal", "title": "series"],
                    ["field": "x", "type": "quantitative", "title": xTitle, "format": ",.6~g"],
                    ["field": "y", "type": "quantitative", "title": yTitle, "format": ".4~g"],
                ],
            ],
        ]
    }

    // MARK: - Heatmap

    private func heatmapLayers(_ h: Heatmap) -> [[String: Any]] {
        // A drawn cell is a block of k × k cells (k = 1: one cell); the last block of a row or column may be cut short
        // by the matrix's edge, and its rectangle is clipped at the heatmap's extent, which is the scale's domain.
        let k = max(1, heatmapBlock)
        let blockRows = (h.rows + k - 1) / k, blockColumns = (h.columns + k - 1) / k
        let w = (h.x.upperBound - h.x.lowerBound) / Double(max(1, h.columns)) * Double(k)
        let cellH = (h.y.upperBound - h.y.lowerBound) / Double(max(1, h.rows)) * Double(k)
        // One row per drawn row, its finite cells as two arrays (columns, values) flattened into cells.
        var finite: [[String: Any]] = [], infinite: [[String: Any]] = []
        for r in 0..<blockRows {
            var columns: [Int] = [], values: [Double] = []
            for c in 0..<blockColumns {
                let v = h.blockMean(row: r, column: c, size: k)
                if v.isFinite {
                    columns.append(c)
                    values.append(VegaLiteRenderer.rounded(v, digits: 4))
                } else if h.isInfinityFilled(v) {
                    infinite.append(["c": c, "r": r])
                }
            }
            if !columns.isEmpty { finite.append(["r": r, "c": columns, "v": values]) }
        }
        let r = { (v: Double) in VegaLiteRenderer.rounded(v) }
        let transform: [[String: Any]] = [
            ["calculate": "\(r(h.x.lowerBound)) + datum.c * \(r(w))", "as": "x0"],
            ["calculate": "datum.x0 + \(r(w))", "as": "x1"],
            ["calculate": "\(r(h.y.lowerBound)) + datum.r * \(r(cellH))", "as": "y0"],
            ["calculate": "datum.y0 + \(r(cellH))", "as": "y1"],
            ["calculate": "datum.x0 + \(r(w / 2))", "as": "xc"],
            ["calculate": "datum.y0 + \(r(cellH / 2))", "as": "yc"],
        ]
        var xEnc = x("x0"), yEnc = y("y0")
        var xScale = xEnc["scale"] as? [String: Any] ?? [:], yScale = yEnc["scale"] as? [String: Any] ?? [:]
        if panel.x.range == nil { xScale["domain"] = [r(h.x.lowerBound), r(h.x.upperBound)] }
        if panel.y.range == nil { yScale["domain"] = [r(h.y.lowerBound), r(h.y.upperBound)] }
        xScale["nice"] = false
        yScale["nice"] = false
        xEnc["scale"] = xScale
        yEnc["scale"] = yScale
        let range = h.valueRange
        let tooltipBase: [[String: Any]] = [
            ["field": "xc", "type": "quantitative", "title": xTitle, "format": ",.4~g"],
            ["field": "yc", "type": "quantitative", "title": yTitle, "format": ",.4~g"],
        ]
        var layers: [[String: Any]] = []
        if !finite.isEmpty {
            let label = h.colorScale.label
            let valueTitle = (label.isEmpty ? "value" : label) + (k > 1 ? " (mean of \(k) × \(k) cells)" : "")
            let valueTooltip: [String: Any] = ["field": "v", "type": "quantitative", "title": valueTitle, "format": ".4~g"]
            let legend: Any = h.colorScale.showBar ? ["title": label.isEmpty ? NSNull() : label as Any] as [String: Any] : NSNull()
            layers.append([
                "data": ["values": finite], "transform": [["flatten": ["c", "v"]] as [String: Any]] + transform,
                "mark": ["type": "rect", "clip": true],
                "encoding": [
                    "x": xEnc, "x2": ["field": "x1"], "y": yEnc, "y2": ["field": "y1"],
                    "color": ["field": "v", "type": "quantitative", "title": label.isEmpty ? "value" : label,
                              "scale": ["scheme": h.colorScale.map == .viridis ? "viridis" : "greys",
                                        "domain": [r(range.lowerBound), r(range.upperBound)], "clamp": true],
                              "legend": legend],
                    "tooltip": tooltipBase + [valueTooltip],
                ],
            ])
        }
        if !infinite.isEmpty, let fill = h.infinityFill {
            layers.append([
                "data": ["values": infinite], "transform": transform + [["calculate": Self.quoted(fill.label), "as": "what"]],
                "mark": ["type": "rect", "clip": true, "color": Palette.seriesColor(fill.color).hex],
                "encoding": ["x": xEnc, "x2": ["field": "x1"], "y": yEnc, "y2": ["field": "y1"],
                             "tooltip": tooltipBase + [["field": "what", "type": "nominal", "title": "value"] as [String: Any]]],
            ])
        }
        return layers
    }

    // MARK: - Marks

    /// Phases and highlighted ranges: shaded spans of x behind the data, named in a tooltip and above the plot.
    private func shadingLayers() -> [[String: Any]] {
        var phases: [[String: Any]] = [], highlights: [[String: Any]] = []
        for mark in panel.marks {
            switch mark {
            case .phase(let a, let b, let label) where a.isFinite && b.isFinite:
                phases.append(["start": VegaLiteRenderer.rounded(a), "end": VegaLiteRenderer.rounded(b), "label": label])
            case .highlight(let a, let b, let label) where a.isFinite && b.isFinite:
                highlights.append(["start": VegaLiteRenderer.rounded(a), "end": VegaLiteRenderer.rounded(b), "label": label])
            default: break
            }
        }
        var layers: [[String: Any]] = []
        for (values, color, opacity) in [(phases, "#888888", 0.12), (highlights, Palette.accent.hex, 0.14)] where !values.isEmpty {
            layers.append([
                "data": ["values": values],
                "mark": ["type": "rect", "color": color, "opacity": opacity, "clip": true],
                "encoding": ["x": x("start"), "x2": ["field": "end"],
                             "tooltip": [["field": "label", "type": "nominal", "title": "range"],
                                         ["field": "start", "type": "quantitative", "format": ",.6~g"],
                                         ["field": "end", "type": "quantitative", "format": ",.6~g"]]],
            ])
            layers.append([
                "data": ["values": values],
                "mark": ["type": "text", "align": "left", "baseline": "top", "dx": 3, "dy": 3, "fontSize": 10, "color": "#555555", "clip": true],
                "encoding": ["x": x("start"), "y": ["value": 0], "text": ["field": "label"]],
            ])
        }
        return layers
    }

    /// Epoch indicators, reference lines, checkpoint strips and annotations, drawn over the data.
    private func markLayers() -> [[String: Any]] {
        var indicators: [[String: Any]] = [], references: [[String: Any]] = [], notes: [[String: Any]] = []
        var checkpoints: [[String: Any]] = []
        for mark in panel.marks {
            switch mark {
            case .epochIndicator(let at, let label) where at.isFinite:
                indicators.append(["x": VegaLiteRenderer.rounded(at), "label": label])
            case .referenceLine(let at, let label) where at.isFinite:
                references.append(["y": VegaLiteRenderer.rounded(at), "label": label])
            case .annotation(let ax, let ay, let text) where drawable(ax, ay):
                notes.append(["x": VegaLiteRenderer.rounded(ax), "y": VegaLiteRenderer.rounded(ay), "label": text])
            case .checkpoints(let xs, let selected):
                checkpoints += xs.filter(\.isFinite).map { ["x": VegaLiteRenderer.rounded($0), "kind": selected ? "selected checkpoint" : "checkpoint"] }
            case .missingCheckpoints(let xs):
                checkpoints += xs.filter(\.isFinite).map { ["x": VegaLiteRenderer.rounded($0), "kind": "selected, no checkpoint yet"] }
            default: break
            }
        }
        var layers: [[String: Any]] = []
        let accent = Palette.accent.hex
        if !indicators.isEmpty {
            layers.append(["data": ["values": indicators], "mark": ["type": "rule", "color": accent, "strokeWidth": 1.5, "clip": true],
                           "encoding": ["x": x("x"), "tooltip": [["field": "label", "type": "nominal", "title": "at"]]]])
            layers.append(["data": ["values": indicators],
                           "mark": ["type": "text", "align": "left", "baseline": "bottom", "dx": 3, "dy": -2, "fontSize": 11, "color": accent, "clip": false],
                           "encoding": ["x": x("x"), "y": ["value": 0], "text": ["field": "label"]]])
        }
        if !references.isEmpty {
            layers.append(["data": ["values": references], "mark": ["type": "rule", "color": "#666666", "strokeDash": [3, 3], "clip": true],
                           "encoding": ["y": y("y"), "tooltip": [["field": "label", "type": "nominal", "title": "line"],
                                                                   ["field": "y", "type": "quantitative", "format": ".4~g"]]]])
            layers.append(["data": ["values": references],
                           "mark": ["type": "text", "align": "right", "baseline": "bottom", "dy": -2, "fontSize": 10, "color": "#555555", "clip": true],
                           "encoding": ["y": y("y"), "x": ["value": width], "text": ["field": "label"]]])
        }
        if !notes.isEmpty {
            layers.append(["data": ["values": notes], "mark": ["type": "text", "align": "left", "dx": 4, "fontSize": 10, "clip": true],
                           "encoding": ["x": x("x"), "y": y("y"), "text": ["field": "label"]]])
        }
        if !checkpoints.isEmpty {
            layers.append([
                "data": ["values": checkpoints],
                "mark": ["type": "point", "shape": "triangle-up", "size": 30, "clip": false],
                "encoding": [
                    "x": x("x"), "y": ["value": height - 5],
                    "fill": ["field": "kind", "type": "nominal", "legend": NSNull(),
                              "scale": ["domain": ["checkpoint", "selected checkpoint", "selected, no checkpoint yet"],
                                        "range": ["#999999", accent, "#ffffff"]]],
                    "stroke": ["value": accent],
                    "tooltip": [["field": "kind", "type": "nominal", "title": "marker"],
                                ["field": "x", "type": "quantitative", "title": xTitle, "format": ",.6~g"]],
                ],
            ])
        }
        return layers
    }

    /// A Vega expression array literal of strings.
    static func arrayLiteral(_ items: [String]) -> String {
        "[" + items.map(quoted).joined(separator: ", ") + "]"
    }

    /// A Vega expression string literal.
    static func quoted(_ s: String) -> String {
        var out = "'"
        for ch in s.unicodeScalars {
            switch ch {
            case "'": out += "\\'"
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            default: out.unicodeScalars.append(ch)
            }
        }
        return out + "'"
    }
}
