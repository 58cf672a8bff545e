import CModelKernels

/// Which Grokfast filter (Lee et al. 2024, "Grokfast: accelerated grokking by amplifying slow gradients") a run uses.
public enum GradientFilterKind: String, Sendable, Codable, CaseIterable {
    case none, ema, ma
}

/// What a Grokfast filter remembers between steps, saved in every checkpoint so that resume and `range fill` continue
/// bit for bit. One of the two fields is used, by the filter's kind.
public struct GradientFilterState: Sendable, Equatable {
    /// Grokfast-EMA's average of past gradients (flat parameter layout); `nil` before the first gradient.
    public var average: [Float]?
    /// Grokfast-MA's last gradients, oldest first, each in the flat parameter layout (at most the window).
    public var history: [[Float]]

    public init(average: [Float]? = nil, history: [[Float]] = []) {
        self.average = average; self.history = history
    }

    /// Nothing seen yet.
    public var isEmpty: Bool { average == nil && history.isEmpty }
}

/// A Grokfast gradient filter, applied to the gradient after the backward pass and before AdamW, as the reference code
/// (`gradfilter_ema`, `gradfilter_ma`) does, in Float32 with the same order of operations:
///
/// - `ema`: the average starts as the first gradient; then every step `avg ← avg·α + g·(1−α)` and `g ← g + avg·λ`
///   (so the first step already amplifies).
/// - `ma`: every step appends g to the last `window` gradients; once the window is full, `g ← g + (Σ window / window)·λ`
///   with the sum taken oldest first from zero (Python's `sum` over the deque); before that g passes unchanged.
///
/// Each element is updated on its own, so splitting the vector over workers changes only the time.
public struct GradientFilter: Sendable, Equatable {
    public var kind: GradientFilterKind
    public var alpha: Double
    public var lambda: Double
    public var window: Int

    public init(kind: GradientFilterKind, alpha: Double = 0.98, lambda: Double = 2, window: Int = 100) {
        self.kind = kind; self.alpha = alpha; self.lambda = lambda; self.window = window
    }

    /// Filters `gradients` in place and advances `state`.
    public func apply(to gradients: inout [Float], state: inout GradientFilterState, split: WorkSplit) {
        let n = gradients.count
        switch kind {
        case .none:
            return
        case .ema:
            var average = state.average ?? gradients
            let a = Float(alpha), oneMinusA = Float(1 - alpha), l = Float(lambda)
            gradients.withUnsafeMutableBufferPointer { gb in
            average.withUnsafeMutableBufferPointer { ab in
                let g = gb.baseAddress!, avg = ab.baseAddress!
                split.forEachBlock(n, minimum: 4096) { block in
                    for i in block {
                        avg[i] = avg[i] * a + g[i] * oneMinusA
                        g[i] = g[i] + avg[i] * l
                    }
                }
            }}
            state.average = average
        case .ma:
            if state.history.count == window {
                // Reuse the oldest gradient's buffer for the newest (no 4-bytes-per-parameter allocation per step).
                var recycled = state.history.removeFirst()
                recycled.withUnsafeMutableBufferPointer { out in
                    gradients.withUnsafeBufferPointer { out.baseAddress!.update(from: $0.baseAddress!, count: n) }
                }
                state.history.append(recycled)
            } else {
                state.history.append(gradients)
            }
            guard state.history.count == window else { return }
            let history = state.history
            // The window's base addresses, for the C step (`wb_ma_apply`, the reference's order): `history` holds every
            // array unchanged until the end of the call, so their storage stays where it is.
            let pointers: [UnsafePointer<Float>?] = history.map { $0.withUnsafeBufferPointer { $0.baseAddress } }
            let count = Float(window), l = Float(lambda)
            withExtendedLifetime(history) {
                gradients.withUnsafeMutableBufferPointer { gb in
                    let g = gb.baseAddress!
                    pointers.withUnsafeBufferPointer { pb in
                        let table = pb.baseAddress!
                        split.forEachBlock(n, minimum: 4096) { block in
                            wb_ma_apply(table, pointers.count, block.lowerBound, block.count, g + block.lowerBound, count, l)
                        }
                    }
                }
            }
        }
    }
}
