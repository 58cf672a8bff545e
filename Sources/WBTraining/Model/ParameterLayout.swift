/// Where each named tensor lives in the one flat parameter buffer (llm.c style: params, grads and both Adam moments
/// share this layout, so the optimiser is one loop). Names and layouts are TransformerLens's `HookedTransformer` state dict:
///
/// | name | shape |
/// |---|---|
/// | `embed.W_E` | [vocab, d_model] |
/// | `pos_embed.W_pos` | [3, d_model] |
/// | `blocks.0.attn.W_Q`, `W_K`, `W_V` | [heads, d_model, d_head] |
/// | `blocks.0.attn.W_O` | [heads, d_head, d_model] |
/// | `blocks.0.mlp.W_in` | [d_model, d_mlp] |
/// | `blocks.0.mlp.b_in` | [d_mlp] |
/// | `blocks.0.mlp.W_out` | [d_mlp, d_model] |
/// | `blocks.0.mlp.b_out` | [d_model] |
/// | `unembed.W_U` | [d_model, classes] |
public struct ParameterLayout: Sendable, Equatable {
    /// One named tensor: its shape and offset in the flat buffer.
    public struct Entry: Sendable, Equatable {
        public let name: String
        public let shape: [Int]
        public let offset: Int
        public var count: Int { shape.reduce(1, *) }
        public var range: Range<Int> { offset..<(offset + count) }
    }

    /// The transformer's shape (for an MLP, a placeholder with its p: no transformer offset below applies).
    public let shape: ModelShape
    public let architecture: ModelArchitecture
    public let entries: [Entry]
    public let totalCount: Int

    /// The paper model's tensor names, in buffer order.
    public static let names = ["embed.W_E", "pos_embed.W_pos", "blocks.0.attn.W_Q", "blocks.0.attn.W_K", "blocks.0.attn.W_V",
                               "blocks.0.attn.W_O", "blocks.0.mlp.W_in", "blocks.0.mlp.b_in", "blocks.0.mlp.W_out",
                               "blocks.0.mlp.b_out", "unembed.W_U"]

    /// The paper's 1-layer transformer of shape `s`.
    public init(_ s: ModelShape) { self.init(.paper(s)) }

    /// Any architecture. Transformers: `embed.W_E`, `pos_embed.W_pos`, then per block l (with `norm=ln`
    /// `blocks.{l}.ln1.w|b` first and `blocks.{l}.ln2.w|b` before the MLP) `blocks.{l}.attn.W_Q|W_K|W_V|W_O` and
    /// `blocks.{l}.mlp.W_in|b_in|W_out|b_out`, then (`norm=ln`) `ln_final.w|b` and `unembed.W_U`: TransformerLens's
    /// names and shapes; the paper's model keeps its order. MLPs: `hidden.{i}.weight` [h_i, h_{i−1}] (h_{−1} = 2p),
    /// `hidden.{i}.bias` [h_i], `out.weight` [p, h_last], `out.bias` [p], in `torch.nn.Linear` layout, biases only with
    /// `bias`.
    public init(_ architecture: ModelArchitecture) {
        self.architecture = architecture
        var named: [(String, [Int])] = []
        switch architecture {
        case .transformer(let s, let layers, let norm, _):
            shape = s
            named = [("embed.W_E", [s.vocab, s.dModel]), ("pos_embed.W_pos", [s.positions, s.dModel])]
            for l in 0..<layers {
                let block = "blocks.\(l)."
                if norm == .ln { named += [(block + "ln1.w", [s.dModel]), (block + "ln1.b", [s.dModel])] }
                named += [(block + "attn.W_Q", [s.heads, s.dModel, s.dHead]), (block + "attn.W_K", [s.heads, s.dModel, s.dHead]),
                          (block + "attn.W_V", [s.heads, s.dModel, s.dHead]), (block + "attn.W_O", [s.heads, s.dHead, s.dModel])]
                if norm == .ln { named += [(block + "ln2.w", [s.dModel]), (block + "ln2.b", [s.dModel])] }
                named += [(block + "mlp.W_in", [s.dModel, s.dMLP]), (block + "mlp.b_in", [s.dMLP]),
                          (block + "mlp.W_out", [s.dMLP, s.dModel]), (block + "mlp.b_out", [s.dModel])]
            }
            if norm == .ln { named += [("ln_final.w", [s.dModel]), ("ln_final.b", [s.dModel])] }
            named.append(("unembed.W_U", [s.dModel, s.classes]))
        case .mlp(let p, let hidden, _, let bias):
            shape = ModelShape(p: p, dModel: 1, heads: 1, dMLP: hidden.last ?? 1)
            var fanIn = 2 * p
            for (i, width) in hidden.enumerated() {
                named.append(("hidden.\(i).weight", [width, fanIn]))
                if bias { named.append(("hidden.\(i).bias", [width])) }
                fanIn = width
            }
            named.append(("out.weight", [p, fanIn]))
            if bias { named.append(("out.bias", [p])) }
        }
        var offset = 0
        var list: [Entry] = []
        for (name, dims) in named {
            list.append(Entry(name: name, shape: dims, offset: offset))
            offset += dims.reduce(1, *)
        }
        entries = list
        totalCount = offset
    }

    public func entry(_ name: String) -> Entry? { entries.first { $0.name == name } }

    /// The offset of the tensor `name` (which must exist).
    public func offset(_ name: String) -> Int {
        guard let entry = entry(name) else { preconditionFailure("no tensor \(name) in this layout") }
        return entry.offset
    }

    // Offsets of each tensor of the paper's model, for the structured model's hot code.
    public var embed: Int { entries[0].offset }
    public var posEmbed: Int { entries[1].offset }
    public var query: Int { entries[2].offset }
    public var key: Int { entries[3].offset }
    public var value: Int { entries[4].offset }
    public var output: Int { entries[5].offset }
    public var mlpIn: Int { entries[6].offset }
    public var mlpInBias: Int { entries[7].offset }
    public var mlpOut: Int { entries[8].offset }
    public var mlpOutBias: Int { entries[9].offset }
    public var unembed: Int { entries[10].offset }
}
