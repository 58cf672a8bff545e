import Foundation
import WBAnalysis
import WBTraining
import XCTest

/// Which analyses apply to which task, the refusal of the others, and the pipeline in the view of sub, mul and x2y2.
final class TaskSupportTests: XCTestCase {
    static let fourier = ["embedding_frequencies", "neuron_clusters", "key_frequencies", "progress_measures", "logit_cosines",
                          "excluded_loss_per_frequency"]

    /// A run folder of random checkpoints for `task` (no training), as `SyntheticRun` but with a task.
    func taskRun(_ task: ModularTask, p: Int = 23, epochs: [Int] = [0, 100]) throws -> (run: RunFolder, root: URL, config: TrainingConfig) {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("wb-task-\(UUID().uuidString)")
        var c = TrainingConfig()
        c.name = task.rawValue; c.p = p; c.dModel = 16; c.heads = 2; c.dMLP = 32; c.epochs = epochs.max() ?? 0; c.frac = 0.4
        c.task = task
        let run = RunFolder(url: root.appendingPathComponent(c.name))
        try FileManager.default.createDirectory(at: run.checkpointsURL, withIntermediateDirectories: true)
        struct RecordFile: Encodable {
            var format: String, config: TrainingConfig, created: String, updated: String, blas_threads: Int
        }
        try JSONEncoder().encode(RecordFile(format: RunFolder.format, config: c, created: "now", updated: "now", blas_threads: 2))
            .write(to: run.configURL)
        let layout = ParameterLayout(c.shape)
        for epoch in epochs {
            try Checkpoint(epoch: epoch, parameters: ParameterInitializer.initialWeights(layout, seed: epoch + 1), optimizer: nil)
                .write(to: run.checkpointURL(epoch: epoch), layout: layout, config: c)
        }
        return (run, root, c)
    }

    func testEachAnalysisDeclaresItsTasks() {
        for analysis in AnalysisRegistry.standard.analyses {
            if Self.fourier.contains(analysis.name) {
                XCTAssertEqual(analysis.tasks, CyclicView.tasks, analysis.name)
                XCTAssertFalse(analysis.applies(to: .x2y2))
                XCTAssertTrue(analysis.applies(to: .mul))
            } else {
                XCTAssertEqual(analysis.tasks, ModularTask.allCases, analysis.name)
            }
        }
        XCTAssertEqual(AnalysisRegistry.standard.applicable(to: .x3xy).map(\.name), ["neuron_activations", "attention_patterns"])
        XCTAssertEqual(AnalysisRegistry.standard.applicable(to: .div).count, AnalysisRegistry.standard.analyses.count)
    }

    func testAFourierAnalysisIsRefusedForX2Y2WithAClearMessage() throws {
        XCTAssertThrowsError(try AnalysisRegistry.standard.analysis(named: "embedding_frequencies", task: .x2y2)) { error in
            XCTAssertEqual(error as? AnalysisError,
                           .inapplicable(analysis: "embedding_frequencies", task: .x2y2, applicable: [.add, .sub, .mul, .div]))
            let message = "\(error)"
            XCTAssertTrue(message.hasPrefix("embedding_frequencies does not apply to task x2y2 (a² + b²): it applies to add, sub, mul, div only"), message)
            XCTAssertTrue(message.contains("cyclic group"), message)
        }
        XCTAssertNoThrow(try AnalysisRegistry.standard.analysis(named: "attention_patterns", task: .x2y2))

        let (run, root, _) = try taskRun(.x2y2)
        defer { try? FileManager.default.removeItem(at: root) }
        let context = try RunContext(run: run)   // no throw: the token order stands in for the view
        XCTAssertFalse(context.view.isCyclic)
        XCTAssertEqual(context.basis.n, 23)
        let runner = AnalysisRunner(run: run, context: context)
        XCTAssertThrowsError(try runner.run(named: ["neuron_activations", "progress_measures"])) { error in
            XCTAssertTrue("\(error)".hasPrefix("progress_measures does not apply to task x2y2"), "\(error)")
        }
        XCTAssertThrowsError(try runner.referenceFrequencies())

        // Everything at once: the applicable ones run, each other one is refused once, by name.
        let report = runner.run(AnalysisRegistry.standard.analyses)
        XCTAssertEqual(Set(report.failures.compactMap(\.analysis)), Set(Self.fourier))
        XCTAssertEqual(report.failures.count, Self.fourier.count)
        XCTAssertTrue(report.failures.allSatisfy { $0.epoch == nil && $0.message.contains("does not apply to task x2y2") })
        XCTAssertEqual(report.results.epochs(named: NeuronActivations.name), [0, 100])
        let attention = try XCTUnwrap(report.results.result(AttentionPatterns.self, epoch: 100))
        for head in attention.heads { XCTAssertEqual(head.meanAttention.reduce(0, +), 1, accuracy: 1e-9) }
    }

