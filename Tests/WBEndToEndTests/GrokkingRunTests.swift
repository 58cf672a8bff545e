import Foundation
import WBAnalysis
import WBTraining
import XCTest

/// On real grokking runs, the analyses must show what the paper claims, in a form that holds for any seed and any numeric
/// kernels (the exact frequencies a run settles on are not among those claims). `WB_GROKKING_RUNS` names the folder that
/// holds them (`Scripts/test` trains two: grokking.wbnb's config, p = 113, frac 0.4, 3,000 epochs, with seeds 0 and 1);
/// `WB_ANALYSIS_SUMMARY=<file>` also writes a per-checkpoint table for each (the source of the figures in docs/analysis.md).
final class GrokkingRunTests: XCTestCase {
    static let runNames = ["grokking-demo", "grokking-seed1"]

    func testAnalysesShowGrokkingOnTwoSeeds() throws {
        guard let folder = ProcessInfo.processInfo.environment["WB_GROKKING_RUNS"] else {
            throw XCTSkip("set WB_GROKKING_RUNS to a folder holding the grokked runs \(Self.runNames)")
        }
        for name in Self.runNames {
            try checkFindings(RunFolder(url: URL(fileURLWithPath: folder).appendingPathComponent(name)))
        }
    }

    private func checkFindings(_ run: RunFolder) throws {
        let name = run.name
        try warmCache(run)
        let report = try AnalysisRunner(run: run).run(AnalysisRegistry.standard.analyses)
        XCTAssertEqual(report.failures, [], name)
        let keys = try XCTUnwrap(report.reference?.frequencies, name)
        let measures = report.results.series(ProgressMeasures.self)
        let clusters = report.results.series(NeuronClusters.self)
        let last = try XCTUnwrap(measures.last, name)
        let final = try XCTUnwrap(clusters.last?.result, name)
        let neurons = final.cluster.count

        // Memorisation first: the training set is fitted while the test set is not.
        func firstEpoch(_ below: Double, _ value: (ProgressMeasures.Result) -> Double) -> Int? {
            measures.first { value($0.result) < below }?.epoch
        }
        let memorized = try XCTUnwrap(firstEpoch(0.05) { $0.trainLoss }, name)
        let atMemorized = try XCTUnwrap(measures.first { $0.epoch == memorized }?.result, name)
        XCTAssertGreaterThan(atMemorized.testLoss, 2, "\(name): test loss when the training set is fitted")
        // Then grokking: the test set is solved at the end.
        XCTAssertGreaterThanOrEqual(last.result.testAccuracy, 0.999, name)
        XCTAssertLessThan(last.result.testLoss, 1e-3, name)

        // The circuit: a handful of frequencies each hold a cluster of at least 3 % of the neurons; together those clusters
        // hold a large share of all neurons; each is a key frequency and a dominant frequency of the embedding; and
        // removing any of them from the logits costs at least 10× the train loss.
        let circuit = final.clusters.filter { $0.neurons * 100 >= 3 * neurons }.map(\.frequency).sorted()
        XCTAssertTrue((3...7).contains(circuit.count), "\(name): circuit frequencies \(circuit)")
        let inCircuit = final.clusters.filter { circuit.contains($0.frequency) }.reduce(0) { $0 + $1.neurons }
        XCTAssertGreaterThan(Double(inCircuit) / Double(neurons), 0.4, "\(name): \(final.clusters)")
        XCTAssertTrue(Set(circuit).isSubset(of: keys), "\(name): circuit \(circuit), key frequencies \(keys)")
        let dominant = try XCTUnwrap(report.results.result(EmbeddingFrequencies.self, epoch: last.epoch)?.dominant, name)
        XCTAssertTrue(Set(circuit).isSubset(of: dominant), "\(name): circuit \(circuit), embedding \(dominant)")
        let excluded = try XCTUnwrap(report.results.result(ExcludedLossPerFrequency.self, epoch: last.epoch), name)
        for (frequency, loss) in zip(excluded.frequencies, excluded.losses) where circuit.contains(frequency) {
            XCTAssertGreaterThan(loss, 10 * excluded.trainLoss, "\(name): excluding frequency \(frequency)")
        }

        // Progress measures: restricted loss falls before test loss; excluded loss peaks after memorisation at more than
        // twice its value then; the Gini coefficients rise through clean-up; the sum of squared weights falls.
        let restrictedDown = try XCTUnwrap(firstEpoch(0.1) { $0.restrictedLoss }, name)
        let testDown = try XCTUnwrap(firstEpoch(0.1) { $0.testLoss }, name)
        XCTAssertLessThan(restrictedDown, testDown, name)
        let peakExcluded = measures.max { $0.result.excludedLoss < $1.result.excludedLoss }!
        XCTAssertGreaterThan(peakExcluded.epoch, memorized, name)
        XCTAssertGreaterThan(peakExcluded.result.excludedLoss, 2 * atMemorized.excludedLoss, name)
        let atTestDown = measures.first { $0.epoch == testDown }!.result
        XCTAssertGreaterThan(last.result.giniEmbedding, atTestDown.giniEmbedding + 0.1, name)
        XCTAssertGreaterThan(last.result.giniLogitMap, atTestDown.giniLogitMap + 0.1, name)
        XCTAssertLessThan(last.result.sumSquaredWeights, 0.5 * measures.map(\.result.sumSquaredWeights).max()!, name)

        guard let summary = ProcessInfo.processInfo.environment["WB_ANALYSIS_SUMMARY"] else { return }
        let out = summary + "." + name
        var lines = ["reference: \(keys) from epoch \(report.reference?.epoch ?? -1); computed \(report.computed), cached \(report.cached), \(String(format: "%.1f", report.seconds)) s",
                     "epoch | W_E dominant (gap) | key_frequencies.logit_map | W_E max/4 count | clustered | restricted (test) | excluded (train) | train | test | test acc | Gini W_E | Gini W_L | Σθ² | head frequencies | cos explained"]
        for (epoch, m) in measures {
            guard let e = report.results.result(EmbeddingFrequencies.self, epoch: epoch),
                  let k = report.results.result(KeyFrequencies.self, epoch: epoch),
                  let c = report.results.result(NeuronClusters.self, epoch: epoch),
                  let a = report.results.result(AttentionPatterns.self, epoch: epoch),
                  let l = report.results.result(LogitCosines.self, epoch: epoch) else { continue }
            let heads = a.heads.map { "\($0.patternFrequency)" }.joined(separator: ",")
            lines.append(String(format: "%d | %@ | %@ | %d | %.3f | %.3g | %.3g | %.3g | %.3g | %.3f | %.3f | %.3f | %.0f | %@ | %.3f", epoch,
                                "\(e.dominant)", "\(k.logitMap)", k.embeddingQuarterOfMax.count, c.clusteredShare, m.restrictedLoss,
                                m.excludedLoss, m.trainLoss, m.testLoss, m.testAccuracy, m.giniEmbedding, m.giniLogitMap,
                                m.sumSquaredWeights, heads, l.explainedFraction))
        }
        lines.append("clusters at \(last.epoch): \(final.clusters.map { "\($0.frequency)→\($0.neurons)" }.joined(separator: " ")), none \(final.unclustered)")
        if let x = report.results.result(ExcludedLossPerFrequency.self, epoch: last.epoch) {
            lines.append("excluded loss per frequency at \(last.epoch): \(zip(x.frequencies, x.losses).map { "\($0): \(String(format: "%.3g", $1))" }.joined(separator: ", ")) (train loss \(String(format: "%.3g", x.trainLoss)))")
        }
        try lines.joined(separator: "\n").write(toFile: out, atomically: true, encoding: .utf8)
    }

    /// With `WB_BINARY` (a release build; `Scripts/test` sets it), the analyses are computed there first, through the
    /// prompt's `analyze` over every checkpoint, and the checks below read them from the run's cache: the same code and
    /// results, in a fraction of a debug build's time. Without it, the runner computes them here.
    private func warmCache(_ run: RunFolder) throws {
        guard let binary = ProcessInfo.processInfo.environment["WB_BINARY"], !binary.isEmpty else { return }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["--runs", run.url.deletingLastPathComponent().path, "-c",
                             "load \(run.name); range all; analyze freq clusters keys progress neurons attention cosines excluded"]
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, "analysing \(run.name) with \(binary)")
    }
}
