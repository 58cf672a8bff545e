/// The paper's initialisation: every matrix N(0,1)/√d_model, except W_U with N(0,1)/√d_vocab; biases zero
/// (`../shared/reference/grokking.md` §1b). Samples come from `MersenneTwister(seed)` (Box–Muller), so a seed
/// gives the same weights on every machine; they cannot match PyTorch's generator, so the golden tests load weights instead.
public enum ParameterInitializer {
    public static func paperInitialization(_ layout: ParameterLayout, seed: Int) -> [Float] {
        var rng = MersenneTwister(seed: UInt64(seed))
        var buffer = [Float](repeating: 0, count: layout.totalCount)
        let s = layout.shape
        for entry in layout.entries where !entry.name.hasPrefix("blocks.0.mlp.b_") {
            let std = entry.name == "unembed.W_U" ? 1.0 / Double(s.vocab).squareRoot() : 1.0 / Double(s.dModel).squareRoot()
            for i in entry.range { buffer[i] = Float(rng.nextGaussian() * std) }
        }
        return buffer
    }
}
