import Foundation

/// The training loop's state in memory: weights, optimizer state, the Grokfast filter's memory, the minibatch
/// generator and the epoch counter, advanced one epoch at a time.
///
/// `epoch` is the number of epochs done so far, so the weights are those at the start of epoch `epoch` and a checkpoint
/// named `epoch` holds exactly them. Each `step` measures (train loss and accuracy always; test loss and accuracy when
/// asked) *before* updating, then takes the epoch's optimizer steps: one on the whole training set (the paper's full
/// batch), or one per minibatch of `batch` examples in the order the generator shuffles. Each optimizer step k runs at
/// `lr·min(k/warmup, 1)` and is: gradient, Grokfast filter, ⊥Grad, optimizer, as the papers' code orders it.
public final class TrainingEngine {
    public let config: TrainingConfig
    public let split: DataSplit
    public let model: any TrainableModel
    public var layout: ParameterLayout { model.layout }
    public private(set) var parameters: [Float]
    public private(set) var optimizer: OptimizerState
    public private(set) var gradients: [Float]
    public private(set) var epoch: Int
    /// The Grokfast filter's memory (empty without a filter).
    public private(set) var filterState: GradientFilterState
    /// The generator that shuffles the training positions at the start of every epoch (`batch` > 0), as Python's
    /// `random.Random(batch_seed)`; nil with the full batch.
    public private(set) var batchGenerator: MersenneTwister?
    let filter: GradientFilter
    let update: Optimizer
    /// The training set in the order the model reads it: (a, b) order for the structured full batch (consecutive
    /// examples share table rows), the split's order otherwise (minibatch positions index it).
    let trainBatch: ExampleBatch
    let testBatch: ExampleBatch

    public init(config: TrainingConfig, split: DataSplit, parameters: [Float], optimizer: OptimizerState? = nil, epoch: Int = 0,
                filterState: GradientFilterState = GradientFilterState(), batchGenerator: MersenneTwister? = nil) {
        self.config = config
        self.split = split
        model = makeTrainableModel(config)
        precondition(parameters.count == model.layout.totalCount, "parameter count does not match the config")
        self.parameters = parameters
        update = Optimizer(config)
        self.optimizer = optimizer ?? update.initialState(count: parameters.count)
        gradients = [Float](repeating: 0, count: parameters.count)
        self.epoch = epoch
        filter = config.gradientFilter
        self.filterState = filterState
        if config.batch > 0 {
            self.batchGenerator = batchGenerator ?? MersenneTwister(seed: UInt64(config.batchSeed))
        }
        let structured = model is StructuredModel
        trainBatch = ExampleBatch(flatIndices: structured ? split.trainIndices.sorted() : split.trainIndices, p: config.p,
                                  task: split.task)
        testBatch = ExampleBatch(flatIndices: structured ? split.testIndices.sorted() : split.testIndices, p: config.p,
                                 task: split.task)
    }

    /// Optimizer steps per epoch.
    public var stepsPerEpoch: Int { config.stepsPerEpoch(trainCount: split.trainIndices.count) }

    /// The learning rate of the next optimizer step.
    private var nextLearningRate: Double {
        config.batch > 0 ? config.learningRate(atStep: optimizer.step) : config.learningRate(atEpoch: epoch)
    }

