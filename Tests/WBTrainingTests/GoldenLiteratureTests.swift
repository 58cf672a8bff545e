import Foundation
import XCTest
@testable import WBTraining

/// The models, losses, optimizers, ⊥Grad and minibatches of the grokking literature against their PyTorch fixtures
/// (`Fixtures/p23-layers2-ln-gelu-batch64`, `p23-mlp-quad-mse`, `p23-mlp-stablemax-orthograd`, `p23-adam-l2`, `p23-sgd`):
/// each fixture's config read as a `train` line, the first step's gradient, every epoch's measures, the final weights
/// and the final measures, at the fixtures' tolerances (3e-4 for the LayerNorm transformer, 1e-4 otherwise).
final class GoldenLiteratureTests: XCTestCase {
    struct FixtureFile: Decodable {
        struct Row: Decodable {
            let epoch: Int?; let lr: Double?; let train_loss: Double; let test_loss: Double; let train_acc: Double; let test_acc: Double
        }
        let config: [String: FixtureValue]
        let epochs: [Row]
        let final: Row
    }

    /// A value of a fixture's `config` (numbers, strings, booleans, lists of numbers), as `train` words spell it.
    enum FixtureValue: Decodable {
        case number(Double), string(String), bool(Bool), list([Double]), null
        init(from decoder: Decoder) throws {
            let c = try decoder.singleValueContainer()
            if c.decodeNil() { self = .null }
            else if let b = try? c.decode(Bool.self) { self = .bool(b) }
            else if let d = try? c.decode(Double.self) { self = .number(d) }
            else if let s = try? c.decode(String.self) { self = .string(s) }
            else { self = .list(try c.decode([Double].self)) }
        }
        var text: String? {
            switch self {
            case .number(let d): return d == d.rounded() && abs(d) < 1e15 && !"\(d)".contains("e") ? String(Int(d)) : "\(d)"
            case .string(let s): return s
            case .bool(let b): return b ? "yes" : "no"
            case .list(let l): return l.map { $0 == $0.rounded() ? String(Int($0)) : "\($0)" }.joined(separator: ",")
            case .null: return nil
            }
        }
    }

    /// A fixture's config as the `key=value` words of a `train` line.
    static func trainWords(_ config: [String: FixtureValue]) -> [String] {
        let keys: [(String, String)] = [("model", "model"), ("p", "p"), ("frac_train", "frac"), ("data_seed", "data_seed"),
                                        ("task", "task"), ("init_seed", "init_seed"), ("d_model", "d_model"),
                                        ("n_heads", "heads"), ("d_mlp", "d_mlp"), ("layers", "layers"), ("norm", "norm"),
                                        ("act", "act"), ("hidden", "hidden"), ("bias", "bias"), ("loss", "loss"),
                                        ("optimizer", "optimizer"), ("lr", "lr"), ("weight_decay", "wd"), ("eps", "eps"),
                                        ("momentum", "momentum"), ("warmup_steps", "warmup"), ("orthograd", "orthograd"),
                                        ("batch", "batch"), ("batch_seed", "batch_seed"), ("epochs", "epochs")]
        var words: [String] = []
        for (theirs, ours) in keys {
            guard let value = config[theirs]?.text else { continue }
            if ours == "batch_seed", config["batch"]?.text == "0" { continue }
            words.append("\(ours)=\(value)")
        }
        if case .list(let betas)? = config["betas"] { words += ["beta1=\(betas[0])", "beta2=\(betas[1])"] }
        return words
    }

