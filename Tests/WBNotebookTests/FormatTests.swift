import Foundation
import XCTest
@testable import WBNotebook

final class FormatTests: XCTestCase {
    private func assertRoundTrip(_ notebook: Notebook, file: StaticString = #filePath, line: UInt = #line) throws {
        XCTAssertNoThrow(try notebook.validate(), file: file, line: line)
        let text = notebook.serialized()
        let parsed = try Notebook.parse(text)
        XCTAssertEqual(parsed, notebook, file: file, line: line)
        XCTAssertEqual(parsed.serialized(), text, "read then write changed the bytes", file: file, line: line)
    }

    func testRoundTripIsByteExact() throws {
        try assertRoundTrip(Samples.grokking)
        try assertRoundTrip(Samples.tricky)
        try assertRoundTrip(Notebook())
        try assertRoundTrip(Notebook(cells: [NotebookCell(id: "a", kind: .note, source: "# only a heading")]))
    }

    /// A figure with its Vega-Lite spec: a `@vegalite` block right after the `@figure` block, in a version 3 file; a
    /// notebook without specs keeps the lowest version that holds it, so older readers still read it.
    func testVegaLiteBlockFollowsItsFigure() throws {
        let spec = #"{"$schema":"https://vega.github.io/schema/vega-lite/v5.json","mark":"line"}"#
        let book = Notebook(cells: [NotebookCell(id: "p", kind: .command, source: "plot loss",
                                                 outputs: [.figure(title: "Loss", svg: "<svg>\n</svg>", vegaLite: spec), .text("done")])])
        let text = book.serialized()
        XCTAssertEqual(text, "@wbnb 3\n\n@cell p\nplot loss\n@figure Loss\n| <svg>\n| </svg>\n@end\n@vegalite\n| \(spec)\n@end\n@text\n| done\n@end\n")
        try assertRoundTrip(book)
        XCTAssertEqual(try Notebook.parse(text), book)
        var plain = book
        plain.cells[0].outputs[0] = .figure(title: "Loss", svg: "<svg>\n</svg>")
        XCTAssertTrue(plain.serialized().hasPrefix("@wbnb 1\n"))
    }

    func testCanonicalLayout() throws {
        let text = Samples.grokking.serialized()
        let expected = """
        @wbnb 1

        @cell intro
        # # Grokking modular addition
        #
        # A one-layer transformer learns (a + b) mod 113.
        # ## Setup
        # Weight decay 1.0, lr 1e-3.

        @cell c2
        train p=113 epochs=3000
        @text
        | run grok-113: 3000 epochs
        | epoch 3000  train loss 0.0012  test loss 0.0009
        @end

        @cell c3
        plot loss
        @figure Loss — grok-113
        | <svg xmlns="http://www.w3.org/2000/svg" id="wbf-test1" viewBox="0 0 200 100" width="200" height="100">
        """
        XCTAssertTrue(text.hasPrefix(expected), text)
        XCTAssertTrue(text.hasSuffix("""

        @cell c5
        at epoch 99999
        @error
        | no checkpoint at epoch 99999 (last: 3000)
        @end

        @volatile
        c2 date=2025-06-01T10:12:03Z
        c2 machine=debian-x86_64-2cores
        c2 seconds=41.7
        c3 seconds=0.2
        @end

        """), text)
    }

    func testMarkerLikeOutputLinesAreQuoted() throws {
        let text = Samples.tricky.serialized()
        XCTAssertTrue(text.contains("\n| @end\n| @cell c1\n| # not a note\n| | not content\n| |\n| @volatile\n| @wbnb 1\n@end\n"))
        XCTAssertEqual(try Notebook.parse(text).cells[3].outputs.first, Samples.tricky.cells[3].outputs.first)
    }

