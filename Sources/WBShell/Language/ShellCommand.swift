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
    /// `dashboard [at N | live | over SELECTION] [neurons N,M …]`.
    case dashboard(DashboardRequest)
    /// `compare RUN RUN … [A..B]`: the loss curves of several runs, in an epoch window when one is given.
    case compare(runs: [String], window: EpochWindow? = nil)
    case templateSave(name: String?, description: String?)
    case templateLoad(name: String)
    case templates
    case log(lines: Int?)
    case help(topic: String?)
    case quit
    /// `save PATH`: the session's notebook continues at PATH.
    case save(path: String)
    /// `export [to FILE.html|FILE.ipynb]`: the session's notebook as it stands, as a report (default: its name, .html).
    case export(path: String?)
    /// `# text`: a note (a markdown cell in a notebook).
    case note(String)
    /// `sweep NAME key=v1,v2 …`, `sweep status|stop|table NAME`, `sweep list`.
    case sweep(SweepRequest)
    /// `llc calibrate …`, `llc defaults …`, `llc components` (the estimates themselves: `analyze llc`).
    case llc(LLCRequest)

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
    /// The figure to draw; the raw value is the words that name it after `plot`.
    public enum Kind: String, CaseIterable, Sendable {
        case loss, acc, lr, gradnorm, freq, freqOverTime = "freq over time", neurons, heatmap, progress, clusters
        /// The share of training examples in softmax collapse, with the test accuracy.
        case collapse
        /// `plot sweep X [Y] [MEASURE]`: the current sweep, over one or two of its keys.
        case sweep
        /// `plot llc [of=…] [llc_…]`: λ̂ over the selection beside the test loss; `plot llc traces`: the chains at the cursor.
        case llc, llcTraces = "llc traces"

        /// Whether the figure reads the neurons, attention or logit map of one layer, so `layer=N` may choose it.
        public var takesLayer: Bool {
            switch self {
            case .freq, .freqOverTime, .neurons, .heatmap, .clusters, .progress: return true
            case .loss, .acc, .lr, .gradnorm, .collapse, .sweep, .llc, .llcTraces: return false
            }
        }

        /// Whether the figure's x axis is epochs (SGLD steps for `llc traces`), so `A..B` may window it.
        public var takesWindow: Bool {
            switch self {
            case .loss, .acc, .lr, .gradnorm, .freqOverTime, .progress, .collapse, .llc, .llcTraces: return true
            case .freq, .neurons, .heatmap, .clusters, .sweep: return false
            }
        }
    }
    public var kind: Kind
    /// `plot KIND A..B`: the x window (kinds whose x axis is epochs, `Kind.takesWindow`).
    public var window: EpochWindow?
    /// Neuron indices for `heatmap N[,M …]`.
    public var neurons: [Int]
    /// `to FILE.svg`.
    public var file: String?
    /// `plot sweep X [Y]`: the swept keys (labels as in point names, or config keys).
    public var sweepKeys: [String]
    /// `plot sweep … MEASURE` (nil: epochs to 95 % test accuracy).
    public var measure: String?

    /// `plot llc …`: `of=COMPONENTS` and `llc_KEY=VALUE` words.
    public var options: [String]
    /// `layer=N`: the layer of a deeper transformer whose neurons the figure reads (nil: the last).
    public var layer: Int?

    public init(kind: Kind, neurons: [Int] = [], file: String? = nil, sweepKeys: [String] = [], measure: String? = nil,
                options: [String] = [], window: EpochWindow? = nil, layer: Int? = nil) {
        self.kind = kind; self.window = window; self.neurons = neurons; self.file = file; self.sweepKeys = sweepKeys; self.measure = measure
        self.options = options; self.layer = layer
    }
}

/// What an `llc` command asks for.
public enum LLCRequest: Equatable, Sendable {
    /// `llc calibrate [at N] [of=C] [eps=A,B,…] [nbeta=X,Y,…] [llc_KEY=VALUE …] [save]`.
    case calibrate(words: [String])
    /// `llc defaults [llc_KEY=VALUE …]`: show the run's defaults, or save them.
    case defaults(words: [String])
    /// `llc components`: the components of the current run's model.
    case components
}

/// A `dashboard` command: every view of one checkpoint at once.
public struct DashboardRequest: Equatable, Sendable {
    /// Which checkpoint the dashboard shows, and whether it follows the arrow keys.
    public enum Mode: Equatable, Sendable {
        /// The cursor's checkpoint, once.
        case current
        /// `dashboard at N`: the cursor moves to N (the nearest checkpoint), then as `current`.
        case at(Int)
        /// Redrawn in place while the arrow keys move the cursor (at an interactive terminal; elsewhere like `current`).
        case live
        /// Every checkpoint of a selection, for a report with one slider.
        case over(Scope)
    }
    /// The checkpoints `dashboard over` records.
    public enum Scope: Equatable, Sendable {
        /// `over range`: the run's selection (every checkpoint when there is none).
        case selection
        /// `over all`: every checkpoint.
        case all
        /// `over 0..3000 step 100, …`: the checkpoints among these epochs.
        case epochs(EpochSet)
    }
    public var mode: Mode
    /// Neurons chosen with `neurons N,M`; empty: the strongest neuron of each of the largest clusters.
    public var neurons: [Int]

    /// Most neurons one dashboard shows.
    public static let maxNeurons = 6

    public init(mode: Mode = .current, neurons: [Int] = []) {
        self.mode = mode
        self.neurons = neurons
    }
}

/// What `sweep` does.
public enum SweepRequest: Equatable, Sendable {
    /// `sweep NAME [key=v1,v2,… key=A..B step S … seeds=… template=T jobs=N on=local|slurm --yes --print]`: start the
    /// grid, or continue the sweep of that name (the words after NAME as typed; `SweepSpec` reads them).
    case run(name: String, spec: String)
    /// `sweep status NAME`: one row per point.
    case status(name: String)
    /// `sweep stop NAME`: the process running it (or Slurm) stops it; workers save checkpoints.
    case stop(name: String)
    /// `sweep table NAME`: the milestones of every point; writes `runs/NAME/summary.csv`.
    case table(name: String)
    /// `sweep list` (or `sweep` alone): the sweeps under the runs folder.
    case list
}
