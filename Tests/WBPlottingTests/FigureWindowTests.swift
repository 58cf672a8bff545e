import XCTest
@testable import WBPlotting

/// `Figure.windowed`: the x axis is the window, series are cut to it (lines reach its edges), marks are dropped or
/// clipped, and the renderers fit the y axis to what is left.
final class FigureWindowTests: XCTestCase {
    let loss = Figure.lossCurves(TestData.run, currentEpoch: 1200, selection: TestData.selection)

    func testLossCurvesInAWindow() throws {
        let zoomed = try XCTUnwrap(loss.windowed(1020...2030))
        let panel = zoomed.panels[0]
        XCTAssertEqual(panel.x.range, 1020...2030)
        XCTAssertEqual(panel.y, loss.panels[0].y, "the y axis is fitted by the renderer, from the points left")
        for s in panel.series {
            XCTAssertEqual(s.x.first, 1020, "a point interpolated on the left edge")
            XCTAssertEqual(s.x.last, 2030, "and on the right edge")
            XCTAssertEqual(Array(s.x.dropFirst().dropLast()), stride(from: 1050, through: 2000, by: 50).map(Double.init))
        }
        // The edge value lies on the log-scale line between its neighbours (epochs 1000 and 1050).
        let train = TestData.run.trainLoss, i = 20
        let expected = exp(log(train[i]) + 0.4 * (log(train[i + 1]) - log(train[i])))
        XCTAssertEqual(panel.series[0].y[0], expected, accuracy: expected * 1e-12)
        XCTAssertEqual(panel.marks, [
            .highlight(start: 2000, end: 2030, label: "2000–2200 step 100"),
            .checkpoints(x: [1100, 1200, 1300, 1400, 1500, 1600, 1700, 1800, 1900], selected: false),
            .checkpoints(x: [2000], selected: true),
            .epochIndicator(x: 1200, label: "epoch 1200"),
        ], "the first range and the checkpoints outside are dropped, the second range is clipped")
        XCTAssertNil(loss.windowed(5000...6000), "no data in the window")
        XCTAssertEqual(loss.seriesXExtent, 0...2950)
    }

    func testALineSpanningTheWindowAndPointsOutsideIt() {
        let line = Series("l", x: [0, 100], y: [1, 3]).clipped(to: 25...75, logY: false)
        XCTAssertEqual(line.x, [25, 75])
        XCTAssertEqual(line.y, [1.5, 2.5])
        let dots = Series("d", kind: .points, x: [0, 50, 100], y: [1, 2, 3]).clipped(to: 25...75, logY: false)
        XCTAssertEqual(dots.x, [50], "points and bars keep only the points inside")
        let gap = Series("g", x: [0, 50, 100], y: [.nan, 2, 3]).clipped(to: 25...75, logY: false)
        XCTAssertEqual(gap.x, [50, 75], "no edge point next to a gap")
    }

    func testPhasesAreClippedAndKeptForTheirColors() throws {
        let progress = Figure.progressMeasures(TestData.progress, currentEpoch: 1200)
        let zoomed = try XCTUnwrap(progress.windowed(600...1100))
        let phases = zoomed.panels[0].marks.compactMap { mark -> [Double]? in
            if case .phase(let a, let b, _) = mark { return [a, b] }
            return nil
        }
        XCTAssertEqual(phases, [[600, 600], [600, 693], [693, 1032]], "memorisation (0–103) is left as an empty band")
        for band in phases { XCTAssertTrue(band.allSatisfy { (600...1100).contains($0) }, "\(band)") }
        XCTAssertFalse(zoomed.panels[0].marks.contains { if case .epochIndicator = $0 { return true } else { return false } },
                       "the epoch indicator at 1200 is outside")
    }

    /// The windowed loss chart as the terminal draws it: the x axis from 1000 to 2000, the y axis fitted to the losses
    /// there (not the whole run's), the range and checkpoints inside.
    func testTerminalSnapshotOfAWindow() throws {
        let zoomed = try XCTUnwrap(loss.windowed(1000...2000))
        assertSnapshot(TerminalRenderer(width: 72, height: 20, colorMode: .none).render(zoomed), named: "loss-window.txt")
        assertSnapshot(SVGRenderer().render(zoomed), named: "loss-window.svg")
    }
}
