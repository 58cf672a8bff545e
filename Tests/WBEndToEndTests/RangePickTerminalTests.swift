import Foundation
import XCTest
import WBTestSupport
@testable import WBShell

/// `range pick` in the real `wb` binary: keystrokes under a terminal (tmux), and the refusal without one.
final class RangePickTerminalTests: TemporaryFolderTestCase {
    var selectionFile: URL { root.appendingPathComponent("runs/pk/selection.json") }

    /// Trains a tiny run at the prompt, picks `10..70 step 25` with the keys, then cancels two picks (Esc, Ctrl-C).
    func testPickWithKeystrokesUnderARealTerminal() throws {
        // 100 columns: the chart is 93 wide, so ←/→ move 2 epochs and PgDn 20 over these 200 epochs.
        let tmux = try TmuxSession.wb(["study.wbnb"], in: root, columns: 100, rows: 50)
        defer { tmux.kill() }
        try tmux.waitFor("recording to")
        try tmux.command("train p=23 d_model=32 d_mlp=128 epochs=200 checkpoints=\"0..200 step 20\" name=pk",
                         showing: "pk: finished at epoch 200")

        try tmux.enter("range pick")
        var screen = try tmux.waitFor("Enter applies:")
        XCTAssertTrue(screen.hasPrefix("range pick — pk"), "the picker fills the screen:\n\(screen)")
        XCTAssertTrue(screen.contains("epoch 200 ▼") && screen.contains("cursor 200 "), "the cursor starts at the session's epoch:\n\(screen)")
        try tmux.keys("Home", "Right", "Right", "Right", "Right", "Right")
        try tmux.type("[")
        try tmux.keys("PgDn", "S-Right", "PgDn", "Right", "Right", "Right", "Right", "Right")
        try tmux.type("]")
        try tmux.type("+")
        screen = try tmux.waitFor("pending 10..70 step 25")
        XCTAssertTrue(screen.contains("pending 10..70 step 25 → 3 epochs: 1 ◆ with checkpoints, 2 ◇ without"), screen)
        XCTAssertTrue(screen.contains("cursor 70 · train loss"), screen)
        XCTAssertTrue(screen.contains("Enter applies: range 10..70 step 25 → 3 epochs, 1 with checkpoints"), screen)
        XCTAssertTrue(screen.contains("◇"), "hollow markers for epochs without a checkpoint")
        // z zooms the chart in around the cursor (the header names the window), r shows the whole run again.
        try tmux.type("z")
        screen = try tmux.waitFor("z/x zoom (2×)")
        XCTAssertTrue(screen.hasPrefix("range pick — pk · epochs 20–120 (zoom 2×) · ←/→ move by 1"), screen)
        try tmux.type("r")
        try tmux.waitFor("the whole run: ←/→ move by 2")
        try tmux.keys("Enter")
        screen = try tmux.waitFor("(recorded as `range 10..70 step 25`)")
        XCTAssertTrue(screen.contains("wb pk@200> range pick\nselection 10..70 step 25: 3 epochs (10, 35, 60); 1 have checkpoints"),
                      "back on the normal screen, with the output of `range 10..70 step 25`:\n\(screen)")
        try tmux.waitForPrompt(1)
        let picked = try String(contentsOf: selectionFile, encoding: .utf8)
        XCTAssertTrue(picked.contains("\"spec\" : \"10..70 step 25\""), picked)
        try tmux.command("range", showing: "wb pk@60> range\nselection 10..70 step 25: 3 epochs (10, 35, 60); 1 have checkpoints")

        // Esc after marking a range, then Ctrl-C: the selection stays as it was and nothing is recorded.
        for (cancel, pending) in [("Escape", "pending 60..200 step 25"), ("C-c", "pending 0..60 step 25")] {
            try tmux.enter("range pick")
            try tmux.waitFor("Enter applies:")
            try tmux.type("[")
            try tmux.keys(cancel == "Escape" ? "End" : "Home")
            try tmux.type("]")
            try tmux.waitFor(pending)
            try tmux.keys(cancel)
            try tmux.waitFor("range pick cancelled: the selection is unchanged\nwb pk@60>")
            try tmux.waitForPrompt(1)
            XCTAssertEqual(try String(contentsOf: selectionFile, encoding: .utf8), picked)
        }
        try tmux.keys("C-d")
        try tmux.waitFor("notebook: ")
        let notebook = try String(contentsOf: root.appendingPathComponent("study.wbnb"), encoding: .utf8)
        XCTAssertTrue(notebook.contains("\nrange 10..70 step 25\n@text\n| selection 10..70 step 25: 3 epochs (10, 35, 60); 1 have checkpoints"),
                      notebook)
        XCTAssertFalse(notebook.contains("range pick"), "the pick is recorded as the range line; cancelled picks not at all")
        XCTAssertEqual(notebook.components(separatedBy: "@cell ").count - 1, 3, "train, range 10..70 step 25, range")

        // Without a terminal the same command refuses, pointing to `range A..B step S`.
        let refusal = "`range pick` is interactive and needs a terminal (the wb> prompt). Here, write the selection as "
            + "`range A..B step S[, ...]`"
        let (status, _, err) = try wb(["-c", "load pk; range pick"])
        XCTAssertEqual(status, 1)
        XCTAssertTrue(err.contains(refusal), err)
        let (scriptStatus, _, scriptErr) = try wb([], input: "load pk\nrange pick\n")
        XCTAssertEqual(scriptStatus, 1)
        XCTAssertTrue(scriptErr.contains(refusal), scriptErr)
        try "load pk\nrange pick\n".write(to: root.appendingPathComponent("pick.wbnb"), atomically: true, encoding: .utf8)
        let (replayStatus, replayOut, _) = try wb(["run", "pick.wbnb"])
        XCTAssertEqual(replayStatus, 1)
        XCTAssertTrue(replayOut.contains("stopped at cell 2 with an error"), replayOut)
        XCTAssertTrue(try String(contentsOf: root.appendingPathComponent("pick.wbnb"), encoding: .utf8).contains(refusal))
        XCTAssertEqual(try String(contentsOf: selectionFile, encoding: .utf8), picked)
    }
}
