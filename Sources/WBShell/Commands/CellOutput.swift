import WBPlotting

/// What one command produced, in order: text blocks and figures. A command never prints; the REPL renders this to the
/// terminal and a notebook recorder appends the same value, so the two can never drift apart.
public struct CellOutput {
    /// One piece of output, rendered in order.
    public enum Block {
        case text(String)
        case figure(Figure)
        /// A warning that did not stop the command (for example epochs of a selection that have no checkpoint).
        case warning(String)
        /// Every view of one checkpoint: a screen at the terminal, one figure (`Figure.dashboard`) in a notebook.
        case dashboard(Dashboard)
        /// Dashboards of many checkpoints (`dashboard over`): nothing at the terminal (the command says what it
        /// recorded), a dashboard block with one slider in a notebook and its HTML export.
        case dashboardSeries(DashboardSeries)
    }
    public var blocks: [Block]
    /// Volatile facts (cache hits, wall times): shown at the prompt, kept apart from the outputs in notebooks so a replay
    /// rewrites the outputs byte-identically.
    public var facts: [String: String] = [:]
    /// How a notebook records the command that gave this output.
    public var recording: Recording = .asTyped

    /// How a notebook records a command.
    public enum Recording: Equatable {
        case asTyped
        /// As this command line instead: an interactive `range pick` is recorded as the `range …` it amounted to, so a
        /// replay needs no keyboard (its outputs are exactly those of that line).
        case replaced(by: String)
        /// Not at all, with its outputs (a cancelled `range pick`, which changed nothing).
        case omitted
    }

    public init(_ blocks: [Block] = []) { self.blocks = blocks }

    /// Another command's output after this one (blocks in order, facts merged).
    public mutating func append(contentsOf other: CellOutput) {
        blocks += other.blocks
        facts.merge(other.facts) { _, new in new }
    }
    public static func text(_ s: String) -> CellOutput { CellOutput([.text(s)]) }

    public mutating func append(_ block: Block) { blocks.append(block) }

    /// The text blocks joined (for tests and plain output).
    public var plainText: String {
        blocks.compactMap { block -> String? in
            switch block {
            case .text(let s): return s
            case .warning(let s): return "warning: " + s
            case .figure, .dashboard, .dashboardSeries: return nil
            }
        }.joined(separator: "\n")
    }

    /// The figures, a dashboard as its one figure.
    public var figures: [Figure] {
        blocks.compactMap {
            switch $0 {
            case .figure(let f): return f
            case .dashboard(let d): return Figure.dashboard(d)
            default: return nil
            }
        }
    }
}
