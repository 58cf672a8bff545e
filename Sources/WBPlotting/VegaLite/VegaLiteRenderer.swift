import Foundation

/// Options of `VegaLiteRenderer`.
public struct VegaLiteOptions: Sendable, Equatable {
    /// Width of the whole figure in CSS pixels (panels in a grid share it).
    public var width: Double
    /// Height of a panel without a fixed aspect.
    public var panelHeight: Double
    /// Tallest panel with a fixed aspect (a p × p heatmap gets narrower instead).
    public var maxPanelHeight: Double
    /// A figure whose heatmaps hold more cells than this together gets no spec (`render` returns nil): its SVG and PNG
    /// show it. Each cell costs about 8 bytes of JSON, so a spec stays under ~160 kB (six 113 × 113 neuron maps, or 512
    /// neurons × 57 frequencies, go as SVG and PNG only).
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
/// - `render` returns nil for what Vega-Lite should not carry (heatmaps of more than `maxHeatmapCells` cells, a figure
///   without data); the SVG and PNG in the same output bundle show those.
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
        var cellsLeft = options.maxHeatmapCells
        for (index, panel) in figure.panels.enumerated() {
            var builder = VegaLitePanel(panel: panel, index: index, width: panelWidth, options: options)
            builder.cellBudget = cellsLeft
            cellsLeft -= panel.heatmap.map { $0.rows * $0.columns } ?? 0
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
        if !figure.title.isEmpty || figure.subtitle != nil {
            var title: [String: Any] = ["text": figure.title, "anchor": "start", "fontSize": 15]
            if let subtitle = figure.subtitle { title["subtitle"] = subtitle }
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

    /// Shared look: light grid, no frame, the SVG's font sizes.
    static let config: [String: Any] = [
        "view": ["stroke": NSNull()],
        "axis": ["gridOpacity": 0.35, "labelFontSize": 11, "titleFontSize": 12, "titleFontWeight": "normal"],
        "legend": ["labelFontSize": 11, "orient": "right"],
        "title": ["subtitleFontSize": 12],
    ]

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
