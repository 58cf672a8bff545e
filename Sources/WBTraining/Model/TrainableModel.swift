/// A network the trainer steps: the paper's 1-layer transformer in its structured formulation (`StructuredModel`), or the
/// general path for every other model (`GeneralTransformer`, `MLPNetwork`), each layer's forward and backward side by side
/// over flat buffers. All share one flat parameter buffer laid out by `layout`, so optimizers, filters, checkpoints and
/// the LLC's sampler work on any of them.
public protocol TrainableModel: AnyObject {
    var layout: ParameterLayout { get }
    /// How the work is split over the config's threads (part of what fixes the bits).
    var split: WorkSplit { get }
    /// Builds what depends on the weights alone (tables, packed matrices); once per step, before the two below.
    func prepare(parameters: UnsafePointer<Float>)
    /// The mean loss, hits and collapsed examples on `examples`, and the gradient of the mean loss with respect to every
    /// weight, written into `gradients` (same layout as the weights).
    func lossAndGradient(_ examples: ExampleBatch, parameters: UnsafePointer<Float>,
                         gradients: UnsafeMutablePointer<Float>) -> BatchResult
    /// The mean loss, hits and collapsed examples on `examples`, without a gradient.
    func evaluate(_ examples: ExampleBatch, parameters: UnsafePointer<Float>) -> BatchResult
}

/// The model a config trains: the structured path for the paper's transformer with cross-entropy and the full batch
/// (its tables pay off over the whole training set), the general path for everything else.
public func makeTrainableModel(_ config: TrainingConfig) -> any TrainableModel {
    let architecture = config.architecture
    let loss = LossFunction(kind: config.loss, classes: architecture.classes, p: architecture.p)
    if architecture.isPaperTransformer && config.loss == .ce && config.batch == 0 {
        return StructuredModel(shape: config.shape, threads: config.threads)
    }
    switch architecture {
    case .transformer:
        return GeneralTransformer(layout: config.layout, loss: loss, threads: config.threads)
    case .mlp:
        return MLPNetwork(layout: config.layout, loss: loss, threads: config.threads)
    }
}
