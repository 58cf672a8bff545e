/// The network a config describes, with everything that fixes its weights' names and shapes.
///
/// The transformer is TransformerLens's `HookedTransformer` on `[a, b, =]` (p + 1 tokens and p + 1 output classes, the
/// `=` class in the softmax as the paper's code); its 1-layer ReLU form without LayerNorm is the paper's model, which
/// `StructuredModel` trains. The MLP reads one-hot(a) ‖ one-hot(b) (2p inputs) and has p output classes.
public enum ModelArchitecture: Sendable, Equatable {
    case transformer(shape: ModelShape, layers: Int, norm: Normalization, act: ActivationKind)
    case mlp(p: Int, hidden: [Int], act: ActivationKind, bias: Bool)

    /// The paper's 1-layer transformer of `shape`.
    public static func paper(_ shape: ModelShape) -> ModelArchitecture {
        .transformer(shape: shape, layers: 1, norm: .none, act: .relu)
    }

    /// Whether this is the paper's model, which the structured formulation (`StructuredModel`) trains and the analyses read.
    public var isPaperTransformer: Bool {
        if case .transformer(_, 1, .none, .relu) = self { return true }
        return false
    }

    public var p: Int {
        switch self {
        case .transformer(let shape, _, _, _): return shape.p
        case .mlp(let p, _, _, _): return p
        }
    }

    /// Output classes: p + 1 for the transformer (the `=` class), p for the MLP.
    public var classes: Int {
        switch self {
        case .transformer(let shape, _, _, _): return shape.classes
        case .mlp(let p, _, _, _): return p
        }
    }

    /// The transformer's shape (`nil` for an MLP).
    public var transformerShape: ModelShape? {
        if case .transformer(let shape, _, _, _) = self { return shape }
        return nil
    }

    /// A few words for titles and `info`: `transformer, 2 layers, LN, GELU` or `MLP 2p→200→200→p, ReLU, no biases`.
    public var summary: String {
        switch self {
        case .transformer(let s, let layers, let norm, let act):
            var words = ["transformer d_model \(s.dModel), \(s.heads) heads, d_mlp \(s.dMLP)"]
            words.append(layers == 1 ? "1 layer" : "\(layers) layers")
            if norm == .ln { words.append("pre-LN") }
            words.append(act.rawValue.uppercased() == "RELU" ? "ReLU" : act.rawValue.uppercased())
            return words.joined(separator: ", ")
        case .mlp(let p, let hidden, let act, let bias):
            let widths = (["\(2 * p)"] + hidden.map(String.init) + ["\(p)"]).joined(separator: "→")
            let actName = act == .relu ? "ReLU" : act == .gelu ? "GELU" : "x²"
            return "MLP \(widths), \(actName)\(bias ? "" : ", no biases")"
        }
    }
}

/// Defaults of the MLP's keys.
public enum MLPDefaults {
    /// The hidden widths when `hidden` is not given: one layer of 512.
    public static let hidden = [512]
}
