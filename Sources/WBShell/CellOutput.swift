import WBPlotting

/// What one command produced, in order: text blocks and figures. A command never prints; the REPL renders this to the
/// terminal and a notebook recorder appends the same value, so the two can never drift apart.
public struct CellOutput {
    public enum Block {
        case text(String)
        case figure(Figure)
        /// A warning that did not stop the command (for example epochs of a selection that have no checkpoint).
        case warning(String)
    }
    public var blocks: [Block]

    public init(_ blocks: [Block] = []) { self.blocks = blocks }
    public static func text(_ s: String) -> CellOutput { CellOutput([.text(s)]) }

    public mutating func append(_ block: Block) { blocks.append(block) }

    /// The text blocks joined (for tests and plain output).
    public var plainText: String {
        blocks.compactMap { block -> String? in
            switch block {
            case .text(let s): return s
            case .warning(let s): return "warning: " + s
            case .figure: return nil
            }
        }.joined(separator: "\n")
    }

    public var figures: [Figure] {
        blocks.compactMap { if case .figure(let f) = $0 { return f } else { return nil } }
    }
}
