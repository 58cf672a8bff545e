import Foundation
import WBAnalysis
import XCTest

/// Known answers for the 2D Fourier fractions of neurons and the clusters.
final class NeuronFrequencyTests: XCTestCase {
    /// Activations [p², m] from one closure per neuron.
    func grid(p: Int, _ neurons: [(Int, Int) -> Double]) -> [Float] {
        var out = [Float](repeating: 0, count: p * p * neurons.count)
        for a in 0..<p { for b in 0..<p { for (n, f) in neurons.enumerated() { out[(a * p + b) * neurons.count + n] = Float(f(a, b)) } } }
        return out
    }

    func testNeuronOfCosSumIsAssignedItsFrequencyWithFractionOne() throws {
        let p = 23, basis = try FourierBasis(p: p)
        func w(_ k: Int) -> Double { 2 * Double.pi * Double(k) / Double(p) }
        let neurons: [(Int, Int) -> Double] = [
            { a, b in 3 + 2 * cos(w(5) * Double(a + b)) },                              // k = 5, with an offset
            { a, b in max(0, cos(w(7) * Double(a) + 0.3) + cos(w(7) * Double(b) + 1.1)) }, // ReLU of linear terms: mostly k = 7
            { a, b in cos(w(2) * Double(a)) * cos(w(9) * Double(b)) },                    // mixes two frequencies: none
            { _, _ in 1.5 },                                                             // constant: fraction 0
            { a, b in sin(w(11) * Double(a - b)) },                                       // k = 11 (difference direction)
            { a, b in 300 + 0.01 * cos(w(4) * Double(a + b)) },                           // large mean, tiny spread: k = 4
        ]
        let fractions = NeuronFrequencyFractions(activations: grid(p: p, neurons), neurons: neurons.count, basis: basis)
        XCTAssertEqual(fractions.best(neuron: 0).frequency, 5)
        XCTAssertEqual(fractions.best(neuron: 0).fraction, 1, accuracy: 1e-5)
        XCTAssertEqual(fractions.best(neuron: 1).frequency, 7)
        XCTAssertEqual(fractions.best(neuron: 4).frequency, 11)
        XCTAssertEqual(fractions.best(neuron: 4).fraction, 1, accuracy: 1e-5)
        XCTAssertLessThan(fractions.best(neuron: 2).fraction, 0.01)
        XCTAssertEqual(fractions.best(neuron: 5).frequency, 4)
        XCTAssertEqual(fractions.best(neuron: 5).fraction, 1, accuracy: 2e-3)   // Float32 inputs: 0.01 on 300 keeps ~4 digits
        XCTAssertEqual(fractions.variance[3], 0)
        for k in 1...basis.frequencyCount { XCTAssertEqual(fractions.fraction(neuron: 3, frequency: k), 0) }
        // Fractions of one neuron over all frequencies never exceed 1 (the blocks are disjoint except for (0,0)).
        for n in 0..<neurons.count {
            let total = (1...basis.frequencyCount).reduce(0.0) { $0 + fractions.fraction(neuron: n, frequency: $1) }
            XCTAssertLessThanOrEqual(total, 1 + 1e-5)
        }
        let clusters = NeuronClusters.clusters(fractions, threshold: 0.85)
        XCTAssertEqual(clusters.cluster[0], 5)
        XCTAssertEqual(clusters.cluster[2], 0)
        XCTAssertEqual(clusters.cluster[3], 0)
        XCTAssertEqual(clusters.cluster[4], 11)
        XCTAssertEqual(clusters.unclustered + clusters.clusters.reduce(0) { $0 + $1.neurons }, 6)
        XCTAssertEqual(clusters.clusteredShare, Double(6 - clusters.unclustered) / 6, accuracy: 1e-15)
    }

    func testFractionsMatchABruteForceTwoDimensionalTransform() throws {
        let p = 11, m = 6, basis = try FourierBasis(p: p)
        var rng = SystemRandomNumberGenerator()
        let activations = (0..<(p * p * m)).map { _ in Float.random(in: -1...2, using: &rng) }
        let fractions = NeuronFrequencyFractions(activations: activations, neurons: m, basis: basis)
        let F = basis.matrix
        for n in 0..<m {
            var grid = (0..<(p * p)).map { Double(activations[$0 * m + n]) }
            let mean = grid.reduce(0, +) / Double(p * p)
            grid = grid.map { $0 - mean }
            // N̂ = F·N·Fᵀ
            var hat = [Double](repeating: 0, count: p * p)
            for i in 0..<p { for j in 0..<p {
                var s = 0.0
                for a in 0..<p { for b in 0..<p { s += F[i * p + a] * grid[a * p + b] * F[j * p + b] } }
                hat[i * p + j] = s
            } }
            let total = hat.reduce(0) { $0 + $1 * $1 }
            for k in 1...basis.frequencyCount {
                let idx = [0, 2 * k - 1, 2 * k]
                var block = 0.0
                for i in idx { for j in idx { block += hat[i * p + j] * hat[i * p + j] } }
                XCTAssertEqual(fractions.fraction(neuron: n, frequency: k), block / total, accuracy: 2e-6)
            }
        }
    }
}