    /// A mul run goes through every analysis in the discrete-log view (n = 22 for p = 23: eleven frequencies, the last the
    /// Nyquist one), and the view's forward pass is the token forward read at the view's pairs and classes.
    func testAMulRunIsAnalysedInTheDiscreteLogBasis() throws {
        let (run, root, config) = try taskRun(.mul)
        defer { try? FileManager.default.removeItem(at: root) }
        let context = try RunContext(run: run)
        XCTAssertEqual(context.view.n, 22)
        XCTAssertEqual(context.basis.frequencyCount, 11)
        XCTAssertEqual(context.gridSplit.trainIndices.count,
                       context.split.trainIndices.filter { $0 / 23 != 0 && $0 % 23 != 0 }.count)
        let report = try AnalysisRunner(run: run, context: context).run(named: AnalysisRegistry.standard.names)
        XCTAssertEqual(report.failures, [])
        let frequencies = try XCTUnwrap(report.results.result(EmbeddingFrequencies.self, epoch: 100))
        XCTAssertEqual(frequencies.componentNorms.count, 22)
        XCTAssertEqual(frequencies.frequencyNorms.count, 11)
        XCTAssertEqual(try XCTUnwrap(report.results.result(LogitCosines.self, epoch: 100)).coefficients.count, 11)
        let measures = try XCTUnwrap(report.results.result(ProgressMeasures.self, epoch: 100))
        XCTAssertTrue(measures.trainLoss.isFinite && measures.restrictedLoss.isFinite && measures.excludedLoss.isFinite)

        // The view's forward = the token grid's forward at (g^i, g^j), class g^c.
        let layout = ParameterLayout(config.shape)
        let parameters = ParameterInitializer.initialWeights(layout, seed: 101)
        let state = CheckpointState(epoch: 100, parameters: parameters, run: context)
        let tokens = GridEvaluator(shape: config.shape).forward(parameters: parameters)
        let view = context.view, n = view.n, p = 23, forward = state.forward
        XCTAssertEqual(forward.n, n)
        XCTAssertEqual(forward.logitStride, n)
        for (i, j) in [(0, 0), (3, 17), (21, 5), (11, 11)] {
            let token = view.tokensA[i] * p + view.tokensB[j]
            for c in 0..<n {
                XCTAssertEqual(forward.logits[(i * n + j) * n + c], tokens.logits[token * tokens.logitStride + view.classes[c]], accuracy: 1e-5)
            }
            for neuron in [0, 7, 31] {
                XCTAssertEqual(forward.activations[(i * n + j) * 32 + neuron], tokens.activations[token * 32 + neuron], accuracy: 1e-5)
            }
        }
    }

