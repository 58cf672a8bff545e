/// Initial weights drawn from `MersenneTwister(seed)`, so a seed gives the same weights on every machine (they cannot
/// match PyTorch's generator, so the golden tests load weights instead).
///
/// - Transformers, the paper's rule: every matrix N(0, 1)/√d_model in the order W_E, W_pos, then per block W_Q, W_K, W_V,
///   W_O, W_in, W_out, then W_U with N(0, 1)/√(p + 1); biases 0, LayerNorm weights 1 and biases 0.
/// - MLPs, `torch.nn.Linear`'s rule: for each layer in order, weight then bias, uniform in ±1/√fan_in.
public enum ParameterInitializer {
    public static func initialWeights(_ layout: ParameterLayout, seed: Int) -> [Float] {
        var rng = MersenneTwister(seed: UInt64(seed))
        var buffer = [Float](repeating: 0, count: layout.totalCount)
        switch layout.architecture {
        case .transformer(let s, _, _, _):
            for entry in layout.entries {
                let name = entry.name
                if name.hasSuffix(".w") && name.contains("ln") {
                    for i in entry.range { buffer[i] = 1 }
                    continue
                }
                if name.contains(".b_") || name.hasSuffix(".b") { continue }
                let std = name == "unembed.W_U" ? 1.0 / Double(s.vocab).squareRoot() : 1.0 / Double(s.dModel).squareRoot()
                for i in entry.range { buffer[i] = Float(rng.nextGaussian() * std) }
            }
        case .mlp:
            var fanIn = 1
            for entry in layout.entries {
                if entry.shape.count == 2 { fanIn = entry.shape[1] }
                let bound = 1.0 / Double(fanIn).squareRoot()
                for i in entry.range { buffer[i] = Float((2 * rng.nextDouble() - 1) * bound) }
            }
        }
        return buffer
    }
}
