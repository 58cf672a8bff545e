import WBTraining

/// A part of a network whose weights the refined LLC samples (Wang et al. 2024), the others staying at the checkpoint:
/// a name and the ranges of the flat parameter buffer it covers, in buffer order.
///
/// Transformers: `embed` (W_E), `pos` (W_pos), `unembed` (W_U), per layer `attn` (W_Q, W_K, W_V, W_O), `headH` (head
/// H's slices of those four), `mlp` (W_in, b_in, W_out, b_out) and with LayerNorm `ln1`, `ln2`, then `ln_final`; in a
/// model of several layers the per-layer names carry the layer, `l0.head1`, `l1.mlp`. MLPs: `hidden0`, `hidden1`, …
/// (each Linear's weight and bias) and `out`. Every model: `all`, the whole network (the plain LLC).
public struct ModelComponent: Sendable, Equatable {
    public let name: String
    public let ranges: [Range<Int>]
    /// The number of weights it covers.
    public var count: Int { ranges.reduce(0) { $0 + $1.count } }

    public init(name: String, ranges: [Range<Int>]) { self.name = name; self.ranges = ranges }

    /// The components of the network `layout` describes, `all` first.
    public static func all(of layout: ParameterLayout) -> [ModelComponent] {
        var list = [ModelComponent(name: "all", ranges: [0..<layout.totalCount])]
        func ranges(_ names: [String]) -> [Range<Int>] { names.compactMap { layout.entry($0)?.range } }
        switch layout.architecture {
        case .transformer(let s, let layers, let norm, _):
            list.append(ModelComponent(name: "embed", ranges: ranges(["embed.W_E"])))
            list.append(ModelComponent(name: "pos", ranges: ranges(["pos_embed.W_pos"])))
            for l in 0..<layers {
                let prefix = layers == 1 ? "" : "l\(l).", block = "blocks.\(l)."
                let attention = ["attn.W_Q", "attn.W_K", "attn.W_V", "attn.W_O"].map { block + $0 }
                if norm == .ln { list.append(ModelComponent(name: prefix + "ln1", ranges: ranges([block + "ln1.w", block + "ln1.b"]))) }
                list.append(ModelComponent(name: prefix + "attn", ranges: ranges(attention)))
                for h in 0..<s.heads {
                    // Every attention tensor is [heads, …]: head h is the h-th of `heads` equal slices.
                    let slices = attention.compactMap { layout.entry($0) }.map { entry -> Range<Int> in
                        let size = entry.count / s.heads
                        return (entry.offset + h * size)..<(entry.offset + (h + 1) * size)
                    }
                    list.append(ModelComponent(name: prefix + "head\(h)", ranges: slices))
                }
                if norm == .ln { list.append(ModelComponent(name: prefix + "ln2", ranges: ranges([block + "ln2.w", block + "ln2.b"]))) }
                list.append(ModelComponent(name: prefix + "mlp", ranges: ranges(["mlp.W_in", "mlp.b_in", "mlp.W_out", "mlp.b_out"].map { block + $0 })))
            }
            if norm == .ln { list.append(ModelComponent(name: "ln_final", ranges: ranges(["ln_final.w", "ln_final.b"]))) }
            list.append(ModelComponent(name: "unembed", ranges: ranges(["unembed.W_U"])))
        case .mlp(_, let hidden, _, _):
            for i in 0..<hidden.count {
                list.append(ModelComponent(name: "hidden\(i)", ranges: ranges(["hidden.\(i).weight", "hidden.\(i).bias"])))
            }
            list.append(ModelComponent(name: "out", ranges: ranges(["out.weight", "out.bias"])))
        }
        return list
    }

    /// The component called `name` (case-insensitive; `heads` is not one: name each head), or an error listing them.
    public static func named(_ name: String, in layout: ParameterLayout) throws -> ModelComponent {
        let known = all(of: layout)
        if let found = known.first(where: { $0.name == name.lowercased() }) { return found }
        let names = known.map(\.name)
        // The closest name; letters swapped ("mpl") count as closer than other edits of the same distance.
        func distance(_ candidate: String) -> Int {
            2 * editDistance(candidate, name.lowercased()) - (candidate.sorted() == name.lowercased().sorted() ? 1 : 0)
        }
        let hint = names.min { distance($0) < distance($1) }.map { " Did you mean '\($0)'?" } ?? ""
        throw LLCError.unknownComponent("'\(name)' is not a component of this model.\(hint) Its components: \(names.joined(separator: ", "))")
    }
}
