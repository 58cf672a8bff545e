import Foundation
import WBAnalysis
import WBTraining
import XCTest

/// Known answers for the restricted and excluded losses and the logit cosine coefficients, on synthetic logits.
final class LossMeasureTests: XCTestCase {
    let p = 23
    func w(_ k: Int) -> Double { 2 * Double.pi * Double(k) / Double(p) }

    /// Logits [p², p+1] (an extra `=` column, which the analyses must ignore) from a function of (a, b, c).
    func logits(_ f: (Int, Int, Int) -> Double) -> [Float] {
        var out = [Float](repeating: 0, count: p * p * (p + 1))
        for a in 0..<p { for b in 0..<p {
            for c in 0..<p { out[(a * p + b) * (p + 1) + c] = Float(f(a, b, c)) }
            out[(a * p + b) * (p + 1) + p] = 1000   // the `=` class: huge, and must not count
        } }
        return out
    }

    /// Reference cross-entropy over p classes, straightforwardly.
    func loss(_ f: (Int, Int, Int) -> Double, rows: [Int]) -> Double {
        var total = 0.0
        for r in rows {
            let a = r / p, b = r % p, label = (a + b) % p
            let values = (0..<p).map { f(a, b, $0) }
            let top = values.max()!
            total += log(values.reduce(0) { $0 + exp($1 - top) }) + top - values[label]
        }
        return total / Double(rows.count)
    }

    func testRestrictedLossOfLogitsMadeOfKeyFrequenciesEqualsTheirLoss() throws {
        let basis = try FourierBasis(p: p), split = DataSplit.shuffled(p: p, frac: 0.3, seed: 0)
        let keys = [3, 8, 10]
        let bias = (0..<p).map { 0.1 * Double($0 % 5) }   // a per-class constant (kept: it is the constant 2D component)
        let f: (Int, Int, Int) -> Double = { a, b, c in
            bias[c] + 4 * cos(self.w(3) * Double(a + b - c)) + 2.5 * cos(self.w(8) * Double(a + b - c) + 0.4)
                + 3 * cos(self.w(10) * Double(a + b - c))
        }
        let m = ProgressMeasures.logitMeasures(logits: logits(f), stride: p + 1, keys: keys, split: split, basis: basis)
        assertClose(m.restrictedLoss, loss(f, rows: split.testIndices), relative: 1e-5, "restricted = test loss")
        assertClose(m.testLoss, loss(f, rows: split.testIndices), relative: 1e-5, "test loss")
        assertClose(m.trainLoss, loss(f, rows: split.trainIndices), relative: 1e-5, "train loss")
        assertClose(m.restrictedLossAll, loss(f, rows: Array(0..<(p * p))), relative: 1e-5, "restricted over all inputs")
        XCTAssertEqual(m.restrictedAccuracy, 1)
        // Excluding every key frequency leaves only the per-class constants.
        assertClose(m.excludedLoss, loss({ _, _, c in bias[c] }, rows: split.trainIndices), relative: 1e-5, "excluded")
        // Restricting to a subset drops the other terms.
        let partial = ProgressMeasures.logitMeasures(logits: logits(f), stride: p + 1, keys: [3], split: split, basis: basis)
        assertClose(partial.restrictedLoss, loss({ a, b, c in bias[c] + 4 * cos(self.w(3) * Double(a + b - c)) },
                                                 rows: split.testIndices), relative: 1e-5, "restricted to k = 3")
        // Per-frequency exclusion removes one term at a time.
        let each = ExcludedLossPerFrequency.losses(logits: logits(f), stride: p + 1, keys: keys, trainIndices: split.trainIndices,
                                                   basis: basis)
        assertClose(each.losses[1], loss({ a, b, c in bias[c] + 4 * cos(self.w(3) * Double(a + b - c))
            + 3 * cos(self.w(10) * Double(a + b - c)) }, rows: split.trainIndices), relative: 1e-5, "excluded k = 8 only")
    }

    func testTermsOutsideTheSumDirectionsAreRemovedByRestriction() throws {
        let basis = try FourierBasis(p: p), split = DataSplit.shuffled(p: p, frac: 0.3, seed: 0)
        // cos(w_k(a+b−c)) at k = 4 plus terms that are not functions of a+b: they vanish in the restricted logits.
        let f: (Int, Int, Int) -> Double = { a, b, c in
            5 * cos(self.w(4) * Double(a + b - c)) + 2 * cos(self.w(6) * Double(a - c)) + sin(self.w(2) * Double(b * c))
        }
        let m = ProgressMeasures.logitMeasures(logits: logits(f), stride: p + 1, keys: [4], split: split, basis: basis)
        // The projection of sin(w_2·b·c) onto the sum directions is not zero in general, so compare against an explicit
        // projection: P = Σ_k (c_k c_kᵀ + s_k s_kᵀ) L + mean L, over all p² inputs.
        let (cv, sv) = basis.sumDirection(4)
        var coefC = [Double](repeating: 0, count: p), coefS = [Double](repeating: 0, count: p), mean = [Double](repeating: 0, count: p)
        for r in 0..<(p * p) { for c in 0..<p {
            let v = f(r / p, r % p, c)
            coefC[c] += cv[sumOf(r, p)] * v; coefS[c] += sv[sumOf(r, p)] * v; mean[c] += v / Double(p * p)
        } }
        let projected: (Int, Int, Int) -> Double = { a, b, c in
            let s = (a + b) % self.p
            return cv[s] * coefC[c] + sv[s] * coefS[c] + mean[c]
        }
        assertClose(m.restrictedLoss, loss(projected, rows: split.testIndices), relative: 1e-5, "explicit projection")
    }

    func testLogitCosineCoefficientsOfAPureCube() throws {
        let basis = try FourierBasis(p: p)
        let f: (Int, Int, Int) -> Double = { a, b, c in 2 * cos(self.w(6) * Double(a + b - c)) }
        let projection = SumFrequencyProjection(logits: logits(f), stride: p + 1, basis: basis)
        let cubeNorm = (Double(p * p * p) / 2).squareRoot()
        XCTAssertEqual(projection.cubeCoefficient(6), 2 * cubeNorm, accuracy: 1e-3)
        for k in [1, 2, 5, 7, 11] { XCTAssertEqual(projection.cubeCoefficient(k), 0, accuracy: 1e-3) }
    }
}
