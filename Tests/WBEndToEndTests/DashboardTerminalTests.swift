import Foundation
import XCTest
import WBTestSupport
@testable import WBShell

/// The dashboard in the real `wb` binary under a terminal (tmux): drawn to fit, redrawn in place by `prev`, stepped
/// with the arrow keys in `dashboard live`, refused with the size needed in a small window, and recorded as the line it
/// amounts to.
final class DashboardTerminalTests: TemporaryFolderTestCase {
    func testDashboardUnderARealTerminal() throws {
        let tmux = try TmuxSession.wb(["study.wbnb"], in: root, columns: 120, rows: 40, environment: ["NO_COLOR": "1"])
        defer { tmux.kill() }
        try tmux.waitFor("recording to")
        try tmux.command("train p=23 d_model=32 d_mlp=128 epochs=300 checkpoints=\"0..300 step 50\" name=dt",
                         showing: "dt: finished at epoch 300")

        // The dashboard fills the window: 38 lines, the command line above and the prompt below.
        var screen = try tmux.command("dashboard", showing: "Dashboard — dt at epoch 300 (checkpoint 7 of 7)")
        var lines = screen.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let heading = try XCTUnwrap(lines.firstIndex { $0.hasPrefix("Dashboard — dt at epoch 300") })
        XCTAssertEqual(lines[heading - 1], "wb dt@300> dashboard", screen)
        XCTAssertEqual(lines[heading + 38], "wb dt@300>", "38 dashboard lines, then the prompt:\n\(screen)")
        XCTAssertTrue(screen.contains("Embedding frequencies") && screen.contains("Neuron clusters") && screen.contains("neuron "))

        // `prev` while it is shown redraws it in place: one dashboard on the screen, at the new epoch.
        screen = try tmux.command("prev", showing: "Dashboard — dt at epoch 250 (checkpoint 6 of 7)")
        XCTAssertFalse(screen.contains("at epoch 300 (checkpoint"), "the old dashboard was replaced:\n\(screen)")
        XCTAssertEqual(screen.components(separatedBy: "Dashboard — dt").count - 1, 1, screen)
        XCTAssertFalse(screen.contains("epoch 250: train loss"), "no cursor line while the dashboard is shown")

        // `dashboard live`: the arrow keys, Home and End step; q leaves at the epoch reached.
        try tmux.enter("dashboard live")
        screen = try tmux.waitFor("q leaves")
        XCTAssertTrue(screen.hasPrefix("Dashboard — dt at epoch 250 (checkpoint 6 of 7)"), "full screen:\n\(screen)")
        try tmux.keys("Left")
        try tmux.waitFor("Dashboard — dt at epoch 200 (checkpoint 5 of 7)")
        try tmux.keys("Home")
        try tmux.waitFor("Dashboard — dt at epoch 0 (checkpoint 1 of 7)")
        try tmux.keys("Right", "Right")
        screen = try tmux.waitFor("Dashboard — dt at epoch 100 (checkpoint 3 of 7)")
        XCTAssertTrue(screen.contains("checkpoint 3 of 7 · ←/→ step"), screen)
        // z zooms the loss chart in around the checkpoint, r shows the whole run again.
        try tmux.type("z")
        screen = try tmux.waitFor("z/x zoom (2×)")
        XCTAssertTrue(screen.contains("Loss — epochs 25–175 (zoom 2×)"), screen)
        try tmux.type("r")
        try tmux.waitFor("z/x zoom (1×)")
        try tmux.keys("End")
        try tmux.waitFor("Dashboard — dt at epoch 300 (checkpoint 7 of 7)")
        try tmux.keys("Left")
        try tmux.waitFor("Dashboard — dt at epoch 250 (checkpoint 6 of 7)")
        try tmux.keys("Left")
        try tmux.waitFor("Dashboard — dt at epoch 200 (checkpoint 5 of 7)")
        try tmux.type("q")
        screen = try tmux.waitFor("(recorded as `dashboard at 200 neurons ")
        try tmux.waitForPrompt(1)
        screen = try tmux.screen()
        XCTAssertTrue(screen.contains("wb dt@200>"), "the cursor stays where the keys left it:\n\(screen)")
        lines = screen.split(separator: "\n").map(String.init)
        let recordedLine = try XCTUnwrap(lines.first { $0.hasPrefix("(recorded as `dashboard at 200 neurons ") })
        XCTAssertFalse(screen.contains("epoch 200: train loss"), "the dashboard, no cursor line:\n\(screen)")

        // A window too small says how large it must be.
        try tmux.run(["resize-window", "-t", "wbtest", "-x", "70", "-y", "20"])
        try tmux.enter("dashboard")
        screen = try tmux.waitFor("warning: the dashboard needs a terminal of at least 96×")
        XCTAssertTrue(screen.contains("this one is 70×20"), screen)
        try tmux.waitForPrompt(1)
        try tmux.keys("C-d")
        try tmux.waitFor("notebook: ")

        let notebook = try String(contentsOf: root.appendingPathComponent("study.wbnb"), encoding: .utf8)
        let replacement = String(recordedLine.dropFirst("(recorded as `".count).dropLast(2))
        XCTAssertTrue(notebook.contains("\n\(replacement)\n@figure Dashboard — dt at epoch 200 (checkpoint 5 of 7)\n| <svg"), notebook)
        XCTAssertTrue(notebook.contains("\nprev\n@figure Dashboard — dt at epoch 250 (checkpoint 6 of 7)\n"), notebook)
        XCTAssertFalse(notebook.contains("dashboard live"), "recorded as the line it amounted to")
    }

    /// While `train` runs at the prompt, `d` switches the live block to the dashboard of the latest checkpoint and back;
    /// Ctrl-C still stops training, and the prompt reads lines again afterwards.
    func testTrainingBlockSwitchesToTheDashboard() throws {
        let tmux = try TmuxSession.wb(in: root, columns: 130, rows: 45, environment: ["NO_COLOR": "1"])
        defer { tmux.kill() }
        try tmux.enter("train p=23 d_model=32 d_mlp=128 epochs=100000 checkpoints=\"0..100000 step 100\" name=tl")
        try tmux.waitFor("d: dashboard")
        try tmux.type("d")
        var screen = try tmux.waitFor("Dashboard — tl at epoch ")
        XCTAssertTrue(screen.contains("d: loss chart") && screen.contains("Embedding frequencies"), screen)
        try tmux.type("d")
        screen = try tmux.waitFor("Loss — training")
        XCTAssertFalse(screen.contains("Dashboard — tl"), "back to the loss chart:\n\(screen)")
        try tmux.keys("C-c")
        try tmux.waitFor("tl: stopped at epoch")
        try tmux.waitForPrompt(1)
        try tmux.enter("info")
        try tmux.waitFor("run: tl")
    }

    func testLiveNeedsATerminal() throws {
        let (status, _, err) = try wb(["-c", "train p=23 d_model=32 d_mlp=128 epochs=50 name=nl; dashboard live"])
        XCTAssertEqual(status, 1)
        XCTAssertTrue(err.contains("`dashboard live` needs an interactive terminal (it reads the arrow keys)"), err)
    }
}