    /// Runs epoch `epoch`: the measures (train set always, test set when `evaluate`), then its optimizer steps. Returns
    /// the metrics measured before the update (`gradNorm` is the raw gradient's, of the first batch with minibatches).
    @discardableResult
    public func step(evaluate: Bool = true) -> EpochMetrics {
        let start = DispatchTime.now().uptimeNanoseconds
        var metrics: EpochMetrics
        if config.batch > 0 {
            metrics = measure(evaluate: evaluate, gradient: false)
            var order = Array(0..<trainBatch.count)
            batchGenerator!.shuffle(&order)
            var first = true
            for chunk in stride(from: 0, to: order.count, by: config.batch) {
                let positions = order[chunk..<min(chunk + config.batch, order.count)]
                let batch = trainBatch.subset(positions)
                let lr = nextLearningRate
                parameters.withUnsafeBufferPointer { w in
                    model.prepare(parameters: w.baseAddress!)
                    gradients.withUnsafeMutableBufferPointer { g in
                        _ = model.lossAndGradient(batch, parameters: w.baseAddress!, gradients: g.baseAddress!)
                    }
                }
                if first { metrics.gradNorm = Self.norm(gradients); first = false }
                applyUpdate(lr: lr)
            }
        } else {
            let lr = nextLearningRate
            metrics = measure(evaluate: evaluate)
            applyUpdate(lr: lr)
        }
        epoch += 1
        metrics.seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        return metrics
    }

    /// Filter, ⊥Grad and the optimizer on `gradients`.
    private func applyUpdate(lr: Double) {
        if filter.kind != .none { filter.apply(to: &gradients, state: &filterState, split: model.split) }
        if config.orthograd {
            OrthogonalGradient.apply(to: &gradients, parameters: parameters, layout: model.layout, split: model.split)
        }
        update.update(parameters: &parameters, gradients: gradients, state: &optimizer, lr: lr, split: model.split)
    }

    private static func norm(_ values: [Float]) -> Double { sumOfSquares(values).squareRoot() }

    /// Σ v² in Float64, added in order.
    private static func sumOfSquares(_ values: [Float]) -> Double {
        var squares = 0.0
        for v in values { squares += Double(v) * Double(v) }
        return squares
    }

    /// Measures the current weights without updating them; with `gradient` (the full batch) also fills `gradients`
    /// with the training set's gradient.
    public func measure(evaluate: Bool = true, gradient: Bool = true) -> EpochMetrics {
        let start = DispatchTime.now().uptimeNanoseconds
        var train = BatchResult(loss: .nan, correct: 0, count: 0)
        var test = BatchResult(loss: .nan, correct: 0, count: 0)
        parameters.withUnsafeBufferPointer { w in
            model.prepare(parameters: w.baseAddress!)
            if gradient {
                gradients.withUnsafeMutableBufferPointer { g in
                    train = model.lossAndGradient(trainBatch, parameters: w.baseAddress!, gradients: g.baseAddress!)
                }
            } else {
                train = model.evaluate(trainBatch, parameters: w.baseAddress!)
            }
            if evaluate { test = model.evaluate(testBatch, parameters: w.baseAddress!) }
        }
        // The weights' and the gradient's sums of squares are two serial sums: with two workers, one each (each writes
        // its own element of `squares`).
        let squares = UnsafeMutablePointer<Double>.allocate(capacity: 2)
        defer { squares.deallocate() }
        squares[1] = .nan
        let sums = gradient ? 2 : 1
        let sumOne: (Int) -> Void = { [self] which in
            squares[which] = Self.sumOfSquares(which == 0 ? parameters : gradients)
        }
        if sums == 2 && model.split.workers > 1 { WorkSplit.concurrently(2, sumOne) } else { for i in 0..<sums { sumOne(i) } }
        return EpochMetrics(epoch: epoch, trainLoss: train.loss, testLoss: test.loss, trainAccuracy: train.accuracy,
                            testAccuracy: evaluate ? test.accuracy : .nan, lr: nextLearningRate,
                            gradNorm: squares[1].squareRoot(), weightNorm: squares[0],
                            seconds: Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9,
                            steps: config.batch > 0 ? optimizer.step : epoch, softmaxCollapse: train.collapseFraction)
    }

    /// The current state as a checkpoint (weights, optimizer, filter state, epoch).
    public func checkpoint() -> Checkpoint {
        Checkpoint(epoch: epoch, parameters: parameters, optimizer: optimizer,
                   metadata: ["numeric_platform": NumericPlatform.current(threads: config.threads).id],
                   filter: filter.kind == .none ? nil : (filter.kind, filterState), batchGenerator: batchGenerator)
    }
}
