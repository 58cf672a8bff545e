import Dispatch
import Foundation
import WBAnalysis
import WBTraining

/// `wb bench --only llc`: one LLC estimate of a paper-size checkpoint (the paper config's initial weights) with 4 chains ×
/// 200 draws on minibatches of 512, the setting of `Scripts/devinterp_compare.py`; the median over `repeats` estimates
/// after one untimed, and what 40 checkpoints cost at that rate.
enum LLCBenchmark {
    static func run(config: TrainingConfig, repeats: Int) throws -> [String] {
        let settings = try LLCSettings().applying(["llc_chains=4", "llc_draws=200", "llc_batch=512", "llc_eps=1e-4"])
        let parameters = ParameterInitializer.initialWeights(config.layout, seed: config.initSeed)
        let estimator = try LLCEstimator(config: config, split: config.shuffledSplit, settings: settings)
        let all = ModelComponent.all(of: config.layout)[0]
        var seconds: [Double] = []
        for index in 0...repeats {
            let start = DispatchTime.now().uptimeNanoseconds
            guard let estimate = estimator.estimate(parameters, epoch: 0, component: all) else { break }
            precondition(estimate.chainsDiverged == 0, "the benchmark's chains diverged")
            if index > 0 { seconds.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9) }
        }
        seconds.sort()
        let median = seconds[seconds.count / 2]
        let steps = Double(settings.chains * (settings.draws + settings.burnin))
        return [String(format: "llc: paper-size checkpoint, 4 chains × 200 draws, batch 512, %d threads: median %.2f s per estimate "
                       + "(%d repeats, min %.2f, max %.2f); %.1f ms per SGLD step of one chain; 40 checkpoints ≈ %.1f min",
                       config.threads, median, seconds.count, seconds.first!, seconds.last!,
                       median * 1e3 * Double(estimator.workers) / steps, 40 * median / 60)]
    }
}
