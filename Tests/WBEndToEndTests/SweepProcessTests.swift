import Foundation
import WBAnalysis
import XCTest
import WBTestSupport
import WBSweeps
import WBTraining

/// Sweeps run by the built `wb`: a 4-point p=23 grid with jobs=2 gives points bit-identical to plain `wb train` runs of
/// the same configs; a sweep stopped with SIGINT and continued gives the same bits; status and table say what happened.
final class SweepProcessTests: TemporaryFolderTestCase {
    static let tiny = ["p=23", "d_model=32", "d_mlp=128", "threads=1"]

    func assertSameTensors(_ a: URL, _ b: URL, file: StaticString = #filePath, line: UInt = #line) throws {
        try assertSameRunTensors(a, b, file: file, line: line)
    }

    func plainTrain(_ words: [String], name: String) throws -> URL {
        let result = try WBProcess.run(["train"] + words + ["name=\(name)", "--runs", root.appendingPathComponent("plain").path], in: root)
        XCTAssertEqual(result.status, 0, result.err)
        return root.appendingPathComponent("plain/\(name)")
    }

    func testFourPointsWithTwoJobsAreBitIdenticalToPlainTrain() throws {
        let runs = root.appendingPathComponent("runs")
        let result = try WBProcess.run(["sweep", "--runs", runs.path, "tiny", "wd=0.5,1", "seeds=0..1", "epochs=100", "jobs=2"] + Self.tiny, in: root)
        XCTAssertEqual(result.status, 0, result.err)
        let lines = result.out.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.first, "sweep tiny: 4 points (2 wd × 2 seed) in runs/tiny")
        XCTAssertTrue(result.out.contains("sweep tiny: epochs at which each point first reached the threshold"), result.out)
        let folder = SweepFolder(root: runs, name: "tiny")
        let manifest = try folder.readManifest()
        XCTAssertEqual(manifest.points.map(\.point.name), ["wd=0.5,seed=0", "wd=0.5,seed=1", "wd=1,seed=0", "wd=1,seed=1"])
        XCTAssertEqual(manifest.points.map(\.state), [.finished, .finished, .finished, .finished])
        XCTAssertNil(manifest.coordinatorPID)
        for (i, (wd, seed)) in [("0.5", 0), ("0.5", 1), ("1", 0), ("1", 1)].enumerated() {
            // Points keep the AdamW moments in epoch 0 and their newest checkpoint only (sweeps default to moments=latest).
            XCTAssertEqual(manifest.points[i].point.config.moments, .latest)
            let plain = try plainTrain(Self.tiny + ["epochs=100", "wd=\(wd)", "init_seed=\(seed)", "moments=latest"], name: "plain\(i)")
            try assertSameTensors(folder.url.appendingPathComponent(manifest.points[i].point.name), plain)
        }

        // status: one row per point, from the folders.
        let status = try WBProcess.run(["sweep", "status", "tiny", "--runs", runs.path], in: root)
        XCTAssertEqual(status.status, 0, status.err)
        let statusLines = status.out.split(separator: "\n").map(String.init)
        XCTAssertEqual(statusLines[0], "sweep tiny: 4 points — 4 finished")
        XCTAssertEqual(statusLines[1].split(separator: " ").map(String.init), ["point", "state", "epoch", "test", "acc", "seconds", "disk"])
        for (row, point) in zip(statusLines[2...], manifest.points) {
            let words = row.split(separator: " ").map(String.init)
            XCTAssertEqual(Array(words.prefix(3)), [point.point.name, "finished", "100/100"], row)
            let metrics = try folder.run(point.point).readMetrics()
            XCTAssertEqual(words[3], String(format: "%.1f%%", metrics.last!.testAccuracy * 100), row)
        }
        // The disk of the whole sweep: every file under runs/tiny, counted here on our own.
        var total: Int64 = 0
        let walker = FileManager.default.enumerator(atPath: folder.url.path)!
        while let relative = walker.nextObject() as? String {
            let attributes = try FileManager.default.attributesOfItem(atPath: folder.url.appendingPathComponent(relative).path)
            if attributes[.type] as? FileAttributeType == .typeRegular { total += (attributes[.size] as? Int64) ?? 0 }
        }
        XCTAssertGreaterThan(total, 100_000)
        XCTAssertEqual(statusLines[6], "disk: \(SweepStatus.bytes(total)) (moments=latest: the AdamW moments in each point's "
            + "epoch 0 and newest checkpoint only)", status.out)
        XCTAssertEqual(statusLines.count, 7, status.out)

