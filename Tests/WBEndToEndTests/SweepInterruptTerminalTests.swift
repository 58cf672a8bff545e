import Foundation
import XCTest
import WBTestSupport
import WBSweeps
import WBTraining

/// Ctrl-C at a real terminal (tmux) while a sweep runs at the prompt: the terminal sends SIGINT to the prompt and its
/// workers alike; every worker saves the epoch it reached, the sweep says so, no worker is left behind, and the prompt
/// stays.
final class SweepInterruptTerminalTests: TemporaryFolderTestCase {
    func testCtrlCStopsEveryWorkerWithACheckpoint() throws {
        let tmux = try TmuxSession.wb(in: root, columns: 160, rows: 40)
        defer { tmux.kill() }
        try tmux.enter("sweep cc wd=0.5,1 p=23 d_model=32 d_mlp=128 frac=0.5 epochs=200000 checkpoints=\"0..200000 step 100000\" threads=1 jobs=2")
        let folder = SweepFolder(root: root.appendingPathComponent("runs"), name: "cc")
        // Both points under way (their metrics have rows), then Ctrl-C.
        let deadline = Date().addingTimeInterval(120)
        func trained(_ name: String) -> Int {
            let metrics = folder.url.appendingPathComponent(name).appendingPathComponent("metrics.csv")
            return ((try? String(contentsOf: metrics, encoding: .utf8)) ?? "").split(separator: "\n").count
        }
        while (trained("wd=0.5") < 50 || trained("wd=1") < 50) && Date() < deadline { usleep(100_000) }
        try tmux.keys("C-c")
        let screen = try tmux.waitFor("sweep cc stopped: 0 finished, 2 stopped with a checkpoint", timeout: 60)
        try tmux.waitForPrompt(2)
        let manifest = try folder.readManifest()
        XCTAssertEqual(manifest.points.map(\.state), [.stopped, .stopped], screen)
        for record in manifest.points {
            let epochs = folder.run(record.point).checkpointEpochs()
            XCTAssertEqual(epochs.first, 0)
            XCTAssertEqual(epochs.count, 2, "epoch 0 and the epoch reached: \(epochs)")
            XCTAssertGreaterThan(epochs.last ?? 0, 0)
        }
        XCTAssertEqual(Self.workers(of: folder.url.path), [], "no sweep worker is left running")
        try tmux.enter("sweep status cc")
        _ = try tmux.waitFor("sweep cc: 2 points — 2 stopped")
    }

    /// Pids of `wb sweep-worker` processes working on `folder`.
    static func workers(of folder: String) -> [Int32] {
        let pids = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return pids.compactMap { Int32($0) }.filter { pid in
            guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return false }
            let words = data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            return words.contains("sweep-worker") && words.contains(folder)
        }
    }
}
