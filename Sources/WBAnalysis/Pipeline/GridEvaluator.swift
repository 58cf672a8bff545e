import Foundation
import WBTraining

/// The model's forward pass over the n² pairs of a `CyclicView`, row i·n + j = (tokensA[i], tokensB[j]) — for add all p²
/// inputs, a-major (index a·p + b) — through the same forward as training: the structured one for the paper's
/// transformer, `TransformerLayerReader` for any other transformer (the neurons of `layer`), `MLPNetwork` for an MLP
/// (its first hidden layer's units are the neurons). Holds the model and its workspace so that successive checkpoints
/// reuse the buffers.
public final class GridEvaluator {
    public let shape: ModelShape
    public let architecture: ModelArchitecture
    /// The pairs evaluated and the order of the logit classes.
    public let view: CyclicView
    /// The layer whose neurons are read (0 for the paper's model and an MLP).
    public let layer: Int
    let model: StructuredModel?
    let workspace: BatchWorkspace?
    let mlp: MLPNetwork?
    let reader: TransformerLayerReader?
    let examples: ExampleBatch

    /// `view` defaults to the token order of addition (all p² inputs).
    public convenience init(shape: ModelShape, view: CyclicView? = nil) {
        self.init(architecture: .paper(shape), view: view)
    }

    /// Any model wb trains; `layer` (a transformer's, default its last) as `RunContext` checks it.
    public init(architecture: ModelArchitecture, view: CyclicView? = nil, layer: Int? = nil) {
        self.architecture = architecture
        let p = architecture.p
        let view = view ?? CyclicView.of(task: .add, p: p)
        precondition(view.p == p, "GridEvaluator: the view is for p = \(view.p), the model for p = \(p)")
        self.view = view
        let indices = view.isTokenOrder ? Array(0..<(p * p)) : view.flatIndices
        examples = ExampleBatch(flatIndices: indices, p: p, task: view.task)
        switch architecture {
        case .transformer(let s, let layers, _, _):
            shape = s
            self.layer = layer ?? layers - 1
            precondition((0..<layers).contains(self.layer), "GridEvaluator: no layer \(self.layer) in a \(layers)-layer model")
            mlp = nil
            if architecture.isPaperTransformer {
                let structured = StructuredModel(shape: s)
                model = structured
                workspace = structured.makeWorkspace(examples)
                reader = nil
            } else {
                model = nil
                workspace = nil
                reader = TransformerLayerReader(architecture: architecture)
            }
        case .mlp(_, let hidden, _, _):
            shape = ModelShape(p: p, dModel: hidden[0], heads: 1, dMLP: hidden[0])
            self.layer = 0
            precondition(layer == nil || layer == 0, "GridEvaluator: an MLP is read through its first hidden layer")
            model = nil
            workspace = nil
            reader = nil
            mlp = MLPNetwork(layout: ParameterLayout(architecture))
        }
    }

    /// Post-ReLU MLP activations at `=` ([n², d_mlp]) and the logits at `=`: for a view whose classes are the tokens
    /// (add, sub, tasks without a view) the raw [p², p+1] (the `=` class last), else [n², n] with class c = `classes[c]`.
    public func forward(parameters: [Float]) -> GridForward {
        let n = view.n
        if let reader {
            let read = reader.read(examples, parameters: parameters, layer: layer)
            return GridForward(p: shape.p, n: n, neurons: shape.dMLP, activations: read.activations,
                               logits: classLogits(read.logits, stride: shape.classes), attention: read.attention)
        }
        if let mlp {
            // p classes, no `=` class: the view's classes picked from them.
            let (hidden, raw) = mlp.firstLayerAndLogits(examples, parameters: parameters)
            return GridForward(p: shape.p, n: n, neurons: shape.dMLP, activations: hidden,
                               logits: classLogits(raw, stride: architecture.p), attention: nil)
        }
        let model = model!, workspace = workspace!
        precondition(parameters.count == model.layout.totalCount, "forward: parameter count does not match the shape")
        parameters.withUnsafeBufferPointer { w in
            model.prepare(parameters: w.baseAddress!)
            _ = model.evaluate(workspace)
        }
        return GridForward(p: shape.p, n: n, neurons: shape.dMLP, activations: workspace.hiddenActivations,
                           logits: classLogits(workspace.outputLogits, stride: shape.classes), attention: nil)
    }

