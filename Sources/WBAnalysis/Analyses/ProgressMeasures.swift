import WBTraining

/// The paper's progress measures (§5 of the paper, `docs/analysis.md`) for one checkpoint, with the key frequencies K
/// fixed once from the reference checkpoint. All losses use the first p logits (the `=` class dropped), Float64.
///
/// - restricted loss: the logits projected onto the constant and the 2|K| directions c_k, s_k (`docs/analysis.md`):
///   R' = Σ_{k∈K}(c_k c_kᵀ + s_k s_kᵀ)L + mean_{(a,b)} L (the paper's code, at the logits, so the attention and skip
///   paths are included), cross-entropy on the **test** split (what the paper plots; `restricted_loss_all` is over all p²
///   inputs, the paper code's default);
/// - excluded loss: X = L − Σ_{k∈K}(c_k c_kᵀ + s_k s_kᵀ)L, all key frequencies at once (the paper's Figure 7), fitted on
///   all p² inputs, cross-entropy on the **train** split;
/// - Gini coefficients of the per-frequency norms N_k (k = 1…(p−1)/2) of W_E and of W_L (`docs/analysis.md`; the constant
///   is left out: it is no frequency, and for W_L it only shifts all logits, which softmax ignores);
/// - the sum of squared weights over every parameter (`docs/analysis.md`);
/// - train and test loss and accuracy of the full logits (over p classes, so slightly below `metrics.csv`, which keeps
///   the `=` class in the softmax as training does).
///
/// For sub, mul and div everything is read in the run's `CyclicView` (a + b becomes i + j mod n): the train and test sets
/// are the split's pairs in the view (`RunContext.gridSplit`), so for mul and div the pairs with a 0 are left out, and the
/// softmax runs over the n = p − 1 non-zero classes.
public struct ProgressMeasures: Analysis {
    public static let name = "progress_measures"
    public static let version = 1
    public static let summary = "restricted and excluded loss, Gini of W_E and W_L, sum of squared weights, train/test loss"
    /// Reads the task as addition in a cyclic group (`CyclicView`).
    public static let tasks = CyclicView.tasks
    public static let needs = AnalysisNeeds.checkpointAndReference

    public init() {}

    /// The progress measures at one checkpoint: restricted and excluded loss, Gini coefficients, Σθ².
    public struct Result: Codable, Sendable, Equatable {
        public var keyFrequencies: [Int]
        public var restrictedLoss: Double
        public var restrictedLossAll: Double
        public var restrictedAccuracy: Double
        public var excludedLoss: Double
        public var excludedAccuracy: Double
        public var trainLoss: Double
        public var testLoss: Double
        public var trainAccuracy: Double
        public var testAccuracy: Double
        public var giniEmbedding: Double
        public var giniLogitMap: Double
        public var sumSquaredWeights: Double

        enum CodingKeys: String, CodingKey {
            case keyFrequencies = "key_frequencies", restrictedLoss = "restricted_loss", restrictedLossAll = "restricted_loss_all"
            case restrictedAccuracy = "restricted_accuracy", excludedLoss = "excluded_loss"
            case excludedAccuracy = "excluded_accuracy", trainLoss = "train_loss", testLoss = "test_loss"
            case trainAccuracy = "train_accuracy", testAccuracy = "test_accuracy", giniEmbedding = "gini_embedding"
            case giniLogitMap = "gini_logit_map", sumSquaredWeights = "sum_squared_weights"
        }
    }

    public func compute(_ input: AnalysisInput) throws -> Result {
        let keys = try input.requireReference(for: Self.name).frequencies
        let state = input.checkpoint, run = input.run
        let forward = state.forward
        let losses = Self.logitMeasures(logits: forward.logits, stride: forward.logitStride, keys: keys, split: run.gridSplit,
                                        basis: run.basis)
        return Result(keyFrequencies: keys, restrictedLoss: losses.restrictedLoss, restrictedLossAll: losses.restrictedLossAll,
                      restrictedAccuracy: losses.restrictedAccuracy, excludedLoss: losses.excludedLoss,
                      excludedAccuracy: losses.excludedAccuracy, trainLoss: losses.trainLoss, testLoss: losses.testLoss,
                      trainAccuracy: losses.trainAccuracy, testAccuracy: losses.testAccuracy,
                      giniEmbedding: Gini.coefficient(state.embeddingFrequencyNorms),
                      giniLogitMap: Gini.coefficient(state.logitMapFrequencyNorms),
                      sumSquaredWeights: state.sumOfSquaredWeights)
    }

    /// The loss-based measures of logits alone.
    public struct LogitMeasures: Sendable, Equatable {
        public var restrictedLoss: Double, restrictedLossAll: Double, restrictedAccuracy: Double
        public var excludedLoss: Double, excludedAccuracy: Double
        public var trainLoss: Double, testLoss: Double, trainAccuracy: Double, testAccuracy: Double
    }

    /// Restricted, excluded, train and test loss of logits [n², stride] (the grid of the basis's group, row i·n + j; the
    /// first n columns used) for key frequencies `keys` and a split whose indices are rows of that grid
    /// (`RunContext.gridSplit`; the split itself for add).
    public static func logitMeasures(logits: [Float], stride: Int, keys: [Int], split: DataSplit,
                                     basis: FourierBasis) -> LogitMeasures {
        let p = basis.p
        let projection = SumFrequencyProjection(logits: logits, stride: stride, basis: basis)
        let kept = projection.projection(keys)
        let restricted = restrictedLosses(projection: projection, projected: kept, split: split.testIndices)
        let excluded = LogitLoss.mean(logits: logits, stride: stride, p: p, rows: split.trainIndices, subtracting: kept)
        let train = LogitLoss.mean(logits: logits, stride: stride, p: p, rows: split.trainIndices)
        let test = LogitLoss.mean(logits: logits, stride: stride, p: p, rows: split.testIndices)
        return LogitMeasures(restrictedLoss: restricted.test, restrictedLossAll: restricted.all,
                             restrictedAccuracy: restricted.testAccuracy, excludedLoss: excluded.loss,
                             excludedAccuracy: excluded.accuracy, trainLoss: train.loss, testLoss: test.loss,
                             trainAccuracy: train.accuracy, testAccuracy: test.accuracy)
    }

    /// The restricted logits depend only on s = (a+b) mod p, which is also the label, so the loss is one row per s,
    /// weighted by how many inputs of the split have that s (p each over the full grid).
    static func restrictedLosses(projection: SumFrequencyProjection, projected: [Double], split: [Int])
        -> (test: Double, all: Double, testAccuracy: Double) {
        let p = projection.p
        var lossPerSum = [Double](repeating: 0, count: p), correct = [Bool](repeating: false, count: p)
        var row = [Double](repeating: 0, count: p)
        for s in 0..<p {
            for c in 0..<p { row[c] = projected[s * p + c] + projection.classMeans[c] }
            lossPerSum[s] = row.withUnsafeBufferPointer { LogitLoss.rowLoss($0.baseAddress!, classes: p, label: s) }
            var best = 0
            for c in 1..<p where row[c] > row[best] { best = c }
            correct[s] = best == s
        }
        var counts = [Int](repeating: 0, count: p)
        for index in split { counts[(index / p + index % p) % p] += 1 }
        let n = Double(max(1, split.count))
        let test = (0..<p).reduce(0.0) { $0 + Double(counts[$1]) * lossPerSum[$1] } / n
        let accuracy = Double((0..<p).reduce(0) { $0 + (correct[$1] ? counts[$1] : 0) }) / n
        return (test, lossPerSum.reduce(0, +) / Double(p), accuracy)
    }
}