        // table and summary.csv: the milestones of each point, as RunMilestones reads its metrics.
        let table = try WBProcess.run(["sweep", "table", "tiny", "--runs", runs.path], in: root)
        XCTAssertEqual(table.status, 0, table.err)
        XCTAssertTrue(table.out.contains("written: "), table.out)
        let csv = try String(contentsOf: folder.summaryURL, encoding: .utf8).split(separator: "\n").map(String.init)
        XCTAssertEqual(csv[0], "point,wd,seed,state,train_acc_99,test_acc_50,test_acc_95,test_acc_99,test_loss_peak_epoch,"
            + "test_loss_peak,final_epoch,final_train_loss,final_test_loss,final_test_acc,key_frequencies,clustered_share")
        XCTAssertEqual(csv.count, 5)
        for (line, point) in zip(csv[1...], manifest.points) {
            let cells = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            let m = RunMilestones(try folder.run(point.point).readMetrics())
            // The point name is quoted (it holds commas): 2 cells.
            XCTAssertEqual(cells[2], point.point.values["wd"])
            XCTAssertEqual(cells[3], point.point.values["init_seed"])
            XCTAssertEqual(cells[4], "finished")
            XCTAssertEqual(cells[5], m.trainAccuracy99.map(String.init) ?? "")
            XCTAssertEqual(cells[7], m.testAccuracy95.map(String.init) ?? "")
            XCTAssertEqual(cells[9], m.testLossPeak.map { String($0.epoch) } ?? "")
            XCTAssertEqual(cells[11], "100")
            // The circuit of the final checkpoint, as `analyze` of the point computes it.
            let runner = try AnalysisRunner(run: folder.run(point.point))
            let report = runner.run([KeyFrequencies(), NeuronClusters()], epochs: [100])
            let keys = try XCTUnwrap(report.results.result(KeyFrequencies.self, epoch: 100)).keys
            let share = try XCTUnwrap(report.results.result(NeuronClusters.self, epoch: 100)).clusteredShare
            XCTAssertEqual(cells[15], keys.map(String.init).joined(separator: " "))
            XCTAssertEqual(cells[16], String(format: "%.6g", share))
        }

        // Figures: the phase diagram over wd × seed of the epochs to 99 % train accuracy, one point per cell, each cell
        // labelled with its point's milestone (or drawn as never), and the curve over wd.
        let plot = try WBProcess.run(["-c", "sweep table tiny; plot sweep wd seed train99 to phase.svg; plot sweep wd test_acc",
                                      "--runs", runs.path], in: root)
        XCTAssertEqual(plot.status, 0, plot.err)
        let svg = try String(contentsOf: root.appendingPathComponent("phase.svg"), encoding: .utf8)
        XCTAssertTrue(svg.contains("sweep tiny: epochs to 99% train accuracy"), svg)
        for point in manifest.points {
            if let epoch = RunMilestones(try folder.run(point.point).readMetrics()).trainAccuracy99 {
                XCTAssertTrue(svg.contains(">\(epoch)<"), "cell of \(point.point.name): \(epoch)")
            } else {
                XCTAssertTrue(svg.contains("never (not within the epochs)"))
            }
        }
        XCTAssertTrue(plot.out.contains("sweep tiny: final test accuracy"), plot.out)

