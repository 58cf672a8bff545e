import Foundation
import WBAnalysis
import WBTraining
import XCTest

/// The analyses on other models: an MLP is read through its first layer (columns as the embedding, units as the neurons,
/// the output layer as the neuron-to-logit map) and refuses attention analyses; a deeper transformer is read through the
/// layer the user chooses (`layer=N`, default the last), checked against a Float64 forward pass.
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

    func testAnMLPOfSeveralLayersIsReadThroughItsFirstAndRefusesOtherLayers() throws {
        let mlp = try train(["model=mlp", "hidden=16,12", "name=deep-mlp"])
        let context = try RunContext(run: mlp)
        XCTAssertEqual(context.shape.dMLP, 16)
        XCTAssertEqual(context.logitMapWidth, 12)
        let checkpoint = try Checkpoint.read(from: mlp.checkpointURL(epoch: 20), layout: context.layout)
        let state = CheckpointState(epoch: 20, parameters: checkpoint.parameters, run: context)
        // W_L reads the output layer (on the last hidden layer): row c is out.weight's row c.
        let wOut = state.tensor("out.weight")
        XCTAssertEqual(state.neuronToLogit.count, 23 * 12)
        XCTAssertEqual(state.neuronToLogit[7 * 12 + 5], wOut[7 * 12 + 5])
        XCTAssertEqual(state.logitMapFrequencyNorms.count, 11)
        let report = try AnalysisRunner(run: mlp).run(AnalysisRegistry.standard.analyses, epochs: [20])
        XCTAssertEqual(report.failures.map(\.analysis), ["attention_patterns"])
        XCTAssertThrowsError(try RunContext(run: mlp, layer: 1)) {
            XCTAssertEqual("\($0)", "run 'deep-mlp': layer=1 does not apply to an MLP: the analyses read its first hidden layer "
                + "(its columns play the embedding, its units the neurons), layer=0")
        }
    }

    /// A 2-layer pre-LN GELU transformer: every layer's neurons, attention and the logits over the grid equal a forward
    /// pass written out here in Float64, TransformerLens's formulas one by one; a layer it does not have is refused.
    func testADeeperTransformerIsReadLayerByLayerAsTransformerLensComputesIt() throws {
        let run = try train(["layers=2", "norm=ln", "act=gelu", "d_model=16", "heads=2", "d_mlp=32", "batch=64", "name=deep"])
        XCTAssertThrowsError(try RunContext(run: run, layer: 2)) {
            XCTAssertEqual("\($0)", "run 'deep': layer=2 does not exist: this model (transformer d_model 16, 2 heads, d_mlp 32, "
                + "2 layers, pre-LN, GELU) has layers 0…1")
        }
        XCTAssertEqual(try RunContext(run: run).layer, 1)
        for layer in [0, 1] {
            let context = try RunContext(run: run, layer: layer)
            XCTAssertEqual(context.cacheTag, "; layer=\(layer)")
            let checkpoint = try Checkpoint.read(from: run.checkpointURL(epoch: 20), layout: context.layout)
            let state = CheckpointState(epoch: 20, parameters: checkpoint.parameters, run: context)
            let forward = state.forward
            XCTAssertEqual(forward.neurons, 32)
            XCTAssertEqual(forward.logitStride, 24)
            let attention = try XCTUnwrap(forward.attention)
            for (a, b) in [(0, 0), (3, 19), (22, 7)] {
                let reference = ReferenceTransformer(state: state).forward(a: a, b: b)
                let row = a * 23 + b
                for j in [0, 5, 31] {
                    XCTAssertEqual(Double(forward.activations[row * 32 + j]), reference.post[layer][j], accuracy: 2e-5, "layer \(layer) (\(a), \(b)) neuron \(j)")
                }
                for h in 0..<2 { for k in 0..<3 {
                    XCTAssertEqual(Double(attention[(row * 2 + h) * 3 + k]), reference.attention[layer][h][k], accuracy: 1e-5)
                } }
                for c in [0, 11, 23] { XCTAssertEqual(Double(forward.logits[row * 24 + c]), reference.logits[c], accuracy: 1e-4) }
            }
            // W_L: the direct path of the layer's neurons, through ln_final's weight.
            let wOut = state.tensor("blocks.\(layer).mlp.W_out"), wU = state.tensor("unembed.W_U"), lnw = state.tensor("ln_final.w")
            var expected = 0.0
            for r in 0..<16 { expected += wOut[9 * 16 + r] * lnw[r] * wU[r * 24 + 4] }
            XCTAssertEqual(state.neuronToLogit[4 * 32 + 9], expected, accuracy: 1e-9)
        }
        // Every analysis runs on either layer, and the cache keeps the layer apart.
        let runner = try AnalysisRunner(run: run, context: RunContext(run: run, layer: 0))
        let first = runner.run(AnalysisRegistry.standard.analyses, epochs: [20])
        XCTAssertEqual(first.failures.map(\.message), [])
        // The reference's key frequencies are computed first, then read from the cache; the rest is computed.
        XCTAssertEqual(first.cached, 1)
        XCTAssertEqual(first.computed, AnalysisRegistry.standard.analyses.count - 1)
        let again = try AnalysisRunner(run: run, context: RunContext(run: run, layer: 0)).run(AnalysisRegistry.standard.analyses, epochs: [20])
        XCTAssertEqual(again.computed, 0)
        let other = try AnalysisRunner(run: run).run([NeuronClusters()], epochs: [20])
        XCTAssertEqual(other.computed, 1)
    }

    /// Layer 0 of a transformer other than the paper's (here GELU) reads its attention from the grid; without LayerNorm
    /// that is the paper's reading from the weights, which does not depend on the MLP's activation.
    func testAttentionFromTheGridMatchesTheWeightsReadingOfTheFirstLayer() throws {
        let run = try train(["act=gelu", "d_model=16", "heads=2", "d_mlp=32", "name=gelu"])
        let context = try RunContext(run: run)
        let checkpoint = try Checkpoint.read(from: run.checkpointURL(epoch: 20), layout: context.layout)
        let grid = try AttentionPatterns().compute(AnalysisInput(
            checkpoint: CheckpointState(epoch: 20, parameters: checkpoint.parameters, run: context), reference: nil))
        let paper = try RunContext(architecture: .paper(context.shape), split: context.split, config: context.config)
        let weights = try AttentionPatterns().compute(AnalysisInput(
            checkpoint: CheckpointState(epoch: 20, parameters: checkpoint.parameters, run: paper), reference: nil))
        XCTAssertNil(CheckpointState(epoch: 20, parameters: checkpoint.parameters, run: paper).forward.attention)
        for h in 0..<2 {
            for k in 0..<3 { XCTAssertEqual(grid.heads[h].meanAttention[k], weights.heads[h].meanAttention[k], accuracy: 1e-6) }
            XCTAssertEqual(grid.heads[h].scoreFrequency, weights.heads[h].scoreFrequency)
            XCTAssertEqual(grid.heads[h].scoreFrequencyFraction, weights.heads[h].scoreFrequencyFraction, accuracy: 1e-4)
            XCTAssertEqual(grid.heads[h].patternFrequency, weights.heads[h].patternFrequency)
            XCTAssertEqual(grid.heads[h].patternFrequencyFraction, weights.heads[h].patternFrequencyFraction, accuracy: 1e-4)
        }
    }
}

