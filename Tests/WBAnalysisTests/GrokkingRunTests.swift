import Foundation
import WBAnalysis
import WBTraining
import XCTest

/// On a real grokking run (set `WB_GROKKING_RUN` to its folder, trained well past grokking; skipped otherwise; use a
/// release build), the analyses must show what the paper shows. `WB_ANALYSIS_SUMMARY=<file>` also writes a per-checkpoint
/// table (the source of the figures in docs/analysis.md).
final class GrokkingRunTests: XCTestCase {
    func testAnalysesShowGrokking() throws {
        guard let path = ProcessInfo.processInfo.environment["WB_GROKKING_RUN"] else {
            throw XCTSkip("set WB_GROKKING_RUN to a grokked run folder")
        }
        let run = RunFolder(url: URL(fileURLWithPath: path))
        let report = try AnalysisRunner(run: run).run(AnalysisRegistry.standard.analyses)
        XCTAssertEqual(report.failures, [])
        let keys = try XCTUnwrap(report.reference?.frequencies)
        let measures = report.results.series(ProgressMeasures.self)
        let clusters = report.results.series(NeuronClusters.self)
        let last = try XCTUnwrap(measures.last)

        // A handful of key frequencies, and most neurons in single-frequency clusters of those frequencies.
        XCTAssertTrue((3...7).contains(keys.count), "key frequencies \(keys)")
        let final = try XCTUnwrap(clusters.last?.result)
        XCTAssertGreaterThan(final.clusteredShare, 0.7)
        XCTAssertEqual(Set(final.clusters.filter { $0.neurons >= 5 }.map(\.frequency)), Set(keys))
        XCTAssertEqual(report.results.result(EmbeddingFrequencies.self, epoch: last.epoch)?.dominant, keys)

        // Restricted loss falls before test loss (first epoch below 0.1), excluded loss rises after memorisation.
        func firstEpoch(_ below: Double, _ value: (ProgressMeasures.Result) -> Double) -> Int? {
            measures.first { value($0.result) < below }?.epoch
        }
        let restrictedDown = try XCTUnwrap(firstEpoch(0.1) { $0.restrictedLoss })
        let testDown = try XCTUnwrap(firstEpoch(0.1) { $0.testLoss })
        XCTAssertLessThan(restrictedDown, testDown)
        let memorised = try XCTUnwrap(firstEpoch(0.05) { $0.trainLoss })
        let peakExcluded = measures.max { $0.result.excludedLoss < $1.result.excludedLoss }!
        XCTAssertGreaterThan(peakExcluded.epoch, memorised)
        XCTAssertGreaterThan(peakExcluded.result.excludedLoss, 2 * measures.first { $0.epoch == memorised }!.result.excludedLoss)

        // Gini rises through clean-up; the sum of squared weights falls.
        let atTestDown = measures.first { $0.epoch == testDown }!.result
        XCTAssertGreaterThan(last.result.giniEmbedding, atTestDown.giniEmbedding + 0.1)
        XCTAssertGreaterThan(last.result.giniLogitMap, atTestDown.giniLogitMap + 0.1)
        XCTAssertLessThan(last.result.sumSquaredWeights, 0.5 * measures.map(\.result.sumSquaredWeights).max()!)

        guard let out = ProcessInfo.processInfo.environment["WB_ANALYSIS_SUMMARY"] else { return }
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
}
