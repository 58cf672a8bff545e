import Foundation
import XCTest
import WBTestSupport
import WBSweeps
import WBTraining

/// Sweeps that go wrong, run by the built `wb`: a point whose worker fails is reported with its reason while the other
/// points finish; a coordinator killed with SIGKILL leaves a sweep that `sweep NAME` continues to the bytes of one that
/// was never interrupted.
final class SweepRecoveryTests: TemporaryFolderTestCase {
    var runs: URL { root.appendingPathComponent("runs") }

    /// Writes the `sweep.json` of a new sweep, as `sweep NAME …` does before it starts the pool.
    func makeSweep(_ name: String, _ grid: String) throws -> SweepFolder {
        let spec = try SweepSpec.parse(name: name, text: grid)
        let folder = SweepFolder(root: runs, name: name)
        try folder.writeManifest(SweepManifest(spec: spec, points: try SweepGrid.make(spec: spec, base: TrainingConfig())))
        return folder
    }

    func testAFailedPointIsReportedWithItsReasonAndTheRestFinish() throws {
        let grid = "wd=0.5,1,2 epochs=60 " + SweepProcessTests.tiny.joined(separator: " ")
        let folder = try makeSweep("failing", grid)
        // In the way of point wd=1: a run of another config (another init seed) under the point's name. Its worker
        // refuses to train over it and exits with an error.
        let blocker = try WBProcess.run(["train", "--runs", folder.url.path, "name=wd=1", "init_seed=9", "epochs=10"]
                                        + SweepProcessTests.tiny, in: root)
        XCTAssertEqual(blocker.status, 0, blocker.err)
        let blockerBytes = try Data(contentsOf: folder.url.appendingPathComponent("wd=1/checkpoints/10.safetensors"))

        let result = try WBProcess.run(["sweep", "failing", "--runs", runs.path, "jobs=2"], in: root)
        XCTAssertNotEqual(result.status, 0, "a sweep with a failed point fails")
        let said = result.out + result.err
        XCTAssertTrue(said.contains("sweep failing: 1 of 3 points failed (`sweep failing` tries them again):"), said)
        XCTAssertTrue(said.contains("  wd=1: worker ended with exit status 1: "), said)
        XCTAssertTrue(said.contains("holds a run of another config"), said)
        let manifest = try folder.readManifest()
        XCTAssertEqual(manifest.points.map(\.state), [.finished, .failed, .finished], "the other points finished")
        let reason = try XCTUnwrap(manifest.points[1].error)
        XCTAssertTrue(reason.hasPrefix("worker ended with exit status 1: "), reason)
        XCTAssertTrue(reason.contains("/runs/failing/wd=1 holds a run of another config"), reason)
        XCTAssertEqual(try Data(contentsOf: folder.url.appendingPathComponent("wd=1/checkpoints/10.safetensors")), blockerBytes,
                       "the run in the way is left as it was")
        for i in [0, 2] { XCTAssertEqual(folder.run(manifest.points[i].point).checkpointEpochs().last, 60) }

        // status: the row says failed, and the reason follows the table.
        let status = try WBProcess.run(["sweep", "status", "failing", "--runs", runs.path], in: root)
        XCTAssertEqual(status.status, 0, status.err)
        let statusLines = status.out.split(separator: "\n").map(String.init)
        XCTAssertEqual(statusLines[0], "sweep failing: 3 points — 2 finished, 1 failed")
        XCTAssertEqual(statusLines[3].split(separator: " ").prefix(2), ["wd=1", "failed"], statusLines[3])
        XCTAssertTrue(statusLines.contains("wd=1 failed: \(reason)"), status.out)
        // table: the same, and summary.csv says failed.
        let table = try WBProcess.run(["sweep", "table", "failing", "--runs", runs.path], in: root)
        XCTAssertEqual(table.status, 0, table.err)
        let tableLines = table.out.split(separator: "\n").map(String.init)
        XCTAssertEqual(tableLines[3].split(separator: " ").prefix(2), ["wd=1", "failed"], tableLines[3])
        XCTAssertEqual(tableLines[2].split(separator: " ").prefix(2), ["wd=0.5", "finished"], tableLines[2])
        XCTAssertTrue(tableLines.contains("wd=1 failed: \(reason)"), table.out)
        let csv = try String(contentsOf: folder.summaryURL, encoding: .utf8).split(separator: "\n")
        XCTAssertTrue(csv[2].hasPrefix("\"wd=1\",1,failed,"), String(csv[2]))

        // With the folder moved away, `sweep NAME` tries the failed point again and trains it alone.
        try FileManager.default.moveItem(at: folder.url.appendingPathComponent("wd=1"), to: root.appendingPathComponent("moved"))
        let again = try WBProcess.run(["sweep", "failing", "--runs", runs.path, "jobs=2"], in: root)
        XCTAssertEqual(again.status, 0, again.out + again.err)
        XCTAssertTrue(again.out.contains("jobs=2, 1 points trained now"), again.out)
        XCTAssertEqual(try folder.readManifest().points.map(\.state), [.finished, .finished, .finished])
        XCTAssertNil(try folder.readManifest().points[1].error)
    }

