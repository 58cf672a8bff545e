import Foundation
import XCTest
@testable import WBNotebook

/// The `@dashboard` block (format version 2): its text form, round trips, refusals with line numbers, the version
/// header, and its HTML (the CSS-only slider) and ipynb exports.
final class DashboardFormatTests: XCTestCase {
    func testTextFormAndRoundTrip() throws {
        let text = Samples.withDashboard.serialized()
        XCTAssertTrue(text.hasPrefix("@wbnb 2\n"), "a dashboard needs version 2")
        XCTAssertTrue(text.contains("""
        @cell c2
        dashboard over range
        @text
        | dashboard over 3 checkpoints
        @end
        @dashboard Dashboard — grok, 3 checkpoints
        | @shared
        | <svg xmlns="http://www.w3.org/2000/svg" id="wbf-shared" viewBox="0 0 200 100" width="200" height="100">
        """), text)
        XCTAssertTrue(text.contains("| </svg>\n|\n| @epoch 1500\n| <svg xmlns="), "sections follow each other")
        XCTAssertTrue(text.hasSuffix("| </svg>\n|\n@end\n\n@volatile\nc2 seconds=1.5\n@end\n"), text)
        let read = try Notebook.parse(text)
        XCTAssertEqual(read, Samples.withDashboard)
        XCTAssertEqual(read.serialized(), text, "read then write is byte-identical")
        XCTAssertNoThrow(try read.validate())
    }

    func testNotebooksWithoutDashboardsStayVersionOne() throws {
        XCTAssertTrue(Samples.grokking.serialized().hasPrefix("@wbnb 1\n"))
        XCTAssertEqual(Samples.grokking.requiredFormatVersion, 1)
        XCTAssertEqual(Samples.withDashboard.requiredFormatVersion, 2)
        // A version-2 header without dashboards reads, and is written back as version 1.
        let notebook = try Notebook.parse("@wbnb 2\nplot loss\n")
        XCTAssertEqual(notebook.serialized(), "@wbnb 1\n\n@cell c1\nplot loss\n")
    }

    func testEmptyTextsAndNoFramesRoundTrip() throws {
        let odd = Notebook(cells: [NotebookCell(id: "a", kind: .command, source: "dashboard over range", outputs: [
            .dashboard(NotebookDashboard(title: "", shared: "", frames: [])),
            .dashboard(NotebookDashboard(title: "t", shared: "<svg></svg>", frames: [.init(epoch: 0, svg: ""), .init(epoch: 7, svg: "\n")])),
        ])])
        let text = odd.serialized()
        XCTAssertTrue(text.contains("@dashboard\n| @shared\n|\n@end\n@dashboard t\n| @shared\n| <svg></svg>\n| @epoch 0\n|\n| @epoch 7\n|\n|\n@end\n"), text)
        XCTAssertEqual(try Notebook.parse(text), odd)
    }

    func testRefusals() {
        func refused(_ text: String, line: Int, _ message: String, file: StaticString = #filePath, at: UInt = #line) {
            XCTAssertThrowsError(try Notebook.parse(text), file: file, line: at) { error in
                guard let e = error as? NotebookError else { return XCTFail("\(error)", file: file, line: at) }
                XCTAssertEqual(e.line, line, "\(e)", file: file, line: at)
                XCTAssertTrue(e.message.contains(message), "\(e.message)", file: file, line: at)
            }
        }
        let block = "@dashboard T\n| @shared\n| <svg/>\n| @epoch 5\n| <svg/>\n@end\n"
        XCTAssertNoThrow(try Notebook.parse("@wbnb 2\nx\n" + block))
        refused("@wbnb 1\nx\n" + block, line: 3, "a @dashboard block needs format version 2: the first line must be '@wbnb 2', not '@wbnb 1'")
        refused("x\n" + block, line: 2, "needs format version 2")
        refused("@wbnb 2\nx\n@dashboard\n| <svg/>\n@end\n", line: 4, "expected '| @shared' as the first line of the @dashboard block opened on line 3")
        refused("@wbnb 2\nx\n@dashboard\n| @shared\n| <svg/>\n| @epoch five\n| <svg/>\n@end\n", line: 6, "with N a whole number")
        refused("@wbnb 2\nx\n@dashboard\n| @shared\n| <svg/>\n| @epoch 05\n| <svg/>\n@end\n", line: 6, "without leading zeros")
        refused("@wbnb 2\nx\n@dashboard\n| @shared\n| <svg/>\n| @epoch -1\n| <svg/>\n@end\n", line: 6, "with N a whole number")
        refused("@wbnb 2\nx\n@dashboard\n| @shared\n| <svg/>\n| @frame 1\n@end\n", line: 6, "expected '| @epoch N' or figure lines")
        refused("@wbnb 2\nx\n@dashboard\n| @shared\n| @epoch 1\n| <svg/>\n@end\n", line: 4, "'@shared' is followed by no figure lines")
        refused("@wbnb 2\nx\n@dashboard\n| @shared\n| <svg/>\n| @epoch 1\n@end\n", line: 6, "'@epoch 1' is followed by no figure lines")
        refused("@wbnb 2\nx\n@dashboardX\n@end\n", line: 3, "unknown marker '@dashboardX'")
        refused("@wbnb 2\n# note\n" + block, line: 3, "output block after a note")
    }

