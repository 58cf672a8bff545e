import Foundation
import WBTraining

/// The model's forward pass over all p² inputs (a-major: index a·p + b), through the same structured forward as training.
/// Holds the model and its workspace so that successive checkpoints reuse the buffers.
public final class GridEvaluator {
    public let shape: ModelShape
    let model: StructuredModel
    let workspace: BatchWorkspace

    public init(shape: ModelShape) {
        self.shape = shape
        model = StructuredModel(shape: shape)
        workspace = model.makeWorkspace(ExampleBatch(flatIndices: Array(0..<(shape.p * shape.p)), p: shape.p))
    }

    /// Post-ReLU MLP activations at `=` ([p², d_mlp]) and the logits at `=` ([p², p+1], the `=` class last).
    public func forward(parameters: [Float]) -> GridForward {
        precondition(parameters.count == model.layout.totalCount, "forward: parameter count does not match the shape")
        parameters.withUnsafeBufferPointer { w in
            model.prepare(parameters: w.baseAddress!)
            _ = model.evaluate(workspace, parameters: w.baseAddress!)
        }
        return GridForward(p: shape.p, neurons: shape.dMLP, activations: workspace.hiddenActivations,
                           logits: workspace.outputLogits, logitStride: shape.classes)
    }

    /// Only the post-ReLU activations ([p², d_mlp]); skips the unembedding.
    public func activations(parameters: [Float]) -> [Float] {
        parameters.withUnsafeBufferPointer { w in
            model.prepare(parameters: w.baseAddress!)
            model.activations(workspace)
        }
        return workspace.hiddenActivations
    }
}

/// The result of a forward pass over the full input grid.
public struct GridForward: Sendable {
    public let p: Int
    public let neurons: Int
    /// Post-ReLU MLP activations at `=`: [p², d_mlp], row a·p + b.
    public let activations: [Float]
    /// Logits at `=`: [p², logitStride]; the first p columns are the classes the analyses use.
    public let logits: [Float]
    public let logitStride: Int

    /// The activation of `neuron` over the grid as p×p (row a, column b).
    public func neuronGrid(_ neuron: Int) -> [Float] {
        (0..<(p * p)).map { activations[$0 * neurons + neuron] }
    }
}

/// Keeps idle evaluators (about 45 MB of buffers each at p = 113, whose first touch costs ~15 ms) for the next runner in
/// the same process. A runner takes one for its lifetime and gives it back when it is released, so no two runners ever
/// share one.
enum GridEvaluatorPool {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var idle: [GridEvaluator] = []

    static func take(_ shape: ModelShape) -> GridEvaluator {
        lock.lock()
        if let index = idle.firstIndex(where: { $0.shape == shape }) {
            let evaluator = idle.remove(at: index)
            lock.unlock()
            return evaluator
        }
        lock.unlock()
        return GridEvaluator(shape: shape)
    }

    static func give(_ evaluator: GridEvaluator) {
        lock.lock()
        idle.removeAll { $0.shape == evaluator.shape }
        idle.append(evaluator)
        if idle.count > 2 { idle.removeFirst() }
        lock.unlock()
    }
}
