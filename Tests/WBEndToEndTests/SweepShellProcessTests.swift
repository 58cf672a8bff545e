import Foundation
import XCTest
import WBTestSupport
import WBSweeps
import WBTraining
@testable import WBShell

/// A sweep in a notebook: the cell records the summary table and the figure; replaying reuses the finished points and
/// gives the same outputs (`wb run --check`).
final class SweepNotebookTests: TemporaryFolderTestCase {
    func testSweepCellRecordsItsTableAndReplaysIdentically() throws {
        let notebook = root.appendingPathComponent("study.wbnb")
        try """
            # # A tiny sweep
            sweep nb wd=0.5,1 p=23 d_model=32 d_mlp=128 epochs=60 threads=1 jobs=2
            plot sweep wd test_acc

            """.write(to: notebook, atomically: true, encoding: .utf8)
        let first = try WBProcess.run(["run", "study.wbnb"], in: root)
        XCTAssertEqual(first.status, 0, first.out + first.err)
        let recorded = try String(contentsOf: notebook, encoding: .utf8)
        XCTAssertTrue(recorded.contains("| sweep nb: 2 points (2 wd) in runs/nb"), recorded)
        XCTAssertTrue(recorded.contains("| sweep nb: epochs at which each point first reached the threshold"), recorded)
        XCTAssertTrue(recorded.contains("@figure sweep nb: final test accuracy"), recorded)
        let check = try WBProcess.run(["run", "study.wbnb", "--check"], in: root)
        XCTAssertEqual(check.status, 0, check.out + check.err)
        XCTAssertTrue(check.out.contains("check passed"), check.out)
    }
}

/// Tab completion of sweep words at the real prompt (libedit under tmux).
final class SweepCompletionTerminalTests: TemporaryFolderTestCase {
    func testTabCompletesSubcommandsAndSweepNames() throws {
        let spec = try SweepSpec.parse(name: "phase", text: "wd=0.3,1 p=23 epochs=10")
        try SweepFolder(root: root.appendingPathComponent("runs"), name: "phase")
            .writeManifest(SweepManifest(spec: spec, points: try SweepGrid.make(spec: spec, base: TrainingConfig())))
        let tmux = try TmuxSession.wb(in: root, columns: 120, rows: 30)
        defer { tmux.kill() }
        try tmux.keys("swe", "Tab", "sta", "Tab")
        try tmux.waitFor("wb> sweep status")
        try tmux.keys("p", "Tab")
        try tmux.waitFor("wb> sweep status phase")
        try tmux.keys("Enter")
        let screen = try tmux.waitFor("sweep phase: 2 points — 2 queued")
        XCTAssertTrue(screen.contains("disk: "), screen)
    }
}
