/// Lays a `Dashboard` out on one terminal screen.
///
/// - Wide terminals (at least `wideColumns` columns): the loss curves, λ̂ (when estimated) and the embedding frequencies
///   side by side, then the cluster sizes and the neuron heatmaps side by side.
/// - Narrower ones (at least `stackedColumns`): every panel at full width, stacked; the heatmaps share the last row.
///
/// The heading and the key numbers come first (wrapped to the width); an optional footer (key hints in live mode)
/// comes last. Heatmaps that do not fit the width are left out (at least one is shown). A terminal too small for
/// either layout is refused with the size needed (`DashboardSizeError`). Pure: the same dashboard and size always give
/// the same lines.
public struct DashboardTerminalLayout: Sendable {
    public var width: Int
    public var height: Int
    public var colorMode: TerminalColorMode
    /// A last line, e.g. the keys of the live dashboard.
    public var footer: String?
    /// Epochs the loss chart shows (`Panel.windowed`; the zoom of the live dashboard); nil: the whole run.
    public var lossWindow: ClosedRange<Double>?
    /// The loss chart's title instead of "Loss" (e.g. naming the zoom).
    public var lossTitle: String?

    /// Columns from which the panels sit side by side.
    public static let wideColumns = 96
    /// Narrowest terminal for the stacked layout.
    public static let stackedColumns = 40
    /// Rows the panels need (besides the heading, numbers and footer) in each layout.
    static let wideBodyRows = 18
    static let stackedBodyRows = 32
    static let gap = 2

    public init(width: Int, height: Int, colorMode: TerminalColorMode = .none, footer: String? = nil,
                lossWindow: ClosedRange<Double>? = nil, lossTitle: String? = nil) {
        self.width = width
        self.height = height
        self.colorMode = colorMode
        self.footer = footer
        self.lossWindow = lossWindow
        self.lossTitle = lossTitle
    }

    /// The loss panel, in `lossWindow` when there is one.
    func lossPanel(_ d: Dashboard) -> Panel {
        var panel = Figure.lossPanel(d.curves, currentEpoch: d.epoch, selection: d.selection)
        if let lossTitle { panel.title = lossTitle }
        return lossWindow.map(panel.windowed) ?? panel
    }

    /// The screen as lines (no newlines), at most `height` of them.
    public func render(_ d: Dashboard) throws -> [String] {
        let header = headerLines(d, width: width)
        let footerRows = footer == nil ? 0 : 1
        let body = height - header.count - footerRows
        let wide = width >= Self.wideColumns && body >= Self.wideBodyRows
        let stacked = !wide && width >= Self.stackedColumns && body >= Self.stackedBodyRows
        guard wide || stacked else { throw minimumSize(d, footerRows: footerRows) }

        var canvas = TextCanvas(width: width, height: height)
        for (i, line) in header.enumerated() {
            canvas.put(line, 0, i, i == 0 ? CellStyle(bold: true) : .plain)
        }
        let used = wide ? layWide(d, top: header.count, rows: body, into: &canvas)
            : layStacked(d, top: header.count, rows: body, into: &canvas)
        var lines = canvas.lines(mode: colorMode)
        lines.removeLast(max(0, lines.count - (header.count + used)))
        if let footer { lines.append(TextCanvas.sanitize(String(footer.prefix(width)))) }
        return lines
    }

    /// The heading (bold) and the key numbers, wrapped.
    func headerLines(_ d: Dashboard, width: Int) -> [String] {
        let numbers = d.numbers.items.map { "\($0.label) \($0.value)" }.joined(separator: " · ")
        return [String(d.heading.prefix(width))] + (numbers.isEmpty ? [] : TerminalRenderer.wrapped(numbers, width: width))
    }

    /// The error naming the smallest sizes that work.
    func minimumSize(_ d: Dashboard, footerRows: Int) -> DashboardSizeError {
        let wideRows = headerLines(d, width: Self.wideColumns).count + footerRows + Self.wideBodyRows
        let stackedRows = headerLines(d, width: Self.stackedColumns).count + footerRows + Self.stackedBodyRows
        return DashboardSizeError(columns: width, rows: height, wide: (Self.wideColumns, wideRows),
                                  stacked: (Self.stackedColumns, stackedRows))
    }

    private var renderer: TerminalRenderer { TerminalRenderer(width: width, height: height, colorMode: colorMode) }

