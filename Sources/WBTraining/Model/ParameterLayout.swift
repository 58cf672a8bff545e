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

    public let shape: ModelShape
    public let entries: [Entry]
    public let totalCount: Int

    public static let names = ["embed.W_E", "pos_embed.W_pos", "blocks.0.attn.W_Q", "blocks.0.attn.W_K", "blocks.0.attn.W_V",
                               "blocks.0.attn.W_O", "blocks.0.mlp.W_in", "blocks.0.mlp.b_in", "blocks.0.mlp.W_out",
                               "blocks.0.mlp.b_out", "unembed.W_U"]

    public init(_ s: ModelShape) {
        shape = s
        let shapes: [[Int]] = [
            [s.vocab, s.dModel], [s.positions, s.dModel],
            [s.heads, s.dModel, s.dHead], [s.heads, s.dModel, s.dHead], [s.heads, s.dModel, s.dHead],
            [s.heads, s.dHead, s.dModel], [s.dModel, s.dMLP], [s.dMLP], [s.dMLP, s.dModel], [s.dModel], [s.dModel, s.classes],
        ]
        var offset = 0
        var list: [Entry] = []
        for (name, dims) in zip(Self.names, shapes) {
            list.append(Entry(name: name, shape: dims, offset: offset))
            offset += dims.reduce(1, *)
        }
        entries = list
        totalCount = offset
    }

    public func entry(_ name: String) -> Entry? { entries.first { $0.name == name } }

    // Offsets of each tensor, for the hot code.
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