    func testPlainCommandsAndNotesFileIsANotebook() throws {
        let plain = """
        # # Grokking, quick look
        # Train, then look.
        train p=113 epochs=3000
        plot loss

        # A second note
        #with no space
        at epoch 1500
        """
        let notebook = try Notebook.parse(plain)
        XCTAssertEqual(notebook.cells.map(\.kind), [.note, .command, .command, .note, .command])
        XCTAssertEqual(notebook.cells.map(\.id), ["c1", "c2", "c3", "c4", "c5"])
        XCTAssertEqual(notebook.cells[0].source, "# Grokking, quick look\nTrain, then look.")
        XCTAssertEqual(notebook.cells[3].source, "A second note\nwith no space")
        XCTAssertEqual(notebook.title, "Grokking, quick look")
        XCTAssertTrue(notebook.volatile.isEmpty)

        // Normalised once (header, ids, blank lines, '# '), then stable.
        let written = notebook.serialized()
        XCTAssertTrue(written.hasPrefix("@wbnb 1\n\n@cell c1\n# # Grokking, quick look\n# Train, then look.\n\n@cell c2\ntrain p=113 epochs=3000\n"))
        XCTAssertTrue(written.contains("# A second note\n# with no space\n"))
        XCTAssertEqual(try Notebook.parse(written), notebook)
        XCTAssertEqual(try Notebook.parse(written).serialized(), written)
    }

    func testChangingOneCommandIsAOneLineDiff() throws {
        var notebook = Samples.grokking
        let before = notebook.serialized().split(separator: "\n", omittingEmptySubsequences: false)
        notebook.cells[1].source = "train p=97 epochs=3000"
        let after = notebook.serialized().split(separator: "\n", omittingEmptySubsequences: false)
        XCTAssertEqual(before.count, after.count)
        XCTAssertEqual(zip(before, after).filter { $0 != $1 }.count, 1)
    }

    func testIDsAreStableAcrossReadAndWrite() throws {
        // Implicit ids never collide with explicit ones, wherever those appear.
        let text = "plot loss\n\n@cell c1\nat epoch 5\nplot acc\n"
        let notebook = try Notebook.parse(text)
        XCTAssertEqual(notebook.cells.map(\.id), ["c1-2", "c1", "c3"])
        let again = try Notebook.parse(notebook.serialized())
        XCTAssertEqual(again.cells.map(\.id), ["c1-2", "c1", "c3"])

        // Appending gives fresh ids; inserting a cell does not renumber the others after a save.
        var saved = try Notebook.parse(Samples.grokking.serialized())
        saved.cells.insert(NotebookCell(id: saved.newCellID(), kind: .command, source: "analyze freq"), at: 1)
        saved.append(NotebookCell(kind: .note, source: "the end"))
        saved.append(NotebookCell(id: "c2", kind: .command, source: "plot acc"))  // taken: replaced
        let ids = saved.cells.map(\.id)
        XCTAssertEqual(Set(ids).count, ids.count)
        XCTAssertEqual(Array(ids.prefix(6)), ["intro", "c6", "c2", "c3", "c4", "c5"])
        XCTAssertTrue(ids.allSatisfy(NotebookCell.isValidID))
        XCTAssertEqual(try Notebook.parse(saved.serialized()).cells.map(\.id), ids)
    }

    func testVolatileFactsAreKeptApart() throws {
        var notebook = Samples.grokking
        let before = notebook.serialized()
        notebook.volatile["c2"]?["seconds"] = "39.9"
        notebook.volatile["c2"]?["date"] = "2025-06-02T08:00:00Z"
        notebook.volatile["c5"] = ["seconds": "0.0"]
        let after = notebook.serialized()
        let volatileStart = before.range(of: "\n@volatile\n")!.lowerBound
        XCTAssertEqual(before[..<volatileStart], after[..<after.range(of: "\n@volatile\n")!.lowerBound],
                       "changing only volatile facts must change only the @volatile section")
        XCTAssertEqual(try Notebook.parse(after), notebook)

        // Without facts there is no section at all.
        notebook.volatile = [:]
        XCTAssertFalse(notebook.serialized().contains("@volatile"))
    }

