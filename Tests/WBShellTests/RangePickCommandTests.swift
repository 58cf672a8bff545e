import Foundation
import WBTestSupport
import XCTest
import WBNotebook
@testable import WBShell
@testable import WBTraining

/// `range pick` as a command: refused without a terminal, applied exactly as `range SPEC`, and recorded in the notebook
/// as that `range …` line (a cancelled pick records nothing). Keys are fed to the view as the terminal would.
final class RangePickCommandTests: ShellRunnerTestCase {
    let tiny = "train p=23 d_model=32 d_mlp=128 epochs=200 checkpoints=\"0..200 step 20\" name=pk"

    /// A stand-in for the terminal: draws a 100 × 30 frame (which sets the cursor's unit, 2 epochs here), then presses
    /// the keys until the view ends.
    func scripted(_ keys: [Key]) -> (FullScreenView) throws -> Void {
        { view in
            _ = view.frame(columns: 100, rows: 30, colorMode: .none)
            for key in keys where !view.handle(key) { return }
        }
    }

    /// Home, 5 × → (epoch 10), `[`, 3 × PgDn (20, 40, 60), 5 × → (70), `]`, `+` (step 20 → 25), Enter.
    let pickKeys: [Key] = [.home] + Array(repeating: .right([]), count: 5) + [.character("[")] + Array(repeating: .pageDown, count: 3)
        + Array(repeating: .right([]), count: 5) + [.character("]"), .character("+"), .enter]

    var selectionFile: URL { root.appendingPathComponent("runs/pk/selection.json") }

    func testRefusedWithoutATerminal() throws {
        let runner = makeRunner()
        XCTAssertEqual(runner.run(line: tiny), .ok)
        XCTAssertEqual(try Parser.parse("range pick"), [.range(.pick)])
        XCTAssertThrowsError(try runner.executor.execute(.range(.pick))) { error in
            XCTAssertEqual("\(error)", "`range pick` is interactive and needs a terminal (the wb> prompt). Here, write the "
                + "selection as `range A..B step S[, ...]` (e.g. range 0..1000 step 100, 1000..3000 step 25)")
        }
        var lines: [ExecutedLine] = []
        runner.onLine = { lines.append($0) }
        XCTAssertEqual(runner.script(["range pick", "info"]), 1, "a script stops at it")
        XCTAssertEqual(lines.map(\.source), ["range pick"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: selectionFile.path))
    }

    func testPickIsAppliedAsTheRangeLineAndRecordedAsIt() throws {
        let url = root.appendingPathComponent("study.wbnb")
        let runner = makeRunner()
        let recorder = try NotebookRecorder(url: url)
        runner.onLine = { try? recorder.record($0) }
        runner.run(line: tiny)
        runner.fullScreen = scripted(pickKeys)
        shown = []
        XCTAssertEqual(runner.run(line: "range pick"), .ok)
        let stored = try XCTUnwrap(CheckpointSelection.read(from: RunFolder(url: root.appendingPathComponent("runs/pk"))))
        XCTAssertEqual(stored.spec, "10..70 step 25")
        XCTAssertEqual(stored.epochs, [10, 35, 60])
        XCTAssertEqual(shown.last, "(recorded as `range 10..70 step 25`)\n")
        let book = try Notebook.read(from: url)
        XCTAssertEqual(book.cells.map(\.source), [tiny, "range 10..70 step 25"])
        XCTAssertEqual(book.cells[1].outputs, [
            .text("selection 10..70 step 25: 3 epochs (10, 35, 60); 1 have checkpoints"),
            .warning("2 selected epochs have no checkpoint (10, 35); they are skipped. `range fill` makes them by training "
                + "forward from earlier checkpoints."),
        ])
        // The recorded line gives the same outputs with no keyboard: the notebook replays and checks clean.
        var check = ReplayOptions()
        check.check = true
        let replay = NotebookReplayer(runner: makeRunner()).replay(book, options: check)
        XCTAssertNil(replay.failedCell)
        XCTAssertEqual(replay.differences, [])
    }

    func testSeveralCommandsOnALineAndCancelling() throws {
        let runner = makeRunner()
        var lines: [ExecutedLine] = []
        runner.onLine = { lines.append($0) }
        runner.run(line: tiny)
        runner.fullScreen = scripted(pickKeys)
        runner.run(line: "range pick; at 60")
        XCTAssertEqual(lines.last?.source, "range 10..70 step 25; at 60")
        XCTAssertTrue(lines.last?.output.plainText.contains("\nepoch 60: train loss ") == true, "both outputs are kept")
        let before = try Data(contentsOf: selectionFile)
        lines = []
        // Esc after marking a range: nothing changes and nothing is recorded.
        runner.fullScreen = scripted([.character("["), .end, .character("]"), .character("a"), .escape])
        XCTAssertEqual(runner.run(line: "range pick"), .ok)
        XCTAssertEqual(lines.count, 0, "a cancelled pick is not recorded")
        XCTAssertEqual(try Data(contentsOf: selectionFile), before)
        XCTAssertEqual(shown.last, "range pick cancelled: the selection is unchanged\n")
        // With another command on the line, only that command is recorded, with only its outputs.
        runner.fullScreen = scripted([.interrupt])
        runner.run(line: "range pick; range")
        XCTAssertEqual(lines.map(\.source), ["range"])
        XCTAssertEqual(lines[0].output.plainText.components(separatedBy: "\n")[0],
                       "selection 10..70 step 25: 3 epochs (10, 35, 60); 1 have checkpoints")
        XCTAssertEqual(try Data(contentsOf: selectionFile), before)
        // Removing every range and pressing Enter clears the selection, recorded as `range clear`.
        runner.fullScreen = scripted([.backspace, .enter])
        runner.run(line: "range pick")
        XCTAssertEqual(lines.last?.source, "range clear")
        XCTAssertFalse(FileManager.default.fileExists(atPath: selectionFile.path))
    }

    func testRecordedSourceOfALine() {
        XCTAssertEqual(ShellRunner.recordedSource("info", commands: 1, recordings: [.asTyped]), "info")
        XCTAssertEqual(ShellRunner.recordedSource("range pick", commands: 1, recordings: [.replaced(by: "range 0..10 step 5")]),
                       "range 0..10 step 5")
        XCTAssertNil(ShellRunner.recordedSource("range pick", commands: 1, recordings: [.omitted]))
        let line = "template save t \"a; b\" ;  range pick ; plot loss"
        XCTAssertEqual(try Parser.statementSources(line), ["template save t \"a; b\"", "range pick", "plot loss"])
        XCTAssertEqual(ShellRunner.recordedSource(line, commands: 3, recordings: [.asTyped, .replaced(by: "range 5"), .asTyped]),
                       "template save t \"a; b\"; range 5; plot loss")
        XCTAssertEqual(ShellRunner.recordedSource(line, commands: 3, recordings: [.asTyped, .omitted]),
                       "template save t \"a; b\"; plot loss", "a command that did not run (after a failure) stays as typed")
    }
}
