import Foundation
import WBTestSupport
import XCTest
import WBSweeps
import WBTraining
@testable import WBShell

/// `sweep … on=slurm`: the batch script, and a real job array on a single-node Slurm started for the test, whose points
/// are bit-identical to the same points trained by the local pool.
final class SlurmSweepTests: ExecutorTestCase {
    func testPrintWritesTheBatchScriptWithoutSubmitting() throws {
        executor.session.workerExecutable = URL(fileURLWithPath: "/opt/wb/bin/wb")
        try FileManager.default.createDirectory(at: executor.session.home, withIntermediateDirectories: true)
        try #"{"partition": "cpu", "account": "fromfile", "sbatch": ["--qos=short"]}"#
            .write(to: executor.session.home.appendingPathComponent("slurm.json"), atomically: true, encoding: .utf8)
        let output = try run("sweep cl wd=0.5,1 seeds=0..1 p=23 epochs=10 threads=1 on=slurm account=lab time=30 sbatch=\"--mem=1G\" jobs=3 --print")
        let runs = root.appendingPathComponent("runs").path
        let script = try String(contentsOf: root.appendingPathComponent("runs/cl/slurm/sweep.sbatch"), encoding: .utf8)
        XCTAssertEqual(script, """
            #!/bin/bash
            # wb sweep cl: 4 points (wd=0.5,1 seeds=0,1 p=23 epochs=10 threads=1); written by wb, submitted with sbatch
            #SBATCH --job-name=wb-cl
            #SBATCH --array=0-3%3
            #SBATCH --ntasks=1
            #SBATCH --cpus-per-task=1
            #SBATCH --output=\(runs)/cl/slurm/%A_%a.out
            #SBATCH --partition=cpu
            #SBATCH --account=lab
            #SBATCH --time=30
            #SBATCH --qos=short
            #SBATCH --mem=1G
            # SIGINT or SIGTERM (scancel) stops the point after its current epoch with a checkpoint saved;
            # `wb sweep cl` (or resubmitting) continues it exactly.
            exec '/opt/wb/bin/wb' sweep-worker '\(runs)/cl' slurm

            """)
        XCTAssertTrue(output.plainText.contains("(4 tasks; not submitted):\n#!/bin/bash"), output.plainText)
        XCTAssertNil(try SweepFolder(root: root.appendingPathComponent("runs"), name: "cl").readManifest().slurmJobID)
        XCTAssertEqual(SlurmBatchScript.arraySpec([0, 1, 2, 5, 7, 8]), "0-2,5,7-8")

        try "{\"partition\": 3}".write(to: executor.session.home.appendingPathComponent("slurm.json"), atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try run("sweep cl on=slurm --print")) {
            XCTAssertTrue("\($0)".hasPrefix("\(self.executor.session.home.path)/slurm.json is not valid: expected JSON with the optional keys partition, account, time (strings), sbatch (a list of strings) and wb (a path)"), "\($0)")
        }
    }

    func testJobArrayOnASingleNodeSlurmMatchesTheLocalPoolBitForBit() throws {
        let cluster: SlurmTestCluster
        do { cluster = try SlurmTestCluster(folder: root.appendingPathComponent("slurm")) } catch {
            return XCTFail("could not start a single-node Slurm: \(error)")
        }
        defer { cluster.stop() }
        let runs = root.appendingPathComponent("runs")
        let grid = ["wd=0.5,1", "seeds=0..1", "epochs=100"] + SweepProcessTests.tiny
        let submitted = try WBProcess.run(["sweep", "--runs", runs.path, "onslurm"] + grid + ["on=slurm", "jobs=2"], in: root,
                                          overriding: ["SLURM_CONF": cluster.conf.path])
        XCTAssertEqual(submitted.status, 0, submitted.out + submitted.err)
        XCTAssertTrue(submitted.out.contains("submitted Slurm job "), submitted.out)
        XCTAssertTrue(submitted.out.contains("ended: 4 finished"), submitted.out)
        let local = try WBProcess.run(["sweep", "--runs", runs.path, "onlocal"] + grid + ["jobs=2"], in: root)
        XCTAssertEqual(local.status, 0, local.err)
        let slurm = SweepFolder(root: runs, name: "onslurm"), here = SweepFolder(root: runs, name: "onlocal")
        let manifest = try slurm.readManifest()
        XCTAssertEqual(manifest.executor, .slurm)
        XCTAssertNotNil(manifest.slurmJobID)
        for record in manifest.points {
            try assertSameRunTensors(slurm.run(record.point).url, here.run(record.point).url)
        }
        let outputs = try FileManager.default.contentsOfDirectory(atPath: slurm.slurmURL.path).filter { $0.hasSuffix(".out") }
        XCTAssertEqual(outputs.count, 4, "one output file per task under runs/onslurm/slurm")
        let status = try WBProcess.run(["sweep", "status", "onslurm", "--runs", runs.path], in: root,
                                       overriding: ["SLURM_CONF": cluster.conf.path])
        XCTAssertTrue(status.out.hasPrefix("sweep onslurm: 4 points — 4 finished"), status.out)
    }

