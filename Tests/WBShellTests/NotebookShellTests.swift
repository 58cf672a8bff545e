import Foundation
import XCTest
import WBNotebook
@testable import WBShell
@testable import WBTraining

/// Recording sessions to notebooks and replaying them.
final class NotebookShellTests: ShellRunnerTestCase {
    let tiny = "train p=23 d_model=32 d_mlp=128 epochs=200 name=nb"

    func testRecordingSavesEveryCellAndAppends() throws {
        let url = root.appendingPathComponent("Notebooks/study.wbnb")
        let runner = makeRunner()
        let recorder = try NotebookRecorder(url: url)
        runner.session.recorder = recorder
        runner.onLine = { try? recorder.record($0) }
        runner.run(line: "# # My study")
        XCTAssertEqual(try Notebook.read(from: url).cells.count, 1, "saved after the first cell")
        runner.run(line: tiny)
        runner.run(line: "plot loss; at 100")
        runner.run(line: "at epoch banana")
        let book = try Notebook.read(from: url)
        XCTAssertEqual(book.cells.map(\.kind), [.note, .command, .command, .command])
        XCTAssertEqual(book.cells[0].source, "# My study")
        XCTAssertEqual(book.title, "My study")
        XCTAssertEqual(book.cells[2].source, "plot loss; at 100")
        guard case .figure(let title, let svg) = book.cells[2].outputs[0] else { return XCTFail("a figure first") }
        XCTAssertEqual(title, "Loss — nb")
        XCTAssertTrue(svg.hasPrefix("<svg"))
        XCTAssertEqual(book.cells[2].outputs[1], .text("epoch 100: " + (book.cells[2].outputs[1].textValue.dropFirst(11))))
        guard case .error(let message) = book.cells[3].outputs.last else { return XCTFail("the error is recorded") }
        XCTAssertTrue(message.contains("expected an epoch"), message)
        XCTAssertNotNil(book.volatile[book.cells[1].id]?["seconds"], "wall time kept apart")
        // `save` moves the recording; reopening appends.
        runner.run(line: "save Notebooks/renamed.wbnb")
        let renamed = root.appendingPathComponent("Notebooks/renamed.wbnb")
        XCTAssertEqual(try Notebook.read(from: renamed).cells.count, 5)
        let again = try NotebookRecorder(url: renamed)
        XCTAssertEqual(again.notebook.cells.count, 5)
    }

    func testReplayIsByteIdenticalAndCheckFindsChanges() throws {
        let url = root.appendingPathComponent("replay.wbnb")
        try "# # Replay\n\(tiny)\nrange 0..200 step 100\nanalyze freq\nat 100; plot freq\ninfo\n".write(to: url, atomically: true, encoding: .utf8)
        let first = NotebookReplayer(runner: makeRunner()).replay(try Notebook.read(from: url), options: ReplayOptions())
        XCTAssertNil(first.failedCell)
        try first.notebook.write(to: url)
        let second = NotebookReplayer(runner: makeRunner()).replay(try Notebook.read(from: url), options: ReplayOptions())
        XCTAssertEqual(second.notebook.cells, first.notebook.cells, "a replay on the same inputs gives the same outputs")
        XCTAssertTrue(first.notebook.cells[5].outputs.contains(.text("run: nb (runs/nb)")) == false)
        var check = ReplayOptions()
        check.check = true
        XCTAssertEqual(NotebookReplayer(runner: makeRunner()).replay(second.notebook, options: check).differences, [])
        // A recorded output that no longer matches is reported with the cell and what changed.
        var edited = second.notebook
        edited.cells[1].outputs = [.text("nb: finished at epoch 200: train loss 9.999e-01")]
        let differences = NotebookReplayer(runner: makeRunner()).replay(edited, options: check).differences
        XCTAssertEqual(differences.count, 1)
        XCTAssertTrue(differences[0].hasPrefix("cell 2 `\(tiny)`: output 1: "), differences[0])
        // --set overrides train cells.
        var set = ReplayOptions()
        set.overrides = ["wd=0.5", "name=nb-wd"]
        let overridden = NotebookReplayer(runner: makeRunner()).replay(second.notebook, options: set)
        XCTAssertTrue(FileManager.default.fileExists(atPath: root.appendingPathComponent("runs/nb-wd/config.json").path))
        XCTAssertNil(overridden.failedCell)
    }

    func testReplayCannotWriteOutsideItsFolders() throws {
        let runner = makeRunner()
        runner.session.writeRoots = [root, runner.session.home]
        let book = try Notebook.parse("\(tiny)\nplot loss to /tmp/../etc/wb-escape.svg\n")
        let result = NotebookReplayer(runner: runner).replay(book, options: ReplayOptions())
        XCTAssertEqual(result.failedCell, 2)
        guard case .error(let message) = result.notebook.cells[1].outputs.last else { return XCTFail("refused") }
        XCTAssertTrue(message.contains("outside the working folder and $WB_HOME"), message)
        XCTAssertFalse(FileManager.default.fileExists(atPath: "/etc/wb-escape.svg"))
    }
}

private extension NotebookOutput {
    var textValue: String { if case .text(let s) = self { return s } else { return "" } }
}

/// The notebooks shipped in Notebooks/ read and write back byte for byte, and hold outputs from a replay.
final class ShippedNotebookTests: XCTestCase {
    func testShippedNotebooksRoundTrip() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Notebooks").standardizedFileURL
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".wbnb") }.sorted()
        XCTAssertTrue(names.contains("grokking.wbnb") && names.contains("quickstart.wbnb"), "\(names)")
        for name in names {
            let text = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
            let notebook = try Notebook.parse(text, path: name)
            XCTAssertEqual(notebook.serialized(), text, "\(name) round-trips")
            XCTAssertNotNil(notebook.title, name)
            for cell in notebook.cells where cell.kind == .command {
                XCTAssertNoThrow(try Parser.parse(cell.source), "\(name): \(cell.source)")
            }
        }
        let grokking = try Notebook.read(from: folder.appendingPathComponent("grokking.wbnb"))
        let train = try XCTUnwrap(grokking.cells.first { $0.source.hasPrefix("train ") })
        XCTAssertEqual(train.outputs.count, 1)
        guard case .text(let summary) = train.outputs[0] else { return XCTFail("a text output") }
        XCTAssertTrue(summary.contains("accuracy 100.0% train / 100.0% test"), "the shipped outputs show a model that grokked: \(summary)")
        XCTAssertGreaterThanOrEqual(grokking.cells.flatMap(\.outputs).filter { if case .figure = $0 { return true } else { return false } }.count, 8)
    }
}
