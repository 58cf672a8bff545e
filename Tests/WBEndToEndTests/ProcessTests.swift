import Foundation
import XCTest
import WBTestSupport
@testable import WBTraining

/// Tests that run the `wb` executable: kill -9 in the middle of training, then resume; Python's `safetensors` reads a
/// checkpoint.
final class ProcessTests: TemporaryFolderTestCase {
    /// The `wb` binary of the tests' own build (the kill timings are tuned to the debug build).
    static var wbBinary: URL { WBProcess.builtWithTests }

    private func launch(_ arguments: [String]) throws -> Process {
        let process = Process()
        process.executableURL = Self.wbBinary
        process.arguments = arguments + ["--runs", root.path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// The model `configWords` trains.
    static let shape = ModelShape(p: 23, dModel: 32, heads: 4, dMLP: 128)
    private let configWords = ["p=23", "d_model=32", "heads=4", "d_mlp=128", "epochs=1500", "checkpoints=0..1500 step 25", "init_seed=3"]

    func testKilledTrainingResumesToTheSameWeights() throws {
        try killAndResume(extra: [])
    }

    /// With moments=latest a kill may come between writing a checkpoint and thinning the one before it: after every kill
    /// the run still has a checkpoint with moments at (or next to) its newest, resumes from it, and ends with the
    /// moments in epoch 0 and the last checkpoint only, every checkpoint's tensors those of the run that never stopped.
    func testKilledTrainingWithLatestMomentsResumesToTheSameBytes() throws {
        try killAndResume(extra: ["moments=latest"])
    }

    private func killAndResume(extra: [String]) throws {
        let configWords = self.configWords + extra
        let latest = extra.contains("moments=latest")
        XCTAssertTrue(FileManager.default.isExecutableFile(atPath: Self.wbBinary.path), "build wb first: \(Self.wbBinary.path)")
        let straight = try launch(["train"] + configWords + ["name=straight"])
        straight.waitUntilExit()
        XCTAssertEqual(straight.terminationStatus, 0)

        let run = RunFolder(url: root.appendingPathComponent("killed"))
        var kills = 0
        var process = try launch(["train"] + configWords + ["name=killed"])
        var rng = MersenneTwister(seed: 11)
        for attempt in 0..<4 {
            // Let it write a few checkpoints, then kill -9 at a random moment.
            let deadline = Date().addingTimeInterval(20)
            let before = run.checkpointEpochs().last ?? -1
            while process.isRunning && (run.checkpointEpochs().last ?? -1) < before + 50 && Date() < deadline { usleep(2000) }
            usleep(UInt32(rng.randomBelow(30_000)))
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
                kills += 1
            }
            process.waitUntilExit()
            // The folder loads after every kill: config, metrics, every checkpoint.
            XCTAssertNoThrow(try run.readRecord(), "attempt \(attempt)")
            let metrics = try run.readMetrics()
            let layout = ParameterLayout(Self.shape)
            for epoch in run.checkpointEpochs() {
                XCTAssertNoThrow(try Checkpoint.read(from: run.checkpointURL(epoch: epoch), layout: layout), "checkpoint \(epoch)")
            }
            XCTAssertGreaterThanOrEqual((metrics.last?.epoch ?? -1) + 1, run.checkpointEpochs().last ?? 0,
                                        "metrics reach the latest checkpoint")
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: run.checkpointsURL.path).filter { $0.hasPrefix(".") }
            XCTAssertTrue(leftovers.allSatisfy { $0.hasSuffix(".tmp") }, "\(leftovers)")
            if latest, let newest = run.checkpointEpochs().last {
                // The newest checkpoint holds moments, or (killed between the two writes) the one before it still does.
                let holding = run.checkpointEpochs().filter { run.holdsTrainingState(epoch: $0) }
                let resumable = holding.last ?? -1
                XCTAssertTrue(resumable == newest || run.checkpointEpochs().drop { $0 <= resumable }.count <= 1,
                              "attempt \(attempt): moments in \(holding), newest \(newest)")
                XCTAssertLessThanOrEqual(holding.filter { $0 != 0 }.count, 2, "attempt \(attempt): \(holding)")
            }
            if run.checkpointEpochs().last == 1500 { break }
            process = try launch(["resume", run.url.path])
        }
        process.waitUntilExit()
        if run.checkpointEpochs().last != 1500 {
            let finish = try launch(["resume", run.url.path])
            finish.waitUntilExit()
            XCTAssertEqual(finish.terminationStatus, 0)
        }
        XCTAssertGreaterThanOrEqual(kills, 2, "the test must actually kill training mid-run")
        let layout = ParameterLayout(Self.shape)
        let a = try Checkpoint.read(from: root.appendingPathComponent("straight/checkpoints/1500.safetensors"), layout: layout)
        let b = try Checkpoint.read(from: run.checkpointURL(epoch: 1500), layout: layout)
        XCTAssertEqual(a.parameters, b.parameters, "weights after \(kills) kills are bit-identical")
        XCTAssertEqual(a.optimizer, b.optimizer)
        if latest {
            let straightRun = RunFolder(url: root.appendingPathComponent("straight"))
            XCTAssertEqual(run.checkpointEpochs().filter { run.holdsTrainingState(epoch: $0) }, [0, 1500])
            XCTAssertEqual(straightRun.checkpointEpochs().filter { straightRun.holdsTrainingState(epoch: $0) }, [0, 1500])
            // Every scheduled checkpoint's tensors (the metadata names the run) equal the uninterrupted run's.
            for epoch in straightRun.checkpointEpochs() {
                let x = try SafetensorsFile.read(from: straightRun.checkpointURL(epoch: epoch))
                let y = try SafetensorsFile.read(from: run.checkpointURL(epoch: epoch))
                XCTAssertEqual(x.tensors, y.tensors, "epoch \(epoch)")
            }
        }
        let ma = try RunFolder(url: root.appendingPathComponent("straight")).readMetrics(), mb = try run.readMetrics()
        XCTAssertEqual(ma.map(\.epoch), mb.map(\.epoch))
        XCTAssertEqual(ma.map(\.testLoss), mb.map(\.testLoss))
        print("kill test\(latest ? " (moments=latest)" : ""): \(kills) kill -9 during training, resumed to bit-identical weights")
    }

