import Foundation
import WBAnalysis
import WBSweeps
import WBTraining

/// `plot sweep X [Y] llc[@EPOCH] [of=C] [llc_KEY=VALUE …]`: the local learning coefficient as a sweep's measure.
extension CommandExecutor {
    /// λ̂ of every finished point at `epoch` (nil: each point's last checkpoint) for one component (`of=`, default all),
    /// with each point's own LLC defaults under the `llc_KEY=VALUE` words, read from its cache or estimated first (with
    /// progress; Ctrl-C keeps what is done). A point without that checkpoint is an error naming it.
    func sweepLLC(_ summary: SweepSummary, folder: SweepFolder, epoch: Int?, options: [String],
                  context: ExecutionContext) throws -> (values: [String: Double], label: String) {
        let finished = summary.rows.filter { $0.state == .finished }
        guard !finished.isEmpty else { throw ShellError("sweep \(summary.name) has no finished point to estimate λ̂ for") }
        var values: [String: Double] = [:]
        var component = "all"
        for (index, row) in finished.enumerated() {
            let run = folder.run(row.point)
            let runner = try LLCRunner(run: run)
            let (components, settings, rest) = try llcOptions(options, runner: runner)
            if let extra = rest.first { throw ShellError("the llc measure takes of=COMPONENT and llc_KEY=VALUE words, not '\(extra)'") }
            guard components.count == 1 else {
                throw ShellError("the llc measure of a sweep takes one component (e.g. of=embed), not \(components.count)")
            }
            component = components[0].name
            let checkpoints = run.checkpointEpochs()
            guard let at = epoch ?? checkpoints.last else { continue }
            guard checkpoints.contains(at) else {
                throw ShellError("point \(row.point.name) has no checkpoint at epoch \(at) (it has \(Self.epochList(checkpoints))); "
                    + "choose one every point has, or llc for each point's last")
            }
            let report: LLCRunner.Report
            let progress = SerialProgress(context.onProgress), label = "llc of sweep \(summary.name): point \(index + 1) of \(finished.count)"
            do {
                report = try runner.run(epochs: [at], components: components, settings: settings, cancel: context.cancel) {
                    progress.report(label, $0)
                }
            } catch { throw ShellError("\(error)") }
            if report.cancelled { throw ShellError("stopped (Ctrl-C); the estimates finished are kept in each point's cache") }
            if let failure = report.failures.first { throw ShellError("point \(row.point.name): \(failure.description)") }
            if let llc = report.estimates.first?.llc { values[row.point.name] = llc }
        }
        let label = "λ̂" + (component == "all" ? "" : " of \(component)") + (epoch.map { " at epoch \($0)" } ?? " at the last checkpoint")
        return (values, label)
    }

    /// "0, 100, …, 3000" (at most the first three and the last).
    static func epochList(_ epochs: [Int]) -> String {
        epochs.count <= 4 ? epochs.map(String.init).joined(separator: ", ")
            : epochs.prefix(3).map(String.init).joined(separator: ", ") + ", …, \(epochs.last!)"
    }
}