    /// An embedding that is cos and sin of w_3·i (and (−1)^i, the Nyquist frequency) in the exponent i of its token g^i
    /// shows exactly those frequencies, as an addition model's embedding does in token order.
    func testAMulEmbeddingPeriodicInTheDiscreteLogShowsItsFrequencies() throws {
        let p = 23, shape = ModelShape(p: p, dModel: 16, heads: 2, dMLP: 32)
        let context = try RunContext(shape: shape, split: DataSplit.shuffled(p: p, frac: 0.3, seed: 0, task: .mul))
        let view = context.view, n = view.n, layout = context.layout
        var parameters = ParameterInitializer.initialWeights(layout, seed: 3)
        let range = try XCTUnwrap(layout.entry("embed.W_E")).range
        for index in range { parameters[index] = 0 }
        for (i, token) in view.tokensA.enumerated() {
            let w = 2 * Double.pi * 3 * Double(i) / Double(n)
            parameters[range.lowerBound + token * 16 + 0] = Float(cos(w))
            parameters[range.lowerBound + token * 16 + 1] = Float(sin(w))
            parameters[range.lowerBound + token * 16 + 2] = Float(i % 2 == 0 ? 1 : -1)
        }
        parameters[range.lowerBound + 0 * 16 + 5] = 9   // the zero token is outside the view: no effect
        let state = CheckpointState(epoch: 0, parameters: parameters, run: context)
        let result = try EmbeddingFrequencies().compute(AnalysisInput(checkpoint: state))
        XCTAssertEqual(result.dominant, [3, 11])
        XCTAssertEqual(result.frequencyNorms[2], (Double(n) / 2).squareRoot() * 2.0.squareRoot(), accuracy: 1e-5)
        XCTAssertEqual(result.frequencyNorms[10], Double(n).squareRoot(), accuracy: 1e-5)
        for k in [1, 2, 4, 5, 6, 7, 8, 9, 10] { XCTAssertEqual(result.frequencyNorms[k - 1], 0, accuracy: 1e-5) }
        let keys = try KeyFrequencies().compute(AnalysisInput(checkpoint: state))
        XCTAssertEqual(keys.keys, [3, 11])
    }

    /// Sub in its view (b read as −b) gives the same per-frequency norms and neuron fractions as the same weights read
    /// in token order (docs/analysis.md), and its restricted-loss labels are a − b.
    func testSubGivesTheSameFrequenciesAsTheTokenOrder() throws {
        let p = 23, shape = ModelShape(p: p, dModel: 16, heads: 2, dMLP: 32)
        let sub = try RunContext(shape: shape, split: DataSplit.shuffled(p: p, frac: 0.3, seed: 0, task: .sub))
        let tokens = try RunContext(shape: shape, split: DataSplit.shuffled(p: p, frac: 0.3, seed: 0))
        let parameters = ParameterInitializer.initialWeights(sub.layout, seed: 5)
        let a = CheckpointState(epoch: 0, parameters: parameters, run: sub)
        let b = CheckpointState(epoch: 0, parameters: parameters, run: tokens)
        XCTAssertEqual(a.embeddingFrequencyNorms, b.embeddingFrequencyNorms)
        assertClose(a.logitMapFrequencyNorms, b.logitMapFrequencyNorms, relative: 1e-12, "W_L")
        for neuron in 0..<32 {
            for k in 1...11 {
                XCTAssertEqual(a.neuronFractions.fraction(neuron: neuron, frequency: k),
                               b.neuronFractions.fraction(neuron: neuron, frequency: k), accuracy: 1e-6)
            }
        }
        // The train rows of the view hold the same pairs, and (i + j) mod p is a − b there.
        XCTAssertEqual(sub.gridSplit.trainIndices.count, sub.split.trainIndices.count)
        for (flat, row) in zip(sub.split.trainIndices, sub.gridSplit.trainIndices) {
            XCTAssertEqual((row / p + row % p) % p, ModularTask.sub.label(a: flat / p, b: flat % p, p: p))
        }
    }

    /// Addition keeps its exact code path: the identity view, the split as it was, the raw logits.
    func testAddUsesTheTokenOrderUnchanged() throws {
        let context = try GoldenP23.context()
        XCTAssertTrue(context.view.isTokenOrder)
        XCTAssertEqual(context.gridSplit, context.split)
        let state = try GoldenP23.state()
        XCTAssertEqual(state.forward.logitStride, 24)
        XCTAssertEqual(state.forward.n, 23)
    }
}
