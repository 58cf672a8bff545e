import WBTraining

/// A parsed command of the `wb>` language. Parsing never touches the session; `CommandExecutor` runs these.
public enum ShellCommand: Equatable, Sendable {
    case train(assignments: [String])
    case resume(epochs: Int?)
    case load(run: String)
    case runs
    case info
    case at(epoch: Int)
    case step(CursorMove)
    case range(RangeAction)
    case analyze(names: [String])
    case plot(PlotRequest)
    case compare(runs: [String])
    case templateSave(name: String?, description: String?)
    case templateLoad(name: String)
    case templates
    case log(lines: Int?)
    case help(topic: String?)
    case quit
    /// `save PATH`: the session's notebook continues at PATH.
    case save(path: String)
    /// `# text`: a note (a markdown cell in a notebook).
    case note(String)

    /// Moves of the epoch cursor over the checkpoints (restricted to the selection when there is one).
    public enum CursorMove: String, Sendable { case next, prev, first, last }

    /// What `range` does.
    public enum RangeAction: Equatable, Sendable {
        case show
        case clear
        case set(EpochSet)
        /// `range grokking|memorisation|all`: a window found from the run's metrics.
        case preset(RangePreset)
        /// `range fill`: recreate the selected epochs that have no checkpoint.
        case fill
        /// `range pick`: choose on the loss chart, interactively (recorded as the `range …` it amounts to).
        case pick
    }
}

/// A `plot` command: what to draw and, optionally, an SVG file to write it to.
public struct PlotRequest: Equatable, Sendable {
    public enum Kind: String, CaseIterable, Sendable {
        case loss, acc, lr, gradnorm, freq, freqOverTime = "freq over time", neurons, heatmap, progress, clusters
    }
    public var kind: Kind
    /// Neuron indices for `heatmap N[,M …]`.
    public var neurons: [Int]
    /// `to FILE.svg`.
    public var file: String?

    public init(kind: Kind, neurons: [Int] = [], file: String? = nil) {
        self.kind = kind; self.neurons = neurons; self.file = file
    }
}
