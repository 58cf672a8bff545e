import WBAnalysis
import WBTraining

/// Every command of the language with its usage, one-line help and an example: the source of `help`, of the parser's
/// "did you mean" and of Tab completion.
public struct CommandInfo: Sendable {
    public let name: String
    public let usage: String
    public let summary: String
    public let example: String
    /// More lines for `help NAME` (subcommands, rules).
    public let details: [String]

    public init(name: String, usage: String, summary: String, example: String, details: [String] = []) {
        self.name = name; self.usage = usage; self.summary = summary; self.example = example; self.details = details
    }
}

/// Every command of the prompt with its usage, summary, example and details: what `help`, tab completion and the
/// "did you mean" hints read.
public enum CommandCatalog {
    public static let commands: [CommandInfo] = [
        CommandInfo(name: "train", usage: "train [template=NAME] [key=value ...]",
                    summary: "train a new run (paper defaults; `help keys` lists the keys), with live progress (d: dashboard)",
                    example: "train p=113 frac=0.4 epochs=3000 name=demo",
                    details: [
                        "moments=every|latest   where the AdamW moments (and Grokfast state) are kept. every (the default):",
                        "                       in every checkpoint. latest: only in epoch 0 and the newest checkpoint; the",
                        "                       others hold the weights alone (paper config: 0.9 MB instead of 2.7 MB each).",
                        "                       resume and range fill stay exact (a fill trains forward from epoch 0 or the",
                        "                       newest). Storage only: the trajectory and its hash do not change. Sweeps",
                        "                       default to latest.",
                    ]),
        CommandInfo(name: "resume", usage: "resume [epochs=N]", summary: "continue the current run exactly from its latest checkpoint",
                    example: "resume epochs=10k"),
        CommandInfo(name: "load", usage: "load RUN", summary: "make a run current (a name under the runs folder, or a path)",
                    example: "load demo"),
        CommandInfo(name: "runs", usage: "runs", summary: "list runs with status, epochs, final losses and template", example: "runs"),
        CommandInfo(name: "info", usage: "info", summary: "config, template, progress, checkpoints, selection and epoch of the current run",
                    example: "info"),
        CommandInfo(name: "at", usage: "at [epoch] N", summary: "move the epoch cursor to a checkpoint (snaps to the nearest one)",
                    example: "at epoch 1500"),
        CommandInfo(name: "next", usage: "next", summary: "move the cursor to the next checkpoint (of the selection)", example: "next"),
        CommandInfo(name: "prev", usage: "prev", summary: "move the cursor to the previous checkpoint", example: "prev"),
        CommandInfo(name: "first", usage: "first", summary: "move the cursor to the first checkpoint", example: "first"),
        CommandInfo(name: "last", usage: "last", summary: "move the cursor to the last checkpoint", example: "last"),
        CommandInfo(name: "range", usage: "range [A..B step S[, ...] | clear | grokking | memorisation | all | fill | pick]",
                    summary: "show or set the checkpoint selection; `range pick` chooses it on the loss chart, "
                        + "`range fill` makes its missing checkpoints",
                    example: "range 0..1000 step 100, 1000..3000 step 25",
                    details: ["A..B step S[, …]  epochs A, A+S, … up to B; several ranges at once, dense where it matters",
                              "clear             remove the selection (every checkpoint is used)",
                              "fill              make the selected epochs that have no checkpoint, by training forward from the",
                              "                  nearest earlier one (bit-identical to a run that saved them), e.g.",
                              "                  `range 1000..3000 step 25; range fill`",
                              "pick              choose on the loss chart, full screen (at the wb> prompt on a terminal); Enter",
                              "                  applies it exactly as `range SPEC`, and the notebook records that `range …` line",
                              "                  (a cancelled pick, nothing). Keys:"]
                        + RangePicker.helpLines.map { "    " + $0 }
                        + ["Presets, found from the run's test loss (in log10, from its peak to its lowest point after):"]
                        + RangePreset.helpLines.map { "  " + $0 }
                        + ["The selection is kept in runs/<name>/selection.json; `at`, `next`, `analyze` and the plots over time use it."]),
        CommandInfo(name: "analyze", usage: "analyze [NAME ... | all] [layer=N] | analyze llc [of=COMPONENTS] [llc_KEY=VALUE ...]",
                    summary: "run analyses over the selection (cached), with progress; `analyze llc`: the local learning coefficient",
                    example: "analyze",
                    details: ["no NAME: embedding frequencies, neuron clusters, key frequencies, progress measures; all: every analysis",
                              "The Fourier analyses apply to add, sub, mul and div (mul and div in the discrete-log basis); for other",
                              "tasks they are skipped, and the output says so.",
                              "layer=N: for a transformer of several layers, the layer whose neurons, attention and W_L (the direct",
                              "  path to the logits) are read, 0 first (default the last), e.g. analyze all layer=0; an MLP is read",
                              "  through its first hidden layer",
                              "",
                              "analyze llc [of=all|embed|head0|attn|mlp|unembed|heads,…] [llc_KEY=VALUE …]",
                              "  λ̂ by SGLD (devinterp's estimator) at every selected checkpoint, for any model; of= restricts the",
                              "  chains to components (the refined LLC; `llc components` lists a model's). Cached per checkpoint,",
                              "  component and settings; every estimate is also a row of runs/<name>/llc.csv. Keys (defaults):"]
                        + LLCSettings.keyHelp.map { "    " + $0.key.padding(toLength: 11, withPad: " ", startingAt: 0) + " " + $0.help }
                        + ["  e.g. analyze llc of=all,embed,heads,mlp llc_batch=512 llc_draws=200; then plot llc of=…"]),
        CommandInfo(name: "llc", usage: "llc calibrate [at epoch N] [of=C] [eps=…] [nbeta=…] [KEY=VALUE …] [save] | llc defaults [KEY=VALUE …] | llc components",
                    summary: "calibrate the LLC's SGLD (a grid of ε × nβ on one checkpoint), show or save the run's LLC defaults, list the model's components",
                    example: "llc calibrate at epoch 1500 save",
                    details: ["calibrate   λ̂ per cell of ε (default 1e-4,3e-4,1e-3,3e-3,1e-2) × nβ (default ⅓, 1 and 3 times the",
                              "            default), a heatmap, and the largest ε whose chains settled without diverging at the default nβ;",
                              "            save keeps that ε and nβ as the run's defaults (runs/<name>/llc.defaults)",
                              "defaults    with no words: the settings `analyze llc` uses; with llc_KEY=VALUE: saves them for the run",
                              "components  the names of= takes, with their weight counts"]),
        CommandInfo(name: "plot", usage: "plot KIND [A..B] [layer=N] [to FILE.svg]",
                    summary: "loss | acc | lr | gradnorm | freq | freq over time | neurons | heatmap N[,M...] | clusters | progress | collapse | llc [traces]",
                    example: "plot loss 1000..3000 to loss.svg",
                    details: ["A..B: only epochs A to B (the x axis is that window, the y axis fits the data inside it); ..B and A..",
                              "leave an end open (e.g. plot progress 0..5k). For the curves over epochs: loss, acc, lr, gradnorm,",
                              "freq over time (the checkpoints inside), progress, collapse, llc, llc traces (SGLD steps there)",
                              "collapse: the share of training examples whose float32 softmax of the correct class is exactly 1",
                              "(softmax collapse, Prieto et al. 2025), with the test accuracy; any model",
                              "layer=N: the layer of a deeper transformer that freq, neurons, heatmap, clusters and progress read",
                              "(default the last; the title says which), e.g. plot neurons layer=0",
                              "llc [of=C,…] [llc_KEY=VALUE …]: λ̂ over the selection, one line per component, above the test loss",
                              "(phases shaded); estimates missing from the cache are made first (as `analyze llc`)",
                              "llc traces [of=C] [llc_KEY=VALUE …]: every SGLD step's loss of each chain at the cursor's checkpoint"]),
        CommandInfo(name: "dashboard", usage: "dashboard [at N | live | over range|all|EPOCHS] [neurons N,M]",
                    summary: "every view of the cursor's checkpoint on one screen (alias dash; next/prev redraw it); live: "
                        + "arrow keys step, z/x zoom the loss chart, q leaves; over: every selected checkpoint, for a report with one slider (≤ 200)",
                    example: "dashboard over range"),
        CommandInfo(name: "compare", usage: "compare RUN RUN ... [A..B]",
                    summary: "overlay the loss curves of several runs (A..B: only epochs A to B, as in plot)",
                    example: "compare demo paper 2000..4000"),
        CommandInfo(name: "sweep", usage: "sweep NAME key=v1,v2,… [key=A..B step S] [seeds=…] [jobs=N] [on=local|slurm] | sweep status|stop|table NAME",
                    summary: "train a grid of runs (runs/NAME/<point>) with a pool of worker processes or a Slurm job array; "
                        + "status, stop, a table of milestones",
                    example: "sweep wdfrac wd=0.3,1 frac=0.3..0.5 step 0.1 seeds=0..2 p=23 epochs=3000",
                    details: SweepHelp.lines),
        CommandInfo(name: "template", usage: "template save [NAME] | template load NAME",
                    summary: "save the current config as a template, or start from one", example: "template load nanda2023"),
        CommandInfo(name: "templates", usage: "templates", summary: "list training templates", example: "templates"),
        CommandInfo(name: "log", usage: "log [N]", summary: "the last N lines (default 20) of the run's training log", example: "log 5"),
        CommandInfo(name: "help", usage: "help [COMMAND | keys]", summary: "this list, one command in detail, or the config keys",
                    example: "help plot"),
        CommandInfo(name: "save", usage: "save PATH.wbnb", summary: "name the notebook this session is recorded to (recording continues there)",
                    example: "save Notebooks/my-study.wbnb"),
        CommandInfo(name: "export", usage: "export [to FILE.html | to FILE.ipynb]",
                    summary: "write this session's notebook as it stands as a report: one self-contained HTML page (default: the notebook's name with .html) or a Jupyter notebook; replaying a notebook, it exports that notebook",
                    example: "export to report.html"),
        CommandInfo(name: "quit", usage: "quit", summary: "leave wb (Ctrl-D does too)", example: "quit"),
    ]

    public static var names: [String] { commands.map(\.name) }

    public static func info(_ name: String) -> CommandInfo? { commands.first { $0.name == name } }

    /// The closest known word, when it is close enough to be a likely typo.
    public static func suggestion(for word: String, among candidates: [String]) -> String? {
        let best = candidates.min { editDistance(word, $0) < editDistance(word, $1) }
        guard let best else { return nil }
        let distance = editDistance(word, best)
        // Close enough: a few edits for the word's length, or the same letters swapped ("trian" → "train").
        guard distance <= max(1, word.count / 3) || (distance == 2 && word.sorted() == best.sorted()) else { return nil }
        return best
    }
}
