import Foundation
import WBAnalysis
import WBTraining
import XCTest

/// The pipeline: cache hits and invalidation, missing and unreadable checkpoints, cancellation, progress, the reference.
final class RunnerTests: XCTestCase {
    func testSecondRunReadsTheCacheAndGivesTheSameResults() throws {
        let synthetic = try SyntheticRun()
        defer { synthetic.remove() }
        let runner = try AnalysisRunner(run: synthetic.run)
        var progress: [AnalysisProgress] = []
        let first = runner.run(AnalysisRegistry.standard.analyses) { progress.append($0) }
        let count = AnalysisRegistry.standard.analyses.count
        XCTAssertEqual(first.failures, [])
        XCTAssertEqual(first.epochs, [0, 100, 200])
        XCTAssertEqual(first.computed + first.cached, 3 * count + 0)
        XCTAssertEqual(progress.map(\.epoch), [0, 100, 200])
        XCTAssertEqual(progress.map(\.completed), [1, 2, 3])
        XCTAssertEqual(progress.last?.total, 3)
        XCTAssertEqual(first.reference?.epoch, 200)

        let cacheFile = runner.cache.url(analysis: "progress_measures", version: 1, epoch: 100)
        XCTAssertTrue(FileManager.default.fileExists(atPath: cacheFile.path))
        XCTAssertTrue(cacheFile.path.hasSuffix("analysis/progress_measures.v1/100.json"))

        let second = try AnalysisRunner(run: synthetic.run).run(AnalysisRegistry.standard.analyses)
        XCTAssertEqual(second.computed, 0)
        XCTAssertEqual(second.cached, 3 * count + 0)
        for epoch in [0, 100, 200] {
            XCTAssertEqual(second.results.result(ProgressMeasures.self, epoch: epoch), first.results.result(ProgressMeasures.self, epoch: epoch))
            XCTAssertEqual(second.results.result(NeuronClusters.self, epoch: epoch), first.results.result(NeuronClusters.self, epoch: epoch))
            XCTAssertEqual(second.results.result(EmbeddingFrequencies.self, epoch: epoch), first.results.result(EmbeddingFrequencies.self, epoch: epoch))
        }
        XCTAssertEqual(second.results.series(ProgressMeasures.self).map(\.epoch), [0, 100, 200])
    }

    func testChangedCheckpointIsRecomputedAndCopiedOneIsNot() throws {
        let synthetic = try SyntheticRun()
        defer { synthetic.remove() }
        let analyses: [any Analysis] = [EmbeddingFrequencies(), NeuronClusters()]
        let before = try AnalysisRunner(run: synthetic.run).run(analyses)
        XCTAssertEqual(before.computed, 6)

        // New weights at epoch 100: only that checkpoint is recomputed, and its result changes.
        try synthetic.writeCheckpoint(epoch: 100, seed: 999)
        let changed = try AnalysisRunner(run: synthetic.run).run(analyses)
        XCTAssertEqual(changed.computed, 2)
        XCTAssertEqual(changed.cached, 4)
        XCTAssertNotEqual(changed.results.result(EmbeddingFrequencies.self, epoch: 100),
                          before.results.result(EmbeddingFrequencies.self, epoch: 100))

        // The same bytes under a new inode and mtime (a copied run): validated by hash, not recomputed.
        let url = synthetic.run.checkpointURL(epoch: 200)
        let bytes = try Data(contentsOf: url)
        try FileManager.default.removeItem(at: url)
        try bytes.write(to: url)
        let copied = try AnalysisRunner(run: synthetic.run).run(analyses)
        XCTAssertEqual(copied.computed, 0)
        XCTAssertEqual(copied.cached, 6)

        // A different option (threshold) recomputes that analysis only.
        let rethreshold = try AnalysisRunner(run: synthetic.run).run([EmbeddingFrequencies(), NeuronClusters(threshold: 0.5)])
        XCTAssertEqual(rethreshold.computed, 3)
        XCTAssertEqual(rethreshold.results.result(NeuronClusters.self, epoch: 0)?.threshold, 0.5)
    }

    func testMissingAndUnreadableCheckpointsAreReportedAndSkipped() throws {
        let synthetic = try SyntheticRun()
        defer { synthetic.remove() }
        try Data("not a safetensors file".utf8).write(to: synthetic.run.checkpointURL(epoch: 100))
        let report = try AnalysisRunner(run: synthetic.run).run([EmbeddingFrequencies(), NeuronActivations()], epochs: [0, 100, 150, 200])
        XCTAssertEqual(report.failures.count, 2)
        let messages = report.failures.map(\.description)
        XCTAssertTrue(messages.contains { $0.contains("checkpoint 100") && $0.contains("100.safetensors") }, "\(messages)")
        XCTAssertTrue(messages.contains { $0.contains("checkpoint 150") && $0.contains("does not exist") }, "\(messages)")
        XCTAssertEqual(report.results.epochs(named: EmbeddingFrequencies.name), [0, 200])
        XCTAssertEqual(report.results.epochs(named: NeuronActivations.name), [0, 200])
    }