    func testPythonSafetensorsReadsACheckpoint() throws {
        let train = try launch(["train", "p=23", "d_model=32", "heads=4", "d_mlp=128", "epochs=20", "name=py"])
        train.waitUntilExit()
        XCTAssertEqual(train.terminationStatus, 0)
        let file = root.appendingPathComponent("py/checkpoints/20.safetensors")
        let checkpoint = try Checkpoint.read(from: file, layout: ParameterLayout(Self.shape))
        let script = """
        import sys
        from safetensors.numpy import load_file
        from safetensors import safe_open
        sd = load_file(sys.argv[1])
        with safe_open(sys.argv[1], framework="numpy") as f:
            meta = f.metadata()
        w = sd["embed.W_E"]
        print(meta["epoch"], meta["d_vocab_out"], list(w.shape), str(w.dtype), repr(float(w.astype("float64").sum())), len(sd))
        """
        let python = Process()
        python.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        python.arguments = ["python3", "-c", script, file.path]
        let pipe = Pipe(), errors = Pipe()
        python.standardOutput = pipe
        python.standardError = errors
        try python.run()
        python.waitUntilExit()
        let out = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        let err = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        XCTAssertEqual(python.terminationStatus, 0, "python3 with safetensors and numpy is needed (Scripts/setup installs them): \(err)")
        let sum = checkpoint.parameters[ParameterLayout(Self.shape).entry("embed.W_E")!.range].reduce(0.0) { $0 + Double($1) }
        let fields = out.split(separator: " ")
        XCTAssertEqual(fields.count, 7, out)
        XCTAssertEqual(fields.prefix(5).joined(separator: " "), "20 24 [24, 32] float32")
        XCTAssertEqual(Double(fields[5]) ?? .nan, sum, accuracy: 1e-9)
        XCTAssertEqual(fields[6], "33", "11 weights + 22 optimizer moments")
        print("python safetensors interop: ran, read \(fields[6]) tensors from a wb checkpoint")
    }
}
