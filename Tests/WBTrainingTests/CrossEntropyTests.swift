import CModelKernels
import Foundation
import XCTest
@testable import WBTraining

/// wb's own cross-entropy (`wb_cross_entropy`): its exponentials against the C library's, its two paths against each
/// other, and the cases a training run can reach (a huge spread of logits, a NaN).
final class CrossEntropyTests: XCTestCase {
    /// Rows of `classes` logits: random ones, then rows spread over ±400 and ±2000 (terms far below e^−708).
    private func rows(count: Int, classes: Int, seed: UInt64) -> [Float] {
        var rng = MersenneTwister(seed: seed)
        return (0..<count * classes).map { i in
            let unit = Float(rng.randomBelow(2_000_001)) / 1_000_000 - 1
            let spread: Float = i / classes % 3 == 0 ? 30 : (i / classes % 3 == 1 ? 400 : 2000)
            return unit * spread
        }
    }

    private func run(_ logits: [Float], labels: [Int32], classes c: Int, p: Int)
        -> (losses: [Double], correct: [UInt8], gradient: [Float]) {
        let n = labels.count
        var losses = [Double](repeating: 0, count: n), correct = [UInt8](repeating: 0, count: n)
        var gradient = [Float](repeating: 0, count: n * c)
        CrossEntropy.evaluate(logits: logits, labels: labels, count: n, classes: c, p: p, batchSize: n, losses: &losses,
                              correct: &correct, gradient: &gradient)
        return (losses, correct, gradient)
    }

    func testLossAndGradientMatchTheCLibrarysExponentials() {
        for classes in [114, 98, 7] {   // the paper's, a tail of 2, fewer than one vector
            let n = 300, p = classes - 1
            let logits = rows(count: n, classes: classes, seed: UInt64(classes))
            let labels = (0..<n).map { Int32($0 % p) }
            let result = run(logits, labels: labels, classes: classes, p: p)
            var worstLoss = 0.0, worstGradient = 0.0
            for e in 0..<n {
                let row = logits[e * classes..<(e + 1) * classes].map(Double.init)
                let top = row.max()!
                let sum = row.reduce(0.0) { $0 + Foundation.exp($1 - top) }
                let expected = top + Foundation.log(sum) - row[Int(labels[e])]
                worstLoss = max(worstLoss, abs(result.losses[e] - expected) / max(expected, 1))
                for j in 0..<classes {
                    let softmax = Foundation.exp(row[j] - top) / sum
                    let want = (softmax - (j == Int(labels[e]) ? 1 : 0)) / Double(n)
                    worstGradient = max(worstGradient, abs(Double(result.gradient[e * classes + j]) - want))
                }
                let best = (0..<p).max { row[$0] < row[$1] || (row[$0] == row[$1] && $0 > $1) }!
                XCTAssertEqual(result.correct[e], best == Int(labels[e]) ? 1 : 0)
            }
            XCTAssertLessThan(worstLoss, 1e-13, "\(classes) classes")
            XCTAssertLessThan(worstGradient, 1e-7 / Double(n), "\(classes) classes")
        }
    }

    /// A tiny loss (a well-fit example, as late in grokking) keeps its digits: max + log Σ − x_label would lose six of them
    /// to cancellation, and adding the small terms to the maximum's 1 would lose more.
    func testATinyLossKeepsItsDigits() {
        var logits = [Float](repeating: 0, count: 114)
        logits[5] = 25
        let result = run(logits, labels: [5], classes: 114, p: 113)
        let expected = Foundation.log1p(113 * Foundation.exp(-25.0))
        XCTAssertEqual(result.losses[0], expected, accuracy: expected * 1e-13)
        XCTAssertEqual(result.correct[0], 1)
    }

    func testVectorAndPlainPathsAgreeBitForBit() {
        for classes in [114, 98, 7] {
            let n = 200
            let logits = rows(count: n, classes: classes, seed: 77)
            let labels = (0..<n).map { Int32($0 % (classes - 1)) }
            let vector = run(logits, labels: labels, classes: classes, p: classes - 1)
            wb_kernels_allow_vector(0)
            let plain = run(logits, labels: labels, classes: classes, p: classes - 1)
            wb_kernels_allow_vector(1)
            XCTAssertEqual(vector.losses.map(\.bitPattern), plain.losses.map(\.bitPattern), "\(classes) classes")
            XCTAssertEqual(vector.gradient.map(\.bitPattern), plain.gradient.map(\.bitPattern), "\(classes) classes")
        }
    }

    /// Rows whose maximum is tied (within and across the first p classes), is ±0, or sits in the tail after the last whole
    /// vector, and rows with a NaN: both paths pick the same first maximum and argmax, and give the same bits (NaN where
    /// NaN).
    func testTiesSignedZerosAndNaNsPickTheSameMaximaOnBothPaths() {
        let c = 114, p = 113
        var rows: [[Float]] = []
        rows.append([Float](repeating: 0.5, count: c))                            // all equal
        rows.append((0..<c).map { $0 % 2 == 0 ? -0.0 : 0.0 })                     // ±0 everywhere
        rows.append((0..<c).map { $0 == 40 || $0 == 90 ? 3 : -1 })               // a tie inside
        rows.append((0..<c).map { $0 == 113 ? 9 : ($0 == 112 || $0 == 7 ? 8 : 0) }) // max on `=`, tie below it
        rows.append((0..<c).map { $0 >= 104 ? 2 : 1 })                           // the maximum only in the tail
        rows.append((0..<c).map { $0 == 50 ? .nan : Float($0 % 9) })             // a NaN between ties
        rows.append((0..<c).map { $0 == 0 ? .nan : 1 })                          // a NaN first
        rows.append((0..<c).map { $0 == 113 ? .nan : -Float($0) })               // a NaN in the tail
        let labels: [Int32] = [0, 5, 90, 7, 110, 8, 3, 0]
        let logits = Array(rows.joined())
        let vector = run(logits, labels: labels, classes: c, p: p)
        wb_kernels_allow_vector(0)
        let plain = run(logits, labels: labels, classes: c, p: p)
        wb_kernels_allow_vector(1)
        XCTAssertEqual(vector.correct, plain.correct)
        XCTAssertEqual(vector.correct[0..<5], [1, 0, 0, 1, 0])
        func bits(_ x: Double) -> UInt64 { x.isNaN ? 1 : x.bitPattern }
        func bits(_ x: Float) -> UInt32 { x.isNaN ? 1 : x.bitPattern }
        XCTAssertEqual(vector.losses.map(bits), plain.losses.map(bits))
        XCTAssertEqual(vector.gradient.map(bits), plain.gradient.map(bits))
        XCTAssertTrue(vector.losses[5...].allSatisfy(\.isNaN))
    }

    func testANaNLogitGivesANaNLossOnBothPaths() {
        for vector in [1, 0] as [Int32] {
            wb_kernels_allow_vector(vector)
            defer { wb_kernels_allow_vector(1) }
            for position in [0, 3, 113] {
                var logits = [Float](repeating: 1, count: 114)
                logits[position] = .nan
                let result = run(logits, labels: [7], classes: 114, p: 113)
                XCTAssertTrue(result.losses[0].isNaN, "NaN at \(position), vector \(vector)")
            }
        }
    }
}
