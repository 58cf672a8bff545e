import CModelKernels

/// The hidden activations, forward and backward over flat float32 buffers (`ActivationKind`).
enum Activation {
    /// y = act(x) for `count` values.
    static func forward(_ kind: ActivationKind, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int) {
        switch kind {
        case .relu: for i in 0..<count { y[i] = x[i] > 0 ? x[i] : 0 }
        case .quad: for i in 0..<count { y[i] = x[i] * x[i] }
        case .gelu: wb_gelu_forward(x, y, count)
        }
    }

    /// grad ← grad ⊙ act′(x), where x is the pre-activation.
    static func backward(_ kind: ActivationKind, preActivation x: UnsafePointer<Float>, _ grad: UnsafeMutablePointer<Float>,
                         count: Int) {
        switch kind {
        case .relu: for i in 0..<count where !(x[i] > 0) { grad[i] = 0 }
        case .quad: for i in 0..<count { grad[i] = grad[i] * (2 * x[i]) }
        case .gelu: wb_gelu_backward(x, grad, count)
        }
    }
}
