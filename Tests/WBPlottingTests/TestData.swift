@testable import WBPlotting

/// Small fixed inputs for snapshot tests (p = 23, short runs), one figure per plot kind.
enum TestData {
    static let run = SampleData.run(name: "p23-main", count: 60, every: 50)
    static let selection = EpochSelection(ranges: [EpochRange(start: 300, end: 800, step: 100), EpochRange(start: 2000, end: 2200, step: 100)],
                                          epochs: [300, 400, 500, 600, 700, 800, 2000, 2100, 2200],
                                          available: Array(stride(from: 0, through: 2950, by: 100)))
    static let runs = [run, SampleData.run(name: "wd=0.3", count: 60, every: 50, seed: 4, grokAt: 0.2),
                       SampleData.run(name: "frac=0.5", count: 40, every: 50, seed: 8, grokAt: 0.6)]
    static let keys = [3, 7, 9]
    static let norms = SampleData.frequencyNorms(p: 23, keys: keys)
    static let evolution = SampleData.frequencyEvolution(p: 23, epochs: Array(stride(from: 0, to: 3000, by: 150)), keys: keys)
    static let neurons = [SampleData.neuron(0, p: 23, k: 3), SampleData.neuron(1, p: 23, k: 7), SampleData.neuron(2, p: 23, k: 9),
                          SampleData.neuron(3, p: 23, k: 3)]
    static let clusters = SampleData.clusters(neurons: 40, p: 23, keys: keys)
    static let progress = SampleData.progress(epochs: Array(stride(from: 0, to: 3000, by: 50)))

    /// Every plot kind, by snapshot name.
    static let figures: [(String, Figure)] = [
        ("loss", .lossCurves(run, currentEpoch: 1200, selection: selection)),
        ("accuracy", .accuracyCurves(run, currentEpoch: 1200)),
        ("learning_rate", .learningRateCurve(run)),
        ("gradient_norm", .gradientNormCurve(run, currentEpoch: 1200)),
        ("compare", .runComparison(runs)),
        ("frequencies", .dominantFrequencies(norms, epoch: 2950, keyFrequencies: keys)),
        ("frequency_evolution", .frequencyEvolution(evolution, currentEpoch: 1200)),
        ("neurons", .neuronActivations(neurons, columns: 2)),
        ("clusters", .neuronClusters(clusters)),
        ("progress", .progressMeasures(progress, currentEpoch: 1200)),
    ]
}

extension TestData {
    /// A dashboard at epoch 1200 of the sample run: every panel filled.
    static let dashboard = Dashboard(
        run: "p23-main", epoch: 1200, position: 13, checkpointCount: 30,
        numbers: DashboardNumbers(trainLoss: 1.234e-3, testLoss: 0.4567, trainAccuracy: 1, testAccuracy: 0.873,
                                  restrictedLoss: 2.1e-2, excludedLoss: 3.4, clusteredShare: 0.785),
        curves: run, selection: selection, frequencyNorms: norms, dominantFrequencies: keys,
        clusters: ClusterSizes(frequencies: [3, 7, 9], sizes: [14, 9, 8], unclustered: 9, threshold: 0.85),
        neurons: Array(neurons.prefix(3)), neuronClusters: [3, 7, nil])
}
