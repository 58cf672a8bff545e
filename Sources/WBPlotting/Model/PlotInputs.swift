// Plain value types the plot builders take. The rest of the program fills them from run folders and analysis
// results; the plotting module knows nothing of where the numbers came from.

/// One named quantity over epochs (e.g. a progress measure). `epochs` and `values` have equal length.
public struct MetricSeries: Sendable, Equatable, Codable {
    public var name: String
    public var epochs: [Int]
    public var values: [Double]

    public init(name: String, epochs: [Int], values: [Double]) {
        self.name = name
        self.epochs = epochs
        self.values = values
    }
}

/// The logged curves of one training run (one row of `metrics.csv` per entry of `epochs`).
/// Curves that were not logged are left empty; NaN entries leave gaps.
public struct RunCurves: Sendable, Equatable, Codable {
    public var name: String
    public var epochs: [Int]
    public var trainLoss: [Double]
    public var testLoss: [Double]
    public var trainAcc: [Double]
    public var testAcc: [Double]
    public var lr: [Double]
    public var gradNorm: [Double]

    public init(name: String, epochs: [Int], trainLoss: [Double] = [], testLoss: [Double] = [], trainAcc: [Double] = [],
                testAcc: [Double] = [], lr: [Double] = [], gradNorm: [Double] = []) {
        self.name = name
        self.epochs = epochs
        self.trainLoss = trainLoss
        self.testLoss = testLoss
        self.trainAcc = trainAcc
        self.testAcc = testAcc
        self.lr = lr
        self.gradNorm = gradNorm
    }
}

/// One range of a checkpoint selection: epochs `start…end` every `step`.
public struct EpochRange: Sendable, Equatable, Codable {
    public var start: Int
    public var end: Int
    public var step: Int

    public init(start: Int, end: Int, step: Int = 1) {
        self.start = start
        self.end = end
        self.step = step
    }
}

/// The checkpoint selection (as in `selection.json`): the chosen ranges, the epochs they resolve to,
/// and all epochs that have a checkpoint.
public struct EpochSelection: Sendable, Equatable, Codable {
    public var ranges: [EpochRange]
    /// Selected checkpoint epochs.
    public var epochs: [Int]
    /// Every epoch with a checkpoint on disk.
    public var available: [Int]

    public init(ranges: [EpochRange], epochs: [Int], available: [Int]) {
        self.ranges = ranges
        self.epochs = epochs
        self.available = available
    }
}

/// Norms of the embedding's Fourier components per frequency over epochs.
/// `norms[k - 1][e]` is frequency k at `epochs[e]` (frequency × epoch), k = 1…(p−1)/2.
public struct FrequencyEvolutionCurves: Sendable, Equatable, Codable {
    public var epochs: [Int]
    public var norms: [[Double]]

    public init(epochs: [Int], norms: [[Double]]) {
        self.epochs = epochs
        self.norms = norms
    }
}

/// Post-ReLU activations of one MLP neuron over all inputs (a, b): `values[a * p + b]` (a-major), p × p.
public struct NeuronGrid: Sendable, Equatable, Codable {
    public var neuron: Int
    public var p: Int
    public var values: [Float]

    public init(neuron: Int, p: Int, values: [Float]) {
        precondition(values.count == p * p, "a neuron grid has p × p values")
        self.neuron = neuron
        self.p = p
        self.values = values
    }
}

/// How much of each neuron's variance a single frequency explains, with the cluster each neuron is assigned to.
/// `fraction[n][j]` belongs to neuron `neurons[n]` and frequency `frequencies[j]`; `clusters[n]` is the neuron's
/// frequency k, or nil when no frequency explains enough (threshold 0.85 in the paper).
public struct NeuronFrequencyClusters: Sendable, Equatable, Codable {
    public var neurons: [Int]
    public var frequencies: [Int]
    public var fraction: [[Double]]
    public var clusters: [Int?]

    public init(neurons: [Int], frequencies: [Int], fraction: [[Double]], clusters: [Int?]) {
        self.neurons = neurons
        self.frequencies = frequencies
        self.fraction = fraction
        self.clusters = clusters
    }
}

/// Epochs where the three phases of grokking end (memorization, circuit formation, cleanup).
public struct PhaseBoundaries: Sendable, Equatable, Codable {
    public var memorizationEnd: Int
    public var circuitFormationEnd: Int
    public var cleanupEnd: Int

    public init(memorizationEnd: Int, circuitFormationEnd: Int, cleanupEnd: Int) {
        self.memorizationEnd = memorizationEnd
        self.circuitFormationEnd = circuitFormationEnd
        self.cleanupEnd = cleanupEnd
    }
}

/// Progress measures (restricted loss, excluded loss, weight norm, …) over epochs, with phases when known.
public struct ProgressMeasureCurves: Sendable, Equatable, Codable {
    public var series: [MetricSeries]
    public var phases: PhaseBoundaries?

    public init(series: [MetricSeries], phases: PhaseBoundaries? = nil) {
        self.series = series
        self.phases = phases
    }
}
