import Foundation
import WBAnalysis
import XCTest

/// Known answers for the Fourier basis, the frequency norms, the sum directions and the key-frequency rules.
final class FourierTests: XCTestCase {
    func testBasisIsOrthonormalWithReferenceCheckValues() throws {
        let f = try FourierBasis(p: 113)
        XCTAssertEqual(f.matrix[0], 0.0940721, accuracy: 5e-8)                   // 1/√113
        XCTAssertEqual(f.matrix[1 * 113 + 0], 0.1330380, accuracy: 5e-8)         // cos 1 at x = 0: √(2/113)
        XCTAssertEqual(f.matrix[2 * 113 + 0], 0, accuracy: 1e-15)                // sin 1 at x = 0
        var worst = 0.0
        for i in 0..<113 {
            for j in 0..<113 {
                var dot = 0.0
                for x in 0..<113 { dot += f.matrix[i * 113 + x] * f.matrix[j * 113 + x] }
                worst = max(worst, abs(dot - (i == j ? 1 : 0)))
            }
        }
        XCTAssertLessThan(worst, 1e-12, "F·Fᵀ = I")
        XCTAssertEqual(f.frequencyCount, 56)
        XCTAssertEqual(FourierBasis.componentName(0), "const")
        XCTAssertEqual(FourierBasis.componentName(27), "cos 14")
        XCTAssertEqual(FourierBasis.componentName(28), "sin 14")
        XCTAssertEqual(FourierBasis.frequency(ofRow: 28), 14)
        XCTAssertThrowsError(try FourierBasis(p: 10))
    }

    func testSumDirectionsAreUnitOrthogonalAndMatchCheckValue() throws {
        let p = 13, f = try FourierBasis(p: p)
        let (c1, _) = f.sumDirection(1)
        XCTAssertEqual(c1[0], 2.0.squareRoot() / Double(p), accuracy: 1e-15)
        XCTAssertEqual(try FourierBasis(p: 113).sumDirection(5).cos[0], 0.0125152, accuracy: 5e-8)
        // Over the p² grid (each s occurs p times): unit norm, mutually orthogonal, zero mean.
        var vectors: [[Double]] = []
        for k in 1...f.frequencyCount {
            let (c, s) = f.sumDirection(k)
            vectors.append((0..<(p * p)).map { c[sumOf($0, p)] })
            vectors.append((0..<(p * p)).map { s[sumOf($0, p)] })
        }
        for (i, u) in vectors.enumerated() {
            XCTAssertEqual(u.reduce(0, +), 0, accuracy: 1e-12)
            for (j, v) in vectors.enumerated() {
                XCTAssertEqual(zip(u, v).reduce(0) { $0 + $1.0 * $1.1 }, i == j ? 1 : 0, accuracy: 1e-12)
            }
        }
    }

    func testEmbeddingBuiltFromChosenFrequenciesYieldsExactlyThem() throws {
        let p = 31, d = 12, chosen = [3, 7, 11]
        let basis = try FourierBasis(p: p)
        // E[x, j] = Σ_k (u_{kj} cos(w_k x) + v_{kj} sin(w_k x)) with arbitrary coefficients, plus a constant.
        var e = [Double](repeating: 0.4, count: p * d)
        for (n, k) in chosen.enumerated() {
            for x in 0..<p {
                let angle = 2 * Double.pi * Double(k * x % p) / Double(p)
                for j in 0..<d {
                    e[x * d + j] += Double(n + 1) * (cos(angle) * sin(Double(j + k)) + sin(angle) * cos(Double(3 * j - k)))
                }
            }
        }
        let norms = basis.frequencyNorms(componentNorms: basis.componentNorms(e, columns: d))
        for k in 1...basis.frequencyCount {
            if chosen.contains(k) { XCTAssertGreaterThan(norms[k - 1], 1) } else { XCTAssertLessThan(norms[k - 1], 1e-12) }
        }
        XCTAssertEqual(KeyFrequencyRule.largestGap.select(norms), chosen)
        XCTAssertEqual(KeyFrequencyRule.fractionOfMax(0.25).select(norms), chosen)
    }

    func testLargestGapPicksTheClusterAboveADecayingTail() {
        // Four strong frequencies, and a tail that decays slowly from a third of the maximum (4·0.97^k): max/4 takes part of the tail.
        var norms = (1...56).map { 4.0 * pow(0.97, Double($0)) }
        for (k, v) in [(14, 10.0), (35, 9.0), (41, 12.0), (52, 8.0)] { norms[k - 1] = v }
        XCTAssertEqual(KeyFrequencyRule.largestGap.select(norms), [14, 35, 41, 52])
        XCTAssertGreaterThan(KeyFrequencyRule.fractionOfMax(0.25).select(norms).count, 4)
        XCTAssertEqual(KeyFrequencyRule.largestGap.select([Double](repeating: 0, count: 10)), [])
        XCTAssertEqual(KeyFrequencyRule.largestGap.select([0, 5, 0, 0]), [2])
    }

    func testGiniOfOneHotConstantAndAKnownVector() {
        XCTAssertEqual(Gini.coefficient([0, 0, 0, 7, 0]), 1 - 1.0 / 5, accuracy: 1e-15)
        XCTAssertEqual(Gini.coefficient([Double](repeating: 2.5, count: 56)), 0, accuracy: 1e-14)
        XCTAssertEqual(Gini.coefficient([3, 0, 1, 0]), 0.625, accuracy: 1e-15)   // 2Σi·c_(i)/(NΣc) − (N+1)/N
        XCTAssertEqual(Gini.coefficient([]), 0)
        XCTAssertEqual(Gini.coefficient([0, 0]), 0)
        // Scale-invariant.
        XCTAssertEqual(Gini.coefficient([1, 2, 3, 9]), Gini.coefficient([10, 20, 30, 90]), accuracy: 1e-15)
    }
}