        // Continuing a finished sweep trains nothing, and gives the same summary.
        let again = try WBProcess.run(["sweep", "tiny", "--runs", runs.path], in: root)
        XCTAssertEqual(again.status, 0, again.err)
        func stable(_ text: String) -> [Substring] { text.split(separator: "\n").filter { !$0.hasPrefix("(") } }
        XCTAssertEqual(stable(again.out), stable(result.out))
        XCTAssertTrue(again.out.contains("(sweep: "), again.out)
        XCTAssertTrue(again.out.contains("jobs=2, 0 points trained now"), again.out)
        // A point is an ordinary run: `load` finds it by SWEEP/POINT, unquoted.
        let load = try WBProcess.run(["-c", "load tiny/wd=1,seed=0; info", "--runs", runs.path], in: root)
        XCTAssertEqual(load.status, 0, load.err)
        XCTAssertTrue(load.out.contains("loaded wd=1,seed=0: 2 checkpoints, epochs 0–100"), load.out)
    }

    func testStoppedSweepContinuesToTheSameBits() throws {
        let runs = root.appendingPathComponent("runs")
        let words = ["stopme", "wd=0.5,1", "epochs=1500", "jobs=2"] + Self.tiny
        let process = try WBProcess.start(["sweep", "--runs", runs.path] + words, in: root)
        let folder = SweepFolder(root: runs, name: "stopme")
        // Wait until both points have a checkpoint past epoch 0, then stop the sweep as Ctrl-C would.
        let deadline = Date().addingTimeInterval(300)
        func started(_ name: String) -> Bool {
            RunFolder(url: folder.url.appendingPathComponent(name)).checkpointEpochs().contains(100)
        }
        while !(started("wd=0.5") && started("wd=1")) && Date() < deadline && process.isRunning { usleep(100_000) }
        XCTAssertTrue(process.isRunning, "the sweep ended before it could be stopped; make the points longer")
        // `sweep stop` from another process: SIGINT to the process holding the sweep's lock, as Ctrl-C would.
        let stop = try WBProcess.run(["sweep", "stop", "stopme", "--runs", runs.path], in: root)
        XCTAssertEqual(stop.status, 0, stop.err)
        XCTAssertTrue(stop.out.hasPrefix("sweep stopme: asked process \(process.processIdentifier) to stop"), stop.out)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0)
        let stopped = try folder.readManifest()
        XCTAssertEqual(stopped.points.map(\.state), [.stopped, .stopped])
        for record in stopped.points {
            let latest = folder.run(record.point).checkpointEpochs().last!
            XCTAssertGreaterThanOrEqual(latest, 100)
            XCTAssertLessThan(latest, 1500)
        }
        let status = try WBProcess.run(["sweep", "status", "stopme", "--runs", runs.path], in: root)
        XCTAssertTrue(status.out.hasPrefix("sweep stopme: 2 points — 2 stopped\n"), status.out)

        let continued = try WBProcess.run(["sweep", "stopme", "--runs", runs.path], in: root)
        XCTAssertEqual(continued.status, 0, continued.err)
        XCTAssertEqual(try folder.readManifest().points.map(\.state), [.finished, .finished])
        for (i, wd) in ["0.5", "1"].enumerated() {
            let plain = try plainTrain(Self.tiny + ["epochs=1500", "wd=\(wd)", "moments=latest"], name: "plain\(i)")
            // The stopped sweep saved one more checkpoint (where it stopped); every scheduled one must match.
            let point = folder.url.appendingPathComponent(stopped.points[i].point.name)
            let extra = Set(RunFolder(url: point).checkpointEpochs()).subtracting(RunFolder(url: plain).checkpointEpochs())
            XCTAssertLessThanOrEqual(extra.count, 1, "at most the checkpoint of the stop")
            for epoch in extra { try FileManager.default.removeItem(at: RunFolder(url: point).checkpointURL(epoch: epoch)) }
            try assertSameTensors(point, plain)
        }
    }
}

/// The tensors of every checkpoint of two runs (metadata aside: it names the run), file by file.
func assertSameRunTensors(_ a: URL, _ b: URL, file: StaticString = #filePath, line: UInt = #line) throws {
    let epochsA = RunFolder(url: a).checkpointEpochs(), epochsB = RunFolder(url: b).checkpointEpochs()
    XCTAssertEqual(epochsA, epochsB, "checkpoint epochs of \(a.lastPathComponent) and \(b.lastPathComponent)", file: file, line: line)
    XCTAssertFalse(epochsA.isEmpty, file: file, line: line)
    for epoch in epochsA {
        let x = try SafetensorsFile.read(from: RunFolder(url: a).checkpointURL(epoch: epoch))
        let y = try SafetensorsFile.read(from: RunFolder(url: b).checkpointURL(epoch: epoch))
        XCTAssertEqual(Set(x.tensors.keys), Set(y.tensors.keys), file: file, line: line)
        for (name, tensor) in x.tensors {
            XCTAssertEqual(tensor, y.tensors[name], "\(name) at epoch \(epoch) of \(a.lastPathComponent)", file: file, line: line)
        }
        XCTAssertEqual(x.metadata["config_hash"], y.metadata["config_hash"], file: file, line: line)
    }
    let metricsA = try RunFolder(url: a).readMetrics().map { [$0.epoch, $0.trainLoss, $0.testLoss, $0.trainAccuracy, $0.testAccuracy] as [AnyHashable] }
    let metricsB = try RunFolder(url: b).readMetrics().map { [$0.epoch, $0.trainLoss, $0.testLoss, $0.trainAccuracy, $0.testAccuracy] as [AnyHashable] }
    XCTAssertEqual(metricsA, metricsB, "metrics of \(a.lastPathComponent)", file: file, line: line)
}

