import Foundation
import XCTest
import WBTestSupport
@testable import WBShell

/// The `wb` binary as people run it: `wb -c`, a script on standard input, and the prompt under a real terminal (tmux).
final class TerminalTests: TemporaryFolderTestCase {
    func testDashCRunsCommandsAndStopsAtTheFirstError() throws {
        let (ok, out, _) = try wb(["-c", "train p=23 d_model=32 d_mlp=128 epochs=50 name=c1; info"])
        XCTAssertEqual(ok, 0)
        XCTAssertTrue(out.contains("c1: finished at epoch 50"), out)
        XCTAssertTrue(out.contains("checkpoints: 2 (0, 50)"), out)
        XCTAssertFalse(out.contains("\u{1B}["), "no escape codes when not a terminal")
        let (failed, out2, err2) = try wb(["-c", "load c1\nat 1e9x\ninfo"])
        XCTAssertEqual(failed, 1)
        XCTAssertTrue(out2.contains("loaded c1"), out2)
        XCTAssertTrue(err2.contains("error: expected an epoch, a whole number"), err2)
        XCTAssertFalse(out2.contains("run: c1"), "stops at the first error")
    }

    func testScriptOnStandardInput() throws {
        let script = """
        # a note is fine
        train p=23 d_model=32 d_mlp=128 epochs=40 name=s1
        wb s1@40> at 0
        runs
        """
        let (status, out, err) = try wb([], input: script)
        XCTAssertEqual(status, 0, err)
        XCTAssertTrue(out.contains("s1: finished at epoch 40"), out)
        XCTAssertTrue(out.contains("epoch 0: train loss"), "pasted prompts are stripped: \(out)")
        XCTAssertTrue(out.contains("s1   finished  40/40"), out)
        XCTAssertFalse(out.contains("wb>"), "no prompt in script mode")
    }

    func testSubcommandsAndVersion() throws {
        let (status, out, _) = try wb(["--version"])
        XCTAssertEqual(status, 0)
        XCTAssertEqual(out.trimmingCharacters(in: .whitespacesAndNewlines), ShellRunner.version)
        let (bad, _, err) = try wb(["train", "p=4"])
        XCTAssertEqual(bad, 1)
        XCTAssertTrue(err.contains("p=4 is not allowed: a prime number in 3...257"), err)
        let (help, helpOut, _) = try wb(["help", "train"])
        XCTAssertEqual(help, 0)
        XCTAssertTrue(helpOut.contains("init_seed"), helpOut)
        let (shellHelp, shellHelpOut, _) = try wb(["help", "plot"])
        XCTAssertEqual(shellHelp, 0)
        XCTAssertTrue(shellHelpOut.hasPrefix("plot KIND [A..B] [layer=N] [to FILE.svg]"), shellHelpOut)
        let (noHelp, _, noHelpErr) = try wb(["help", "plto"])
        XCTAssertEqual(noHelp, 1)
        XCTAssertTrue(noHelpErr.contains("Did you mean 'plot'?"), noHelpErr)
    }

    /// The shipped quickstart notebook replays from nothing (training, range fill, dashboard) to exactly its recorded outputs.
    func testShippedQuickstartReplaysToItsRecordedOutputs() throws {
        let shipped = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Notebooks/quickstart.wbnb")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("Notebooks"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: shipped, to: root.appendingPathComponent("Notebooks/quickstart.wbnb"))
        let (status, out, err) = try wb(["run", "Notebooks/quickstart.wbnb", "--check"])
        XCTAssertEqual(status, 0, out + err)
        XCTAssertTrue(out.contains("check passed: every output of Notebooks/quickstart.wbnb matches"), out + err)
    }

