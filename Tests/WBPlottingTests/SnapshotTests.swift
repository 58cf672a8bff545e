import XCTest
@testable import WBPlotting

/// SVG and terminal text of every plot kind on small fixed data, compared with reviewed files in Snapshots/.
final class SnapshotTests: XCTestCase {
    func testSVGSnapshots() {
        for (name, figure) in TestData.figures {
            assertSnapshot(SVGRenderer().render(figure), named: "\(name).svg")
        }
    }

    func testTerminalPlainSnapshots() {
        for (name, figure) in TestData.figures {
            assertSnapshot(TerminalRenderer(width: 72, height: 20, colorMode: .none).render(figure), named: "\(name).txt")
        }
    }

    func testTerminalColorSnapshots() {
        let loss = TestData.figures[0].1, heat = TestData.figures[7].1
        assertSnapshot(TerminalRenderer(width: 72, height: 20, colorMode: .ansi256).render(loss), named: "loss.ansi256.txt")
        assertSnapshot(TerminalRenderer(width: 72, height: 20, colorMode: .trueColor).render(heat), named: "neurons.truecolor.txt")
    }
}
