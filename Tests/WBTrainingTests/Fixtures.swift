import Foundation
@testable import WBTraining

/// The PyTorch-made golden fixtures (`Fixtures/`, copied into this test target; what they hold: `docs/numerics.md`).
enum Golden {
    static let fixtures = Bundle.module.resourceURL!.appendingPathComponent("Fixtures")
    static let folder = fixtures.appendingPathComponent("p23")
    static let shape = ModelShape(p: 23, dModel: 32, heads: 4, dMLP: 128)
    static var layout: ParameterLayout { ParameterLayout(shape) }

    static var config: TrainingConfig {
        var c = TrainingConfig()
        c.p = 23; c.dModel = 32; c.heads = 4; c.dMLP = 128; c.epochs = 40; c.name = "golden"
        return c
    }

    static func initial(_ folder: URL = folder) throws -> Checkpoint {
        try Checkpoint.read(from: folder.appendingPathComponent("init.safetensors"), layout: layout)
    }
    static func file(_ name: String) throws -> SafetensorsFile { try SafetensorsFile.read(from: folder.appendingPathComponent(name)) }

    struct TrajectoryRow: Decodable {
        let epoch: Int; let lr: Double; let train_loss: Double; let test_loss: Double; let train_acc: Double; let test_acc: Double
    }
    struct Trajectory: Decodable { let epochs: [TrajectoryRow] }
    static func trajectory(_ folder: URL = folder) throws -> [TrajectoryRow] {
        try JSONDecoder().decode(Trajectory.self, from: Data(contentsOf: folder.appendingPathComponent("trajectory.json"))).epochs
    }
}

/// max |a − b| / ‖b‖₂ over one tensor.
func relativeError(_ a: [Float], _ b: [Float]) -> Double {
    var worst = 0.0, norm = 0.0
    for (x, y) in zip(a, b) { worst = max(worst, abs(Double(x) - Double(y))); norm += Double(y) * Double(y) }
    return worst / max(norm.squareRoot(), 1e-30)
}
