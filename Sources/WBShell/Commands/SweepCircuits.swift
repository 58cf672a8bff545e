import Foundation
import WBAnalysis
import WBSweeps
import WBTraining

/// The summary of a sweep with the circuit of each finished point: the key frequencies and the share of clustered
/// neurons of its final checkpoint, by `KeyFrequencies` and `NeuronClusters` through each run's analysis cache (so a
/// second `sweep table` reads them back). Points whose task has no Fourier reading (x2y2, …) and points not finished are
/// left out; a point whose analyses fail is left out too, and the summary still comes.
enum SweepCircuits {
    static func summary(_ folder: SweepFolder) throws -> SweepSummary {
        var summary = try SweepSummary.read(folder)
        for row in summary.rows where row.state == .finished {
            let run = folder.run(row.point)
            guard let record = try? run.readRecord(), KeyFrequencies.applies(to: record.config.task),
                  let last = run.checkpointEpochs().last, let runner = try? AnalysisRunner(run: run) else { continue }
            let report = runner.run([KeyFrequencies(), NeuronClusters()], epochs: [last])
            guard let keys = report.results.result(KeyFrequencies.self, epoch: last),
                  let clusters = report.results.result(NeuronClusters.self, epoch: last) else { continue }
            summary.circuits[row.point.name] = .init(keyFrequencies: keys.keys, clusteredShare: clusters.clusteredShare)
        }
        return summary
    }
}
