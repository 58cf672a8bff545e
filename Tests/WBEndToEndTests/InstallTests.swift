import Foundation
import WBShell
import WBTestSupport
import XCTest

/// `Scripts/setup --install DIR`: a `wb` command in DIR that runs this clone's `Scripts/wb` from any folder.
final class InstallTests: TemporaryFolderTestCase {
    private static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../..").standardizedFileURL

    /// Runs `executable` with `arguments` in `folder`; its status and standard output. `WB_BINARY` names the built wb,
    /// so the launcher's `Scripts/wb` runs it instead of building (a build under `swift test` would wait for the lock
    /// the test runner holds on `.build`).
    private func run(_ executable: String, _ arguments: [String], in folder: URL) throws -> (status: Int32, out: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = folder
        process.environment = ProcessInfo.processInfo.environment.merging(["WB_BINARY": WBProcess.binary.path]) { _, new in new }
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    func testInstallPutsALauncherOfThisCloneInTheFolderAndItRunsFromAnywhere() throws {
        let bin = root.appendingPathComponent("bin with space")
        let setup = Self.repository.appendingPathComponent("Scripts/setup").path
        let installed = try run("/bin/bash", [setup, "--install", bin.path], in: root)
        XCTAssertEqual(installed.status, 0, installed.out)
        XCTAssertTrue(installed.out.contains("installed \(bin.path)/wb"), installed.out)
        XCTAssertTrue(installed.out.contains("is not on your PATH"), "a folder off the PATH is named: \(installed.out)")
        let launcher = bin.appendingPathComponent("wb")
        XCTAssertTrue(FileManager.default.isExecutableFile(atPath: launcher.path))
        let text = try String(contentsOf: launcher, encoding: .utf8)
        XCTAssertTrue(text.contains(Self.repository.appendingPathComponent("Scripts/wb").path), text)
        // From another folder: the clone's wb answers.
        let elsewhere = root.appendingPathComponent("elsewhere")
        try FileManager.default.createDirectory(at: elsewhere, withIntermediateDirectories: true)
        let version = try run(launcher.path, ["--version"], in: elsewhere)
        XCTAssertEqual(version.status, 0)
        XCTAssertEqual(version.out.trimmingCharacters(in: .whitespacesAndNewlines), ShellRunner.version)
        // Installing again replaces the launcher in place.
        XCTAssertEqual(try run("/bin/bash", [setup, "--install", bin.path], in: root).status, 0)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: bin.path), ["wb"])
    }
}
