import XCTest
@testable import WBPlotting

final class SweepPlotsTests: XCTestCase {
    /// wd 0.3 / 1 across, frac 0.3 / 0.5 down; the (wd=0.3, frac=0.3) cell never got there, (wd=1, frac=0.5) was not measured.
    let grid = SweepPlotInput(title: "sweep s: epochs to 95% test accuracy", measure: "epochs to 95% test accuracy",
                              xLabel: "wd", xValues: ["0.3", "1"], yLabel: "frac", yValues: ["0.3", "0.5"],
                              median: [.infinity, 1200, 800, .nan], minimum: [.infinity, 1100, 700, .nan],
                              maximum: [.infinity, 1300, 900, .nan])

    func testPhaseDiagramShowsNeverInItsOwnColor() {
        let figure = Figure.sweepPhaseDiagram(grid)
        let panel = figure.panels[0]
        let heatmap = panel.heatmap!
        XCTAssertEqual(heatmap.rows, 2)
        XCTAssertEqual(heatmap.columns, 2)
        XCTAssertEqual(heatmap.values[0], .infinity, "never is a cell of its own colour, not a value of the scale")
        XCTAssertEqual(heatmap.infinityFill, InfinityFill(color: 1, label: "never"))
        XCTAssertEqual(heatmap.valueRange, 800...1200, "the colour scale spans the numbers only")
        XCTAssertEqual(heatmap.values[1], 1200)
        XCTAssertEqual(heatmap.values[2], 800)
        XCTAssertTrue(heatmap.values[3].isNaN, "not measured: empty")
        XCTAssertEqual(panel.series, [], "no markers: the cell itself says never")
        XCTAssertEqual(panel.marks, [.annotation(x: 1.5, y: 0.5, text: "1200"), .annotation(x: 0.5, y: 1.5, text: "800")])
        XCTAssertEqual(Figure.sweepNumber(2966.5), "2967")
        XCTAssertEqual(Figure.sweepNumber(0.9583), "0.958")
        XCTAssertEqual(panel.x.ticks, [AxisTick(0.5, "0.3"), AxisTick(1.5, "1")])
        XCTAssertEqual(panel.y.ticks, [AxisTick(0.5, "0.3"), AxisTick(1.5, "0.5")])
        XCTAssertEqual(panel.legendEntries, [LegendEntry("never (not within the epochs)", color: 1, kind: .bars)])

        // SVG: the never cell is a vermillion cell (row 0 is drawn at the bottom), the legend a vermillion swatch.
        let never = Palette.seriesColor(1).hex
        let svg = SVGRenderer(options: SVGOptions(heatmapEncoding: .vector)).render(figure)
        XCTAssertTrue(svg.contains("<path fill=\"\(never)\" d=\"M0 1h1v1h-1z\"/>"), svg)
        XCTAssertTrue(svg.contains("fill=\"\(never)\"/>\n<text x=\""), "legend swatch: \(svg)")
        XCTAssertTrue(svg.contains(">never (not within the epochs)<"))
        XCTAssertFalse(svg.contains("class=\"pts\""), "no markers")
        XCTAssertTrue(svg.contains(">1200<"), "cell values are written on the cells")
        // The same cell as an indexed PNG: one palette entry more, vermillion, after the map's colours.
        let png = SVGRenderer(options: SVGOptions(heatmapEncoding: .png)).render(figure)
        XCTAssertTrue(png.contains("data:image/png;base64,"))
        XCTAssertNotEqual(png, SVGRenderer(options: SVGOptions(heatmapEncoding: .png)).render(Figure.sweepPhaseDiagram(
            SweepPlotInput(title: grid.title, measure: grid.measure, xLabel: "wd", xValues: grid.xValues, yLabel: "frac",
                           yValues: grid.yValues, median: [.nan, 1200, 800, .nan], minimum: grid.minimum, maximum: grid.maximum))),
                          "a never cell is drawn, not left empty")
        assertSnapshot(svg, named: "sweep-phase.svg")

        // Terminal: the cell in vermillion (true colour), or full blocks without colour, with the legend's sample.
        let color = TerminalRenderer(width: 60, height: 16, colorMode: .trueColor).render(figure)
        XCTAssertTrue(color.contains("2;213;94;0m"), color)
        assertSnapshot(color, named: "sweep-phase.truecolor.txt")
        let text = TerminalRenderer(width: 60, height: 16, colorMode: .none).render(figure)
        XCTAssertTrue(text.contains("██ never (not within the epochs)"), text)
        XCTAssertTrue(text.contains("│███"), "the never cell, bottom left: \(text)")
        XCTAssertTrue(text.contains("1200"), text)
        assertSnapshot(text, named: "sweep-phase.txt")
    }