    func testTitle() throws {
        XCTAssertEqual(Samples.grokking.title, "Grokking modular addition")
        XCTAssertNil(Notebook(cells: [NotebookCell(kind: .note, source: "```\n# code\n```\nplain")]).title)
        XCTAssertEqual(Notebook(cells: [NotebookCell(kind: .command, source: "x"),
                                        NotebookCell(kind: .note, source: "text\n### Deep ###")]).title, "Deep")
        XCTAssertNil(Notebook().title)
    }

    func testHandWrittenNormalization() throws {
        // BOM, CR LF line ends, no final newline, extra blank lines, empty volatile section.
        let text = "\u{FEFF}@wbnb 1\r\n\r\n\r\n@cell a\r\ntrain p=7\r\n@text\r\n| ok\r\n@end\r\n@volatile\r\n@end"
        let notebook = try Notebook.parse(text)
        XCTAssertEqual(notebook, Notebook(cells: [NotebookCell(id: "a", kind: .command, source: "train p=7", outputs: [.text("ok")])]))
        XCTAssertEqual(notebook.serialized(), "@wbnb 1\n\n@cell a\ntrain p=7\n@text\n| ok\n@end\n")
    }

    func testInvalidValuesAreRefusedByValidateButStillSerializeToParseableText() throws {
        let bad = Notebook(cells: [
            NotebookCell(id: "", kind: .command, source: "two\nlines"),
            NotebookCell(id: "a b", kind: .command, source: "@oops"),
            NotebookCell(id: "d", kind: .command, source: "   "),
            NotebookCell(id: "d", kind: .note, source: "n", outputs: [.text("x")]),
            NotebookCell(id: "e", kind: .command, source: "plot", outputs: [.figure(title: "a\nb", svg: "<svg/>")]),
        ], volatile: ["e": ["bad key": "v", "k": "multi\nline"]])
        XCTAssertThrowsError(try bad.validate())
        XCTAssertThrowsError(try bad.write(to: FileManager.default.temporaryDirectory.appendingPathComponent("never.wbnb")))
        let parsed = try Notebook.parse(bad.serialized())
        XCTAssertEqual(parsed.cells.map(\.source), ["two lines", " @oops", "n", "plot"])
        XCTAssertEqual(parsed.volatile["e"], ["k": "multi line"])
    }

