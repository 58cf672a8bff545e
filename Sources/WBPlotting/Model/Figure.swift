/// A figure is data: a title and one or more panels (axes, series, a heatmap, marks) laid out in a grid.
///
/// Renderers (`SVGRenderer`, `TerminalRenderer`) turn a figure into SVG or terminal art; plot builders
/// (`Figure.lossCurves(_:currentEpoch:selection:)` and friends) turn run data into a figure.
///
/// ```swift
/// let fig = Figure(title: "loss", panel: Panel(x: Axis("epoch"), y: Axis("loss", scale: .log),
///                                           series: [Series("train", x: xs, y: ys)]))
/// let svg = SVGRenderer().render(fig)
/// ```
public struct Figure: Sendable, Equatable, Codable {
    /// Shown above all panels. May be empty.
    public var title: String
    /// A smaller line under the title (for example a dashboard's key numbers); wrapped when it does not fit.
    public var subtitle: String?
    /// Prefix for every element id in the SVG output (sanitised to `[A-Za-z0-9_-]`).
    /// `nil` derives the prefix from a hash of the rendered content, so equal figures get equal ids.
    public var id: String?
    /// The panels, filled into the grid row by row.
    public var panels: [Panel]
    /// Panels per grid row (1 stacks them). The terminal renderer may use fewer when the terminal is narrow.
    public var columns: Int

    public init(title: String, subtitle: String? = nil, id: String? = nil, panels: [Panel] = [], columns: Int = 1) {
        self.title = title
        self.subtitle = subtitle
        self.id = id
        self.panels = panels
        self.columns = max(1, columns)
    }

    /// A figure with a single panel.
    public init(title: String, id: String? = nil, panel: Panel) {
        self.init(title: title, id: id, panels: [panel], columns: 1)
    }

    /// Number of grid rows needed for the panels.
    public var gridRows: Int { panels.isEmpty ? 0 : (panels.count + columns - 1) / columns }
}

/// One chart inside a figure: two axes, any number of series, at most one heatmap, and marks.
public struct Panel: Sendable, Equatable, Codable {
    /// Shown above the panel (may be empty; single-panel figures usually leave it empty).
    public var title: String
    public var x: Axis
    public var y: Axis
    /// Drawn in order; later series are drawn on top.
    public var series: [Series]
    /// Drawn below series and marks.
    public var heatmap: Heatmap?
    /// Epoch indicator, highlighted ranges, checkpoint markers, reference lines, annotations, phases.
    public var marks: [Mark]
    /// Which entries the legend shows. Legends are always drawn outside the plot area.
    public var legend: Legend
    /// Height ÷ width of the plot area, e.g. 1 for a p × p heatmap. `nil` fills the space.
    public var aspect: Double?

    public init(title: String = "", x: Axis = Axis(""), y: Axis = Axis(""), series: [Series] = [],
                heatmap: Heatmap? = nil, marks: [Mark] = [], legend: Legend = .auto, aspect: Double? = nil) {
        self.title = title
        self.x = x
        self.y = y
        self.series = series
        self.heatmap = heatmap
        self.marks = marks
        self.legend = legend
        self.aspect = aspect
    }
}
