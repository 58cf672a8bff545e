/// What one evaluated epoch measured, before its update (as the paper's code logs it).
///
/// `weightNorm` is the sum of squared weights over every parameter (the paper's "total sum of squared weights";
/// the column is named `weight_norm` in `metrics.csv`). `gradNorm` is the global L2 norm of the gradient. `lr` is the learning
/// rate the update of this epoch used (its first step's, with minibatches). `seconds` is the wall time of the epoch's
/// steps and evaluation. `steps` counts the optimizer steps taken before this epoch (the epoch itself with the full
/// batch). `softmaxCollapse` is the fraction of training examples whose float32 softmax of the correct class rounds to
/// exactly 1 (Prieto et al. 2025). With minibatches, `gradNorm` is the raw gradient norm of the epoch's first batch.
public struct EpochMetrics: Sendable, Equatable {
    public var epoch: Int
    public var trainLoss: Double
    public var testLoss: Double
    public var trainAccuracy: Double
    public var testAccuracy: Double
    public var lr: Double
    public var gradNorm: Double
    public var weightNorm: Double
    public var seconds: Double
    public var steps: Int
    public var softmaxCollapse: Double

    public init(epoch: Int, trainLoss: Double, testLoss: Double, trainAccuracy: Double, testAccuracy: Double, lr: Double,
                gradNorm: Double, weightNorm: Double, seconds: Double, steps: Int? = nil, softmaxCollapse: Double = 0) {
        self.epoch = epoch; self.trainLoss = trainLoss; self.testLoss = testLoss; self.trainAccuracy = trainAccuracy
        self.testAccuracy = testAccuracy; self.lr = lr; self.gradNorm = gradNorm; self.weightNorm = weightNorm; self.seconds = seconds
        self.steps = steps ?? epoch
        self.softmaxCollapse = softmaxCollapse
    }
}