    /// The raw logits [n², stride] as `forward` returns them, for every model: unchanged when the view's classes are the
    /// tokens, else the view's n classes in its order.
    private func classLogits(_ raw: [Float], stride: Int) -> (values: [Float], stride: Int) {
        let n = view.n, classes = view.classes
        if n == shape.p && classes.enumerated().allSatisfy({ $0 == $1 }) { return (raw, stride) }
        var logits = [Float](repeating: 0, count: n * n * n)
        for r in 0..<(n * n) { for c in 0..<n { logits[r * n + c] = raw[r * stride + classes[c]] } }
        return (logits, n)
    }

    /// Only the activations ([n², d_mlp]; for the paper's model it skips the unembedding).
    public func activations(parameters: [Float]) -> [Float] {
        if let mlp { return mlp.firstLayerAndLogits(examples, parameters: parameters).hidden }
        if let reader { return reader.read(examples, parameters: parameters, layer: layer).activations }
        let model = model!, workspace = workspace!
        return parameters.withUnsafeBufferPointer { w in
            model.prepare(parameters: w.baseAddress!)
            model.activations(workspace)
            return workspace.hiddenActivations
        }
    }
}

/// The result of a forward pass over the grid of a `CyclicView` (the full p² input grid for add).
public struct GridForward: Sendable {
    /// The model's p.
    public let p: Int
    /// The grid's side and number of classes: the view's order n (p for add).
    public let n: Int
    public let neurons: Int
    /// Post-ReLU MLP activations at `=`: [n², d_mlp], row i·n + j (a·p + b for add).
    public let activations: [Float]
    /// Logits at `=`: [n², logitStride]; the first n columns are the classes the analyses use, in view order.
    public let logits: [Float]
    public let logitStride: Int
    /// For a transformer read by `TransformerLayerReader`: the read layer's attention of `=` on a, b and `=`, per head,
    /// [n², heads, 3]; nil for the paper's model (whose attention `AttentionPatterns` derives from the weights) and an MLP.
    public let attention: [Float]?

    public init(p: Int, n: Int? = nil, neurons: Int, activations: [Float], logits: [Float], logitStride: Int,
                attention: [Float]? = nil) {
        self.p = p; self.n = n ?? p; self.neurons = neurons
        self.activations = activations; self.logits = logits; self.logitStride = logitStride; self.attention = attention
    }

    init(p: Int, n: Int, neurons: Int, activations: [Float], logits: (values: [Float], stride: Int), attention: [Float]?) {
        self.init(p: p, n: n, neurons: neurons, activations: activations, logits: logits.values, logitStride: logits.stride,
                  attention: attention)
    }

    /// The activation of `neuron` over the grid as n×n (row i, column j; row a, column b for add).
    public func neuronGrid(_ neuron: Int) -> [Float] {
        (0..<(n * n)).map { activations[$0 * neurons + neuron] }
    }
}

/// Keeps idle evaluators (about 45 MB of buffers each at p = 113, whose first touch costs ~15 ms) for the next runner in
/// the same process. A runner takes one for its lifetime and gives it back when it is released, so no two runners ever
/// share one.
enum GridEvaluatorPool {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var idle: [GridEvaluator] = []

    static func take(_ architecture: ModelArchitecture, view: CyclicView, layer: Int) -> GridEvaluator {
        let kept: GridEvaluator? = lock.withLock {
            idle.firstIndex { $0.architecture == architecture && $0.view == view && $0.layer == layer }.map { idle.remove(at: $0) }
        }
        return kept ?? GridEvaluator(architecture: architecture, view: view, layer: layer)
    }

    static func give(_ evaluator: GridEvaluator) {
        lock.withLock {
            idle.removeAll { $0.architecture == evaluator.architecture && $0.view == evaluator.view && $0.layer == evaluator.layer }
            idle.append(evaluator)
            if idle.count > 2 { idle.removeFirst() }
        }
    }
}
