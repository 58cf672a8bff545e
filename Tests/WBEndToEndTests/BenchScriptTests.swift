import Foundation
import XCTest
import WBTestSupport

/// `Scripts/bench`, the benchmark command the docs quote, run as a user runs it (with `$WB_BINARY`, so it builds
/// nothing): its sections reach the helpers they call. The Jupyter section once pointed at a driver that had moved, and
/// the whole script stopped at its first section.
final class BenchScriptTests: TemporaryFolderTestCase {
    private static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../..").standardizedFileURL

    /// Runs `Scripts/bench ARGUMENTS` in `root` and returns its status and its standard output and error, together (a
    /// file, not a pipe, so that nothing the script starts can keep the test waiting).
    private func bench(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        let script = Self.repository.appendingPathComponent("Scripts/bench").path
        process.arguments = ["-c", #"exec "$0" "$@" > bench.log 2>&1 < /dev/null"#, script] + arguments
        process.currentDirectoryURL = root
        process.environment = ProcessInfo.processInfo.environment
            .merging(["WB_BINARY": WBProcess.binary.path, "TMPDIR": root.path]) { _, ours in ours }
        try process.run()
        process.waitUntilExit()
        return (process.terminationStatus, try String(contentsOf: root.appendingPathComponent("bench.log"), encoding: .utf8))
    }

    /// `Scripts/bench --kernel`: kernel start, round trips and a figure through jupyter_client, one line of figures.
    func testTheKernelSectionMeasuresThroughJupyterClient() throws {
        let (status, output) = try bench(["--kernel"])
        XCTAssertEqual(status, 0, output)
        let line = try XCTUnwrap(output.split(separator: "\n").first { $0.hasPrefix("kernel_start_to_info_ms=") }, output)
        let pattern = #"^kernel_start_to_info_ms=[0-9]+ execute_info_round_trip_ms=[0-9]+\.[0-9]{2} plot_freq_round_trip_ms=[0-9]+\.[0-9]$"#
        XCTAssertNotNil(line.range(of: pattern, options: .regularExpression), String(line))
        XCTAssertFalse(output.contains("Traceback"), output)
    }
}
