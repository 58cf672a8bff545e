import ArgumentParser
import Foundation
import WBTraining

/// `wb bench`: times the training engine on the paper's configuration (full-batch step + test evaluation per epoch).
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Time training epochs (train step + test evaluation) on the paper config; prints ms_per_epoch=… last.",
        discussion: "Example: wb bench --epochs 100 p=113 frac=0.3"
    )

    @Option(help: "Epochs to time after the warm-up.") var epochs = 60
    @Option(help: "Untimed warm-up epochs.") var warmup = 10
    @Argument(help: "Config overrides, key=value (default: the paper's config).") var assignments: [String] = []

    func run() throws {
        let config: TrainingConfig
        do { config = try TrainingConfig().applying(assignments) } catch { throw ValidationError("\(error)") }
        BLASThreads.set(config.threads)
        let layout = ParameterLayout(config.shape)
        let engine = TrainingEngine(config: config, split: DataSplit.shuffled(p: config.p, frac: config.frac, seed: UInt64(config.dataSeed)),
                                    parameters: ParameterInitializer.paperInitialization(layout, seed: config.initSeed))
        for _ in 0..<warmup { engine.step() }
        var times: [Double] = []
        for _ in 0..<epochs {
            let start = DispatchTime.now().uptimeNanoseconds
            engine.step()
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
        }
        times.sort()
        let median = times[times.count / 2]
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        let peakMB = Double(usage.ru_maxrss) / 1024
        print("config: p=\(config.p) frac=\(config.frac) d_model=\(config.dModel) heads=\(config.heads) d_mlp=\(config.dMLP) threads=\(config.threads)")
        print("parameters: \(layout.totalCount), train pairs: \(engine.split.trainIndices.count), test pairs: \(engine.split.testIndices.count)")
        print(String(format: "epochs timed: %d after %d warm-up; min %.1f ms, median %.1f ms, p90 %.1f ms", epochs, warmup,
                     times.first!, median, times[min(times.count - 1, times.count * 9 / 10)]))
        print(String(format: "peak resident memory: %.0f MB", peakMB))
        print(String(format: "ms_per_epoch=%.1f", median))
    }
}
