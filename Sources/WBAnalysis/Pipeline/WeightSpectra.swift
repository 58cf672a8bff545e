/// Fourier spectra of the weights (`docs/analysis.md`), shared by several analyses.
extension CheckpointState {
    /// n_j = ‖(F·E)[j,:]‖₂ for j = 0..<p, E = W_E without the `=` row (p × d_model).
    public var embeddingComponentNorms: [Double] {
        run.basis.componentNorms(embedding, columns: run.shape.dModel)
    }

    /// N_k of W_E, k = 1…(p−1)/2 (1…n/2 in the discrete-log view of mul and div).
    public var embeddingFrequencyNorms: [Double] {
        run.basis.frequencyNorms(componentNorms: embeddingComponentNorms)
    }

    /// ‖(F·W_L)[j,:]‖₂ for j = 0..<p: the Fourier transform of W_L along its logit axis, normed over the neurons.
    public var logitMapComponentNorms: [Double] {
        run.basis.componentNorms(neuronToLogit, columns: run.logitMapWidth)
    }

    /// Per-frequency norms of W_L, k = 1…(p−1)/2 (1…n/2 in the discrete-log view).
    public var logitMapFrequencyNorms: [Double] {
        run.basis.frequencyNorms(componentNorms: logitMapComponentNorms)
    }

    /// Σ θ² over every parameter (`docs/analysis.md`), in Float64.
    public var sumOfSquaredWeights: Double {
        parameters.reduce(0.0) { $0 + Double($1) * Double($1) }
    }
}