    func testStopCancelsTheJobAndTheSweepContinuesToTheSameBits() throws {
        let cluster: SlurmTestCluster
        do { cluster = try SlurmTestCluster(folder: root.appendingPathComponent("slurm")) } catch {
            return XCTFail("could not start a single-node Slurm: \(error)")
        }
        defer { cluster.stop() }
        let runs = root.appendingPathComponent("runs")
        let grid = ["wd=0.5,1", "epochs=1500"] + SweepProcessTests.tiny
        let environment = ProcessInfo.processInfo.environment.merging(WBProcess.environment(in: root)) { _, ours in ours }
            .merging(cluster.environment) { _, ours in ours }
        let following = Process()
        following.executableURL = WBProcess.binary
        following.arguments = ["sweep", "--runs", runs.path, "stopslurm"] + grid + ["on=slurm", "jobs=2"]
        following.currentDirectoryURL = root
        following.environment = environment
        following.standardOutput = FileHandle.nullDevice
        following.standardError = FileHandle.nullDevice
        try following.run()
        let folder = SweepFolder(root: runs, name: "stopslurm")
        func started(_ name: String) -> Bool {
            RunFolder(url: folder.url.appendingPathComponent(name)).checkpointEpochs().contains(100)
        }
        let deadline = Date().addingTimeInterval(300)
        while !(started("wd=0.5") && started("wd=1")) && Date() < deadline && following.isRunning { usleep(200_000) }
        let stop = try WBProcess.run(["sweep", "stop", "stopslurm", "--runs", runs.path], in: root, overriding: cluster.environment)
        XCTAssertEqual(stop.status, 0, stop.err)
        XCTAssertTrue(stop.out.contains("scancel job "), stop.out)
        while following.isRunning && Date() < deadline { usleep(200_000) }
        XCTAssertEqual(following.terminationStatus, 0)
        let status = try WBProcess.run(["sweep", "status", "stopslurm", "--runs", runs.path], in: root, overriding: cluster.environment)
        XCTAssertTrue(status.out.hasPrefix("sweep stopslurm: 2 points — 2 stopped"), status.out)

        // `sweep NAME` submits the stopped points again; they resume from the checkpoint of the stop.
        let continued = try WBProcess.run(["sweep", "--runs", runs.path, "stopslurm"], in: root, overriding: cluster.environment)
        XCTAssertEqual(continued.status, 0, continued.err)
        XCTAssertTrue(continued.out.contains("ended: 2 finished"), continued.out)
        let local = try WBProcess.run(["sweep", "--runs", runs.path, "stoplocal"] + grid + ["jobs=2"], in: root)
        XCTAssertEqual(local.status, 0, local.err)
        for name in ["wd=0.5", "wd=1"] {
            let point = folder.url.appendingPathComponent(name), here = runs.appendingPathComponent("stoplocal/\(name)")
            let extra = Set(RunFolder(url: point).checkpointEpochs()).subtracting(RunFolder(url: here).checkpointEpochs())
            XCTAssertLessThanOrEqual(extra.count, 1, "at most the checkpoint of the stop")
            for epoch in extra { try FileManager.default.removeItem(at: RunFolder(url: point).checkpointURL(epoch: epoch)) }
            try assertSameRunTensors(point, here)
        }
    }
}
