import Foundation
import XCTest
@testable import WBShell

/// The dashboard in the real `wb` binary under a terminal (tmux): drawn to fit, redrawn in place by `prev`, stepped
/// with the arrow keys in `dashboard live`, refused with the size needed in a small window, and recorded as the line it
/// amounts to.
final class DashboardTerminalTests: XCTestCase {
    var root: URL!

    override func setUpWithError() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("wb-dashterm-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: root) }

    func testDashboardUnderARealTerminal() throws {
        XCTAssertTrue(TmuxSession.isInstalled, "tmux is needed (Scripts/setup installs it)")
        let command = "cd \(root.path) && WB_HOME=\(root.path)/home WB_HISTORY=\(root.path)/history NO_COLOR=1 "
            + "\(TerminalTests.wbBinary.path) study.wbnb; sleep 30"
        let tmux = try TmuxSession(socket: root.appendingPathComponent("tmux.sock").path, columns: 120, rows: 40, command: command,
                                   scratch: root)
        defer { tmux.kill() }
        try tmux.waitFor("recording to")
        try tmux.waitForPrompt(1)
        try tmux.type("train p=23 d_model=32 d_mlp=128 epochs=300 checkpoints=\"0..300 step 50\" name=dt")
        try tmux.keys("Enter")
        try tmux.waitFor("dt: finished at epoch 300")
        try tmux.waitForPrompt(1)

        // The dashboard fills the window: 38 lines, the command line above and the prompt below.
        try tmux.type("dashboard")
        try tmux.keys("Enter")
        var screen = try tmux.waitFor("Dashboard — dt at epoch 300 (checkpoint 7 of 7)")
        try tmux.waitForPrompt(1)
        screen = try tmux.screen()
        var lines = screen.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let heading = try XCTUnwrap(lines.firstIndex { $0.hasPrefix("Dashboard — dt at epoch 300") })
        XCTAssertEqual(lines[heading - 1], "wb dt@300> dashboard", screen)
        XCTAssertEqual(lines[heading + 38], "wb dt@300>", "38 dashboard lines, then the prompt:\n\(screen)")
        XCTAssertTrue(screen.contains("Embedding frequencies") && screen.contains("Neuron clusters") && screen.contains("neuron "))

        // `prev` while it is shown redraws it in place: one dashboard on the screen, at the new epoch.
        try tmux.type("prev")
        try tmux.keys("Enter")
        screen = try tmux.waitFor("Dashboard — dt at epoch 250 (checkpoint 6 of 7)")
        try tmux.waitForPrompt(1)
        screen = try tmux.screen()
        XCTAssertFalse(screen.contains("at epoch 300 (checkpoint"), "the old dashboard was replaced:\n\(screen)")
        XCTAssertEqual(screen.components(separatedBy: "Dashboard — dt").count - 1, 1, screen)
        XCTAssertFalse(screen.contains("epoch 250: train loss"), "no cursor line while the dashboard is shown")

        // `dashboard live`: the arrow keys, Home and End step; q leaves at the epoch reached.
        try tmux.type("dashboard live")
        try tmux.keys("Enter")
        screen = try tmux.waitFor("q leaves")
        XCTAssertTrue(screen.hasPrefix("Dashboard — dt at epoch 250 (checkpoint 6 of 7)"), "full screen:\n\(screen)")
        try tmux.keys("Left")
        try tmux.waitFor("Dashboard — dt at epoch 200 (checkpoint 5 of 7)")
        try tmux.keys("Home")
        try tmux.waitFor("Dashboard — dt at epoch 0 (checkpoint 1 of 7)")
        try tmux.keys("Right", "Right")
        screen = try tmux.waitFor("Dashboard — dt at epoch 100 (checkpoint 3 of 7)")
        XCTAssertTrue(screen.contains("checkpoint 3 of 7 · ←/→ step"), screen)
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
        try tmux.type("dashboard")
        try tmux.keys("Enter")
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
        XCTAssertTrue(TmuxSession.isInstalled, "tmux is needed (Scripts/setup installs it)")
        let command = "cd \(root.path) && WB_HOME=\(root.path)/home WB_HISTORY=\(root.path)/history NO_COLOR=1 "
            + "\(TerminalTests.wbBinary.path); sleep 30"
        let tmux = try TmuxSession(socket: root.appendingPathComponent("tmux.sock").path, columns: 130, rows: 45, command: command,
                                   scratch: root)
        defer { tmux.kill() }
        try tmux.waitForPrompt(1)
        try tmux.type("train p=23 d_model=32 d_mlp=128 epochs=100000 checkpoints=\"0..100000 step 100\" name=tl")
        try tmux.keys("Enter")
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
        try tmux.type("info")
        try tmux.keys("Enter")
        try tmux.waitFor("run: tl")
    }

    func testLiveNeedsATerminal() throws {
        let process = Process()
        process.executableURL = TerminalTests.wbBinary
        process.arguments = ["-c", "train p=23 d_model=32 d_mlp=128 epochs=50 name=nl; dashboard live"]
        process.currentDirectoryURL = root
        var environment = ProcessInfo.processInfo.environment
        environment["WB_HOME"] = root.appendingPathComponent("home").path
        process.environment = environment
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 1)
        XCTAssertTrue(text.contains("`dashboard live` needs an interactive terminal (it reads the arrow keys)"), text)
    }
}