    func testRunCheckAndExportANotebook() throws {
        let notebook = root.appendingPathComponent("tiny.wbnb")
        try "# # Tiny\ntrain p=23 d_model=32 d_mlp=128 epochs=60 name=tiny\nplot loss\n".write(to: notebook, atomically: true, encoding: .utf8)
        let (status, out, err) = try wb(["run", "tiny.wbnb"])
        XCTAssertEqual(status, 0, err)
        XCTAssertTrue(out.contains("outputs rewritten"), out)
        XCTAssertTrue(err.contains("[1/2] train p=23"), "progress per cell: \(err)")
        let replayed = try String(contentsOf: notebook, encoding: .utf8)
        XCTAssertTrue(replayed.hasPrefix("@wbnb 3\n"), "a figure keeps its Vega-Lite spec (format 3): \(replayed.prefix(40))")
        XCTAssertTrue(replayed.contains("@end\n@vegalite\n| {"), "the spec right after its figure")
        XCTAssertTrue(replayed.contains("| tiny: finished at epoch 60: train loss"), replayed)
        XCTAssertTrue(replayed.contains("@figure Loss — tiny"), replayed)
        let (checked, checkOut, _) = try wb(["run", "tiny.wbnb", "--check"])
        XCTAssertEqual(checked, 0, checkOut)
        XCTAssertTrue(checkOut.contains("check passed"), checkOut)
        try replayed.replacingOccurrences(of: "finished at epoch 60: train loss", with: "finished at epoch 60: train loss 9")
            .write(to: notebook, atomically: true, encoding: .utf8)
        let (differs, differsOut, _) = try wb(["run", "tiny.wbnb", "--check"])
        XCTAssertEqual(differs, 1)
        XCTAssertTrue(differsOut.contains("differs: cell 2 `train p=23 d_model=32 d_mlp=128 epochs=60 name=tiny`"), differsOut)
        let (exported, exportOut, _) = try wb(["export", "tiny.wbnb"])
        XCTAssertEqual(exported, 0, exportOut)
        let html = try String(contentsOf: root.appendingPathComponent("tiny.html"), encoding: .utf8)
        XCTAssertTrue(html.contains("<svg") && html.contains("Tiny"), "figure and title in the report")
        XCTAssertFalse(html.lowercased().contains("<script"))
        XCTAssertTrue(html.contains("p=23 frac=0.30 | d_model 32"), "the run's config in the header")
        // A damaged notebook is refused with its line, and left as it was.
        let damaged = root.appendingPathComponent("damaged.wbnb")
        try "@wbnb 1\n\ninfo\n@text\n| cut off".write(to: damaged, atomically: true, encoding: .utf8)
        let before = try Data(contentsOf: damaged)
        let (refused, _, refusedErr) = try wb(["run", "damaged.wbnb"])
        XCTAssertNotEqual(refused, 0)
        XCTAssertTrue(refusedErr.contains("damaged.wbnb:"), refusedErr)
        XCTAssertEqual(try Data(contentsOf: damaged), before)
    }

    /// Drives the prompt under tmux: prompt, Tab completion, history across sessions, Ctrl-C at the prompt and during
    /// training.
    func testPromptUnderARealTerminal() throws {
        let first = try TmuxSession.wb(["study.wbnb"], in: root, columns: 140, rows: 100)
        defer { first.kill() }
        try first.waitFor("recording to \(root.path)/study.wbnb")
        try first.keys("# # A study", "Enter")
        try first.waitForPrompt(2)
        // After a command has run, Ctrl-C on a half-typed line clears it and the session goes on (it used to end wb).
        try first.keys("runs", "Enter")
        try first.waitForPrompt(3)
        try first.keys("lo")
        try first.waitFor("wb> lo")
        try first.keys("C-c")
        try first.waitForPrompt(4)
        try first.keys("trai", "Tab")
        try first.waitFor("wb> train")
        try first.keys("p=23 d_model=32 d_mlp=128 epochs=100000 checkpoints=\"0..100000 step 50\" name=live", "Enter")
        try first.waitFor("epoch ")
        try first.keys("C-c")
        var text = try first.waitFor("checkpoint saved")
        XCTAssertTrue(text.contains("live: stopped at epoch"), text)
        try first.waitFor("wb live@")
        try first.waitForPrompt(5)
        // Ctrl-C at the prompt clears the line and gives a fresh prompt; the session goes on.
        try first.keys("garbage that should vanish")
        try first.waitFor("garbage that should vanish")
        try first.keys("C-c")
        try first.waitForPrompt(6)
        try first.keys("info", "Enter")
        text = try first.waitFor("run: live")
        XCTAssertFalse(text.contains("garbage that should vanishinfo"), text)
        try first.waitForPrompt(7)
        try first.keys("loa", "Tab", "li", "Tab")
        try first.waitFor("> load live")
        try first.keys("C-u", "C-d")
        try first.waitFor("notebook: \(root.path)/study.wbnb")
        first.kill()

        // History survives into a new session (on a new server): Up recalls the last command.
        let second = try TmuxSession.wb(in: root, columns: 140, rows: 100, socketName: "tmux2.sock")
        defer { second.kill() }
        try second.keys("Up")
        text = try second.waitFor("wb> info")
        XCTAssertTrue(text.contains("wb> info"), text)
        let history = try String(contentsOf: root.appendingPathComponent("history"), encoding: .utf8)
        XCTAssertTrue(history.contains("name=live"), history)
        // The first session was recorded, cell by cell, to the notebook it was opened on.
        let recorded = try String(contentsOf: root.appendingPathComponent("study.wbnb"), encoding: .utf8)
        XCTAssertTrue(recorded.contains("# # A study\n"), recorded)
        XCTAssertTrue(recorded.contains("name=live\n@text\n| live: stopped at epoch"), recorded)
        XCTAssertTrue(recorded.contains("\ninfo\n@text\n| run: live (runs/live)"), recorded)
    }
}
