import Foundation

/// The training loop's state in memory: weights, AdamW state and the epoch counter, advanced one full-batch step at a time.
///
/// `epoch` is the number of updates done so far, so the weights are those at the start of epoch `epoch` and a checkpoint
/// named `epoch` holds exactly them. Each `step` measures (train loss and accuracy always; test loss and accuracy when asked)
/// *before* updating, then applies AdamW with `lr·min(epoch/warmup, 1)`, as the paper's code orders it.
public final class TrainingEngine {
    public let config: TrainingConfig
    public let split: DataSplit
    public let model: StructuredModel
    public var layout: ParameterLayout { model.layout }
    public private(set) var parameters: [Float]
    public private(set) var optimizer: AdamWState
    public private(set) var gradients: [Float]
    public private(set) var epoch: Int
    /// The Grokfast filter's memory (empty without a filter).
    public private(set) var filterState: GradientFilterState
    let filter: GradientFilter
    let trainWorkspace: BatchWorkspace
    let testWorkspace: BatchWorkspace
    let adam: AdamW

    public init(config: TrainingConfig, split: DataSplit, parameters: [Float], optimizer: AdamWState? = nil, epoch: Int = 0,
                filterState: GradientFilterState = GradientFilterState()) {
        self.config = config
        self.split = split
        model = StructuredModel(shape: config.shape, threads: config.threads)
        precondition(parameters.count == model.layout.totalCount, "parameter count does not match the config")
        self.parameters = parameters
        self.optimizer = optimizer ?? AdamWState(count: parameters.count)
        gradients = [Float](repeating: 0, count: parameters.count)
        self.epoch = epoch
        filter = config.gradientFilter
        self.filterState = filterState
        // Both batches in (a, b) order: consecutive examples share their first token's table rows, which then stay in
        // cache (a full-batch step sums over the same set in any order; this order is the one wb always uses).
        trainWorkspace = model.makeWorkspace(ExampleBatch(flatIndices: split.trainIndices.sorted(), p: config.p, task: split.task))
        testWorkspace = model.makeWorkspace(ExampleBatch(flatIndices: split.testIndices.sorted(), p: config.p, task: split.task))
        adam = AdamW(weightDecay: config.wd, beta1: config.beta1, beta2: config.beta2, eps: config.eps)
    }

    /// Runs epoch `epoch`: forward and backward on the training set (and the test set when `evaluate`), the Grokfast
    /// filter when the config has one, then the update. Returns the metrics measured before the update (`gradNorm` is
    /// the raw gradient's).
    @discardableResult
    public func step(evaluate: Bool = true) -> EpochMetrics {
        let start = DispatchTime.now().uptimeNanoseconds
        let lr = config.learningRate(atEpoch: epoch)
        var metrics = measure(evaluate: evaluate)
        if filter.kind != .none { filter.apply(to: &gradients, state: &filterState, split: model.split) }
        adam.update(parameters: &parameters, gradients: gradients, state: &optimizer, lr: lr, split: model.split)
        epoch += 1
        metrics.seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        return metrics
    }

    /// Measures the current weights without updating them (fills `gradients`).
    public func measure(evaluate: Bool = true) -> EpochMetrics {
        let start = DispatchTime.now().uptimeNanoseconds
        var train = BatchResult(loss: .nan, correct: 0, count: 0)
        var test = BatchResult(loss: .nan, correct: 0, count: 0)
        parameters.withUnsafeBufferPointer { w in
            model.prepare(parameters: w.baseAddress!)
            gradients.withUnsafeMutableBufferPointer { g in
                train = model.lossAndGradient(trainWorkspace, parameters: w.baseAddress!, gradients: g.baseAddress!)
            }
            if evaluate { test = model.evaluate(testWorkspace) }
        }
        var gradSquares = 0.0, weightSquares = 0.0
        for v in gradients { gradSquares += Double(v) * Double(v) }
        for v in parameters { weightSquares += Double(v) * Double(v) }
        return EpochMetrics(epoch: epoch, trainLoss: train.loss, testLoss: test.loss, trainAccuracy: train.accuracy,
                            testAccuracy: evaluate ? test.accuracy : .nan, lr: config.learningRate(atEpoch: epoch),
                            gradNorm: gradSquares.squareRoot(), weightNorm: weightSquares,
                            seconds: Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }

    /// The current state as a checkpoint (weights, optimizer, filter state, epoch).
    public func checkpoint() -> Checkpoint {
        Checkpoint(epoch: epoch, parameters: parameters, optimizer: optimizer,
                   metadata: ["numeric_platform": NumericPlatform.current(threads: config.threads).id],
                   filter: filter.kind == .none ? nil : (filter.kind, filterState))
    }
}
