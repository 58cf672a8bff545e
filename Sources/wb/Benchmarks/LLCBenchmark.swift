import Dispatch
import Foundation
import WBAnalysis
import WBTraining

/// `wb bench --only llc`: one LLC estimate of a paper-size checkpoint (the paper config's initial weights) with 4 chains ×
/// 200 draws on minibatches of 512, the setting of `Scripts/devinterp_compare.py`; the median over `repeats` estimates
/// after one untimed, and what 40 checkpoints cost at that rate; then the GEMM work of an estimate and its floor: that
/// work at the pinned sgemm's rate with every thread busy (`GEMMPeakProbe`, measured between the estimates), the least
/// time this formulation can take on this processor.
enum LLCBenchmark {
    static func run(config: TrainingConfig, repeats: Int) throws -> [String] {
        let settings = try LLCSettings().applying(["llc_chains=4", "llc_draws=200", "llc_batch=512", "llc_eps=1e-4"])
        let parameters = ParameterInitializer.initialWeights(config.layout, seed: config.initSeed)
        let estimator = try LLCEstimator(config: config, split: config.shuffledSplit, settings: settings)
        let all = ModelComponent.all(of: config.layout)[0]
        let probe = GEMMPeakProbe(threads: config.threads)
        var seconds: [Double] = [], peaks: [Double] = [], gemmFlops: [Double] = [], gemmSeconds: [Double] = []
        for index in 0...repeats {
            let start = DispatchTime.now().uptimeNanoseconds
            var estimate: LLCEstimate?
            let tally = NumericPlatform.gemmTally { estimate = estimator.estimate(parameters, epoch: 0, component: all) }
            guard let estimate else { break }
            precondition(estimate.chainsDiverged == 0, "the benchmark's chains diverged")
            if index > 0 {
                seconds.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
                gemmFlops.append(Double(tally.flops))
                gemmSeconds.append(Double(tally.nanoseconds) / 1e9)
                peaks.append(probe.round())
            }
        }
        let time = median(seconds), threads = Double(estimator.workers)
        let steps = Double(settings.chains * (settings.draws + settings.burnin))
        let flops = median(gemmFlops), gemmTime = median(gemmSeconds), peak = median(peaks)
        let floor = flops / (peak * 1e9 * Double(probe.threads))
        return [
            String(format: "llc: paper-size checkpoint, 4 chains × 200 draws, batch 512, %d threads: median %.2f s per estimate "
                   + "(%d repeats, min %.2f, max %.2f); %.1f ms per SGLD step of one chain; 40 checkpoints ≈ %.1f min",
                   config.threads, time, seconds.count, seconds.min()!, seconds.max()!, time * 1e3 * threads / steps, 40 * time / 60),
            String(format: "llc GEMMs: %.3f GFLOP per SGLD step, %.0f %% of the threads' time at %.1f GFLOP/s per thread; the "
                   + "pinned sgemm ran at %.1f GFLOP/s per thread with every thread busy (median, measured between the "
                   + "estimates), so this formulation needs at least %.2f s per estimate here (the median is %.2f× that)",
                   flops / steps / 1e9, 100 * gemmTime / (time * threads), flops / gemmTime / 1e9, peak, floor, time / floor),
        ]
    }
}
