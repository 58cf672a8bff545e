import XCTest
@testable import WBTraining

/// The structured model is the plain model computed differently: same loss, same gradients (to Float32 tolerance);
/// the plain model's hand-written backward agrees with finite differences in Float64.
final class StructuredModelTests: XCTestCase {
    let tiny = ModelShape(p: 7, dModel: 8, heads: 2, dMLP: 16)

    private func randomParameters(_ layout: ParameterLayout, seed: Int) -> [Float] {
        var w = ParameterInitializer.initialWeights(layout, seed: seed)
        // Non-zero biases and larger weights, so every path (ReLU on and off, sharp attention) is exercised.
        var rng = MersenneTwister(seed: UInt64(seed + 100))
        for i in w.indices { w[i] = w[i] * 3 + Float(rng.nextGaussian() * 0.05) }
        return w
    }

    private func examples(p: Int, count: Int, seed: UInt64) -> [Int] {
        var order = Array(0..<(p * p))
        var rng = MersenneTwister(seed: seed)
        rng.shuffle(&order)
        return Array(order.prefix(count))
    }

    /// Both ways of taking the value tables to W_in and W_U (`TableProducts`), with one worker and two.
    func testStructuredMatchesReferenceLossAndGradients() {
        let cases: [(ModelShape, Int, TableProducts, Int)] = [
            (tiny, 1, .throughResidual, 2), (ModelShape(p: 23, dModel: 32, heads: 4, dMLP: 128), 2, .throughResidual, 2),
            (tiny, 1, .throughHeads, 1), (ModelShape(p: 23, dModel: 32, heads: 4, dMLP: 128), 2, .throughHeads, 2)]
        for (shape, seed, products, threads) in cases {
            let layout = ParameterLayout(shape)
            let w = randomParameters(layout, seed: seed)
            let indices = examples(p: shape.p, count: shape.p * shape.p / 3, seed: UInt64(seed))
            let model = StructuredModel(shape: shape, threads: threads, products: products)
            let ws = model.makeWorkspace(ExampleBatch(flatIndices: indices, p: shape.p))
            var grad = [Float](repeating: .nan, count: layout.totalCount)
            var result = BatchResult(loss: 0, correct: 0, count: 0)
            w.withUnsafeBufferPointer { wp in
                model.prepare(parameters: wp.baseAddress!)
                grad.withUnsafeMutableBufferPointer { result = model.lossAndGradient(ws, parameters: wp.baseAddress!, gradients: $0.baseAddress!) }
            }
            let reference = ReferenceModel(shape: shape)
            let (loss, refGrad) = reference.lossAndGradient(w.map(Double.init), examples: indices.map { ($0 / shape.p, $0 % shape.p) })
            XCTAssertEqual(result.loss, loss, accuracy: 1e-5 * loss)
            for entry in layout.entries {
                let err = relativeError(Array(grad[entry.range]), refGrad[entry.range].map { Float($0) })
                XCTAssertLessThan(err, 1e-5, "\(entry.name) at p=\(shape.p), \(products)")
            }
            // The evaluation-only path (fused W_out·W_U) gives the same loss.
            let evaluated = model.evaluate(ws)
            XCTAssertEqual(evaluated.loss, result.loss, accuracy: 1e-5 * loss)
            XCTAssertEqual(evaluated.correct, result.correct)
        }
    }

    func testReferenceGradientMatchesFiniteDifferences() {
        let layout = ParameterLayout(tiny)
        let w = randomParameters(layout, seed: 3).map(Double.init)
        let batch = examples(p: tiny.p, count: 12, seed: 9).map { ($0 / tiny.p, $0 % tiny.p) }
        let reference = ReferenceModel(shape: tiny)
        let (_, grad) = reference.lossAndGradient(w, examples: batch)
        var rng = MersenneTwister(seed: 5)
        var checked = 0
        for entry in layout.entries {
            // A few coordinates of every tensor.
            for _ in 0..<6 {
                let i = entry.offset + rng.randomBelow(entry.count)
                let h = 1e-5
                var plus = w, minus = w
                plus[i] += h; minus[i] -= h
                let numeric = (reference.lossAndGradient(plus, examples: batch, withGradient: false).loss
                    - reference.lossAndGradient(minus, examples: batch, withGradient: false).loss) / (2 * h)
                XCTAssertEqual(grad[i], numeric, accuracy: 1e-6 + 1e-5 * abs(numeric), "\(entry.name)[\(i - entry.offset)]")
                checked += 1
            }
        }
        XCTAssertEqual(checked, 66)
    }

    func testParameterCountMatchesThePaper() {
        XCTAssertEqual(ParameterLayout(TrainingConfig().shape).totalCount, 226_816)
    }
}