    func testValuesThatCannotBeWrittenAreRefusedButStillSerializeReadably() throws {
        var notebook = Samples.withDashboard
        notebook.cells[1].outputs[1] = .dashboard(NotebookDashboard(title: "two\nlines", shared: "@import x\n<svg/>",
                                                                    frames: [.init(epoch: -3, svg: "<svg/>")]))
        XCTAssertThrowsError(try notebook.validate()) { error in
            XCTAssertTrue("\(error)".contains("a dashboard title is one line"), "\(error)")
        }
        let problems = NotebookWriter.problems(in: notebook)
        XCTAssertTrue(problems.contains { $0.contains("a dashboard epoch is ≥ 0") }, "\(problems)")
        XCTAssertTrue(problems.contains { $0.contains("no line starting with '@'") }, "\(problems)")
        let text = notebook.serialized()
        let read = try Notebook.parse(text)
        guard case .dashboard(let d) = read.cells[1].outputs[1] else { return XCTFail("not a dashboard") }
        XCTAssertEqual(d.title, "two lines")
        XCTAssertEqual(d.shared, " @import x\n<svg/>")
        XCTAssertEqual(d.frames.map(\.epoch), [0])
    }

    func testHTMLSlider() throws {
        let html = NotebookExport.html(Samples.withDashboard)
        XCTAssertFalse(html.lowercased().contains("<script"))
        XCTAssertTrue(html.contains("1 dashboard</p>"))
        // One radio input per checkpoint, labelled with its epoch, the first checked, all in one group.
        let inputs = html.components(separatedBy: "<input ").dropFirst().map { String($0.prefix { $0 != ">" }) }
        XCTAssertEqual(inputs, [
            "type=\"radio\" name=\"dash-1\" id=\"dash-1-1\" aria-label=\"epoch 0\" title=\"epoch 0\" checked",
            "type=\"radio\" name=\"dash-1\" id=\"dash-1-2\" aria-label=\"epoch 1500\" title=\"epoch 1500\"",
            "type=\"radio\" name=\"dash-1\" id=\"dash-1-3\" aria-label=\"epoch 3000\" title=\"epoch 3000\"",
        ])
        XCTAssertTrue(html.contains("<label for=\"dash-1-1\" style=\"left:16.67%\">0</label><label for=\"dash-1-2\" style=\"left:50.00%\">1500</label>"))
        // The inputs come before the shared chart and the frames (the CSS rules select siblings after them).
        let lastInput = html.range(of: "id=\"dash-1-3\"")!.lowerBound
        XCTAssertLessThan(lastInput, html.range(of: "<div class=\"dash-shared\">")!.lowerBound)
        XCTAssertLessThan(html.range(of: "<div class=\"dash-shared\">")!.lowerBound, html.range(of: "<div class=\"dash-frames\">")!.lowerBound)
        // The loss chart once; every frame once, inline, without namespaces.
        XCTAssertEqual(html.components(separatedBy: "id=\"wbf-shared\"").count - 1, 1)
        for epoch in [0, 1500, 3000] { XCTAssertEqual(html.components(separatedBy: "id=\"wbf-e\(epoch)\"").count - 1, 1) }
        XCTAssertFalse(html.contains("xmlns="))
        // One pair of :checked rules per position, no more than the largest dashboard needs.
        XCTAssertTrue(html.contains(".dash>input:nth-of-type(3):checked~.dash-frames>div:nth-of-type(3){display:block}"))
        XCTAssertTrue(html.contains(".dash>input:nth-of-type(3):checked~.dash-shared .wbi:nth-of-type(3){display:inline}"))
        XCTAssertFalse(html.contains("nth-of-type(4)"))
        XCTAssertFalse(NotebookExport.html(Samples.grokking).contains(".dash"), "no dashboard rules without dashboards")
    }

    func testUnsafeDashboardFiguresAreNotEmbedded() {
        var notebook = Samples.withDashboard
        var dashboard = Samples.dashboard
        dashboard.frames[1].svg = "<svg onload=\"alert(1)\"></svg>"
        notebook.cells[1].outputs[1] = .dashboard(dashboard)
        let html = NotebookExport.html(notebook)
        XCTAssertFalse(html.contains("onload=\""))
        XCTAssertTrue(html.contains("epoch 1500: an event attribute &#39;onload&#39;"), "a notice in its frame")
        XCTAssertTrue(html.contains("id=\"wbf-e3000\""), "the other frames stay")
    }

    func testIPYNBHoldsTheSlider() throws {
        let json = NotebookExport.ipynb(Samples.withDashboard)
        let root = try JSONSerialization.jsonObject(with: Data(json.utf8)) as! [String: Any]
        let cells = root["cells"] as! [[String: Any]]
        let outputs = cells[1]["outputs"] as! [[String: Any]]
        let data = outputs[1]["data"] as! [String: Any]
        let html = (data["text/html"] as! [String]).joined()
        XCTAssertTrue(html.hasPrefix("<style>\nfigure.dash{"))
        XCTAssertTrue(html.contains("<input type=\"radio\" name=\"dash-1\""))
        XCTAssertEqual((data["text/plain"] as! [String]).joined(), "Dashboard — grok, 3 checkpoints: 3 checkpoints (epochs 0–3000)")
        let wb = (root["metadata"] as! [String: Any])["wb"] as! [String: Any]
        XCTAssertEqual(wb["format_version"] as? Int, 2)
    }
}
