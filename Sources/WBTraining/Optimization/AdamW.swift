import CModelKernels
import Foundation

/// AdamW exactly as PyTorch's `torch.optim.AdamW` (single-tensor path, amsgrad off), over the flat parameter buffer:
///
///     θ ← θ·(1 − lr·λ)                       decoupled weight decay, on every parameter (biases too, as the paper)
///     m ← m + (g − m)·(1 − β1)              (torch's lerp)
///     v ← β2·v + (1 − β2)·g²
///     θ ← θ − (lr / (1 − β1ᵗ)) · m / (√v / √(1 − β2ᵗ) + ε)
///
/// `step` counts updates taken so far (t after the update). The moments and `step` are saved in checkpoints, so a resumed
/// run continues bit for bit. SGD keeps its momentum buffer in `firstMoment` and no `secondMoment` (empty).
public struct OptimizerState: Sendable, Equatable {
    public var firstMoment: [Float]
    public var secondMoment: [Float]
    public var step: Int

    /// Zeroed state for `count` weights; without `secondMoment` (SGD) only the momentum buffer.
    public init(count: Int, secondMoment: Bool = true) {
        firstMoment = [Float](repeating: 0, count: count)
        self.secondMoment = secondMoment ? [Float](repeating: 0, count: count) : []
        step = 0
    }

    /// Whether this is SGD's state (a momentum buffer and no second moment).
    public var isMomentumOnly: Bool { secondMoment.isEmpty }

    public init(firstMoment: [Float], secondMoment: [Float], step: Int) {
        self.firstMoment = firstMoment
        self.secondMoment = secondMoment
        self.step = step
    }
}

/// The AdamW hyper-parameters and the update; with `coupled`, torch's `Adam` with L2 instead: g ← g + λ·θ before the
/// moments and no decoupled decay (Grokfast's optimizer).
public struct AdamW: Sendable {
    public var weightDecay: Double
    public var beta1: Double
    public var beta2: Double
    public var eps: Double
    public var coupled: Bool

    public init(weightDecay: Double, beta1: Double, beta2: Double, eps: Double, coupled: Bool = false) {
        self.weightDecay = weightDecay; self.beta1 = beta1; self.beta2 = beta2; self.eps = eps; self.coupled = coupled
    }

    /// One update with learning rate `lr` (already scaled by the warm-up). Each element is updated on its own, so
    /// splitting the vector over `split`'s workers changes nothing but the time.
    public func update(parameters: inout [Float], gradients: [Float], state: inout OptimizerState, lr: Double,
                       split: WorkSplit = WorkSplit(workers: 1)) {
        state.step += 1
        let t = Double(state.step)
        let decay = Float(coupled ? 1 : 1 - lr * weightDecay), l2 = Float(coupled ? weightDecay : 0)
        let oneMinusBeta1 = Float(1 - beta1), b2 = Float(beta2), oneMinusBeta2 = Float(1 - beta2)
        let stepSize = Float(lr / (1 - Foundation.pow(beta1, t)))
        let correction2 = Float((1 - Foundation.pow(beta2, t)).squareRoot())
        let epsilon = Float(eps)
        let n = parameters.count
        parameters.withUnsafeMutableBufferPointer { wb in
        gradients.withUnsafeBufferPointer { gb in
        state.firstMoment.withUnsafeMutableBufferPointer { mb in
        state.secondMoment.withUnsafeMutableBufferPointer { vb in
            let w = wb.baseAddress!, g = gb.baseAddress!, m = mb.baseAddress!, v = vb.baseAddress!
            // The loop is in C (`wb_adamw_update`, eight lanes with AVX2, the same operations in the same order).
            split.forEachBlock(n, minimum: 4096) { block in
                wb_adamw_update(w, g, m, v, block.lowerBound, block.upperBound, coupled ? 1 : 0, l2, decay,
                                oneMinusBeta1, b2, oneMinusBeta2, stepSize, correction2, epsilon)
            }
        }}}}
    }
}
