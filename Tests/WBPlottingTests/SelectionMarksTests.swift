import XCTest
@testable import WBPlotting

/// Selected epochs without a checkpoint (hollow markers) and shaded ranges in the terminal.
final class SelectionMarksTests: XCTestCase {
    /// Checkpoints every 100 up to 2000; the selection asks for 300…800 every 50 (half of them have no checkpoint).
    let selection = EpochSelection(ranges: [EpochRange(start: 300, end: 800, step: 50)],
                                   epochs: Array(stride(from: 300, through: 800, by: 50)),
                                   available: Array(stride(from: 0, through: 2000, by: 100)))
    let run = SampleData.run(name: "marks", count: 41, every: 50)

    func testBuilderSplitsSelectedEpochsByCheckpoint() {
        let marks = Figure.lossCurves(run, selection: selection).panels[0].marks
        XCTAssertTrue(marks.contains(.checkpoints(x: [300, 400, 500, 600, 700, 800], selected: true)))
        XCTAssertTrue(marks.contains(.missingCheckpoints(x: [350, 450, 550, 650, 750])))
        XCTAssertTrue(marks.contains(.checkpoints(x: [0, 100, 200, 900, 1000, 1100, 1200, 1300, 1400, 1500, 1600, 1700, 1800, 1900, 2000],
                                                  selected: false)))
    }

    func testTerminalStripShowsMissingAsHollowDiamonds() {
        let text = TerminalRenderer(width: 88, height: 20).render(.lossCurves(run, selection: selection))
        let strip = text.split(separator: "\n").first { $0.hasPrefix("ckpt") }.map(String.init) ?? ""
        XCTAssertEqual(strip.filter { $0 == "◆" }.count, 6, strip)
        XCTAssertEqual(strip.filter { $0 == "◇" }.count, 5, strip)
        XCTAssertEqual(strip.filter { $0 == "·" }.count, 15, strip)
    }

    func testShadingIsOptInAndOnlyInColor() {
        let figure = Figure.lossCurves(run, selection: selection)
        let plain = TerminalRenderer(width: 88, height: 20, colorMode: .ansi256).render(figure)
        XCTAssertFalse(plain.contains("\u{1B}[48;"), "no background unless asked")
        var shading = TerminalRenderer(width: 88, height: 20, colorMode: .ansi256)
        shading.shadesHighlights = true
        let shaded = shading.render(figure)
        XCTAssertTrue(shaded.contains("\u{1B}[48;5;"), "a background tint under the range")
        let rows = shaded.split(separator: "\n").filter { $0.contains("\u{1B}[48;5;") }
        XCTAssertEqual(rows.count, 13, "the 13 rows of the plot area (20 less title, legend, frame, ticks, label, strip), and only those")
        shading.colorMode = .none
        XCTAssertEqual(shading.render(figure), TerminalRenderer(width: 88, height: 20).render(figure), "no colour, no shading")
    }

    func testSVGDrawsMissingCheckpointsHollow() {
        let svg = SVGRenderer().render(.lossCurves(run, selection: selection))
        let hollow = svg.components(separatedBy: "<path class=\"ck\" fill=\"none\"")
        XCTAssertEqual(hollow.count, 2, "one path of hollow diamonds")
        XCTAssertEqual(hollow[1].components(separatedBy: "\"/>")[0].components(separatedBy: "M").count - 1, 5, "five of them")
    }
}
