import XCTest
@testable import WBPlotting

final class SweepPlotsTests: XCTestCase {
    /// wd 0.3 / 1 across, frac 0.3 / 0.5 down; the (wd=0.3, frac=0.3) cell never got there, (wd=1, frac=0.5) was not measured.
    let grid = SweepPlotInput(title: "sweep s: epochs to 95% test accuracy", measure: "epochs to 95% test accuracy",
                              xLabel: "wd", xValues: ["0.3", "1"], yLabel: "frac", yValues: ["0.3", "0.5"],
                              median: [.infinity, 1200, 800, .nan], minimum: [.infinity, 1100, 700, .nan],
                              maximum: [.infinity, 1300, 900, .nan])

    func testPhaseDiagramShowsNeverInItsOwnColour() {
        let figure = Figure.sweepPhaseDiagram(grid)
        let panel = figure.panels[0]
        let heatmap = panel.heatmap!
        XCTAssertEqual(heatmap.rows, 2)
        XCTAssertEqual(heatmap.columns, 2)
        XCTAssertTrue(heatmap.values[0].isNaN, "never is not a colour of the scale")
        XCTAssertEqual(heatmap.values[1], 1200)
        XCTAssertEqual(heatmap.values[2], 800)
        XCTAssertTrue(heatmap.values[3].isNaN)
        XCTAssertEqual(panel.series.count, 1)
        XCTAssertEqual(panel.series[0].name, "never")
        XCTAssertEqual(panel.series[0].x, [0.5])
        XCTAssertEqual(panel.series[0].y, [0.5])
        XCTAssertEqual(panel.series[0].color, 1)
        XCTAssertEqual(panel.marks, [.annotation(x: 1.5, y: 0.5, text: "1200"), .annotation(x: 0.5, y: 1.5, text: "800")])
        XCTAssertEqual(Figure.sweepNumber(2966.5), "2967")
        XCTAssertEqual(Figure.sweepNumber(0.9583), "0.958")
        XCTAssertEqual(panel.x.ticks, [AxisTick(0.5, "0.3"), AxisTick(1.5, "1")])
        XCTAssertEqual(panel.y.ticks, [AxisTick(0.5, "0.3"), AxisTick(1.5, "0.5")])
        XCTAssertEqual(panel.legendEntries.map(\.label), ["never (not within the epochs)"])

        let svg = SVGRenderer().render(figure)
        XCTAssertTrue(svg.contains("never (not within the epochs)"))
        XCTAssertTrue(svg.contains(">1200<"), "cell values are written on the cells")
        XCTAssertTrue(svg.contains(Palette.seriesColor(1).hex), "the never marker's colour")
        let text = TerminalRenderer(width: 80, height: 24, colorMode: .none).render(figure)
        XCTAssertTrue(text.contains("sweep s: epochs to 95% test accuracy"), text)
        XCTAssertTrue(text.contains("never"), text)
        XCTAssertTrue(text.contains("1200"), text)
    }

    /// Hover values in SVG name the swept values of each cell and of each never marker, not the cells' indices.
    func testPhaseDiagramTooltipsNameTheSweptValues() {
        let svg = SVGRenderer(options: .report).render(Figure.sweepPhaseDiagram(grid))
        XCTAssertTrue(svg.contains("<title>wd 1, frac 0.3: 1200</title>"), svg)
        XCTAssertTrue(svg.contains("<title>wd 0.3, frac 0.5: 800</title>"), svg)
        XCTAssertTrue(svg.contains("<title>never: wd 0.3, frac 0.3</title>"), svg)
        XCTAssertFalse(svg.contains("<title>wd 0,"), "no cell indices: \(svg)")
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