    func testAtomicWriteAndRead() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("wbnb-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("grok.wbnb")
        try Samples.grokking.write(to: url)
        try Samples.tricky.write(to: url)  // overwrite
        XCTAssertEqual(try Notebook.read(from: url), Samples.tricky)
        XCTAssertEqual(try String(contentsOf: url, encoding: .utf8), Samples.tricky.serialized())
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path), ["grok.wbnb"], "no temp file left")

        // Not UTF-8: refused with the line of the bad byte.
        let bad = folder.appendingPathComponent("bad.wbnb")
        try Data("@wbnb 1\nplot loss\nplot \u{00}".utf8 + [0xFF, 0x0A]).write(to: bad)
        XCTAssertThrowsError(try Notebook.read(from: bad)) { error in
            let e = error as! NotebookError
            XCTAssertEqual(e.line, 3)
            XCTAssertTrue(e.description.hasPrefix(bad.path + ":3: the file is not valid UTF-8"), e.description)
        }
    }

    // MARK: damaged files

    private func assertRefused(_ text: String, line: Int, _ fragment: String,
                               file: StaticString = #filePath, lineNumber: UInt = #line) {
        XCTAssertThrowsError(try Notebook.parse(text, path: "g.wbnb"), file: file, line: lineNumber) { error in
            guard let e = error as? NotebookError else { return XCTFail("not a NotebookError: \(error)", file: file, line: lineNumber) }
            XCTAssertEqual(e.line, line, e.description, file: file, line: lineNumber)
            XCTAssertTrue(e.message.contains(fragment), "'\(e.message)' lacks '\(fragment)'", file: file, line: lineNumber)
            XCTAssertTrue(e.description.hasPrefix("g.wbnb:\(line): "), e.description, file: file, line: lineNumber)
        }
    }

    func testDamagedFilesAreRefusedWithLineAndExpectation() {
        let good = Samples.grokking.serialized()
        // Cut off inside a block.
        let cut = String(good[..<good.range(of: "| epoch 3000")!.lowerBound])
        assertRefused(cut, line: 13, "the file ends inside the @text block opened on line 12; expected '| …' lines and '@end'")
        assertRefused("@wbnb 1\n@cell a\n", line: 2, "the file ends after '@cell a' (line 2)")
        assertRefused("plot\n@volatile\nc1 seconds=1\n", line: 3, "the file ends inside the @volatile section")
        // Bad blocks.
        assertRefused("plot\n@text\n| ok\noops\n@end\n", line: 4, "expected '| ' followed by output text, or '@end' to close the @text block opened on line 2")
        assertRefused("plot\n@text\n|no space\n@end\n", line: 3, "expected '| ' followed by output text")
        assertRefused("plot\n@text\n@end\n", line: 3, "is empty")
        assertRefused("plot\n@text extra\n| x\n@end\n", line: 2, "expected '@text' alone")
        assertRefused("# note\n@text\n| x\n@end\n", line: 2, "output block after a note")
        assertRefused("@text\n| x\n@end\n", line: 1, "output block before any command")
        assertRefused("plot\n| stray\n", line: 2, "outside an output block")
        assertRefused("plot\n@end\n", line: 2, "'@end' without an open block")
        assertRefused("plot\n@plot loss\n", line: 2, "unknown marker '@plot'")
        assertRefused("@wbnb 1\n@cell a\n@cell b\nplot\n", line: 3, "before another @cell")
        assertRefused("@wbnb 1\n@cell bad id!\nplot\n", line: 2, "expected '@cell ID'")
        assertRefused("plot\n@volatile\nc1 seconds=1\n@end\nplot acc\n", line: 5, "only blank lines may follow the @volatile")
        assertRefused("plot\n@volatile\nc1 seconds\n@end\n", line: 3, "expected 'ID KEY=VALUE'")
        assertRefused("plot\n@volatile\nc1 se:conds=1\n@end\n", line: 3, "expected a fact key")
        assertRefused("plot\n@volatile\nc1 s=1\nc1 s=2\n@end\n", line: 4, "duplicate volatile fact 's' for cell 'c1' (first on line 3)")
        // Versions and headers.
        assertRefused("@wbnb 4\nplot\n", line: 1, "unsupported notebook format version 4; this wb reads versions 1 to 3")
        assertRefused("@wbnb one\n", line: 1, "expected '@wbnb 3'")
        // The Vega-Lite block: version 3, right after its figure.
        assertRefused("@wbnb 2\nplot\n@figure f\n| <svg/>\n@end\n@vegalite\n| {}\n@end\n", line: 6,
                      "a @vegalite block needs format version 3: the first line must be '@wbnb 3', not '@wbnb 2'")
        assertRefused("@wbnb 3\nplot\n@text\n| t\n@end\n@vegalite\n| {}\n@end\n", line: 6,
                      "a @vegalite block follows the @figure block it belongs to (one per figure)")
        assertRefused("@wbnb 3\nplot\n@figure f\n| <svg/>\n@end\n@vegalite\n| {}\n@end\n@vegalite\n| {}\n@end\n", line: 9,
                      "a @vegalite block follows the @figure block it belongs to (one per figure)")
        assertRefused("plot\n@wbnb 1\n", line: 2, "must be the first line")
        // Duplicate ids.
        assertRefused("@wbnb 1\n\n@cell a\nplot\n\n@cell b\nplot\n\n@cell a\nplot\n", line: 9, "duplicate cell id 'a' (first used on line 3)")
    }

    func testErrorDescriptionWithoutPath() {
        XCTAssertEqual(NotebookError(line: 4, message: "m").description, "notebook:4: m")
        XCTAssertEqual(NotebookError(line: nil, message: "m", path: "x.wbnb").description, "x.wbnb: m")
    }
}
