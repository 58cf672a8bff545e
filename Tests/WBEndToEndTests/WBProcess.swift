import Foundation
import WBTestSupport

/// The `wb` executable built next to the test runner, run as people run it: in a folder of its own, with WB_HOME and
/// WB_HISTORY inside that folder (so no test reads or writes the real ones).
enum WBProcess {
    /// `$WB_BINARY` when set (`Scripts/test` sets it to the release build, so the terminal tests drive what users run),
    /// else the `wb` built next to the test runner.
    static var binary: URL {
        if let path = ProcessInfo.processInfo.environment["WB_BINARY"], !path.isEmpty { return URL(fileURLWithPath: path) }
        return builtWithTests
    }

    /// The `wb` of the same build as the test runner (the debug build under `swift test`), whatever `$WB_BINARY` says.
    static var builtWithTests: URL {
        let runner = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var folder = runner.deletingLastPathComponent()
        while folder.path != "/" {
            let candidate = folder.appendingPathComponent("wb")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            folder = folder.deletingLastPathComponent()
        }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../.build/debug/wb").standardizedFileURL
    }

    /// WB_HOME (`folder/home`) and WB_HISTORY (`folder/history`) for a wb run in `folder`.
    static func environment(in folder: URL) -> [String: String] {
        ["WB_HOME": folder.appendingPathComponent("home").path, "WB_HISTORY": folder.appendingPathComponent("history").path]
    }

    /// Runs wb with `arguments` in `folder`, `input` on standard input (a pipe, not a terminal), and waits for it.
    /// `overriding` sets environment variables (a nil value removes one).
    static func run(_ arguments: [String], input: String? = nil, in folder: URL,
                    overriding: [String: String?] = [:]) throws -> (status: Int32, out: String, err: String) {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.currentDirectoryURL = folder
        var variables = ProcessInfo.processInfo.environment.merging(environment(in: folder)) { _, ours in ours }
        for (key, value) in overriding { variables[key] = value }
        process.environment = variables
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

    /// Starts wb with `arguments` in `folder`, its output discarded, and returns at once (the test waits or kills it).
    static func start(_ arguments: [String], in folder: URL) throws -> Process {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.currentDirectoryURL = folder
        process.environment = ProcessInfo.processInfo.environment.merging(environment(in: folder)) { _, ours in ours }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// A shell command line that starts wb with `arguments` in `folder` (with `extra` environment variables, e.g.
    /// NO_COLOR), then sleeps 30 s so that a terminal running it keeps wb's last screen readable after wb exits.
    static func shellCommand(_ arguments: [String] = [], in folder: URL, environment extra: [String: String] = [:]) -> String {
        let variables = environment(in: folder).merging(extra) { _, given in given }.sorted { $0.key < $1.key }
        let assignments = variables.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        return "cd \(folder.path) && \(assignments) " + ([binary.path] + arguments).joined(separator: " ") + "; sleep 30"
    }
}

extension TemporaryFolderTestCase {
    /// Runs wb with `arguments` and standard input `input` (a pipe, not a terminal) in `root`.
    func wb(_ arguments: [String], input: String? = nil) throws -> (status: Int32, out: String, err: String) {
        try WBProcess.run(arguments, input: input, in: root)
    }
}
