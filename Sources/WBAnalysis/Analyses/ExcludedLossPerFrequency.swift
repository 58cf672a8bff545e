import WBTraining

/// Excluded loss for each key frequency on its own (the paper code's `calculate_excluded_loss`, `docs/analysis.md`):
/// X_k = L − (c_k c_kᵀ + s_k s_kᵀ)L over the first p logits, cross-entropy on the train split, one value per key frequency
/// of the reference. Shows which frequencies the trained circuit leans on.
public struct ExcludedLossPerFrequency: Analysis {
    public static let name = "excluded_loss_per_frequency"
    public static let version = 1
    public static let summary = "train loss with one key frequency removed from the logits, for each key frequency"
    /// Reads the task as addition in a cyclic group (`CyclicView`).
    public static let tasks = CyclicView.tasks
    public static let needs = AnalysisNeeds.checkpointAndReference

    public init() {}

    /// The train loss with each frequency removed in turn.
    public struct Result: Codable, Sendable, Equatable {
        public var frequencies: [Int]
        /// Train loss with frequency `frequencies[i]` removed.
        public var losses: [Double]
        /// Train loss of the full logits, for comparison.
        public var trainLoss: Double

        enum CodingKeys: String, CodingKey { case frequencies, losses, trainLoss = "train_loss" }
    }

    public func compute(_ input: AnalysisInput) throws -> Result {
        let keys = try input.requireReference(for: Self.name).frequencies
        let forward = input.checkpoint.forward
        return Self.losses(logits: forward.logits, stride: forward.logitStride, keys: keys,
                           trainIndices: input.run.gridSplit.trainIndices, basis: input.run.basis)
    }

    /// The per-frequency excluded losses of logits [n², stride] (rows i·n + j of the view grid, a·p + b for add; the first
    /// n columns used), over the train rows `trainIndices` of that grid.
    public static func losses(logits: [Float], stride: Int, keys: [Int], trainIndices: [Int], basis: FourierBasis) -> Result {
        let p = basis.p
        let projection = SumFrequencyProjection(logits: logits, stride: stride, basis: basis)
        let losses = keys.map { k in
            LogitLoss.mean(logits: logits, stride: stride, p: p, rows: trainIndices, subtracting: projection.projection([k])).loss
        }
        let train = LogitLoss.mean(logits: logits, stride: stride, p: p, rows: trainIndices)
        return Result(frequencies: keys, losses: losses, trainLoss: train.loss)
    }
}
