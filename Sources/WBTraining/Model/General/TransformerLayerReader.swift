/// What one layer of a transformer computes at the `=` position, over a batch of examples: the input the analyses read
/// a deeper transformer through (`layer=N`), as `StructuredModel`'s workspace is for the paper's model.
public struct LayerReadout: Sendable {
    /// The layer's MLP activations (after `act`) at `=`: [examples, d_mlp].
    public var activations: [Float]
    /// The attention of the `=` query on positions a, b and `=`, per head: [examples, heads, 3].
    public var attention: [Float]
    /// The model's logits at `=`: [examples, classes] (p + 1 classes, the `=` class last).
    public var logits: [Float]
}

/// Runs any transformer wb trains (`ModelArchitecture.transformer`) forward, exactly as training evaluates it
/// (`GeneralTransformer`), and keeps what one layer computes at `=` (`LayerReadout`). Holds its buffers, so successive
/// checkpoints reuse them. Not thread-safe: one reader per thread.
public final class TransformerLayerReader {
    public let architecture: ModelArchitecture
    public let layers: Int
    private let model: GeneralTransformer

    public init(architecture: ModelArchitecture, threads: Int = 2) {
        guard case .transformer(let shape, let layers, _, _) = architecture else {
            preconditionFailure("TransformerLayerReader needs a transformer")
        }
        self.architecture = architecture
        self.layers = layers
        model = GeneralTransformer(layout: ParameterLayout(architecture),
                                   loss: LossFunction(kind: .ce, classes: shape.classes, p: shape.p), threads: threads)
    }

    /// Layer `layer` (0-based) of `examples` at the `=` position, and the logits.
    public func read(_ examples: ExampleBatch, parameters: [Float], layer: Int) -> LayerReadout {
        precondition((0..<layers).contains(layer), "TransformerLayerReader: no layer \(layer) in a \(layers)-layer model")
        precondition(parameters.count == model.layout.totalCount, "TransformerLayerReader: parameter count does not match")
        let s = model.shape, m = s.dMLP, heads = s.heads, classes = s.classes, count = examples.count
        var readout = LayerReadout(activations: [Float](repeating: 0, count: count * m),
                                   attention: [Float](repeating: 0, count: count * heads * 3),
                                   logits: [Float](repeating: 0, count: count * classes))
        // The last block keeps one row per example past attention (row e); earlier blocks keep all three (row 3e + 2).
        let compact = layer == layers - 1
        parameters.withUnsafeBufferPointer { buffer in
            let w = buffer.baseAddress!
            model.prepare(parameters: w)
            model.forwardInChunks(examples, parameters: w) { ws, start, n in
                let post = ws.post[layer].pointer, attention = ws.attention[layer].pointer, logits = ws.logits.pointer
                for e in 0..<n {
                    let row = compact ? e : 3 * e + 2, target = (start + e) * m
                    for j in 0..<m { readout.activations[target + j] = post[row * m + j] }
                    for h in 0..<heads {
                        // Weights are [examples, heads, 3, 3]; the `=` query is row 2.
                        for k in 0..<3 { readout.attention[((start + e) * heads + h) * 3 + k] = attention[(e * heads + h) * 9 + 6 + k] }
                    }
                    for c in 0..<classes { readout.logits[(start + e) * classes + c] = logits[e * classes + c] }
                }
            }
        }
        return readout
    }
}
