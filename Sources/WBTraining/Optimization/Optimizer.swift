/// The optimizer a config names (`OptimizerKind`), composed by the trainer after the gradient filter and ⊥Grad.
public struct Optimizer: Sendable {
    public let kind: OptimizerKind
    private let adam: AdamW
    private let sgd: SGD

    public init(_ config: TrainingConfig) {
        kind = config.optimizer
        adam = AdamW(weightDecay: config.wd, beta1: config.beta1, beta2: config.beta2, eps: config.eps,
                     coupled: config.optimizer == .adam)
        sgd = SGD(weightDecay: config.wd, momentum: config.momentum)
    }

    /// A zeroed state for `count` weights (SGD's holds only a momentum buffer).
    public func initialState(count: Int) -> OptimizerState {
        OptimizerState(count: count, secondMoment: kind != .sgd)
    }

    /// One update with learning rate `lr` (already scaled by the warm-up).
    public func update(parameters: inout [Float], gradients: [Float], state: inout OptimizerState, lr: Double,
                       split: WorkSplit) {
        switch kind {
        case .adamw, .adam: adam.update(parameters: &parameters, gradients: gradients, state: &state, lr: lr, split: split)
        case .sgd: sgd.update(parameters: &parameters, gradients: gradients, state: &state, lr: lr, split: split)
        }
    }
}