    func check(_ name: String, tolerance: Double) throws {
        let folder = Golden.fixtures.appendingPathComponent(name)
        let fixture = try JSONDecoder().decode(FixtureFile.self, from: Data(contentsOf: folder.appendingPathComponent("trajectory.json")))
        var base = TrainingConfig()
        base.name = name
        let config = try base.applying(Self.trainWords(fixture.config))
        let layout = config.layout
        let initial = try Checkpoint.read(from: folder.appendingPathComponent("init.safetensors"), layout: layout)
        let split = try DataSplit.explicit(p: config.p, trainIndices: XCTUnwrap(initial.trainIndices), task: config.task)

        // The first optimizer step's raw gradient (with minibatches, epoch 0's first batch).
        let model = makeTrainableModel(config)
        let structured = config.architecture.isPaperTransformer && config.loss == .ce && config.batch == 0
        XCTAssertEqual(model is StructuredModel, structured, "\(name): the structured path only for the paper's model, loss and batch")
        var batch = ExampleBatch(flatIndices: split.trainIndices, p: config.p, task: config.task)
        if config.batch > 0 {
            var order = Array(0..<batch.count)
            var rng = MersenneTwister(seed: UInt64(config.batchSeed))
            rng.shuffle(&order)
            batch = batch.subset(order.prefix(config.batch))
        }
        var gradients = [Float](repeating: 0, count: layout.totalCount)
        initial.parameters.withUnsafeBufferPointer { w in
            model.prepare(parameters: w.baseAddress!)
            gradients.withUnsafeMutableBufferPointer { g in
                _ = model.lossAndGradient(batch, parameters: w.baseAddress!, gradients: g.baseAddress!)
            }
        }
        let expected = try SafetensorsFile.read(from: folder.appendingPathComponent("grads_epoch0.safetensors"))
        for entry in layout.entries {
            let theirs = try expected.floats(entry.name, shape: entry.shape)
            XCTAssertLessThan(relativeError(Array(gradients[entry.range]), theirs), tolerance, "\(name) gradient of \(entry.name)")
        }

        let engine = TrainingEngine(config: config, split: split, parameters: initial.parameters)
        XCTAssertEqual(fixture.epochs.count, config.epochs)
        func compare(_ m: EpochMetrics, _ row: FixtureFile.Row, _ label: String) {
            XCTAssertEqual(m.trainLoss, row.train_loss, accuracy: tolerance * row.train_loss, "\(name) train loss \(label)")
            XCTAssertEqual(m.testLoss, row.test_loss, accuracy: tolerance * row.test_loss, "\(name) test loss \(label)")
            XCTAssertEqual(m.trainAccuracy, row.train_acc, accuracy: 1e-9, "\(name) train accuracy \(label)")
            XCTAssertEqual(m.testAccuracy, row.test_acc, accuracy: 1e-9, "\(name) test accuracy \(label)")
        }
        for row in fixture.epochs {
            let m = engine.step()
            XCTAssertEqual(m.lr, row.lr!, accuracy: 1e-12, "\(name) lr at epoch \(row.epoch!)")
            XCTAssertEqual(m.steps, row.epoch! * engine.stepsPerEpoch)
            compare(m, row, "at epoch \(row.epoch!)")
        }
        compare(engine.measure(), fixture.final, "after the last step")
        let final = try SafetensorsFile.read(from: folder.appendingPathComponent("final.safetensors"))
        for entry in layout.entries {
            let theirs = try final.floats(entry.name, shape: entry.shape)
            let worst = zip(engine.parameters[entry.range], theirs).map { abs($0 - $1) }.max() ?? 0
            XCTAssertLessThan(worst, Float(tolerance), "\(name) final \(entry.name)")
        }
        XCTAssertEqual(Set(final.tensors.keys.filter { $0 != "train_indices" }), Set(layout.entries.map(\.name)),
                       "\(name): the same tensor names as PyTorch's")
    }

    func testTwoLayerPreLNGELUTransformerWithMinibatchesMatchesPyTorch() throws {
        try check("p23-layers2-ln-gelu-batch64", tolerance: 3e-4)
    }

    func testGromovQuadraticMLPWithMSEMatchesPyTorch() throws {
        try check("p23-mlp-quad-mse", tolerance: 1e-4)
    }

    func testStableMaxMLPWithOrthogonalGradientMatchesPyTorch() throws {
        try check("p23-mlp-stablemax-orthograd", tolerance: 1e-4)
    }

    func testAdamWithCoupledL2AndMinibatchesMatchesPyTorch() throws {
        try check("p23-adam-l2", tolerance: 1e-4)
    }

    func testSGDWithMomentumMatchesPyTorch() throws {
        try check("p23-sgd", tolerance: 1e-4)
    }

    /// The general path is the same function as the structured one: the paper fixture's 40 epochs, forced through
    /// `GeneralTransformer`, match PyTorch too.
    func testGeneralTransformerReproducesThePaperFixture() throws {
        let initial = try Golden.initial()
        let split = try DataSplit.explicit(p: 23, trainIndices: XCTUnwrap(initial.trainIndices))
        let config = Golden.config
        let model = GeneralTransformer(layout: config.layout, loss: LossFunction(kind: .ce, classes: 24, p: 23), threads: 2)
        var gradients = [Float](repeating: 0, count: config.layout.totalCount)
        let batch = ExampleBatch(flatIndices: split.trainIndices, p: 23)
        initial.parameters.withUnsafeBufferPointer { w in
            model.prepare(parameters: w.baseAddress!)
            gradients.withUnsafeMutableBufferPointer { g in
                _ = model.lossAndGradient(batch, parameters: w.baseAddress!, gradients: g.baseAddress!)
            }
        }
        let expected = try Golden.file("grads_epoch0.safetensors")
        for entry in Golden.layout.entries {
            let theirs = try expected.floats(entry.name, shape: entry.shape)
            XCTAssertLessThan(relativeError(Array(gradients[entry.range]), theirs), 1e-5, entry.name)
        }
    }
}
