import Foundation
import WBTraining

/// Attention of the `=` position (the only query that reaches the loss), per head, over the input grid.
///
/// The scores of `=` on each key are functions of one token: s_h(pos, t) = q_h·((W_E[t] + W_pos[pos])·W_K[h]) / √d_head
/// with q_h = (W_E[=] + W_pos[2])·W_Q[h]; the attention A_h(a, b) is the softmax over (s_h(0, a), s_h(1, b), s_h(2, =)).
/// Reported per head: the mean attention on a, b and `=` over the p² inputs; the dominant frequency of the score on a as a
/// function of a (fraction of its variance in that frequency); and the dominant frequency of the 2D pattern A_h(a, b) on
/// position a, by the neuron-cluster fraction (`docs/analysis.md`) — the paper's Table 2 reads head frequencies this way.
///
/// For a transformer other than the paper's (more layers, LayerNorm, GELU), the read layer's attention (`RunContext.layer`)
/// comes from the forward pass over the grid (`GridForward.attention`): there the query of `=` and, past the first
/// layer, the keys depend on both tokens, so the score on a is read as the mean over b of log(A_h(a, b; a) / A_h(a, b; =)),
/// which for a first layer without LayerNorm is the score above less the constant score of `=`.
///
/// The grid and the frequencies are those of the run's `CyclicView` (tokens in discrete-log order for mul and div, whose
/// means leave out the pairs with a 0). For a task without a view they are in token order: the mean attention means what
/// it always does, the frequencies only describe the token order.
public struct AttentionPatterns: Analysis {
    public static let readsAttention = true
    public static let name = "attention_patterns"
    public static let version = 1
    public static let summary = "attention of '=' per head: mean weights on a, b, '=' and each head's frequency"
    /// Needs no Fourier basis: every task (for a task without a `CyclicView` it reads the token order).
    public static let tasks = ModularTask.allCases

    public init() {}

    /// One head's attention from `=`: where it looks on average, and the frequency of its scores.
    public struct Head: Codable, Sendable, Equatable {
        /// Mean attention on positions a, b and `=`.
        public var meanAttention: [Double]
        public var scoreFrequency: Int
        public var scoreFrequencyFraction: Double
        public var patternFrequency: Int
        public var patternFrequencyFraction: Double

        enum CodingKeys: String, CodingKey {
            case meanAttention = "mean_attention", scoreFrequency = "score_frequency"
            case scoreFrequencyFraction = "score_frequency_fraction", patternFrequency = "pattern_frequency"
            case patternFrequencyFraction = "pattern_frequency_fraction"
        }
    }

    /// Every head, in order.
    public struct Result: Codable, Sendable, Equatable {
        public var heads: [Head]
    }

    public func compute(_ input: AnalysisInput) throws -> Result {
        if let attention = input.checkpoint.forward.attention {
            return Self.fromGrid(attention, heads: input.run.shape.heads, n: input.run.view.n, basis: input.run.basis)
        }
        let state = input.checkpoint, s = input.run.shape, basis = input.run.basis, view = input.run.view
        let p = s.p, n = view.n, d = s.dModel, dh = s.dHead, heads = s.heads
        let we = state.tensor("embed.W_E"), wpos = state.tensor("pos_embed.W_pos")
        let wq = state.tensor("blocks.0.attn.W_Q"), wk = state.tensor("blocks.0.attn.W_K")
        let scale = 1 / Double(dh).squareRoot()
        func residual(_ token: Int, _ position: Int) -> [Double] { (0..<d).map { we[token * d + $0] + wpos[position * d + $0] } }
        func project(_ x: [Double], _ w: [Double], _ h: Int) -> [Double] {
            (0..<dh).map { j in (0..<d).reduce(0.0) { $0 + x[$1] * w[(h * d + $1) * dh + j] } }
        }
        let equals = residual(p, 2)
        var scoreA = [[Double]](), scoreB = [[Double]](), scoreEq = [Double]()
        for h in 0..<heads {
            let q = project(equals, wq, h)
            func score(_ x: [Double]) -> Double { zip(q, project(x, wk, h)).reduce(0.0) { $0 + $1.0 * $1.1 } * scale }
            scoreA.append(view.tokensA.map { score(residual($0, 0)) })
            scoreB.append(view.tokensB.map { score(residual($0, 1)) })
            scoreEq.append(score(equals))
        }
        // Attention on position a over the view grid, [n², heads], for the 2D frequency fractions.
        var onA = [Float](repeating: 0, count: n * n * heads)
        var sums = [[Double]](repeating: [0, 0, 0], count: heads)
        for h in 0..<heads {
            for a in 0..<n {
                for b in 0..<n {
                    let s0 = scoreA[h][a], s1 = scoreB[h][b], s2 = scoreEq[h]
                    let top = max(s0, s1, s2)
                    let e0 = exp(s0 - top), e1 = exp(s1 - top), e2 = exp(s2 - top), z = e0 + e1 + e2
                    onA[(a * n + b) * heads + h] = Float(e0 / z)
                    sums[h][0] += e0 / z; sums[h][1] += e1 / z; sums[h][2] += e2 / z
                }
            }
        }
        return Self.summarize(scoreA: scoreA, onA: onA, sums: sums, n: n, basis: basis)
    }

    /// The heads of a grid of attention weights [n², heads, 3] (row i·n + j, then a, b, `=`).
    static func fromGrid(_ attention: [Float], heads: Int, n: Int, basis: FourierBasis) -> Result {
        var onA = [Float](repeating: 0, count: n * n * heads)
        var sums = [[Double]](repeating: [0, 0, 0], count: heads)
        var scoreA = [[Double]](repeating: [Double](repeating: 0, count: n), count: heads)
        let tiny = Double(Float.leastNormalMagnitude)
        for row in 0..<(n * n) {
            for h in 0..<heads {
                let w = (row * heads + h) * 3
                let onTokenA = Double(attention[w]), onB = Double(attention[w + 1]), onEquals = Double(attention[w + 2])
                onA[row * heads + h] = attention[w]
                sums[h][0] += onTokenA; sums[h][1] += onB; sums[h][2] += onEquals
                scoreA[h][row / n] += (log(max(onTokenA, tiny)) - log(max(onEquals, tiny))) / Double(n)
            }
        }
        return summarize(scoreA: scoreA, onA: onA, sums: sums, n: n, basis: basis)
    }

    /// Per head: mean attention from the sums over the n² pairs, the dominant frequency of the score on a and of the
    /// pattern on a.
    static func summarize(scoreA: [[Double]], onA: [Float], sums: [[Double]], n: Int, basis: FourierBasis) -> Result {
        let heads = scoreA.count
        let fractions = NeuronFrequencyFractions(activations: onA, neurons: heads, basis: basis)
        return Result(heads: (0..<heads).map { h in
            let spectrum = basis.frequencyNorms(componentNorms: basis.componentNorms(scoreA[h], columns: 1))
            let energy = spectrum.reduce(0) { $0 + $1 * $1 }
            let bestK = spectrum.indices.max { spectrum[$0] < spectrum[$1] } ?? 0
            let pattern = fractions.best(neuron: h)
            return Head(meanAttention: sums[h].map { $0 / Double(n * n) }, scoreFrequency: bestK + 1,
                        scoreFrequencyFraction: energy > 0 ? spectrum[bestK] * spectrum[bestK] / energy : 0,
                        patternFrequency: pattern.frequency, patternFrequencyFraction: max(0, pattern.fraction))
        })
    }
}