    func testCancellationStopsBetweenCheckpointsAndKeepsWhatIsDone() throws {
        let synthetic = try SyntheticRun(epochs: [0, 100, 200, 300])
        defer { synthetic.remove() }
        let cancel = CancellationToken()
        let report = try AnalysisRunner(run: synthetic.run).run([EmbeddingFrequencies()], cancel: cancel) { progress in
            if progress.completed == 2 { cancel.cancel() }
        }
        XCTAssertTrue(report.cancelled)
        XCTAssertEqual(report.results.epochs(named: EmbeddingFrequencies.name), [0, 100])
        let resumed = try AnalysisRunner(run: synthetic.run).run([EmbeddingFrequencies()])
        XCTAssertFalse(resumed.cancelled)
        XCTAssertEqual(resumed.cached, 2)
        XCTAssertEqual(resumed.computed, 2)
    }

    func testReferenceChoiceKeysTheCache() throws {
        let synthetic = try SyntheticRun()
        defer { synthetic.remove() }
        let runner = try AnalysisRunner(run: synthetic.run)
        let given = runner.run([ProgressMeasures()], reference: .frequencies([2, 3]))
        XCTAssertEqual(given.reference?.frequencies, [2, 3])
        XCTAssertEqual(given.results.result(ProgressMeasures.self, epoch: 0)?.keyFrequencies, [2, 3])
        let again = runner.run([ProgressMeasures()], reference: .frequencies([3, 2]))
        XCTAssertEqual(again.computed, 0)
        let other = runner.run([ProgressMeasures()], reference: .frequencies([4]))
        XCTAssertEqual(other.computed, 3)
        let bad = runner.run([ProgressMeasures(), EmbeddingFrequencies()], reference: .frequencies([99]))
        XCTAssertEqual(bad.failures.count, 1)
        XCTAssertTrue(bad.failures[0].description.contains("progress_measures"))
        XCTAssertEqual(bad.results.epochs(named: EmbeddingFrequencies.name), [0, 100, 200])
        let atEpoch = runner.run([ProgressMeasures()], epochs: [0], reference: .checkpoint(epoch: 100))
        XCTAssertEqual(atEpoch.reference?.epoch, 100)
        XCTAssertEqual(atEpoch.reference?.frequencies, runner.run([KeyFrequencies()], epochs: [100]).results.result(KeyFrequencies.self, epoch: 100)?.keys)
    }

    func testRegistryNamesAndUnknownName() throws {
        let names = AnalysisRegistry.standard.names
        XCTAssertEqual(Set(names).count, names.count)
        XCTAssertEqual(names, ["embedding_frequencies", "neuron_activations", "neuron_clusters", "key_frequencies",
                               "progress_measures", "attention_patterns", "logit_cosines", "excluded_loss_per_frequency"])
        XCTAssertThrowsError(try AnalysisRegistry.standard.analysis(named: "fourier")) { error in
            XCTAssertTrue("\(error)".contains("fourier") && "\(error)".contains("neuron_clusters"))
        }
        let synthetic = try SyntheticRun(epochs: [0])
        defer { synthetic.remove() }
        XCTAssertThrowsError(try AnalysisRunner(run: synthetic.run).run(named: ["nope"]))
        let report = try AnalysisRunner(run: synthetic.run).run(named: ["embedding_frequencies"])
        XCTAssertNotNil(report.results.result(EmbeddingFrequencies.self, epoch: 0))
    }

    /// The docs' example: a new analysis is one type and one registration.
    struct EmbeddingNorm: Analysis {
        static let name = "embedding_norm"
        static let version = 1
        static let summary = "Frobenius norm of W_E"
        struct Result: Codable, Sendable, Equatable { var norm: Double }
        func compute(_ input: AnalysisInput) throws -> Result {
            Result(norm: input.checkpoint.tensor("embed.W_E").reduce(0) { $0 + $1 * $1 }.squareRoot())
        }
    }

    func testACustomAnalysisRunsThroughTheRegistryAndCache() throws {
        var registry = AnalysisRegistry.standard
        registry.register(EmbeddingNorm())
        let synthetic = try SyntheticRun(epochs: [0, 100])
        defer { synthetic.remove() }
        let report = try AnalysisRunner(run: synthetic.run).run(named: ["embedding_norm"], registry: registry)
        XCTAssertEqual(report.computed, 2)
        XCTAssertGreaterThan(report.results.result(EmbeddingNorm.self, epoch: 0)?.norm ?? 0, 0)
        XCTAssertEqual(try AnalysisRunner(run: synthetic.run).run(named: ["embedding_norm"], registry: registry).cached, 2)
    }

    func testEvolutionMatrixAndActivationExport() throws {
        let synthetic = try SyntheticRun()
        defer { synthetic.remove() }
        let runner = try AnalysisRunner(run: synthetic.run)
        let report = runner.run([EmbeddingFrequencies()])
        let evolution = EmbeddingFrequencies.evolution(report.results.series(EmbeddingFrequencies.self))
        XCTAssertEqual(evolution.epochs, [0, 100, 200])
        XCTAssertEqual(evolution.frequencies, Array(1...5))
        XCTAssertEqual(evolution.norms.count, 5)
        XCTAssertEqual(evolution.norms[2][1], report.results.result(EmbeddingFrequencies.self, epoch: 100)!.frequencyNorms[2])

        let state = try runner.state(epoch: 100)
        let url = try ActivationExport.write(state, run: synthetic.run)
        let file = try SafetensorsFile.read(from: url)
        XCTAssertEqual(file.tensors["mlp_post"]?.shape, [11, 11, 32])
        XCTAssertEqual(try file.floats("mlp_post", shape: [11, 11, 32]), state.forward.activations)
        XCTAssertEqual(file.tensors["logits"]?.shape, [11, 11, 11])
        XCTAssertThrowsError(try runner.state(epoch: 150))
    }
}
