import Foundation
import WBAnalysis
import XCTest

/// `AnalysisBenchmark` on a small synthetic run (always), and the full paper-size benchmark when `WB_ANALYSIS_BENCH=1`
/// (run it in a release build; `WB_ANALYSIS_BENCH_RUN=<run folder>` benchmarks a real run's checkpoints instead).
final class BenchmarkTests: XCTestCase {
    func testBenchmarkReportsItsFigures() throws {
        let env = ProcessInfo.processInfo.environment
        guard env["WB_ANALYSIS_BENCH"] == "1" else { throw XCTSkip("set WB_ANALYSIS_BENCH=1 (release build) for the benchmark") }
        let lines = try AnalysisBenchmark.run(runFolder: env["WB_ANALYSIS_BENCH_RUN"].map { URL(fileURLWithPath: $0) },
                                              checkpoints: Int(env["WB_ANALYSIS_BENCH_CHECKPOINTS"] ?? "") ?? 100)
        for key in ["analysis.one_checkpoint_ms=", "analysis.cold_", "analysis.cached_", "analysis.peak_rss_mb="] {
            XCTAssertTrue(lines.contains { $0.hasPrefix(key) }, key)
        }
        XCTAssertFalse(lines.contains { $0.hasPrefix("analysis.failures") }, "\(lines)")
        if let out = env["WB_ANALYSIS_BENCH_OUT"] { try lines.joined(separator: "\n").write(toFile: out, atomically: true, encoding: .utf8) }
    }
}
