/// Everything the dashboard shows for one checkpoint: the key numbers, the loss curves with the epoch indicator and
/// the selection, λ̂ over the checkpoints already estimated (when there are any), the embedding's frequency norms, the
/// neuron-cluster sizes and a few neurons' activation grids.
///
/// A value, filled by the shell from the run and its (cached) analyses. `Figure.dashboard(_:)` turns it into one figure
/// (panels as a grid, for notebooks and SVG files), `DashboardTerminalLayout` into one terminal screen.
public struct Dashboard: Sendable, Equatable {
    public var run: String
    public var epoch: Int
    /// 1-based place of `epoch` among the checkpoints the cursor moves over, and how many there are.
    public var position: Int?
    public var checkpointCount: Int?
    public var numbers: DashboardNumbers
    public var curves: RunCurves
    public var selection: EpochSelection?
    /// Norm of the embedding's Fourier components per frequency k = 1…(p−1)/2 (`frequencyNorms[k - 1]`); empty when
    /// the analysis could not run.
    public var frequencyNorms: [Double]
    public var dominantFrequencies: [Int]
    public var clusters: ClusterSizes?
    /// Activation grids of the neurons shown (for example the strongest neuron of each of the largest clusters).
    public var neurons: [NeuronGrid]
    /// The cluster frequency of each shown neuron (nil: unclustered), for the heatmap titles.
    public var neuronClusters: [Int?]
    /// The order the analyses read the tokens in, when not the tokens' own (for example "discrete-log basis, g = 3" for
    /// a multiplication run); empty for addition. Ends the titles.
    public var basis: String
    /// λ̂ of the whole network at the checkpoints whose estimate is cached (with the run's LLC defaults); nil when none.
    public var llc: LLCSeries?

    public init(run: String, epoch: Int, position: Int? = nil, checkpointCount: Int? = nil, numbers: DashboardNumbers,
                curves: RunCurves, selection: EpochSelection? = nil, frequencyNorms: [Double] = [], dominantFrequencies: [Int] = [],
                clusters: ClusterSizes? = nil, neurons: [NeuronGrid] = [], neuronClusters: [Int?] = [], basis: String = "",
                llc: LLCSeries? = nil) {
        self.run = run
        self.epoch = epoch
        self.position = position
        self.checkpointCount = checkpointCount
        self.numbers = numbers
        self.curves = curves
        self.selection = selection
        self.frequencyNorms = frequencyNorms
        self.dominantFrequencies = dominantFrequencies
        self.clusters = clusters
        self.neurons = neurons
        self.neuronClusters = neuronClusters
        self.basis = basis
        self.llc = llc
    }

    /// " (discrete-log basis, g = 3)", or "" for addition.
    public var basisSuffix: String { basis.isEmpty ? "" : " (\(basis))" }

    /// "Dashboard — grok at epoch 1500 (checkpoint 16 of 51)".
    public var heading: String {
        var text = "Dashboard — \(run) at epoch \(epoch)"
        if let position, let checkpointCount { text += " (checkpoint \(position) of \(checkpointCount))" }
        return text + basisSuffix
    }
}

/// The key numbers of one checkpoint. Missing ones (an epoch without a metrics row, an analysis that failed) are nil
/// and left out.
public struct DashboardNumbers: Sendable, Equatable {
    public var trainLoss: Double?
    public var testLoss: Double?
    public var trainAccuracy: Double?
    public var testAccuracy: Double?
    /// The paper's restricted loss (key frequencies only) and excluded loss (key frequencies removed).
    public var restrictedLoss: Double?
    public var excludedLoss: Double?
    /// Share of MLP neurons in a frequency cluster, 0…1.
    public var clusteredShare: Double?
    /// λ̂ at this checkpoint and its standard error over chains, when estimated.
    public var llc: Double?
    public var llcStandardError: Double?

    public init(trainLoss: Double? = nil, testLoss: Double? = nil, trainAccuracy: Double? = nil, testAccuracy: Double? = nil,
                restrictedLoss: Double? = nil, excludedLoss: Double? = nil, clusteredShare: Double? = nil, llc: Double? = nil,
                llcStandardError: Double? = nil) {
        self.trainLoss = trainLoss
        self.testLoss = testLoss
        self.trainAccuracy = trainAccuracy
        self.testAccuracy = testAccuracy
        self.restrictedLoss = restrictedLoss
        self.excludedLoss = excludedLoss
        self.clusteredShare = clusteredShare
        self.llc = llc
        self.llcStandardError = llcStandardError
    }

    /// Label and value of each known number, in display order.
    public var items: [(label: String, value: String)] {
        func loss(_ v: Double) -> String { String(format: "%.3e", v) }
        func percent(_ v: Double) -> String { String(format: "%.1f%%", v * 100) }
        var out: [(String, String)] = []
        if let v = trainLoss { out.append(("train loss", loss(v))) }
        if let v = testLoss { out.append(("test loss", loss(v))) }
        if let a = trainAccuracy, let b = testAccuracy {
            out.append(("accuracy", percent(a) + " / " + percent(b)))
        } else if let a = trainAccuracy {
            out.append(("train accuracy", percent(a)))
        }
        if let v = restrictedLoss { out.append(("restricted loss", loss(v))) }
        if let v = excludedLoss { out.append(("excluded loss", loss(v))) }
        if let v = clusteredShare { out.append(("neurons clustered", percent(v))) }
        if let v = llc { out.append(("λ̂", String(format: "%.4g", v) + (llcStandardError.map { String(format: " ± %.2g", $0) } ?? ""))) }
        return out
    }

    /// "epoch 1500 · train loss 1.234e-03 · … · neurons clustered 78.5%".
    public func line(epoch: Int) -> String {
        (["epoch \(epoch)"] + items.map { "\($0.label) \($0.value)" }).joined(separator: " · ")
    }
}

/// How many neurons each frequency cluster holds at one checkpoint.
public struct ClusterSizes: Sendable, Equatable {
    /// Cluster frequencies k, ascending, with `sizes[i]` neurons in cluster `frequencies[i]`.
    public var frequencies: [Int]
    public var sizes: [Int]
    public var unclustered: Int
    /// The fraction a frequency must explain for a neuron to join its cluster (0.85 in the paper).
    public var threshold: Double

    public init(frequencies: [Int], sizes: [Int], unclustered: Int, threshold: Double) {
        precondition(frequencies.count == sizes.count, "one size per cluster frequency")
        self.frequencies = frequencies
        self.sizes = sizes
        self.unclustered = unclustered
        self.threshold = threshold
    }

    public var neurons: Int { sizes.reduce(0, +) + unclustered }
}

/// Dashboards of many checkpoints of one run, for a report with one slider: the loss curves and the selection are
/// drawn once (`Figure.dashboardLoss`), each checkpoint's own panels once per checkpoint (`Figure.dashboardFrame`).
public struct DashboardSeries: Sendable, Equatable {
    public var run: String
    public var curves: RunCurves
    public var selection: EpochSelection?
    /// One dashboard per checkpoint, in epoch order.
    public var frames: [Dashboard]

    public init(run: String, curves: RunCurves, selection: EpochSelection?, frames: [Dashboard]) {
        self.run = run
        self.curves = curves
        self.selection = selection
        self.frames = frames
    }

    public var epochs: [Int] { frames.map(\.epoch) }
    public var title: String { "Dashboard — \(run), \(frames.count) checkpoints" }
}
