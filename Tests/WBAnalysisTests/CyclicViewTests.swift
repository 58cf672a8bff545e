import Foundation
import WBAnalysis
import WBTraining
import XCTest

/// The views of the tasks as addition in a cyclic group, and the Fourier basis, fractions and projections of an even order.
final class CyclicViewTests: XCTestCase {
    let primes = [3, 5, 7, 11, 13, 23, 59, 97, 113]

    func testEveryCyclicTaskIsAdditionInItsView() throws {
        for p in primes {
            for task in CyclicView.tasks {
                let view = try XCTUnwrap(CyclicView(task: task, p: p), "\(task) mod \(p)")
                let n = view.n
                XCTAssertEqual(n, task == .mul || task == .div ? p - 1 : p, "\(task) mod \(p)")
                XCTAssertTrue(view.isCyclic)
                for i in 0..<n {
                    for j in 0..<n {
                        XCTAssertTrue(task.includes(a: view.tokensA[i], b: view.tokensB[j]))
                        XCTAssertEqual(task.label(a: view.tokensA[i], b: view.tokensB[j], p: p), view.classes[(i + j) % n],
                                       "\(task) mod \(p) at (\(i), \(j))")
                    }
                }
                // Each array is a bijection onto its tokens: all residues, or the non-zero ones.
                let domain = Set(n == p ? Array(0..<p) : Array(1..<p))
                XCTAssertEqual(Set(view.tokensA), domain); XCTAssertEqual(view.tokensA.count, n)
                XCTAssertEqual(Set(view.tokensB), domain); XCTAssertEqual(view.tokensB.count, n)
                XCTAssertEqual(Set(view.classes), domain); XCTAssertEqual(view.classes.count, n)
            }
        }
    }

    func testTheArraysOfEachTask() throws {
        let p = 23
        let add = try XCTUnwrap(CyclicView(task: .add, p: p))
        XCTAssertTrue(add.isTokenOrder)
        XCTAssertEqual(add.label, "")
        XCTAssertEqual(add.orderTag, "")
        let sub = try XCTUnwrap(CyclicView(task: .sub, p: p))
        XCTAssertEqual(sub.tokensA, Array(0..<p))
        XCTAssertEqual(sub.tokensB, (0..<p).map { (p - $0) % p })
        XCTAssertEqual(sub.classes, Array(0..<p))
        XCTAssertFalse(sub.isTokenOrder)
        XCTAssertEqual(sub.label, "")

        XCTAssertEqual(ModularTask.primitiveRoot(23), 5)
        XCTAssertEqual(ModularTask.primitiveRoot(113), 3)
        let mul = try XCTUnwrap(CyclicView(task: .mul, p: p))
        XCTAssertEqual(mul.generator, 5)
        XCTAssertEqual(Array(mul.tokensA.prefix(4)), [1, 5, 2, 10])
        XCTAssertEqual(mul.tokensA, mul.tokensB)
        XCTAssertEqual(mul.tokensA, mul.classes)
        XCTAssertEqual(mul.label, "discrete-log basis, g = 5")
        let div = try XCTUnwrap(CyclicView(task: .div, p: 113))
        XCTAssertEqual(div.label, "discrete-log basis, g = 3")
        XCTAssertEqual(div.tokensB[0], 1)
        XCTAssertEqual(div.tokensB[1] * 3 % 113, 1, "b at j = 1 is g⁻¹")
        XCTAssertNotEqual(mul.orderTag, "")
    }

    func testTasksWithoutAViewHaveNone() {
        for task in [ModularTask.x2y2, .x2xyy2, .x3xy] {
            XCTAssertNil(CyclicView(task: task, p: 23))
            let order = CyclicView.of(task: task, p: 23)
            XCTAssertFalse(order.isCyclic)
            XCTAssertTrue(order.isTokenOrder)
            XCTAssertEqual(order.n, 23)
            XCTAssertEqual(order.label, "")
        }
        XCTAssertEqual(Set(CyclicView.tasks), [.add, .sub, .mul, .div])
    }

