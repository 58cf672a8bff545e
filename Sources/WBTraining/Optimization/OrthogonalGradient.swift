/// ⊥Grad (Prieto et al. 2025, `orthograd.py`), per parameter tensor, in float32 with float64 dot products:
///
///     g⊥ = g − ((w·g) / (w·w + 1e-30))·w,    g ← g⊥ · (‖g‖₂ / (‖g⊥‖₂ + 1e-30))
///
/// It removes the component of each tensor's gradient along its weights (the direction that only grows or shrinks them,
/// which drives softmax collapse) and keeps the gradient's norm. Applied to the loss gradient after the Grokfast filter
/// and before the optimizer, so coupled weight decay (Adam, SGD) is added after it and AdamW's decay is untouched.
public enum OrthogonalGradient {
    public static func apply(to gradients: inout [Float], parameters: [Float], layout: ParameterLayout, split: WorkSplit) {
        gradients.withUnsafeMutableBufferPointer { gb in
        parameters.withUnsafeBufferPointer { wb in
            let g = gb.baseAddress!, w = wb.baseAddress!
            split.forEach(layout.entries.count) { index in
                let range = layout.entries[index].range
                var wg = 0.0, ww = 0.0, gg = 0.0
                for i in range {
                    wg += Double(w[i]) * Double(g[i]); ww += Double(w[i]) * Double(w[i]); gg += Double(g[i]) * Double(g[i])
                }
                let projection = Float(wg / (ww + 1e-30))
                var orthogonal = 0.0
                for i in range {
                    g[i] = g[i] - projection * w[i]
                    orthogonal += Double(g[i]) * Double(g[i])
                }
                let scale = Float(gg.squareRoot() / (orthogonal.squareRoot() + 1e-30))
                for i in range { g[i] = g[i] * scale }
            }
        }}
    }
}
