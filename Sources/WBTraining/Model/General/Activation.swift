import CModelKernels

/// The hidden activations, forward and backward over flat float32 buffers (`ActivationKind`). GELU's slope costs an
/// error function and an exponential, so a training forward keeps it (`slope`) for the backward pass.
enum Activation {
    /// y = act(x) for `count` values; for GELU with `slope`, also act′(x) there.
    static func forward(_ kind: ActivationKind, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>,
                        slope: UnsafeMutablePointer<Float>? = nil, count: Int) {
        switch kind {
        case .relu: for i in 0..<count { y[i] = x[i] > 0 ? x[i] : 0 }
        case .quad: for i in 0..<count { y[i] = x[i] * x[i] }
        case .gelu: wb_gelu_forward(x, y, slope, count)
        }
    }

    /// grad ← grad ⊙ act′(x), where x is the pre-activation (GELU: the slope the forward kept, when given).
    static func backward(_ kind: ActivationKind, preActivation x: UnsafePointer<Float>, slope: UnsafePointer<Float>? = nil,
                         _ grad: UnsafeMutablePointer<Float>, count: Int) {
        switch kind {
        case .relu: for i in 0..<count where !(x[i] > 0) { grad[i] = 0 }
        case .quad: for i in 0..<count { grad[i] = grad[i] * (2 * x[i]) }
        case .gelu:
            if let slope { for i in 0..<count { grad[i] = grad[i] * slope[i] } } else { wb_gelu_backward(x, grad, count) }
        }
    }
}