    /// Loss | frequencies, then clusters | heatmaps. Returns the rows used.
    private func layWide(_ d: Dashboard, top: Int, rows: Int, into canvas: inout TextCanvas) -> Int {
        let frequency = Figure.frequencyPanel(d)
        let clusters = d.clusters.map(Figure.clusterSizes)
        let heatmaps = Figure.neuronPanels(d)
        let clusterWidth = clusters == nil ? 0 : heatmaps.isEmpty ? width : max(34, width * 30 / 100)
        let heatmapX = clusters == nil ? 0 : clusterWidth + Self.gap
        let (count, each) = heatmapColumns(heatmaps.count, width: width - heatmapX)
        // The second row is as tall as square heatmaps of that width need; the loss curves get the rest.
        let secondRows = min(rows - 9, max(9, Self.heatmapRows(width: each)))
        let firstRows = rows - secondRows
        // The first row: loss, then λ̂ and the frequencies when there are, sharing the width (the loss a bit wider).
        let firstPanels = [lossPanel(d), Figure.llcPanel(d), frequency].compactMap { $0 }
        let shares = firstPanels.count == 3 ? [40, 30, 30] : firstPanels.count == 2 ? [58, 42] : [100]
        let available = width - (firstPanels.count - 1) * Self.gap
        var x = 0
        for (i, panel) in firstPanels.enumerated() {
            let panelWidth = i == firstPanels.count - 1 ? width - x : available * shares[i] / 100
            canvas.blit(renderer.renderPanel(panel, width: panelWidth, height: firstRows), x, top)
            x += panelWidth + Self.gap
        }
        if let clusters {
            canvas.blit(renderer.renderPanel(clusters, width: clusterWidth, height: secondRows), 0, top + firstRows)
        }
        let used = layHeatmaps(Array(heatmaps.prefix(count)), x: heatmapX, y: top + firstRows, width: each, rows: secondRows,
                               into: &canvas)
        return firstRows + max(used, clusters == nil ? 0 : secondRows)
    }

    /// Every panel at full width, the heatmaps side by side at the end. Returns the rows used.
    private func layStacked(_ d: Dashboard, top: Int, rows: Int, into canvas: inout TextCanvas) -> Int {
        let panels = [lossPanel(d), Figure.llcPanel(d), Figure.frequencyPanel(d),
                      d.clusters.map(Figure.clusterSizes)].compactMap { $0 }
        let heatmaps = Figure.neuronPanels(d)
        let (count, each) = heatmapColumns(heatmaps.count, width: width)
        let heatmapRows = heatmaps.isEmpty ? 0 : min(rows / 3, max(9, Self.heatmapRows(width: each)))
        let share = (rows - heatmapRows) / max(1, panels.count)
        var y = top
        for panel in panels {
            let rendered = renderer.renderPanel(panel, width: width, height: share)
            canvas.blit(rendered, 0, y)
            y += min(share, rendered.height)
        }
        y += layHeatmaps(Array(heatmaps.prefix(count)), x: 0, y: y, width: each, rows: heatmapRows, into: &canvas)
        return y - top
    }

    /// How many heatmaps fit side by side in `width` (at least one, each at least 22 columns) and their width (≤ 40).
    private func heatmapColumns(_ available: Int, width: Int) -> (count: Int, each: Int) {
        guard available > 0 else { return (0, 0) }
        let count = max(1, min(available, (width + Self.gap) / (22 + Self.gap)))
        return (count, min(40, (width - (count - 1) * Self.gap) / count))
    }

    /// Rows a square heatmap panel `width` columns wide takes: its plot (two pixels a row) plus title, frame, ticks and
    /// label; about 14 columns go to tick labels, the frame and the colour bar.
    static func heatmapRows(width: Int) -> Int { max(2, width - 14) / 2 + 5 }

    /// Heatmaps side by side, each `width` columns; returns the rows used.
    private func layHeatmaps(_ panels: [Panel], x: Int, y: Int, width: Int, rows: Int, into canvas: inout TextCanvas) -> Int {
        guard !panels.isEmpty, rows > 0 else { return 0 }
        var used = 0
        for (i, panel) in panels.enumerated() {
            let rendered = renderer.renderPanel(panel, width: width, height: rows)
            canvas.blit(rendered, x + i * (width + Self.gap), y)
            used = max(used, min(rows, rendered.height))
        }
        return used
    }
}

/// A terminal too small for the dashboard, with the sizes that would do.
public struct DashboardSizeError: Error, CustomStringConvertible, Equatable {
    public var columns: Int
    public var rows: Int
    public var wide: (columns: Int, rows: Int)
    public var stacked: (columns: Int, rows: Int)

    public var description: String {
        "the dashboard needs a terminal of at least \(wide.columns)×\(wide.rows) (or \(stacked.columns)×\(stacked.rows) "
            + "with the panels stacked); this one is \(columns)×\(rows). Enlarge the window, or use `plot` for one panel at a time"
    }

    public static func == (a: Self, b: Self) -> Bool {
        a.columns == b.columns && a.rows == b.rows && a.wide == b.wide && a.stacked == b.stacked
    }
}