    func testGridSplitMapsTheSplitIntoViewRowsAndLeavesOutPairsWithZero() throws {
        let p = 23
        for task in CyclicView.tasks {
            let view = try XCTUnwrap(CyclicView(task: task, p: p)), n = view.n
            let split = DataSplit.shuffled(p: p, frac: 0.3, seed: 0, task: task)
            let grid = view.gridSplit(split)
            XCTAssertEqual(grid.p, n)
            for (flat, rows) in [(split.trainIndices, grid.trainIndices), (split.testIndices, grid.testIndices)] {
                let inView = flat.filter { $0 / p != 0 && $0 % p != 0 || n == p }
                XCTAssertEqual(rows.count, inView.count, "\(task)")
                for (f, r) in zip(inView, rows) {
                    let i = r / n, j = r % n
                    XCTAssertEqual(view.tokensA[i] * p + view.tokensB[j], f, "\(task): same pair, same order")
                    XCTAssertEqual(view.row(flatIndex: f), r)
                    XCTAssertEqual(view.classes[(i + j) % n], task.label(a: f / p, b: f % p, p: p), "\(task): the sum is the label")
                }
            }
        }
        XCTAssertNil(CyclicView(task: .mul, p: p)!.row(flatIndex: 5))   // (0, 5)
    }

    // MARK: the basis of an even order

    func testEvenOrderBasisIsOrthonormalWithOneNyquistRow() throws {
        for n in [2, 4, 22, 112] {
            let f = try FourierBasis(order: n)
            XCTAssertEqual(f.frequencyCount, n / 2)
            XCTAssertTrue(f.isNyquist(n / 2))
            XCTAssertFalse(f.isNyquist(n / 2 - 1))
            for i in 0..<n {
                for j in 0..<n {
                    let dot = (0..<n).reduce(0.0) { $0 + f.matrix[i * n + $1] * f.matrix[j * n + $1] }
                    XCTAssertEqual(dot, i == j ? 1 : 0, accuracy: 1e-12, "n = \(n), rows \(i), \(j)")
                }
            }
            for x in 0..<n { XCTAssertEqual(f.matrix[(n - 1) * n + x], (x % 2 == 0 ? 1 : -1) / Double(n).squareRoot(), accuracy: 1e-15) }
            XCTAssertEqual(FourierBasis.frequency(ofRow: n - 1), n / 2)
        }
        XCTAssertThrowsError(try FourierBasis(order: 1))
        XCTAssertThrowsError(try FourierBasis(p: 22), "the odd-p initialiser still refuses an even p")
    }

    /// The odd-p basis is bit for bit the formula it always was, whichever initialiser builds it.
    func testOddBasisIsUnchanged() throws {
        for p in [3, 23, 113] {
            let f = try FourierBasis(p: p)
            var expected = [Double](repeating: 0, count: p * p)
            let constant = 1 / Double(p).squareRoot(), scale = (2 / Double(p)).squareRoot()
            for x in 0..<p { expected[x] = constant }
            for k in 1...((p - 1) / 2) {
                for x in 0..<p {
                    let angle = 2 * Double.pi * Double((k * x) % p) / Double(p)
                    expected[(2 * k - 1) * p + x] = scale * Foundation.cos(angle)
                    expected[(2 * k) * p + x] = scale * Foundation.sin(angle)
                }
            }
            XCTAssertEqual(f.matrix, expected)
            XCTAssertEqual(try FourierBasis(order: p).matrix, expected)
            XCTAssertEqual(f.frequencyCount, (p - 1) / 2)
            XCTAssertFalse((1...f.frequencyCount).contains { f.isNyquist($0) })
        }
    }