    /// Without never cells there is no never legend, and nothing is drawn in the never colour.
    func testPhaseDiagramWithoutNeverHasNoNeverLegend() {
        let all = SweepPlotInput(title: "t", measure: "m", xLabel: "wd", xValues: ["0.3", "1"], yLabel: "frac", yValues: ["0.3"],
                                 median: [100, 200], minimum: [100, 200], maximum: [100, 200])
        let figure = Figure.sweepPhaseDiagram(all)
        XCTAssertEqual(figure.panels[0].legendEntries, [])
        let svg = SVGRenderer(options: SVGOptions(heatmapEncoding: .vector)).render(figure)
        XCTAssertFalse(svg.contains(Palette.seriesColor(1).hex))
        // Drawn exactly as a heatmap without the never fill: the map keeps all its colour levels.
        var plain = figure
        plain.panels[0].heatmap?.infinityFill = nil
        XCTAssertEqual(SVGRenderer(options: SVGOptions(heatmapEncoding: .vector)).render(plain), svg)
        XCTAssertEqual(SVGRenderer(options: SVGOptions(heatmapEncoding: .png)).render(plain),
                       SVGRenderer(options: SVGOptions(heatmapEncoding: .png)).render(figure))
    }

    /// Hover values in SVG name the swept values of each cell, never cells included, not the cells' indices.
    func testPhaseDiagramTooltipsNameTheSweptValues() {
        let svg = SVGRenderer(options: .report).render(Figure.sweepPhaseDiagram(grid))
        XCTAssertTrue(svg.contains("<title>wd 1, frac 0.3: 1200</title>"), svg)
        XCTAssertTrue(svg.contains("<title>wd 0.3, frac 0.5: 800</title>"), svg)
        XCTAssertTrue(svg.contains("<title>wd 0.3, frac 0.3: never</title>"), svg)
        XCTAssertFalse(svg.contains("<title>wd 0,"), "no cell indices: \(svg)")
        XCTAssertFalse(svg.contains("frac 0.5: nan"), svg)
    }

    /// Wide grids merge cells into hover blocks; a block's value counts its never cells.
    func testHoverBlocksCountNeverCells() {
        let xs = (1...12).map(String.init)
        let median: [Double] = [.infinity, 100, .infinity, .infinity] + (5...12).map { Double($0) * 100 }
        let svg = SVGRenderer(options: .report).render(Figure.sweepPhaseDiagram(SweepPlotInput(
            title: "t", measure: "m", xLabel: "k", xValues: xs, yLabel: "seed", yValues: ["0"], median: median,
            minimum: median, maximum: median)))
        XCTAssertTrue(svg.contains("<title>k 1–2, seed 0: 100, 1 never</title>"), svg)
        XCTAssertTrue(svg.contains("<title>k 3–4, seed 0: never</title>"), svg)
        XCTAssertTrue(svg.contains("<title>k 5–6, seed 0: mean 550, max 600</title>"), svg)
    }

    func testCurveHasMedianAndMinMaxOverSeeds() {
        let input = SweepPlotInput(title: "t", measure: "epochs to 95% test accuracy", xLabel: "frac", xValues: ["0.3", "0.4", "0.5"],
                                   median: [.infinity, 1500, 900], minimum: [2000, 1400, 800], maximum: [.infinity, 1700, 1000])
        let figure = Figure.sweepCurve(input)
        let series = figure.panels[0].series
        XCTAssertEqual(series.map(\.name), ["median", "median", "min–max over seeds", "min–max over seeds", "never"])
        XCTAssertEqual(series[0].x, [0.3, 0.4, 0.5])
        XCTAssertTrue(series[0].y[0].isNaN)
        XCTAssertEqual(Array(series[0].y[1...]), [1500, 900])
        XCTAssertEqual(series[2].y, [2000, 1400, 800])
        XCTAssertEqual(series[3].y, [2000 * 1.08, 1700, 1000], "a maximum that never got there ends on the never line")
        XCTAssertEqual(figure.panels[0].marks, [.referenceLine(y: 2000 * 1.08, label: "never")])
        XCTAssertEqual(series[4].x, [0.3])
        XCTAssertEqual(series[4].y, [2000 * 1.08])
        XCTAssertEqual(figure.panels[0].legendEntries.map(\.label),
                       ["median", "min–max over seeds", "never (median point not within the epochs)"])
        XCTAssertTrue(SVGRenderer().render(figure).contains("min–max over seeds"))
        XCTAssertTrue(TerminalRenderer(width: 80, height: 24, colorMode: .none).render(figure).contains("median"))
        // Keys that are not numbers are spaced evenly, labelled.
        let words = Figure.sweepCurve(SweepPlotInput(title: "t", measure: "m", xLabel: "task", xValues: ["add", "mul"],
                                                     median: [10, 20], minimum: [10, 20], maximum: [10, 20]))
        XCTAssertEqual(words.panels[0].x.ticks, [AxisTick(0, "add"), AxisTick(1, "mul")])
    }
}
