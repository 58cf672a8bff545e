import Foundation
import WBAnalysis
import WBTraining
import XCTest

/// The analyses on other models: a one-hidden-layer MLP is read through its first layer (columns as the embedding, units
/// as the neurons, the output layer as the neuron-to-logit map); attention analyses and deeper models are refused with
/// the reason.
final class ModelSupportTests: XCTestCase {
    var root: URL!

    override func setUpWithError() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("wb-models-\(UUID().uuidString)")
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: root) }

    func train(_ words: [String]) throws -> RunFolder {
        let config = try TrainingConfig().applying(["p=23", "frac=0.5", "epochs=20", "checkpoints=0,20", "lr=1e-2"] + words)
        return try Trainer.start(config, root: root).run
    }

    func testOneHiddenLayerMLPIsReadThroughItsFirstLayer() throws {
        let run = try train(["model=mlp", "hidden=40", "act=quad", "bias=no", "loss=mse", "name=gromov"])
        let context = try RunContext(run: run)
        XCTAssertEqual(context.shape.dMLP, 40)
        let checkpoint = try Checkpoint.read(from: run.checkpointURL(epoch: 20), layout: context.layout)
        let state = CheckpointState(epoch: 20, parameters: checkpoint.parameters, run: context)
        let w0 = state.tensor("hidden.0.weight"), wOut = state.tensor("out.weight")
        // The embedding of token a is the first layer's column a; W_L's row c is out.weight's row c.
        for (a, c) in [(0, 0), (7, 13), (22, 39)] {
            XCTAssertEqual(state.embedding[a * 40 + c], w0[c * 46 + a])
            XCTAssertEqual(state.neuronToLogit[a * 40 + c], wOut[a * 40 + c])
        }
        // The grid forward: neuron j at (a, b) is (W0[j, a] + W0[j, 23 + b])², and the logits are the model's.
        let forward = state.forward
        XCTAssertEqual(forward.neurons, 40)
        for (a, b, j) in [(3, 5, 0), (22, 1, 17)] {
            let pre = Float(w0[j * 46 + a]) + Float(w0[j * 46 + 23 + b])
            XCTAssertEqual(forward.activations[(a * 23 + b) * 40 + j], pre * pre, accuracy: 1e-6)
        }
        XCTAssertEqual(forward.logitStride, 23)
        // Every analysis runs, but attention, which the runner refuses by name.
        let report = try AnalysisRunner(run: run).run(AnalysisRegistry.standard.analyses, epochs: [20])
        XCTAssertEqual(report.failures.map(\.analysis), ["attention_patterns"])
        XCTAssertEqual(report.failures.first?.message, "attention_patterns reads attention, which an MLP does not have")
        XCTAssertNotNil(report.results.result(NeuronClusters.self, epoch: 20))
        XCTAssertNotNil(report.results.result(WBAnalysis.ProgressMeasures.self, epoch: 20))
    }

    func testDeeperModelsAreRefusedWithTheReason() throws {
        let mlp = try train(["model=mlp", "hidden=16,16", "name=deep-mlp"])
        XCTAssertThrowsError(try RunContext(run: mlp)) {
            XCTAssertTrue("\($0)".hasPrefix("run 'deep-mlp': the analyses read an MLP with one hidden layer (its columns play the "
                + "embedding, its units the neurons); this one has 2: MLP 46→16→16→23, ReLU."), "\($0)")
        }
        let deep = try train(["layers=2", "norm=ln", "d_model=16", "heads=2", "d_mlp=32", "name=deep"])
        XCTAssertThrowsError(try RunContext(run: deep)) {
            XCTAssertTrue("\($0)".contains("the analyses read a 1-layer ReLU transformer without LayerNorm; this one is "
                + "transformer d_model 16, 2 heads, d_mlp 32, 2 layers, pre-LN, ReLU"), "\($0)")
        }
    }
}
