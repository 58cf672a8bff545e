import Foundation
import WBAnalysis
import WBTraining
import XCTest

/// The p = 23 golden PyTorch model (not grokked) and the NumPy reference values computed from it
/// (`Scripts/analysis_reference.py`).
enum GoldenP23 {
    static let folder = Bundle.module.resourceURL!.appendingPathComponent("Fixtures")
    static let shape = ModelShape(p: 23, dModel: 32, heads: 4, dMLP: 128)

    static func context() throws -> RunContext {
        try RunContext(shape: shape, split: DataSplit.shuffled(p: 23, frac: 0.3, seed: 0))
    }

    static func state() throws -> CheckpointState {
        let checkpoint = try Checkpoint.read(from: folder.appendingPathComponent("p23_final.safetensors"), layout: ParameterLayout(shape))
        return CheckpointState(epoch: checkpoint.epoch, parameters: checkpoint.parameters, run: try context())
    }

    static func reference() throws -> [String: Any] {
        let data = try Data(contentsOf: folder.appendingPathComponent("p23_reference.json"))
        return try JSONSerialization.jsonObject(with: data) as! [String: Any]
    }
}

/// A small synthetic run folder (random weights, no training) for pipeline tests.
struct SyntheticRun {
    let root: URL
    let run: RunFolder
    let config: TrainingConfig

    init(p: Int = 11, epochs: [Int] = [0, 100, 200], name: String = "synthetic") throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("wb-analysis-\(UUID().uuidString)")
        var c = TrainingConfig()
        c.name = name; c.p = p; c.dModel = 16; c.heads = 2; c.dMLP = 32; c.epochs = epochs.max() ?? 0; c.frac = 0.4
        config = c
        run = RunFolder(url: root.appendingPathComponent(name))
        try FileManager.default.createDirectory(at: run.checkpointsURL, withIntermediateDirectories: true)
        // RunFolder.Record has no public initializer: write config.json with the same keys.
        struct RecordFile: Encodable {
            var format: String, config: TrainingConfig, created: String, updated: String, blas_threads: Int
        }
        let record = RecordFile(format: RunFolder.format, config: c, created: "now", updated: "now", blas_threads: 2)
        try JSONEncoder().encode(record).write(to: run.configURL)
        _ = try run.readRecord()
        for epoch in epochs { try writeCheckpoint(epoch: epoch, seed: epoch + 1) }
    }

    var layout: ParameterLayout { ParameterLayout(config.shape) }

    func writeCheckpoint(epoch: Int, seed: Int) throws {
        let parameters = ParameterInitializer.initialWeights(layout, seed: seed)
        try Checkpoint(epoch: epoch, parameters: parameters, optimizer: nil).write(to: run.checkpointURL(epoch: epoch),
                                                                                    layout: layout, config: config)
    }

    func remove() { try? FileManager.default.removeItem(at: root) }
}

func assertClose(_ a: Double, _ b: Double, relative: Double = 1e-5, absolute: Double = 1e-9, _ message: String = "",
                 file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertLessThanOrEqual(abs(a - b), absolute + relative * abs(b), "\(message): \(a) vs \(b)", file: file, line: line)
}

func assertClose(_ a: [Double], _ b: [Double], relative: Double = 1e-5, absolute: Double = 1e-9, _ message: String = "",
                 file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(a.count, b.count, "\(message): lengths", file: file, line: line)
    for (i, (x, y)) in zip(a, b).enumerated() where abs(x - y) > absolute + relative * abs(y) {
        XCTFail("\(message)[\(i)]: \(x) vs \(y)", file: file, line: line)
        return
    }
}

/// The full grid's sum s = (a + b) mod p of flat index r.
func sumOf(_ r: Int, _ p: Int) -> Int { (r / p + r % p) % p }
