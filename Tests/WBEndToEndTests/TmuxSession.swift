import Foundation
import XCTest

/// Drives a program in a real terminal: one tmux session on a private server socket; keys in (`send-keys` names such as
/// "Enter", "Escape", "S-Right", "PgDn", "C-c"), screen text out (`capture-pane`). Wait for screen content before sending
/// keys, so nothing is typed before the program reads it.
final class TmuxSession {
    static let tmux = "/usr/bin/tmux"
    let socket: String
    let name: String
    private let scratch: URL

    /// Starts `command` (run by the shell) in a new detached session of `columns` × `rows`.
    init(socket: String, name: String = "wbtest", columns: Int, rows: Int, command: String, scratch: URL) throws {
        self.socket = socket
        self.name = name
        self.scratch = scratch
        _ = try run(["new-session", "-d", "-s", name, "-x", "\(columns)", "-y", "\(rows)", command])
    }

    static var isInstalled: Bool { FileManager.default.isExecutableFile(atPath: tmux) }

    /// Runs tmux with posix_spawn and waitpid: Foundation's Process waits for inherited descriptors that the daemonised
    /// tmux server keeps open, and would hang.
    @discardableResult
    func run(_ args: [String]) throws -> String {
        let output = scratch.appendingPathComponent("tmux-out-\(UUID().uuidString)").path
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let argv = ([Self.tmux, "-S", socket] + args).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        guard posix_spawn(&pid, Self.tmux, &actions, nil, argv, environ) == 0 else { throw CocoaError(.fileNoSuchFile) }
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        defer { unlink(output) }
        return (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
    }

    func keys(_ keys: String...) throws { try run(["send-keys", "-t", name] + keys) }

    /// Sends text literally (no key-name lookup), e.g. `[` or `+`.
    func type(_ text: String) throws { try run(["send-keys", "-t", name, "-l", text]) }

    /// The visible screen as text (trailing spaces trimmed by tmux).
    func screen() throws -> String { try run(["capture-pane", "-p", "-t", name]) }

    /// The screen once it contains `text`; fails the test after `timeout` seconds.
    @discardableResult
    func waitFor(_ text: String, timeout: Double = 30, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var last = ""
        while Date() < deadline {
            last = try screen()
            if last.contains(text) { return last }
            usleep(50_000)
        }
        XCTFail("timed out waiting for '\(text)'; screen:\n\(last)", file: file, line: line)
        return last
    }

    /// Waits until the last line of the screen is an empty `wb …>` prompt and at least `count` prompt lines are shown.
    func waitForPrompt(_ count: Int, timeout: Double = 30, file: StaticString = #filePath, line: UInt = #line) throws {
        let deadline = Date().addingTimeInterval(timeout)
        var last = ""
        func isPrompt(_ line: String) -> Bool { line.hasPrefix("wb") && (line.hasSuffix(">") || line.contains("> ")) && !line.hasPrefix("wb 0.") }
        while Date() < deadline {
            last = try screen()
            let lines = last.split(separator: "\n").map(String.init)
            if lines.filter(isPrompt).count >= count, let final = lines.last, final.hasPrefix("wb"), final.hasSuffix(">") { return }
            usleep(50_000)
        }
        XCTFail("timed out waiting for prompt \(count); screen:\n\(last)", file: file, line: line)
    }

    func kill() { _ = try? run(["kill-server"]) }
}

extension TmuxSession {
    /// Starts the `wb` binary (with `arguments` and `environment`, see `WBProcess.shellCommand`) in `folder`, in a new
    /// session on the private server socket `folder/socketName`, and waits for its first empty prompt.
    static func wb(_ arguments: [String] = [], in folder: URL, columns: Int, rows: Int, environment: [String: String] = [:],
                   socketName: String = "tmux.sock", file: StaticString = #filePath, line: UInt = #line) throws -> TmuxSession {
        XCTAssertTrue(isInstalled, "tmux is needed (Scripts/setup installs it)", file: file, line: line)
        let session = try TmuxSession(socket: folder.appendingPathComponent(socketName).path, columns: columns, rows: rows,
                                      command: WBProcess.shellCommand(arguments, in: folder, environment: environment), scratch: folder)
        do { try session.waitForPrompt(1, file: file, line: line) } catch { session.kill(); throw error }
        return session
    }

    /// Types `line` literally and presses Enter.
    func enter(_ line: String) throws {
        try type(line)
        try keys("Enter")
    }

    /// Enters `line` at the wb prompt, waits for `text` on the screen and then for the empty prompt after it; returns the
    /// screen then.
    @discardableResult
    func command(_ line: String, showing text: String, file: StaticString = #filePath, line number: UInt = #line) throws -> String {
        try enter(line)
        try waitFor(text, file: file, line: number)
        try waitForPrompt(1, file: file, line: number)
        return try screen()
    }
}
