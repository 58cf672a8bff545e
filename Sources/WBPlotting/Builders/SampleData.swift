import Foundation
import WBSupport

/// Deterministic synthetic inputs shaped like a grokking run, for demos, tests and the benchmark.
/// (No training involved: curves and matrices are made from formulas and a seeded generator.)
public enum SampleData {
    /// Curves of a run with `count` logged epochs (every `every` epochs): memorization, a test-loss plateau,
    /// then a grokking drop at about 35 % of the run, and one loss spike at 60 %.
    public static func run(name: String, count: Int, every: Int = 1, seed: UInt64 = 1, grokAt: Double = 0.35) -> RunCurves {
        var g = SplitMix64(seed: seed)
        var r = RunCurves(name: name, epochs: (0..<count).map { $0 * every })
        let n = Double(max(1, count - 1))
        let spike = Int(Double(count) * 0.6)
        for i in 0..<count {
            let t = Double(i) / n
            let noise = exp((g.uniform() - 0.5) * 0.3)
            let train = 4.7 * exp(-t * 60) + 3e-7 + 2e-3 * exp(-t * 8)
            let grok = 1 / (1 + exp((t - grokAt) * 40))
            var test = (4.7 + 15 * (1 - exp(-t * 80))) * grok + 1e-6 + 3e-3 * exp(-t * 6)
            if i == spike { test *= 200 }
            r.trainLoss.append(train * noise)
            r.testLoss.append(test * noise)
            r.trainAcc.append(min(1, 0.01 + t * 40))
            r.testAcc.append(min(1, 0.01 + 0.99 * (1 - grok)))
            r.lr.append(1e-3 * min(1, Double(i + 1) / 10))
            r.gradNorm.append((0.5 + 4 * exp(-t * 30)) * noise * (i == spike ? 50 : 1))
        }
        return r
    }

    /// A checkpoint selection over checkpoints every `every` epochs up to `last`.
    public static func selection(last: Int, every: Int) -> EpochSelection {
        let available = Array(stride(from: 0, through: last, by: every))
        let a = EpochRange(start: last / 10, end: last / 4, step: every * 2)
        let b = EpochRange(start: last / 2, end: last * 3 / 5, step: every)
        let epochs = Array(stride(from: a.start, through: a.end, by: a.step)) + Array(stride(from: b.start, through: b.end, by: b.step))
        return EpochSelection(ranges: [a, b], epochs: epochs, available: available)
    }

    /// Embedding frequency norms for k = 1…(p−1)/2 with peaks at `keys`.
    public static func frequencyNorms(p: Int = 113, keys: [Int] = [14, 35, 41, 42, 52], seed: UInt64 = 2, strength: Double = 1) -> [Double] {
        var g = SplitMix64(seed: seed)
        return (1...((p - 1) / 2)).map { k in
            0.3 + 0.4 * g.uniform() + (keys.contains(k) ? 12 * strength * (0.8 + 0.4 * g.uniform()) : 0)
        }
    }

    /// Frequency × epoch norms: key frequencies rise over the run.
    public static func frequencyEvolution(p: Int = 113, epochs: [Int], keys: [Int] = [14, 35, 41, 42, 52]) -> FrequencyEvolutionCurves {
        let last = Double(max(1, epochs.last ?? 1))
        let columns = epochs.enumerated().map { i, e in
            frequencyNorms(p: p, keys: keys, seed: UInt64(i + 7), strength: min(1, Double(e) / last * 1.6))
        }
        let rows = (0..<((p - 1) / 2)).map { k in columns.map { $0[k] } }
        return FrequencyEvolutionCurves(epochs: epochs, norms: rows)
    }

    /// A neuron that responds to cos(w_k(a + b) + phase), after ReLU, over the p × p grid.
    public static func neuron(_ index: Int, p: Int = 113, k: Int = 14) -> NeuronGrid {
        var values = [Float](repeating: 0, count: p * p)
        let w = 2 * Double.pi * Double(k) / Double(p)
        let phase = Double(index) * 0.7
        for a in 0..<p {
            for b in 0..<p {
                let v = cos(w * Double(a + b) + phase) + 0.3 * cos(w * Double(a) + phase)
                values[a * p + b] = Float(max(0, v))
            }
        }
        return NeuronGrid(neuron: index, p: p, values: values)
    }

    /// A neuron × frequency fraction-explained matrix for `neurons` neurons over k = 1…(p−1)/2, most neurons in
    /// the clusters of `keys` (threshold 0.85), the rest unclustered.
    public static func clusters(neurons: Int = 512, p: Int = 113, keys: [Int] = [14, 35, 41, 42, 52], seed: UInt64 = 3) -> NeuronFrequencyClusters {
        var g = SplitMix64(seed: seed)
        let freqs = Array(1...((p - 1) / 2))
        var fraction: [[Double]] = []
        var clusters: [Int?] = []
        for _ in 0..<neurons {
            var row = freqs.map { _ in 0.01 * g.uniform() }
            let k = keys[Int(g.next() % UInt64(keys.count))]
            let strength = 0.6 + 0.4 * g.uniform()
            row[k - 1] = strength
            fraction.append(row)
            clusters.append(strength > 0.85 ? k : nil)
        }
        return NeuronFrequencyClusters(neurons: Array(0..<neurons), frequencies: freqs, fraction: fraction, clusters: clusters)
    }

    /// Progress measures over `epochs` with the paper's phase boundaries scaled to the run's length.
    public static func progress(epochs: [Int]) -> ProgressMeasureCurves {
        let last = Double(max(1, epochs.last ?? 1))
        func series(_ name: String, _ f: (Double) -> Double) -> MetricSeries {
            MetricSeries(name: name, epochs: epochs, values: epochs.map { f(Double($0) / last) })
        }
        let s = [
            series("restricted loss") { t in 4.7 / (1 + exp((t - 0.45) * 25)) + 1e-6 },
            series("excluded loss") { t in 0.01 + 5 * t * exp(-pow(t - 0.3, 2) * 10) },
            series("sum of squared weights") { t in 2000 * exp(-t * 2.5) + 80 },
            series("test loss") { t in 12 / (1 + exp((t - 0.4) * 30)) + 1e-6 },
        ]
        let b = PhaseBoundaries(memorizationEnd: Int(last * 0.035), circuitFormationEnd: Int(last * 0.235), cleanupEnd: Int(last * 0.35))
        return ProgressMeasureCurves(series: s, phases: b)
    }
}
