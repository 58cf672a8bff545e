import Foundation
import WBAnalysis
import WBTraining
import XCTest

/// On a real grokking run (set `WB_GROKKING_RUN` to its folder; skipped otherwise), the analyses must show what the paper
/// shows. `WB_ANALYSIS_SUMMARY=<file>` also writes a per-checkpoint table (used for docs/analysis.md).
final class GrokkingRunTests: XCTestCase {
    func testAnalysesShowGrokking() throws {
        guard let path = ProcessInfo.processInfo.environment["WB_GROKKING_RUN"] else {
            throw XCTSkip("set WB_GROKKING_RUN to a grokked run folder")
        }
        let run = RunFolder(url: URL(fileURLWithPath: path))
        let runner = try AnalysisRunner(run: run)
        let report = runner.run(AnalysisRegistry.standard.analyses)
        XCTAssertEqual(report.failures, [])
        var lines = ["reference: \(String(describing: report.reference))", "computed \(report.computed), cached \(report.cached), \(report.seconds) s"]
        lines.append("epoch  emb_dominant  keys(W_L)  emb_keys  cluster_keys  tl_quarter  clustered  restricted  restr_all  excluded  train  test  test_acc  gini_E  gini_WL  sumsq  heads  cos_explained")
        for epoch in report.epochs {
            guard let e = report.results.result(EmbeddingFrequencies.self, epoch: epoch),
                  let k = report.results.result(KeyFrequencies.self, epoch: epoch),
                  let c = report.results.result(NeuronClusters.self, epoch: epoch),
                  let m = report.results.result(ProgressMeasures.self, epoch: epoch),
                  let a = report.results.result(AttentionPatterns.self, epoch: epoch),
                  let l = report.results.result(LogitCosines.self, epoch: epoch) else { continue }
            let heads = a.heads.map { "\($0.patternFrequency):\(String(format: "%.2f", $0.patternFrequencyFraction))" }.joined(separator: ",")
            lines.append(String(format: "%5d  %@  %@  %@  %@  %@  %.3f  %.3e  %.3e  %.3e  %.3e  %.3e  %.3f  %.3f  %.3f  %.1f  %@  %.3f", epoch,
                                "\(e.dominant)", "\(k.logitMap)", "\(k.embedding)", "\(k.neuronClusters)", "\(k.embeddingQuarterOfMax)",
                                c.clusteredShare, m.restrictedLoss, m.restrictedLossAll, m.excludedLoss, m.trainLoss, m.testLoss,
                                m.testAccuracy, m.giniEmbedding, m.giniLogitMap, m.sumSquaredWeights, heads, l.explainedFraction))
        }
        if let last = report.epochs.last, let c = report.results.result(NeuronClusters.self, epoch: last) {
            lines.append("clusters at \(last): \(c.clusters.map { "\($0.frequency)→\($0.neurons)" }.joined(separator: " ")), none \(c.unclustered)")
        }
        if let last = report.epochs.last, let x = report.results.result(ExcludedLossPerFrequency.self, epoch: last) {
            lines.append("excluded per frequency at \(last): \(zip(x.frequencies, x.losses).map { "\($0)=\(String(format: "%.3g", $1))" }.joined(separator: " "))")
        }
        if let out = ProcessInfo.processInfo.environment["WB_ANALYSIS_SUMMARY"] {
            try lines.joined(separator: "\n").write(toFile: out, atomically: true, encoding: .utf8)
        }
    }
}