    func testFrequencyNormsAndSumDirectionsOfAnEvenOrder() throws {
        let n = 22, f = try FourierBasis(order: n)
        // (−1)^x is all Nyquist: N_{n/2} = √n, every other norm 0.
        let alternating = (0..<n).map { Double($0 % 2 == 0 ? 1 : -1) }
        let norms = f.frequencyNorms(componentNorms: f.componentNorms(alternating, columns: 1))
        XCTAssertEqual(norms.count, n / 2)
        XCTAssertEqual(norms[n / 2 - 1], Double(n).squareRoot(), accuracy: 1e-12)
        for k in 1..<(n / 2) { XCTAssertEqual(norms[k - 1], 0, accuracy: 1e-12) }
        // Sum directions over the n² grid: unit (the Nyquist sine is zero) and orthogonal.
        func grid(_ v: [Double]) -> [Double] { (0..<(n * n)).map { v[($0 / n + $0 % n) % n] } }
        func dot(_ a: [Double], _ b: [Double]) -> Double { zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } }
        var directions: [[Double]] = []
        for k in 1...f.frequencyCount {
            let (c, s) = f.sumDirection(k)
            XCTAssertEqual(dot(grid(c), grid(c)), 1, accuracy: 1e-12, "cos \(k)")
            if f.isNyquist(k) { XCTAssertEqual(s, [Double](repeating: 0, count: n)) } else {
                XCTAssertEqual(dot(grid(s), grid(s)), 1, accuracy: 1e-12, "sin \(k)")
                directions.append(grid(s))
            }
            directions.append(grid(c))
        }
        for i in directions.indices { for j in directions.indices where i < j { XCTAssertEqual(dot(directions[i], directions[j]), 0, accuracy: 1e-12) } }
    }

    // MARK: fractions and projections on synthetic data of an even order

    /// Brute force: the 2D transform F·Ñ·Fᵀ and the energy of each frequency's block over the total.
    func bruteForceFractions(_ grid: [Double], basis f: FourierBasis) -> [Double] {
        let n = f.n, mean = grid.reduce(0, +) / Double(n * n)
        let centred = grid.map { $0 - mean }
        var t = [Double](repeating: 0, count: n * n)   // F·Ñ·Fᵀ
        for i in 0..<n { for j in 0..<n {
            var sum = 0.0
            for a in 0..<n { for b in 0..<n { sum += f.matrix[i * n + a] * centred[a * n + b] * f.matrix[j * n + b] } }
            t[i * n + j] = sum
        } }
        let total = t.reduce(0) { $0 + $1 * $1 }
        return (1...f.frequencyCount).map { k in
            let rows = [0, 2 * k - 1, 2 * k].filter { $0 < n }
            var e = 0.0
            for i in rows { for j in rows { e += t[i * n + j] * t[i * n + j] } }
            return e / total
        }
    }

    func testNeuronFractionsOfAnEvenOrderMatchTheBruteForceTransform() throws {
        let n = 22, f = try FourierBasis(order: n), nyquist = n / 2
        func w(_ k: Int) -> Double { 2 * Double.pi * Double(k) / Double(n) }
        var rng = SystemRandomNumberGenerator()
        let noise = (0..<(n * n)).map { _ in Double.random(in: -1...1, using: &rng) }
        let neurons: [(Int, Int) -> Double] = [
            { i, j in 3 + cos(w(4) * Double(i + j)) },                           // pure sum frequency 4
            { i, j in cos(w(nyquist) * Double(i + j)) },                         // pure Nyquist sum: (−1)^(i+j)
            { i, j in 2 * cos(w(nyquist) * Double(i)) + cos(w(nyquist) * Double(j)) + cos(w(nyquist) * Double(i - j)) },
            { i, j in cos(w(5) * Double(i)) * sin(w(5) * Double(j)) + 0.5 * cos(w(5) * Double(i - j)) },
            { i, j in noise[i * n + j] + cos(w(nyquist) * Double(i + j)) },
            { _, _ in 7 },                                                        // constant: fraction 0 everywhere
        ]
        let m = neurons.count
        var activations = [Float](repeating: 0, count: n * n * m)
        for i in 0..<n { for j in 0..<n { for (k, g) in neurons.enumerated() { activations[(i * n + j) * m + k] = Float(g(i, j)) } } }
        let fractions = NeuronFrequencyFractions(activations: activations, neurons: m, basis: f)
        XCTAssertEqual(fractions.frequencyCount, nyquist)
        XCTAssertEqual(fractions.best(neuron: 0).frequency, 4)
        XCTAssertEqual(fractions.fraction(neuron: 0, frequency: 4), 1, accuracy: 1e-5)
        XCTAssertEqual(fractions.best(neuron: 1).frequency, nyquist)
        XCTAssertEqual(fractions.fraction(neuron: 1, frequency: nyquist), 1, accuracy: 1e-5, "Nyquist counted once, not twice")
        XCTAssertEqual(fractions.fraction(neuron: 2, frequency: nyquist), 1, accuracy: 1e-5)
        XCTAssertEqual(fractions.fraction(neuron: 3, frequency: 5), 1, accuracy: 1e-5)
        for k in 1...nyquist { XCTAssertEqual(fractions.fraction(neuron: 5, frequency: k), 0) }
        for neuron in 0..<(m - 1) {
            let grid = (0..<(n * n)).map { Double(activations[$0 * m + neuron]) }
            let expected = bruteForceFractions(grid, basis: f)
            for k in 1...nyquist {
                XCTAssertEqual(fractions.fraction(neuron: neuron, frequency: k), expected[k - 1], accuracy: 1e-5, "neuron \(neuron), k \(k)")
            }
        }
    }

    func testCubeCoefficientOfAnEvenOrderIsTheNormOfAPureCube() throws {
        let n = 22, f = try FourierBasis(order: n)
        func w(_ k: Int) -> Double { 2 * Double.pi * Double(k) / Double(n) }
        for k in [4, n / 2] {
            var logits = [Float](repeating: 0, count: n * n * n)
            for i in 0..<n { for j in 0..<n { for c in 0..<n { logits[(i * n + j) * n + c] = Float(cos(w(k) * Double(i + j - c))) } } }
            let projection = SumFrequencyProjection(logits: logits, stride: n, basis: f)
            let norm = logits.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
            XCTAssertEqual(norm * norm, Double(n * n * n) / (k == n / 2 ? 1 : 2), accuracy: 1e-2)
            for other in 1...f.frequencyCount {
                XCTAssertEqual(projection.cubeCoefficient(other), other == k ? norm : 0, accuracy: 1e-4 * norm, "k = \(k), other = \(other)")
            }
        }
    }

    /// Logits of a multiplication model that are cos(w_k(i + j − c)) in the discrete-log basis, Nyquist included: the
    /// restricted loss keeps them (it equals the full loss on the test pairs) and the excluded loss leaves the class bias.
    func testRestrictedLossKeepsDiscreteLogLogitsOfAMulModel() throws {
        let p = 23, view = try XCTUnwrap(CyclicView(task: .mul, p: p)), n = view.n
        let basis = try FourierBasis(order: n)
        let split = view.gridSplit(DataSplit.shuffled(p: p, frac: 0.3, seed: 0, task: .mul))
        func w(_ k: Int) -> Double { 2 * Double.pi * Double(k) / Double(n) }
        let bias = (0..<n).map { 0.1 * Double($0 % 5) }
        let f: (Int, Int, Int) -> Double = { i, j, c in
            bias[c] + 4 * cos(w(3) * Double(i + j - c)) + 2.5 * cos(w(7) * Double(i + j - c) + 0.4) + 3 * cos(w(n / 2) * Double(i + j - c))
        }
        var logits = [Float](repeating: 0, count: n * n * n)
        for i in 0..<n { for j in 0..<n { for c in 0..<n { logits[(i * n + j) * n + c] = Float(f(i, j, c)) } } }
        func loss(_ g: (Int, Int, Int) -> Double, rows: [Int]) -> Double {
            rows.reduce(0.0) { total, r in
                let i = r / n, j = r % n, values = (0..<n).map { g(i, j, $0) }, top = values.max()!
                return total + log(values.reduce(0) { $0 + exp($1 - top) }) + top - values[(i + j) % n]
            } / Double(rows.count)
        }
        let m = ProgressMeasures.logitMeasures(logits: logits, stride: n, keys: [3, 7, n / 2], split: split, basis: basis)
        assertClose(m.restrictedLoss, loss(f, rows: split.testIndices), relative: 1e-5, "restricted = test loss")
        assertClose(m.testLoss, loss(f, rows: split.testIndices), relative: 1e-5, "test loss")
        assertClose(m.trainLoss, loss(f, rows: split.trainIndices), relative: 1e-5, "train loss")
        XCTAssertEqual(m.restrictedAccuracy, 1)
        assertClose(m.excludedLoss, loss({ _, _, c in bias[c] }, rows: split.trainIndices), relative: 1e-5, "excluded")
        // Without the Nyquist key its term is gone from the restricted logits.
        let partial = ProgressMeasures.logitMeasures(logits: logits, stride: n, keys: [3, 7], split: split, basis: basis)
        assertClose(partial.restrictedLoss, loss({ i, j, c in
            bias[c] + 4 * cos(w(3) * Double(i + j - c)) + 2.5 * cos(w(7) * Double(i + j - c) + 0.4)
        }, rows: split.testIndices), relative: 1e-5, "restricted without the Nyquist frequency")
        let each = ExcludedLossPerFrequency.losses(logits: logits, stride: n, keys: [3, n / 2], trainIndices: split.trainIndices, basis: basis)
        assertClose(each.losses[1], loss({ i, j, c in
            bias[c] + 4 * cos(w(3) * Double(i + j - c)) + 2.5 * cos(w(7) * Double(i + j - c) + 0.4)
        }, rows: split.trainIndices), relative: 1e-5, "Nyquist excluded alone")
    }
}
