import Foundation
import XCTest
import WBTestSupport
import WBTraining

/// A trajectory is a function of its config: the same config trained in child processes under environments that used to
/// steer OpenBLAS (its kernel family, its thread pool, OpenMP's, the cache size it assumes) writes byte-identical
/// checkpoints and `metrics.csv` (the `seconds` column aside), fills the same checkpoints with `range fill`, and caches
/// the same analysis results.
final class NumericDeterminismTests: TemporaryFolderTestCase {
    /// p = 53 and frac 0.4 give 1,123 training and 1,686 test pairs: more than one block of examples per worker.
    private let config = ["p=53", "frac=0.4", "d_model=32", "heads=4", "d_mlp=128", "epochs=120", "checkpoints=0..120 step 40",
                          "name=run"]

    static let environments: [(label: String, variables: [String: String?])] = [
        ("nothing set", ["OPENBLAS_CORETYPE": nil, "OPENBLAS_NUM_THREADS": nil, "OMP_NUM_THREADS": nil, "OPENBLAS_L2_SIZE": nil]),
        ("OPENBLAS_CORETYPE=SkylakeX", ["OPENBLAS_CORETYPE": "SkylakeX"]),
        ("OPENBLAS_CORETYPE=Haswell", ["OPENBLAS_CORETYPE": "Haswell"]),
        ("OPENBLAS_CORETYPE=Cooperlake", ["OPENBLAS_CORETYPE": "Cooperlake"]),
        ("OPENBLAS_CORETYPE=Zen, OPENBLAS_L2_SIZE=262144", ["OPENBLAS_CORETYPE": "Zen", "OPENBLAS_L2_SIZE": "262144"]),
        ("OPENBLAS_NUM_THREADS=1", ["OPENBLAS_NUM_THREADS": "1"]),
        ("OMP_NUM_THREADS=7, OPENBLAS_NUM_THREADS=7", ["OMP_NUM_THREADS": "7", "OPENBLAS_NUM_THREADS": "7"]),
    ]

    /// Trains, fills three off-schedule checkpoints and analyses them, in `folder` under `variables`; returns what must
    /// not depend on the environment: every checkpoint's bytes, metrics.csv without its seconds, the analysis results.
    private func produce(in folder: URL, variables: [String: String?], threads: Int = 2) throws -> [String: Data] {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let train = try WBProcess.run(["train"] + config + ["threads=\(threads)"], in: folder, overriding: variables)
        XCTAssertEqual(train.status, 0, train.err)
        let session = try WBProcess.run(["-c", "load run; range 50..70 step 10; range fill; analyze freq clusters"], in: folder,
                                        overriding: variables)
        XCTAssertEqual(session.status, 0, session.out + session.err)
        let run = folder.appendingPathComponent("runs/run")
        var outputs: [String: Data] = [:]
        for epoch in RunFolder(url: run).checkpointEpochs() {
            outputs["checkpoint \(epoch)"] = try Data(contentsOf: run.appendingPathComponent("checkpoints/\(epoch).safetensors"))
        }
        let metrics = try String(contentsOf: run.appendingPathComponent("metrics.csv"), encoding: .utf8)
        outputs["metrics.csv"] = Data(metrics.split(separator: "\n").map { $0.split(separator: ",").dropLast().joined(separator: ",") }
            .joined(separator: "\n").utf8)
        let analysis = run.appendingPathComponent("analysis")
        let files = FileManager.default.enumerator(at: analysis, includingPropertiesForKeys: nil)?.compactMap { $0 as? URL } ?? []
        for file in files where file.pathExtension == "json" {
            let envelope = try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as? [String: Any]
            let result = try XCTUnwrap(envelope?["result"], file.path)
            let key = file.path.replacingOccurrences(of: analysis.path, with: "analysis")
            outputs[key] = try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys, .fragmentsAllowed])
        }
        return outputs
    }

    func testEveryEnvironmentGivesTheSameBytes() throws {
        let reference = try produce(in: root.appendingPathComponent("0"), variables: Self.environments[0].variables)
        XCTAssertEqual(reference.keys.filter { $0.hasPrefix("checkpoint") }.count, 7, "4 scheduled + 3 filled: \(reference.keys.sorted())")
        XCTAssertGreaterThanOrEqual(reference.keys.filter { $0.hasPrefix("analysis") }.count, 6, "\(reference.keys.sorted())")
        for (index, environment) in Self.environments.enumerated().dropFirst() {
            let outputs = try produce(in: root.appendingPathComponent("\(index)"), variables: environment.variables)
            XCTAssertEqual(outputs.keys.sorted(), reference.keys.sorted(), environment.label)
            for (key, data) in reference.sorted(by: { $0.key < $1.key }) {
                XCTAssertTrue(outputs[key] == data, "\(key) differs under \(environment.label)")
            }
        }
    }

    /// The recorded platform says which kernels and how many threads made the run.
    func testTheRunRecordsItsNumericPlatform() throws {
        let train = try wb(["train"] + config + ["epochs=2", "checkpoints=2"])
        XCTAssertEqual(train.status, 0, train.err)
        let record = try RunFolder(url: root.appendingPathComponent("runs/run")).readRecord()
        let platform = try XCTUnwrap(record.platform)
        XCTAssertEqual(platform, NumericPlatform.current(threads: 2))
        XCTAssertEqual(platform.threads, 2)
        if platform.pinned { XCTAssertTrue(platform.kernel.hasSuffix("/Haswell"), platform.kernel) }
        let header = try String(decoding: Data(contentsOf: root.appendingPathComponent("runs/run/checkpoints/2.safetensors")).prefix(4096),
                                as: UTF8.self)
        XCTAssertTrue(header.contains("\"numeric_platform\":\"\(platform.id)\""), header)
    }

    /// Where the pinned kernels cannot run, wb still trains, says once that its results will differ in the last bits,
    /// and records the platform as unpinned (WB_UNPIN_KERNELS=1 takes that path on any processor).
    func testAnUnpinnedPlatformIsSaidOnceAndRecorded() throws {
        let train = try WBProcess.run(["train"] + config + ["epochs=3", "checkpoints=3"], in: root, overriding: ["WB_UNPIN_KERNELS": "1"])
        XCTAssertEqual(train.status, 0, train.err)
        XCTAssertEqual(train.err.components(separatedBy: "will differ in the last bits").count - 1, 1, train.err)
        let record = try RunFolder(url: root.appendingPathComponent("runs/run")).readRecord()
        let platform = try XCTUnwrap(record.platform)
        XCTAssertFalse(platform.pinned)
        XCTAssertTrue(platform.kernels.hasSuffix("/unpinned"), platform.kernels)
        let log = try String(contentsOf: root.appendingPathComponent("runs/run/train.log"), encoding: .utf8)
        XCTAssertTrue(log.contains("note: the pinned Haswell kernels cannot run here"), log)
    }
}