    func testACoordinatorKilledMidSweepContinuesToTheSameBytes() throws {
        let words = ["wd=0.5,1,2", "epochs=600", "jobs=1"] + SweepProcessTests.tiny
        let process = try WBProcess.start(["sweep", "--runs", runs.path, "killed"] + words, in: root)
        let folder = SweepFolder(root: runs, name: "killed")
        func checkpoints(_ name: String) -> [Int] { RunFolder(url: folder.url.appendingPathComponent(name)).checkpointEpochs() }
        // Kill it once the first point has finished and the second has passed epoch 200 (one point at a time).
        let deadline = Date().addingTimeInterval(300)
        while !(checkpoints("wd=0.5").last == 600 && (checkpoints("wd=1").last ?? 0) >= 200) && Date() < deadline
                && process.isRunning { usleep(20_000) }
        XCTAssertTrue(process.isRunning, "the sweep ended before it could be killed; make the points longer")
        kill(process.processIdentifier, SIGKILL)
        // A crash takes the worker with it: an orphaned worker left running finishes its point within a fraction of a
        // second on a fast processor, and the point would then not need resuming.
        let workers = Process()
        workers.executableURL = URL(fileURLWithPath: "/usr/bin/pkill")
        workers.arguments = ["-KILL", "-f", "sweep-worker \(folder.url.path) "]
        try workers.run()
        workers.waitUntilExit()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationReason, .uncaughtSignal)
        let finishedLog = try String(contentsOf: folder.url.appendingPathComponent("wd=0.5/train.log"), encoding: .utf8)
        let finishedBytes = try Data(contentsOf: folder.url.appendingPathComponent("wd=0.5/checkpoints/600.safetensors"))

        // Right after the kill, the folders tell the state; no process holds the sweep.
        let status = try WBProcess.run(["sweep", "status", "killed", "--runs", runs.path], in: root)
        XCTAssertEqual(status.status, 0, status.err)
        let states = status.out.split(separator: "\n").dropFirst(2).prefix(3).map { $0.split(separator: " ").prefix(2).joined(separator: " ") }
        XCTAssertEqual(states, ["wd=0.5 finished", "wd=1 stopped", "wd=2 queued"], status.out)
        XCTAssertFalse(status.out.contains("running in process"), status.out)

        // At once (its orphaned worker may still be ending): finished points kept, the started one resumed, the last one started.
        let continued = try WBProcess.run(["sweep", "killed", "--runs", runs.path], in: root)
        XCTAssertEqual(continued.status, 0, continued.out + continued.err)
        XCTAssertEqual(try folder.readManifest().points.map(\.state), [.finished, .finished, .finished])
        XCTAssertTrue(continued.out.contains("2 points trained now"), continued.out)
        XCTAssertEqual(try String(contentsOf: folder.url.appendingPathComponent("wd=0.5/train.log"), encoding: .utf8), finishedLog,
                       "the finished point is not touched")
        XCTAssertEqual(try Data(contentsOf: folder.url.appendingPathComponent("wd=0.5/checkpoints/600.safetensors")), finishedBytes)
        let resumedLog = try String(contentsOf: folder.url.appendingPathComponent("wd=1/train.log"), encoding: .utf8)
        let resumedFrom = resumedLog.split(separator: "\n").compactMap { line -> Int? in
            guard let range = line.range(of: "resume from epoch ") else { return nil }
            return Int(line[range.upperBound...].prefix { $0.isNumber })
        }
        XCTAssertEqual(resumedFrom.count, 1, resumedLog)
        XCTAssertGreaterThanOrEqual(resumedFrom.first ?? 0, 200, resumedLog)

        // The same grid, never interrupted: every point's checkpoints are the same files, byte for byte (same point
        // names, so the same metadata), and the metrics the same numbers.
        let straight = try WBProcess.run(["sweep", "--runs", runs.path, "straight"] + words, in: root)
        XCTAssertEqual(straight.status, 0, straight.err)
        for name in ["wd=0.5", "wd=1", "wd=2"] {
            let a = RunFolder(url: folder.url.appendingPathComponent(name))
            let b = RunFolder(url: runs.appendingPathComponent("straight/\(name)"))
            XCTAssertEqual(a.checkpointEpochs(), b.checkpointEpochs(), name)
            XCTAssertEqual(a.checkpointEpochs().filter { a.holdsTrainingState(epoch: $0) }, [0, 600], name)
            for epoch in b.checkpointEpochs() {
                XCTAssertEqual(try Data(contentsOf: a.checkpointURL(epoch: epoch)), try Data(contentsOf: b.checkpointURL(epoch: epoch)),
                               "\(name) epoch \(epoch)")
            }
            let numbers = { (run: RunFolder) in try run.readMetrics().map { [Double($0.epoch), $0.trainLoss, $0.testLoss, $0.testAccuracy] } }
            XCTAssertEqual(try numbers(a), try numbers(b), name)
        }
    }
}
