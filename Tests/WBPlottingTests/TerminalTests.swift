import XCTest
@testable import WBPlotting

final class TerminalTests: XCTestCase {
    private func visibleWidth(_ line: Substring) -> Int {
        // Strip SGR sequences, then count cells (wide characters take two).
        var s = String(line)
        while let r = s.range(of: "\u{1B}\\[[0-9;]*m", options: .regularExpression) { s.removeSubrange(r) }
        return TextCanvas.displayWidth(s)
    }

    func testOutputFitsTheGivenWidthInEveryMode() {
        for (name, f) in TestData.figures {
            for mode in [TerminalColorMode.none, .ansi256, .trueColor] {
                for width in [40, 72, 120] {
                    let text = TerminalRenderer(width: width, height: 20, colorMode: mode).render(f)
                    for line in text.split(separator: "\n") {
                        XCTAssertLessThanOrEqual(visibleWidth(line), width, "\(name) \(mode) \(width): \(line)")
                    }
                }
            }
        }
    }

    func testPlainModeHasNoEscapesAndColorModesDo() {
        let f = TestData.figures[0].1
        XCTAssertFalse(TerminalRenderer(colorMode: .none).render(f).contains("\u{1B}"))
        XCTAssertTrue(TerminalRenderer(colorMode: .ansi256).render(f).contains("\u{1B}[38;5;"))
        XCTAssertTrue(TerminalRenderer(colorMode: .trueColor).render(f).contains("\u{1B}[38;2;0;114;178m"))
        let heat = TerminalRenderer(colorMode: .trueColor).render(TestData.figures[7].1)
        XCTAssertTrue(heat.contains("▀") && heat.contains("\u{1B}[38;2;") && heat.contains(";48;2;"), "half blocks with fg and bg colours")
    }

    func testHeightFollowsTheParameter() {
        let f = TestData.figures[0].1
        for h in [12, 24, 40] {
            XCTAssertEqual(TerminalRenderer(width: 80, height: h).render(f).split(separator: "\n", omittingEmptySubsequences: false).count - 1, h)
        }
    }

    func testControlCharactersInNamesCannotReachTheTerminal() {
        var run = TestData.run
        run.name = "evil\u{1B}]0;pwned\u{07}\u{1B}[2J name"
        for mode in [TerminalColorMode.none, .trueColor] {
            let text = TerminalRenderer(width: 80, height: 20, colorMode: mode).render(.runComparison([run, TestData.runs[1]]))
            XCTAssertFalse(text.contains("\u{07}"))
            XCTAssertFalse(text.contains("\u{1B}]"))
            XCTAssertFalse(text.contains("\u{1B}[2J"))
            XCTAssertTrue(text.contains("evil?]0;pwned??[2J name"))
        }
    }

    func testBrailleDotsAndLines() {
        var b = BrailleCanvas(columns: 2, rows: 1)
        b.set(0, 0, color: nil)
        b.set(1, 3, color: nil)
        XCTAssertEqual(b.character(0, 0), "\u{2881}")  // dots 1 and 8
        XCTAssertNil(b.character(1, 0))
        var phase = 0
        b.line(0, 0, 3, 3, color: RGB(1, 2, 3), phase: &phase)
        // Pixels (2,2) and (3,3) fall in cell 1: left column row 2 (0x04) and right column row 3 (0x80).
        XCTAssertEqual(b.character(1, 0), "\u{2884}")
        XCTAssertEqual(b.color(1, 0), RGB(1, 2, 3))
    }

    func testSpikeAndEpochIndicatorVisible() {
        var run = SampleData.run(name: "x", count: 40_000)
        run.testLoss = Array(repeating: 1e-3, count: 40_000)
        run.testLoss[20_000] = 100
        run.trainLoss = []
        let lines = TerminalRenderer(width: 80, height: 24).render(.lossCurves(run, currentEpoch: 30_000)).split(separator: "\n")
        let top = lines.firstIndex { $0.contains("┌") }!
        // The first plot row (near 10²) has dots: only the spike reaches it, besides the epoch line.
        let firstRow = lines[top + 1].filter { $0.unicodeScalars.first!.value >= 0x2801 && $0.unicodeScalars.first!.value <= 0x28FF }
        XCTAssertGreaterThanOrEqual(firstRow.count, 2, "spike and epoch indicator in the top row")
        XCTAssertTrue(lines[top].contains("▼ epoch 30000"))
    }

    func testSelectionStripShowsRangesAndMarkers() {
        let text = TerminalRenderer(width: 100, height: 24).render(TestData.figures[0].1)
        let strip = text.split(separator: "\n").first { $0.hasPrefix("ckpt") }
        XCTAssertNotNil(strip)
        XCTAssertTrue(strip!.contains("◆") && strip!.contains("·"), "selected and available checkpoints look different")
    }

    func testEnvironmentResolution() {
        let tty = TerminalEnvironment.resolve(environment: ["COLUMNS": "132", "LINES": "50", "COLORTERM": "truecolor"], isTerminal: true)
        XCTAssertEqual(tty, TerminalEnvironment(width: 132, height: 50, colorMode: .trueColor))
        XCTAssertEqual(TerminalEnvironment.resolve(environment: [:], isTerminal: true).colorMode, .ansi256)
        XCTAssertEqual(TerminalEnvironment.resolve(environment: ["NO_COLOR": "1", "COLORTERM": "24bit"], isTerminal: true).colorMode, .none)
        XCTAssertEqual(TerminalEnvironment.resolve(environment: ["COLORTERM": "truecolor"], isTerminal: false).colorMode, .none)
        XCTAssertEqual(TerminalEnvironment.resolve(environment: ["COLUMNS": "junk"], isTerminal: false).width, 80)
    }

    func testXterm256Mapping() {
        XCTAssertEqual(ANSI.xterm256(RGB(0, 0, 0)), 16)
        XCTAssertEqual(ANSI.xterm256(RGB(255, 255, 255)), 231)
        XCTAssertEqual(ANSI.xterm256(RGB(128, 128, 128)), 244)
        XCTAssertEqual(ANSI.xterm256(RGB(255, 0, 0)), 196)
    }
}
