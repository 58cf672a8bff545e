import Dispatch
import Foundation
import WBShell
import WBTraining

/// `wb bench --only literature`: the setups of the literature templates on the general path. Transformers with
/// minibatches are timed per optimizer step (forward, backward and update on one batch, as the papers count steps);
/// full-batch MLPs per epoch (the step, then the train and test sets evaluated, as `train` runs it). Each line also says
/// where the CPU time goes (OpenBLAS GEMMs against wb's own loops). `Scripts/pytorch_literature.py` times the same
/// setups in PyTorch.
enum LiteratureBenchmark {
    static let templates = ["power2022", "grokfast2024", "gromov2023", "prieto2025-stablemax", "prieto2025-orthograd"]

    static func run(repeats: Int, threads: Int?) throws -> [String] {
        var lines: [String] = []
        for name in templates {
            guard var config = TrainingTemplate.builtIn.first(where: { $0.name == name })?.config else { continue }
            if let threads { config.threads = threads }
            let layout = config.layout
            let parameters = ParameterInitializer.initialWeights(layout, seed: config.initSeed)
            let split = config.shuffledSplit
            if config.batch > 0 {
                lines.append(try stepLine(name, config, parameters: parameters, split: split, repeats: repeats))
            } else {
                lines.append(epochLine(name, config, parameters: parameters, split: split, repeats: repeats))
            }
        }
        return lines
    }

    /// One optimizer step on a batch of `config.batch` training pairs, median over `repeats` after 3 untimed.
    static func stepLine(_ name: String, _ config: TrainingConfig, parameters initial: [Float], split: DataSplit,
                         repeats: Int) throws -> String {
        let model = makeTrainableModel(config)
        let optimizer = Optimizer(config)
        var parameters = initial, state = optimizer.initialState(count: initial.count)
        var gradients = [Float](repeating: 0, count: initial.count)
        let examples = ExampleBatch(flatIndices: Array(split.trainIndices.prefix(config.batch)), p: config.p, task: config.task)
        var filterState = GradientFilterState()
        func step() {
            parameters.withUnsafeBufferPointer { w in
                model.prepare(parameters: w.baseAddress!)
                gradients.withUnsafeMutableBufferPointer { g in
                    _ = model.lossAndGradient(examples, parameters: w.baseAddress!, gradients: g.baseAddress!)
                }
            }
            config.gradientFilter.apply(to: &gradients, state: &filterState, split: model.split)
            optimizer.update(parameters: &parameters, gradients: gradients, state: &state, lr: config.lr, split: model.split)
        }
        for _ in 0..<3 { step() }
        let (median, cpu, gemm) = timed(repeats, step)
        return String(format: "%@: %.2f ms per optimizer step (batch %d, median of %d): %.0f steps/s; CPU %.1f ms per step, "
                      + "%.0f %% in GEMMs, %.0f %% in wb's own loops", name, median, config.batch, repeats, 1000 / median, cpu,
                      100 * gemm / cpu, 100 * (cpu - gemm) / cpu)
    }

    /// One epoch as `train` runs it (the full-batch step with the train set's measures, then the test set).
    static func epochLine(_ name: String, _ config: TrainingConfig, parameters: [Float], split: DataSplit,
                          repeats: Int) -> String {
        let engine = TrainingEngine(config: config, split: split, parameters: parameters)
        for _ in 0..<3 { engine.step() }
        let (median, cpu, gemm) = timed(repeats) { engine.step() }
        return String(format: "%@: %.2f ms per epoch (full batch of %d, test set of %d, median of %d): %.0f epochs/s; CPU %.1f ms "
                      + "per epoch, %.0f %% in GEMMs, %.0f %% in wb's own loops", name, median, split.trainIndices.count,
                      split.testIndices.count, repeats, 1000 / median, cpu, 100 * gemm / cpu, 100 * (cpu - gemm) / cpu)
    }

    /// Median wall time, mean CPU time and mean GEMM time per call, in ms.
    static func timed(_ repeats: Int, _ body: () -> Void) -> (median: Double, cpu: Double, gemm: Double) {
        var times: [Double] = []
        let cpuStart = cpuSeconds()
        let tally = NumericPlatform.gemmTally {
            for _ in 0..<repeats {
                let start = DispatchTime.now().uptimeNanoseconds
                body()
                times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
            }
        }
        let cpu = (cpuSeconds() - cpuStart) * 1000 / Double(repeats)
        return (median(times), cpu, Double(tally.nanoseconds) / 1e6 / Double(repeats))
    }
}
