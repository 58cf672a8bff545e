import WBTraining

/// How far the logits are the paper's cos(w_k(a+b−c)) form (`docs/analysis.md`, the paper code's `calculate_coefficients`):
/// α_k = ⟨L, Cube_k⟩ with Cube_k(a,b,c) = cos(w_k(a+b−c)) normalised to unit norm over the p³ grid, L the first p logits.
/// `cosine_similarity` is α_k/‖L‖; `explained_fraction` is Σ_k α_k² / ‖L − mean_c L‖², the share of
/// the logits' variance across classes (the part softmax sees) that the cube terms of all frequencies explain.
public struct LogitCosines: Analysis {
    public static let name = "logit_cosines"
    public static let version = 1
    public static let summary = "coefficients of cos(w_k(a+b−c)) in the logits, per frequency"
    /// Reads the task as addition in a cyclic group (`CyclicView`).
    public static let tasks = CyclicView.tasks

    public init() {}

    /// How much of the logits each frequency's cos(w(a+b−c)) direction explains.
    public struct Result: Codable, Sendable, Equatable {
        /// α_k, index k−1.
        public var coefficients: [Double]
        /// α_k / ‖L‖.
        public var cosineSimilarity: [Double]
        public var logitNorm: Double
        public var explainedFraction: Double

        enum CodingKeys: String, CodingKey {
            case coefficients, cosineSimilarity = "cosine_similarity", logitNorm = "logit_norm"
            case explainedFraction = "explained_fraction"
        }
    }

    public func compute(_ input: AnalysisInput) throws -> Result {
        let forward = input.checkpoint.forward, basis = input.run.basis, p = basis.p
        let projection = SumFrequencyProjection(logits: forward.logits, stride: forward.logitStride, basis: basis)
        let alphas = (1...basis.frequencyCount).map { projection.cubeCoefficient($0) }
        var total = 0.0, centred = 0.0
        forward.logits.withUnsafeBufferPointer { lb in
            for r in 0..<(p * p) {
                let row = lb.baseAddress! + r * forward.logitStride
                var sum = 0.0, sq = 0.0
                for c in 0..<p { let v = Double(row[c]); sum += v; sq += v * v }
                total += sq
                centred += sq - sum * sum / Double(p)
            }
        }
        let norm = total.squareRoot()
        let explained = alphas.reduce(0) { $0 + $1 * $1 }
        return Result(coefficients: alphas, cosineSimilarity: alphas.map { norm > 0 ? $0 / norm : 0 }, logitNorm: norm,
                      explainedFraction: centred > 0 ? explained / centred : 0)
    }
}
