import Foundation
import XCTest
@testable import WBShell

/// The `wb` binary as people run it: `wb -c`, a script on standard input, and the prompt under a real terminal (tmux).
final class TerminalTests: XCTestCase {
    var root: URL!

    override func setUpWithError() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("wb-term-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: root) }

    /// The `wb` built next to the test runner.
    static var wbBinary: URL {
        let runner = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var folder = runner.deletingLastPathComponent()
        while folder.path != "/" {
            let candidate = folder.appendingPathComponent("wb")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            folder = folder.deletingLastPathComponent()
        }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../.build/debug/wb").standardizedFileURL
    }

    /// Runs wb with arguments and standard input; returns (status, stdout, stderr).
    func wb(_ arguments: [String], input: String? = nil) throws -> (Int32, String, String) {
        let process = Process()
        process.executableURL = Self.wbBinary
        process.arguments = arguments
        process.currentDirectoryURL = root
        var environment = ProcessInfo.processInfo.environment
        environment["WB_HOME"] = root.appendingPathComponent("home").path
        environment["WB_HISTORY"] = root.appendingPathComponent("history").path
        process.environment = environment
        let out = Pipe(), err = Pipe(), inPipe = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = inPipe
        try process.run()
        if let input { inPipe.fileHandleForWriting.write(Data(input.utf8)) }
        try inPipe.fileHandleForWriting.close()
        let stdout = out.fileHandleForReading.readDataToEndOfFile(), stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self))
    }

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
        XCTAssertTrue(shellHelpOut.hasPrefix("plot KIND [to FILE.svg]"), shellHelpOut)
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
        XCTAssertTrue(replayed.hasPrefix("@wbnb 1\n"), replayed)
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
        let tmux = "/usr/bin/tmux"
        XCTAssertTrue(FileManager.default.isExecutableFile(atPath: tmux), "tmux is needed (Scripts/setup installs it)")
        var socket = root.appendingPathComponent("tmux.sock").path
        // tmux is run with posix_spawn and waitpid: Foundation's Process waits for inherited descriptors that the
        // daemonised tmux server keeps open, and would hang.
        func tmuxRun(_ args: [String]) throws -> String {
            let output = root.appendingPathComponent("tmux-out-\(UUID().uuidString)").path
            var actions = posix_spawn_file_actions_t()
            posix_spawn_file_actions_init(&actions)
            defer { posix_spawn_file_actions_destroy(&actions) }
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
            posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
            let argv = ([tmux, "-S", socket] + args).map { strdup($0) } + [nil]
            defer { argv.forEach { free($0) } }
            var pid: pid_t = 0
            guard posix_spawn(&pid, tmux, &actions, nil, argv, environ) == 0 else { throw CocoaError(.fileNoSuchFile) }
            var status: Int32 = 0
            waitpid(pid, &status, 0)
            defer { unlink(output) }
            return (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
        }
        func screen() throws -> String { try tmuxRun(["capture-pane", "-p", "-t", "wbtest"]) }
        func waitFor(_ text: String, timeout: Double = 30) throws -> String {
            let deadline = Date().addingTimeInterval(timeout)
            var last = ""
            while Date() < deadline {
                last = try screen()
                if last.contains(text) { return last }
                usleep(100_000)
            }
            XCTFail("timed out waiting for '\(text)'; screen:\n\(last)")
            return last
        }
        func keys(_ k: String...) throws { _ = try tmuxRun(["send-keys", "-t", "wbtest"] + k) }
        /// Waits until the screen shows `count` prompt lines (`wb …>`, with or without input) and the last line is an
        /// empty prompt, so keys are never typed ahead of readline.
        func waitForPrompt(_ count: Int, timeout: Double = 30) throws {
            let deadline = Date().addingTimeInterval(timeout)
            var last = ""
            func isPrompt(_ line: String) -> Bool {
                line.hasPrefix("wb") && (line.hasSuffix(">") || line.contains("> ")) && !line.hasPrefix("wb 0.")
            }
            while Date() < deadline {
                last = try screen()
                let lines = last.split(separator: "\n").map(String.init)
                let prompts = lines.filter(isPrompt).count
                if prompts >= count, let final = lines.last, final.hasPrefix("wb"), final.hasSuffix(">") { return }
                usleep(100_000)
            }
            XCTFail("timed out waiting for prompt \(count); screen:\n\(last)")
        }
        func startWB(_ notebook: String = "") throws {
            let command = "cd \(root.path) && WB_HOME=\(root.path)/home WB_HISTORY=\(root.path)/history \(Self.wbBinary.path) \(notebook); sleep 30"
            _ = try tmuxRun(["new-session", "-d", "-s", "wbtest", "-x", "140", "-y", "100", command])
            _ = try waitFor("wb>")   // capture-pane trims trailing spaces
        }
        defer { _ = try? tmuxRun(["kill-server"]) }

        try startWB("study.wbnb")
        _ = try waitFor("recording to \(root.path)/study.wbnb")
        try keys("# # A study", "Enter")
        try waitForPrompt(2)
        try keys("trai", "Tab")
        _ = try waitFor("wb> train")
        try keys("p=23 d_model=32 d_mlp=128 epochs=100000 checkpoints=\"0..100000 step 50\" name=live", "Enter")
        _ = try waitFor("epoch ")
        try keys("C-c")
        var text = try waitFor("checkpoint saved")
        XCTAssertTrue(text.contains("live: stopped at epoch"), text)
        _ = try waitFor("wb live@")
        try waitForPrompt(3)
        // Ctrl-C at the prompt clears the line and gives a fresh prompt; the session goes on.
        try keys("garbage that should vanish")
        _ = try waitFor("garbage that should vanish")
        try keys("C-c")
        try waitForPrompt(4)
        try keys("info", "Enter")
        text = try waitFor("run: live")
        XCTAssertFalse(text.contains("garbage that should vanishinfo"), text)
        try waitForPrompt(5)
        try keys("loa", "Tab", "li", "Tab")
        _ = try waitFor("> load live")
        try keys("C-u", "C-d")
        _ = try waitFor("notebook: \(root.path)/study.wbnb")
        _ = try tmuxRun(["kill-server"])
        socket = root.appendingPathComponent("tmux2.sock").path   // a new server for the second session

        // History survives into a new session: Up recalls the last command.
        try startWB()
        try waitForPrompt(1)
        try keys("Up")
        text = try waitFor("wb> info")
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
