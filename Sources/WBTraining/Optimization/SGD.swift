/// `torch.optim.SGD` (single-tensor path, no dampening, no Nesterov) over the flat parameter buffer:
///
///     g ← g + wd·θ                          coupled weight decay
///     buf ← g at the first step, else momentum·buf + g      (only with momentum ≠ 0)
///     θ ← θ − lr·buf                        (θ − lr·g without momentum)
///
/// The first step is step 0 even though the warm-up runs it at lr 0 (torch fills the buffer there too). The buffer is
/// `OptimizerState.firstMoment`; `step` counts updates.
public struct SGD: Sendable {
    public var weightDecay: Double
    public var momentum: Double

    public init(weightDecay: Double, momentum: Double) {
        self.weightDecay = weightDecay; self.momentum = momentum
    }

    public func update(parameters: inout [Float], gradients: [Float], state: inout OptimizerState, lr: Double,
                       split: WorkSplit = WorkSplit(workers: 1)) {
        let first = state.step == 0
        state.step += 1
        let wd = Float(weightDecay), mu = Float(momentum), rate = Float(lr)
        let n = parameters.count, useMomentum = momentum != 0
        parameters.withUnsafeMutableBufferPointer { wb in
        gradients.withUnsafeBufferPointer { gb in
        state.firstMoment.withUnsafeMutableBufferPointer { bb in
            let w = wb.baseAddress!, g = gb.baseAddress!, buf = bb.baseAddress!
            split.forEachBlock(n, minimum: 4096) { block in
                for i in block {
                    var d = g[i] + w[i] * wd
                    if useMomentum {
                        buf[i] = first ? d : buf[i] * mu + d
                        d = buf[i]
                    }
                    w[i] = w[i] - rate * d
                }
            }
        }}}
    }
}
