import ArgumentParser
import Foundation
import WBAnalysis
import WBPlotting
import WBShell
import WBTraining

/// `wb bench`: the benchmarks (`Scripts/bench` runs them in a release build). Sections: training (paper config, ms per epoch),
/// figures (render times and sizes), analysis (one checkpoint, 100 cold, 100 cached), shell (`at` + plot from the cache),
/// dashboard (a live step from the cache, the report over 50 checkpoints), literature (the templates of the other papers).
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmarks: training ms per epoch (last line ms_per_epoch=…), figures, analyses, shell latency, dashboard.",
        discussion: """
        The training section times paper epochs against their GEMM floor (the epoch's GEMM work at the rate of a \
        1024³ product measured after each epoch), lists the epoch's GEMMs by shape with their rates, and splits the \
        ratio to the floor into the GEMMs' part, our own loops' and idle threads'.

        Examples:
          wb bench                         every section
          wb bench --only training         just the training engine
          wb bench --epochs 100 threads=1  more epochs, one worker thread
          wb bench --only training grokfast=ema   the paper config with Grokfast-EMA
          wb bench --only literature       the literature templates (steps or epochs per second)
          wb bench --only llc              one LLC estimate of a paper-size checkpoint (4 chains × 200 draws, batch 512)
          wb bench --only dashboard --dashboard-run runs/nanda2023
                                           the dashboard on a copy of 50 checkpoints of a trained run
        """
    )

    enum Section: String, ExpressibleByArgument, CaseIterable { case training, figures, analysis, shell, dashboard, literature, llc }

    @Option(help: "Epochs to time after the warm-up.") var epochs = 60
    @Option(help: "Untimed warm-up epochs.") var warmup = 10
    @Option(help: "Run only this section (training, figures, analysis, shell, dashboard, literature, llc).") var only: Section?
    @Option(help: "A trained run for the dashboard section (up to 50 of its checkpoints are copied; default: a paper-config run trained for 49 epochs here).")
    var dashboardRun: String?
    @Flag(help: "Skip the Grokfast rows of the training section.") var noFilters = false
    @Argument(help: "Training config overrides, key=value (default: the paper's config).") var assignments: [String] = []

    func run() throws {
        let config: TrainingConfig
        do { config = try TrainingConfig().applying(assignments) } catch { throw ValidationError("\(error)") }
        let sections = only.map { [$0] } ?? Section.allCases
        var trainingLine: String?
        for section in sections where section != .training {
            print("== \(section.rawValue)")
            switch section {
            case .figures: FigureBenchmark.run().forEach { print($0) }
            case .analysis: try AnalysisBenchmark.run(checkpoints: 100, threads: config.threads).forEach { print($0) }
            case .shell: try shellBenchmark(threads: config.threads).forEach { print($0) }
            case .dashboard:
                try DashboardBenchmark.run(source: dashboardRun.map { URL(fileURLWithPath: $0).standardizedFileURL }, threads: config.threads)
                    .forEach { print($0) }
            case .literature:
                let threads = assignments.contains { $0.hasPrefix("threads=") } ? config.threads : nil
                try LiteratureBenchmark.run(repeats: max(5, epochs / 4), threads: threads).forEach { print($0) }
            case .llc: try LLCBenchmark.run(config: config, repeats: 5).forEach { print($0) }
            case .training: break
            }
        }
        if sections.contains(.training) {
            print("== training")
            trainingLine = try trainingBenchmark(config)
            if config.grokfast == .none && !noFilters { try filterBenchmark(config) }
        }
        // The training figure is the last line, as Scripts/bench promises.
        if let trainingLine { print(trainingLine) }
    }

    /// The cost of each Grokfast filter on `config`: the filter alone (median of 30 applications to a full state), and
    /// whole epochs with each filter against plain ones. The three engines step in turn (plain, EMA, MA, plain, …) after
    /// the MA window has filled, so a change of the machine's speed during the run affects all three alike.
    func filterBenchmark(_ config: TrainingConfig) throws {
        let layout = config.layout
        let initial = ParameterInitializer.initialWeights(layout, seed: config.initSeed)
        var engines: [(label: String, engine: TrainingEngine, alone: Double?)] = []
        for kind in [GradientFilterKind.none, .ema, .ma] {
            var filtered = config
            filtered.grokfast = kind
            let filter = filtered.gradientFilter
            var alone: Double?
            if kind != .none {
                var state = GradientFilterState()
                var gradients = (0..<layout.totalCount).map { Float(($0 % 97) - 48) * 1e-4 }
                let split = WorkSplit(workers: config.threads)
                for _ in 0..<(kind == .ma ? filter.window : 1) { filter.apply(to: &gradients, state: &state, split: split) }
                var times: [Double] = []
                for _ in 0..<30 {
                    let start = DispatchTime.now().uptimeNanoseconds
                    filter.apply(to: &gradients, state: &state, split: split)
                    times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
                }
                alone = median(times)
            }
            let label = kind == .none ? "none" : kind == .ema ? "ema (α 0.98, λ 2)" : "ma (window \(filter.window), λ 5)"
            let engine = TrainingEngine(config: filtered, split: filtered.shuffledSplit, parameters: initial)
            for _ in 0..<(kind == .ma ? filter.window + 5 : warmup) { engine.step() }
            engines.append((label, engine, alone))
        }
        var times = [[Double]](repeating: [], count: engines.count)
        for _ in 0..<epochs {
            for (i, entry) in engines.enumerated() {
                let start = DispatchTime.now().uptimeNanoseconds
                entry.engine.step()
                times[i].append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
            }
        }
        let medians = times.map(median)
        for (i, entry) in engines.enumerated() where i > 0 {
            print(String(format: "grokfast=%@: filter alone %.2f ms per step (%.1f %% of the plain epoch); epoch %.1f ms against "
                         + "%.1f ms plain, stepped in turn (%+.1f %%)", entry.label, entry.alone ?? 0,
                         100 * (entry.alone ?? 0) / medians[0], medians[i], medians[0], 100 * (medians[i] - medians[0]) / medians[0]))
        }
    }

    /// Times full epochs (train step + test evaluation) of `config` and reports the median, where the time goes, the GEMM
    /// floor and peak memory. The floor is measured interleaved: after each timed epoch one round of a `GEMMPeakProbe`
    /// (every worker multiplying a 1024³ product at once), so epoch i and its floor see the same machine. The epoch's floor
    /// is its GEMM work at that round's rate on every thread; the ratio is the median over epochs of epoch time / floor.
    func trainingBenchmark(_ config: TrainingConfig) throws -> String {
        let layout = config.layout
        let engine = TrainingEngine(config: config, split: config.shuffledSplit,
                                    parameters: ParameterInitializer.initialWeights(layout, seed: config.initSeed))
        let probe = GEMMPeakProbe(threads: config.threads)
        for _ in 0..<warmup { engine.step() }
        _ = probe.round()
        var times: [Double] = [], floors: [Double] = [], peaks: [Double] = []
        var breakdown = FloorBreakdown(threads: probe.threads)
        for _ in 0..<epochs {
            let cpuStart = cpuSeconds(), start = DispatchTime.now().uptimeNanoseconds
            let tally = NumericPlatform.gemmTally { engine.step() }
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
            let cpuTime = (cpuSeconds() - cpuStart) * 1000
            let peak = probe.round()
            peaks.append(peak)
            floors.append(breakdown.add(wallMilliseconds: times.last!, cpuMilliseconds: cpuTime, gemms: tally, probeRate: peak))
        }
        let (cpu, wall, gemm, gflop) = (breakdown.meanCPU, breakdown.meanWall, breakdown.meanGEMM, breakdown.gigaflopsPerEpoch)
        let ratios = zip(times, floors).map { $0 / $1 }
        let sorted = times.sorted()
        let medianTime = median(times), medianFloor = median(floors), medianRatio = median(ratios)
        print("config: p=\(config.p) frac=\(config.frac) d_model=\(config.dModel) heads=\(config.heads) d_mlp=\(config.dMLP) threads=\(config.threads) task=\(config.task.rawValue) grokfast=\(config.grokfast.rawValue)")
        print("parameters: \(layout.totalCount), train pairs: \(engine.split.trainIndices.count), test pairs: \(engine.split.testIndices.count)")
        print(String(format: "epochs timed: %d after %d warm-up; min %.1f ms, median %.1f ms, p90 %.1f ms", epochs, warmup,
                     sorted.first!, medianTime, sorted[min(sorted.count - 1, sorted.count * 9 / 10)]))
        print("numeric platform: \(NumericPlatform.current(threads: config.threads))")
        print(String(format: "cpu time per epoch: %.1f ms over %.1f ms of wall time (%.2f of %d threads busy)", cpu, wall, cpu / wall,
                     config.threads))
        print(String(format: "in GEMMs (OpenBLAS, single-threaded calls): %.1f ms per epoch, %.0f %% of the cpu time; our own loops "
                     + "and the rest: %.1f ms (%.0f %%)", gemm, 100 * gemm / cpu, cpu - gemm, 100 * (cpu - gemm) / cpu))
        print(String(format: "GEMM work: %.2f GFLOP per epoch at %.1f GFLOP/s per thread; the pinned sgemm, measured after each "
                     + "epoch (%d workers each multiplying a 1024³ product at once), ran at %.1f GFLOP/s per thread (median; "
                     + "%.1f–%.1f), so the GEMMs alone need at least %.1f ms per epoch on %d threads (median floor)",
                     gflop, gflop / gemm * 1000, probe.threads, median(peaks), peaks.min()!, peaks.max()!, medianFloor,
                     config.threads))
        breakdown.lines().forEach { print($0) }
        print(String(format: "peak resident memory: %.0f MB", peakResidentMB()))
        return String(format: "ms_per_epoch=%.1f floor_ms=%.1f ratio_to_floor=%.2f", medianTime, medianFloor, medianRatio)
    }

    /// `at epoch N` followed by a plot from cached analyses, through the shell's executor, on a paper-size run.
    func shellBenchmark(threads: Int) throws -> [String] {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("wb-bench-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let session = Session(runsRoot: root, home: root.appendingPathComponent("home"))
        let executor = CommandExecutor(session: session)
        func run(_ line: String) throws -> CellOutput {
            var output = CellOutput()
            for command in try Parser.parse(line) { output.blocks += try executor.execute(command).blocks }
            return output
        }
        _ = try run("train epochs=40 checkpoints=\"0..40 step 10\" threads=\(threads) name=bench")
        _ = try run("analyze; plot freq; at 10; plot freq; plot clusters")   // fill the cache
        let renderer = TerminalRenderer(width: 100, height: 24, colorMode: .trueColor)
        var lines: [String] = []
        for (label, command) in [("at_then_plot_freq", "plot freq"), ("at_then_plot_clusters", "plot clusters"),
                                 ("at_then_plot_loss", "plot loss")] {
            var times: [Double] = []
            for i in 0..<15 {
                let start = DispatchTime.now().uptimeNanoseconds
                let output = try run("at \(i % 2 == 0 ? 20 : 30); \(command)")
                for figure in output.figures { _ = renderer.render(figure) }
                times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
            }
            times.sort()
            lines.append(String(format: "shell.%@_ms=%.1f", label, times[times.count / 2]))
        }
        return lines
    }
}

/// The median of `values` (the upper one of an even count), as every benchmark here reports.
func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

/// User plus system CPU time of this process so far, in seconds (all threads).
func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
    return seconds(usage.ru_utime) + seconds(usage.ru_stime)
}

/// Peak resident memory of this process, in MB.
func peakResidentMB() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_maxrss) / 1024
}