/// TransformerLens's `HookedTransformer` forward for one input [a, b, =], written out in Float64 from the weights'
/// names: pre-LN (x − mean)/√(var + 1e-5)·w + b, causal softmax attention of q·k/√d_head, exact-erf GELU.
struct ReferenceTransformer {
    let state: CheckpointState

    struct Output {
        /// Per layer: the MLP activations at `=`, and per head the attention of `=` on a, b, `=`.
        var post: [[Double]] = []
        var attention: [[[Double]]] = []
        var logits: [Double] = []
    }

    func forward(a: Int, b: Int) -> Output {
        let s = state.run.shape, d = s.dModel, m = s.dMLP, dh = s.dHead, p = s.p
        guard case .transformer(_, let layers, let norm, let act) = state.run.architecture else { fatalError() }
        let we = state.tensor("embed.W_E"), wpos = state.tensor("pos_embed.W_pos")
        var x: [[Double]] = [a, b, p].enumerated().map { position, token in (0..<d).map { we[token * d + $0] + wpos[position * d + $0] } }
        func layerNorm(_ v: [Double], _ name: String) -> [Double] {
            guard norm == .ln else { return v }
            let w = state.tensor(name + ".w"), bias = state.tensor(name + ".b")
            let mean: Double = v.reduce(0, +) / Double(d)
            let variance: Double = v.reduce(0.0) { (sum: Double, value: Double) in sum + (value - mean) * (value - mean) } / Double(d)
            let inverse: Double = 1 / (variance + 1e-5).squareRoot()
            return v.indices.map { (i: Int) -> Double in (v[i] - mean) * inverse * w[i] + bias[i] }
        }
        var output = Output()
        for l in 0..<layers {
            let block = "blocks.\(l)."
            let wq = state.tensor(block + "attn.W_Q"), wk = state.tensor(block + "attn.W_K"), wv = state.tensor(block + "attn.W_V")
            let wo = state.tensor(block + "attn.W_O")
            let h = x.map { layerNorm($0, block + "ln1") }
            func project(_ v: [Double], _ w: [Double], _ head: Int) -> [Double] {
                (0..<dh).map { t in (0..<d).reduce(0.0) { $0 + v[$1] * w[(head * d + $1) * dh + t] } }
            }
            var middle = x
            var equalsAttention: [[Double]] = []
            for query in 0..<3 {
                var z = [Double](repeating: 0, count: d)
                for head in 0..<s.heads {
                    let q = project(h[query], wq, head)
                    let scale: Double = 1 / Double(dh).squareRoot()
                    let scores: [Double] = (0...query).map { (key: Int) -> Double in
                        let k = project(h[key], wk, head)
                        var dot = 0.0
                        for t in 0..<dh { dot += q[t] * k[t] }
                        return dot * scale
                    }
                    let top = scores.max()!
                    let exps: [Double] = scores.map { Foundation.exp($0 - top) }
                    let total: Double = exps.reduce(0, +)
                    let weights = exps.map { $0 / total }
                    if query == 2 { equalsAttention.append(weights) }
                    for (key, weight) in weights.enumerated() {
                        let v = project(h[key], wv, head)
                        for t in 0..<dh { z[head * dh + t] += weight * v[t] }
                    }
                }
                for j in 0..<d { for i in 0..<d { middle[query][j] += z[i] * wo[i * d + j] } }
            }
            output.attention.append(equalsAttention)
            let wIn = state.tensor(block + "mlp.W_in"), bIn = state.tensor(block + "mlp.b_in")
            let wOut = state.tensor(block + "mlp.W_out"), bOut = state.tensor(block + "mlp.b_out")
            for position in 0..<3 {
                let h2 = layerNorm(middle[position], block + "ln2")
                let post: [Double] = (0..<m).map { (j: Int) -> Double in
                    var pre: Double = bIn[j]
                    for r in 0..<d { pre += h2[r] * wIn[r * m + j] }
                    switch act {
                    case .relu: return max(0, pre)
                    case .gelu: return 0.5 * pre * (1 + erf(pre / 2.0.squareRoot()))
                    case .quad: return pre * pre
                    }
                }
                if position == 2 { output.post.append(post) }
                x[position] = (0..<d).map { (j: Int) -> Double in
                    var value: Double = middle[position][j] + bOut[j]
                    for i in 0..<m { value += post[i] * wOut[i * d + j] }
                    return value
                }
            }
        }
        let final = layerNorm(x[2], "ln_final"), wU = state.tensor("unembed.W_U")
        output.logits = (0..<s.classes).map { (c: Int) -> Double in
            var value = 0.0
            for r in 0..<d { value += final[r] * wU[r * s.classes + c] }
            return value
        }
        return output
    }
}
