import Foundation

/// Times building and rendering each kind of figure on full-size synthetic data (`SampleData`).
/// The budget is 20 ms per figure and renderer; run it from a release build.
public enum FigureBenchmark {
    /// One line per figure and renderer: `svg.loss_40000pts ms=3.102 bytes=68123` (median of `iterations` runs,
    /// building included). Terminal output is measured at 120 × 40 in true colour.
    public static func run(iterations: Int = 15) -> [String] {
        let epochs = Array(stride(from: 0, to: 40_000, by: 100))
        let run = SampleData.run(name: "mainline", count: 40_000)
        let selection = SampleData.selection(last: 40_000, every: 100)
        let runs = (0..<4).map { SampleData.run(name: "run \($0)", count: 10_000, every: 4, seed: UInt64($0 + 1), grokAt: 0.2 + 0.1 * Double($0)) }
        let norms = SampleData.frequencyNorms()
        let evolution = SampleData.frequencyEvolution(epochs: epochs)
        let neurons = (0..<6).map { SampleData.neuron($0, k: [14, 35, 41, 42, 52, 14][$0]) }
        let clusters = SampleData.clusters()
        let progress = SampleData.progress(epochs: epochs)

        let cases: [(String, () -> Figure)] = [
            ("loss_40000pts", { .lossCurves(run, currentEpoch: 12_000, selection: selection) }),
            ("accuracy_40000pts", { .accuracyCurves(run, currentEpoch: 12_000) }),
            ("lr_40000pts", { .learningRateCurve(run) }),
            ("gradnorm_40000pts", { .gradientNormCurve(run) }),
            ("compare_4runs_2500pts", { .runComparison(runs) }),
            ("freq_bars_56", { .dominantFrequencies(norms, epoch: 40_000, keyFrequencies: [14, 35, 41, 42, 52]) }),
            ("freq_evolution_56x400", { .frequencyEvolution(evolution, currentEpoch: 12_000) }),
            ("heatmap_113x113", { .neuronActivations([neurons[0]]) }),
            ("neurons_6x113x113", { .neuronActivations(neurons) }),
            ("clusters_512x56", { .neuronClusters(clusters) }),
            ("progress_4x400", { .progressMeasures(progress, currentEpoch: 12_000) }),
        ]
        let svg = SVGRenderer()
        let term = TerminalRenderer(width: 120, height: 40, colorMode: .trueColor)
        var lines: [String] = []
        for (name, build) in cases {
            for (kind, render) in [("svg", { (f: Figure) in svg.render(f) }), ("term", { (f: Figure) in term.render(f) })] {
                var times: [Double] = []
                var bytes = 0
                for _ in 0..<max(1, iterations) {
                    let t0 = DispatchTime.now().uptimeNanoseconds
                    let out = render(build())
                    times.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6)
                    bytes = out.utf8.count
                }
                times.sort()
                lines.append("\(kind).\(name) ms=\(NumberFormat.fixed(times[times.count / 2], decimals: 3, trim: false)) bytes=\(bytes)")
            }
        }
        return lines
    }
}
