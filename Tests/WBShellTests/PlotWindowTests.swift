import Foundation
import WBTestSupport
import XCTest
import WBNotebook
import WBPlotting
@testable import WBShell

/// `plot KIND A..B` and `compare RUNS A..B` through the shell: the figure's x axis is the window and its series hold only
/// the points inside it (and the edges); kinds whose x axis is not epochs refuse; an empty window is an error; a notebook
/// records the line as typed and its replay draws the same figure.
final class PlotWindowTests: ShellRunnerTestCase {
    let tiny = "train p=23 d_model=32 d_mlp=128 epochs=300 name=w"

    func run(_ executor: CommandExecutor, _ line: String) throws -> CellOutput {
        var output = CellOutput()
        for command in try Parser.parse(line) { output.append(contentsOf: try executor.execute(command, context: ExecutionContext())) }
        return output
    }

    func testWindowedFiguresAndRefusals() throws {
        let executor = makeRunner().executor
        _ = try run(executor, tiny + "; train p=23 d_model=32 d_mlp=128 epochs=200 wd=0.5 name=v; load w; at 200")
        let whole = try run(executor, "plot loss").figures[0]
        let figure = try run(executor, "plot loss 100..200").figures[0]
        XCTAssertEqual(figure.title, whole.title)
        XCTAssertEqual(figure.panels[0].x.range, 100...200)
        XCTAssertNil(whole.panels[0].x.range, "without a window the figure is as before")
        for s in figure.panels[0].series {
            XCTAssertEqual(s.x, (100...200).map(Double.init), "metrics every epoch: exactly the window")
        }
        XCTAssertTrue(figure.panels[0].marks.contains(.epochIndicator(x: 200, label: "epoch 200")), "the cursor on the edge")
        // Open ends run to the data's.
        XCTAssertEqual(try run(executor, "plot acc 250..").figures[0].panels[0].x.range, 250...300)
        XCTAssertEqual(try run(executor, "plot lr ..50").figures[0].panels[0].x.range, 0...50)
        XCTAssertNil(try run(executor, "plot gradnorm 0..100").figures[0].panels[0].marks.first { if case .epochIndicator = $0 { true } else { false } },
                     "the cursor at 200 is outside")
        XCTAssertEqual(try run(executor, "plot collapse 10..20").figures[0].panels[0].series[0].x, (10...20).map(Double.init))
        // compare: the last argument, a window.
        let compared = try run(executor, "compare w v 150..250")
        XCTAssertEqual(compared.figures[0].panels[0].x.range, 150...250)
        XCTAssertEqual(compared.figures[0].panels[0].series.map { $0.x.last }, [250, 250, 200, 200], "v ends at 200")

        func assertThrows(_ line: String, _ message: String, file: StaticString = #filePath, line number: UInt = #line) {
            XCTAssertThrowsError(try run(executor, line), file: file, line: number) { error in
                XCTAssertEqual("\(error)".components(separatedBy: "\n")[0], message, file: file, line: number)
            }
        }
        assertThrows("plot loss 5000..6000", "no data in the window 5000..6000: the epochs run 0…300")
        assertThrows("plot loss 300..", "no data in the window 300..: the epochs run 0…300")
        assertThrows("compare w v 1k..2k", "no data in the window 1000..2000: the epochs run 0…300")
        assertThrows("plot clusters 0..100", "`plot clusters` takes no window: its x axis is not epochs. A window A..B follows loss, acc, "
            + "lr, gradnorm, freq over time, progress, collapse, llc, llc traces (e.g. plot loss 1000..3000)")
    }

    /// `plot progress` and `plot freq over time` in a window compute only the checkpoints they show.
    func testAnalysesOverAWindow() throws {
        let executor = makeRunner().executor
        _ = try run(executor, tiny + "; at 300")
        let progress = try run(executor, "plot progress 100..200").figures[0].panels[0]
        XCTAssertEqual(progress.x.range, 100...200)
        XCTAssertEqual(progress.series[0].x, [100, 200], "checkpoints every 100: those inside the window")
        let evolution = try run(executor, "plot freq over time 100..200").figures[0].panels[0]
        XCTAssertEqual(evolution.heatmap?.columns, 2, "one column per checkpoint inside the window")
        XCTAssertEqual(evolution.marks, [], "the cursor at 300 is outside")
        XCTAssertThrowsError(try run(executor, "plot freq over time 110..190")) { error in
            XCTAssertEqual("\(error)", "no data in the window 110..190: the selected checkpoints run 0…300")
        }
    }

    /// The notebook keeps the line as typed; replaying it draws the same windowed figure.
    func testNotebookRecordsAndReplaysTheWindow() throws {
        let url = root.appendingPathComponent("window.wbnb")
        try "# # Window\n\(tiny)\nplot loss 100..200\ncompare w w ..50\n".write(to: url, atomically: true, encoding: .utf8)
        let first = NotebookReplayer(runner: makeRunner()).replay(try Notebook.read(from: url), options: ReplayOptions())
        XCTAssertNil(first.failedCell)
        XCTAssertEqual(first.notebook.cells[2].source, "plot loss 100..200")
        guard case .figure(let title, let svg, let spec) = first.notebook.cells[2].outputs[0] else { return XCTFail("a figure") }
        XCTAssertEqual(title, "Loss — w")
        XCTAssertTrue(svg.hasPrefix("<svg"))
        XCTAssertTrue(spec?.contains("\"domain\":[100,200]") ?? false, "the Vega-Lite spec keeps the window as the x domain")
        var check = ReplayOptions()
        check.check = true
        XCTAssertEqual(NotebookReplayer(runner: makeRunner()).replay(first.notebook, options: check).differences, [],
                       "the replay draws the recorded figures exactly")
    }
}
