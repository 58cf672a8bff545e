import Foundation

/// Options of `VegaLiteRenderer`.
public struct VegaLiteOptions: Sendable, Equatable {
    /// Width of the whole figure in CSS pixels (panels in a grid share it).
    public var width: Double
    /// Height of a panel without a fixed aspect.
    public var panelHeight: Double
    /// Tallest panel with a fixed aspect (a p × p heatmap gets narrower instead).
    public var maxPanelHeight: Double
    /// The most heatmap cells a figure's spec carries. Each cell costs about 8 bytes of JSON, so a spec stays under
    /// ~160 kB; a figure whose heatmaps hold more (six 113 × 113 neuron maps, 512 neurons × 57 frequencies) shows the
    /// means of k × k blocks of cells, the smallest k that fits, and says so in its subtitle and hover values (its SVG
    /// and PNG keep every cell).
    public var maxHeatmapCells: Int

    public init(width: Double = 680, panelHeight: Double = 260, maxPanelHeight: Double = 420, maxHeatmapCells: Int = 20_000) {
        self.width = width
        self.panelHeight = panelHeight
        self.maxPanelHeight = maxPanelHeight
        self.maxHeatmapCells = maxHeatmapCells
    }
}

/// Renders a `Figure` as a Vega-Lite v5 spec, which JupyterLab, VS Code and nbviewer draw with their own bundled Vega
/// (`application/vnd.vegalite.v5+json`): hover values for every point (the nearest one to the pointer), wheel zoom and
/// drag pan on x (on x and y for heatmaps), double-click to reset, the SVG's log scales, phase shading, epoch indicator,
/// reference lines and legend.
///
/// - Deterministic: keys sorted, numbers rounded (7 significant digits for positions, 5 for values), no clock; the same figure gives the same text.
/// - Long series are decimated as the SVG does (min–max per pixel column), so a 40,000-epoch curve stays small.
/// - Heatmaps of more than `maxHeatmapCells` cells together are drawn as block means (see that option).
/// - `render` returns nil for a figure without data, or one whose heatmaps would keep fewer than
///   `minimumBlocksAcross` blocks across; the SVG and PNG in the same output bundle show those.
public struct VegaLiteRenderer: Sendable {
    public var options: VegaLiteOptions
    public static let schemaURL = "https://vega.github.io/schema/vega-lite/v5.json"

    public init(options: VegaLiteOptions = VegaLiteOptions()) { self.options = options }

    /// The spec as compact JSON text, or nil (see the type's notes).
    public func render(_ figure: Figure) -> String? {
        guard let spec = spec(figure),
              let data = try? JSONSerialization.data(withJSONObject: spec, options: [.sortedKeys, .withoutEscapingSlashes])
        else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    /// The spec as a JSON object (dictionaries, arrays, strings, numbers, booleans, NSNull), or nil.
    public func spec(_ figure: Figure) -> [String: Any]? {
        let columns = max(1, min(figure.columns, figure.panels.count))
        let panelWidth = (options.width / Double(columns)).rounded()
        var units: [[String: Any]] = []
        var datasets: [String: Any] = [:]
        let maps = figure.panels.compactMap(\.heatmap)
        guard let block = Self.heatmapBlock(maps, budget: options.maxHeatmapCells) else { return nil }
        for (index, panel) in figure.panels.enumerated() {
            var builder = VegaLitePanel(panel: panel, index: index, width: panelWidth, options: options)
            builder.heatmapBlock = block
            guard let (unit, data) = builder.spec() else {
                if panel.heatmap != nil { return nil }  // a heatmap too large: the whole figure goes as SVG/PNG only
                continue
            }
            units.append(unit)
            datasets.merge(data) { a, _ in a }
        }
        guard !units.isEmpty else { return nil }
        var top: [String: Any] = ["$schema": Self.schemaURL, "config": Self.config]
        if !datasets.isEmpty { top["datasets"] = datasets }
        var subtitle = figure.subtitle
        if block > 1 {
            let note = "Interactive view: each heatmap cell is the mean of \(block) × \(block) cells (the SVG and PNG show every cell)."
            subtitle = subtitle.map { $0 + " — " + note } ?? note
        }
        if !figure.title.isEmpty || subtitle != nil {
            var title: [String: Any] = ["text": figure.title, "anchor": "start", "fontSize": 15]
            if let subtitle { title["subtitle"] = subtitle }
            top["title"] = title
        }
        if units.count == 1 {
            top.merge(units[0]) { a, _ in a }
        } else {
            top["concat"] = units
            top["columns"] = columns
            top["resolve"] = ["scale": ["color": "independent", "strokeDash": "independent", "x": "independent", "y": "independent"],
                              "legend": ["color": "independent", "strokeDash": "independent"]]
        }
        return top
    }

    /// A heatmap averaged into blocks keeps at least this many blocks along its shorter side, or the figure gets no spec.
    public static let minimumBlocksAcross = 8

    /// The side k of the blocks the heatmaps `maps` are drawn in: 1 when their cells fit `budget`, else the smallest k
    /// whose blocks do; nil when that leaves a map fewer than `minimumBlocksAcross` blocks across.
    static func heatmapBlock(_ maps: [Heatmap], budget: Int) -> Int? {
        func cells(_ k: Int) -> Int { maps.reduce(0) { $0 + (($1.rows + k - 1) / k) * (($1.columns + k - 1) / k) } }
        var k = 1
        while cells(k) > budget {
            k += 1
            if maps.contains(where: { (Swift.min($0.rows, $0.columns) + k - 1) / k < minimumBlocksAcross }) { return nil }
        }
        return k
    }

    /// Shared look: light grid, no frame, the SVG's font sizes (a new dictionary each time: `Any` is not `Sendable`).
    static var config: [String: Any] {
        [
            "view": ["stroke": NSNull()],
            "axis": ["gridOpacity": 0.35, "labelFontSize": 11, "titleFontSize": 12, "titleFontWeight": "normal"],
            "legend": ["labelFontSize": 11, "orient": "right"],
            "title": ["subtitleFontSize": 12],
        ]
    }

    /// `v` rounded to `digits` significant digits: 7 by default (positions: epochs stay whole up to ten million), 5
    /// for plotted values, finer than a chart or its 4-digit hover values show (JSON cannot hold NaN or ±∞; callers drop
    /// those first).
    static func rounded(_ v: Double, digits: Int = 7) -> Double {
        guard v.isFinite, v != 0 else { return v.isFinite ? 0 : v }
        return Double(String(format: "%.\(digits)g", v)) ?? v
    }
}

extension VegaLiteOptions {
    /// The dashboard figure: as wide as its SVG (960), three panels a row.
    public static let dashboard = VegaLiteOptions(width: 900, panelHeight: 200)
}
