import CBLASLoader
import CModelKernels
import XCTest
@testable import WBTraining

final class NumericPlatformTests: XCTestCase {
    /// On x86-64 with AVX2 and FMA, wb runs the Haswell kernels whatever the environment says, and says so.
    func testTheKernelsArePinnedWhereThePocessorAllows() {
        let platform = NumericPlatform.current(threads: 3)
        XCTAssertEqual(platform.threads, 3)
        XCTAssertTrue(platform.kernel.hasPrefix("openblas-0."), platform.kernel)
        XCTAssertEqual(platform.pinned, wb_cpu_has_avx2_fma() != 0)
        if platform.pinned {
            XCTAssertEqual(platform.kernels, "\(platform.architecture)/\(platform.kernel)/wb-arith-2")
            XCTAssertTrue(platform.kernel.hasSuffix("/Haswell"), platform.kernel)
            XCTAssertNil(platform.warning)
        } else {
            XCTAssertTrue(platform.kernels.hasSuffix("/unpinned"))
            XCTAssertTrue(platform.warning?.contains("differ in the last bits") ?? false)
        }
        XCTAssertEqual(platform.id, platform.kernels + "/threads=3")
        XCTAssertEqual(NumericPlatform.currentKernels, platform.kernels)
    }

    /// A run recorded before the arithmetic had a revision (its `numeric_platform` has no `arithmetic`) reads as another
    /// platform, so its numbers are compared as drift, never as exact.
    func testARecordWithoutArithmeticIsAnotherPlatform() throws {
        let old = #"{"architecture":"x86_64","kernel":"openblas-0.3.21/Haswell","pinned":true,"threads":2}"#
        let decoded = try JSONDecoder().decode(NumericPlatform.self, from: Data(old.utf8))
        XCTAssertNil(decoded.arithmetic)
        XCTAssertEqual(decoded.kernels, "x86_64/openblas-0.3.21/Haswell")
        let now = NumericPlatform(architecture: "x86_64", kernel: "openblas-0.3.21/Haswell", pinned: true, threads: 2)
        XCTAssertEqual(now.id, "x86_64/openblas-0.3.21/Haswell/wb-arith-2/threads=2")
        XCTAssertNotEqual(decoded.id, now.id)
        let again = try JSONDecoder().decode(NumericPlatform.self, from: JSONEncoder().encode(now))
        XCTAssertEqual(again, now)
    }

    /// The single-threaded GEMM computes what it should, in every transpose combination.
    func testGEMMAgreesWithASchoolbookProduct() {
        let m = 7, n = 5, k = 9
        var rng = MersenneTwister(seed: 5)
        let a = (0..<(m * k)).map { _ in Float(rng.randomBelow(1000)) / 100 - 5 }
        let b = (0..<(k * n)).map { _ in Float(rng.randomBelow(1000)) / 100 - 5 }
        for transA in [false, true] {
            for transB in [false, true] {
                var c = [Float](repeating: 1, count: m * n)
                // Stored layouts: A is m×k (or k×m when transposed), B is k×n (or n×k).
                let aStored = transA ? (0..<(k * m)).map { i in a[(i % m) * k + i / m] } : a
                let bStored = transB ? (0..<(n * k)).map { i in b[(i % k) * n + i / k] } : b
                gemm(transA: transA, transB: transB, m: m, n: n, k: k, alpha: 2, a: aStored, lda: transA ? m : k,
                     b: bStored, ldb: transB ? k : n, beta: 0.5, c: &c, ldc: n)
                for i in 0..<m {
                    for j in 0..<n {
                        var expected: Float = 0.5
                        for l in 0..<k { expected += 2 * a[i * k + l] * b[l * n + j] }
                        XCTAssertEqual(c[i * n + j], expected, accuracy: 1e-3, "transA \(transA) transB \(transB) [\(i),\(j)]")
                    }
                }
            }
        }
    }

    /// Work splits cover every item exactly once, for any worker count.
    func testWorkSplitsCoverEveryItemOnce() {
        for workers in 1...5 {
            let split = WorkSplit(workers: workers)
            for count in [0, 1, 3, 16, 100, 1000] {
                var seen = [Int](repeating: 0, count: count)
                let lock = NSLock()
                split.forEach(count) { i in lock.lock(); seen[i] += 1; lock.unlock() }
                XCTAssertEqual(seen, [Int](repeating: 1, count: count), "forEach \(workers) workers, \(count) items")
                seen = [Int](repeating: 0, count: count)
                split.forEachBlock(count, minimum: 16) { range in lock.lock(); for i in range { seen[i] += 1 }; lock.unlock() }
                XCTAssertEqual(seen, [Int](repeating: 1, count: count), "forEachBlock \(workers) workers, \(count) items")
            }
        }
    }
}

/// The model's C kernels give the same bits on their AVX2 path and their plain path, so which one a processor takes
/// never changes a trajectory.
final class ModelKernelTests: XCTestCase {
    func testVectorAndPlainKernelsAgreeBitForBit() {
        let shape = ModelShape(p: 31, dModel: 40, heads: 3, dMLP: 72)   // widths that leave a scalar tail
        var rng = MersenneTwister(seed: 9)
        let layout = ParameterLayout(shape)
        let parameters = (0..<layout.totalCount).map { _ in Float(rng.randomBelow(2001)) / 1000 - 1 }
        let indices = (0..<(shape.p * shape.p)).filter { $0 % 3 != 1 }
        func run() -> (loss: Double, gradients: [Float], logits: [Float]) {
            let model = StructuredModel(shape: shape, threads: 2)
            let ws = model.makeWorkspace(ExampleBatch(flatIndices: indices, p: shape.p))
            var gradients = [Float](repeating: 0, count: layout.totalCount)
            var result = BatchResult(loss: 0, correct: 0, count: 0)
            parameters.withUnsafeBufferPointer { w in
                model.prepare(parameters: w.baseAddress!)
                gradients.withUnsafeMutableBufferPointer { g in
                    result = model.lossAndGradient(ws, parameters: w.baseAddress!, gradients: g.baseAddress!)
                }
            }
            return (result.loss, gradients, ws.outputLogits)
        }
        let vector = run()
        wb_kernels_allow_vector(0)
        defer { wb_kernels_allow_vector(1) }
        let plain = run()
        XCTAssertEqual(vector.loss.bitPattern, plain.loss.bitPattern)
        XCTAssertEqual(vector.logits.map(\.bitPattern), plain.logits.map(\.bitPattern))
        XCTAssertEqual(vector.gradients.map(\.bitPattern), plain.gradients.map(\.bitPattern))
        XCTAssertTrue(vector.gradients.contains { $0 != 0 })
    }
}

final class AdamWKernelTests: XCTestCase {
    /// The update as `AdamW.update` wrote it in Swift before it moved to C (`wb_adamw_update`): the reference the kernel's
    /// plain and AVX2 paths must equal bit for bit.
    private func reference(_ adam: AdamW, weights: inout [Float], gradients: [Float], state: inout OptimizerState, lr: Double) {
        state.step += 1
        let t = Double(state.step)
        let decay = Float(adam.coupled ? 1 : 1 - lr * adam.weightDecay), l2 = Float(adam.coupled ? adam.weightDecay : 0)
        let oneMinusBeta1 = Float(1 - adam.beta1), b2 = Float(adam.beta2), oneMinusBeta2 = Float(1 - adam.beta2)
        let stepSize = Float(lr / (1 - Foundation.pow(adam.beta1, t)))
        let correction2 = Float((1 - Foundation.pow(adam.beta2, t)).squareRoot())
        for i in weights.indices {
            let gi = adam.coupled ? gradients[i] + weights[i] * l2 : gradients[i]
            weights[i] *= decay
            state.firstMoment[i] += (gi - state.firstMoment[i]) * oneMinusBeta1
            state.secondMoment[i] = state.secondMoment[i] * b2 + oneMinusBeta2 * gi * gi
            let denom = state.secondMoment[i].squareRoot() / correction2 + Float(adam.eps)
            weights[i] -= stepSize * (state.firstMoment[i] / denom)
        }
    }

    func testKernelEqualsTheSwiftUpdateOnBothPathsAndSplits() {
        var rng = MersenneTwister(seed: 4)
        let count = 4096 * 2 + 13   // two blocks and a tail that is not a multiple of 8
        func values(_ scale: Float) -> [Float] { (0..<count).map { _ in (Float(rng.randomBelow(20001)) / 10000 - 1) * scale } }
        let start = values(1), steps = (0..<3).map { _ in values(0.01) }
        for adam in [AdamW(weightDecay: 1, beta1: 0.9, beta2: 0.98, eps: 1e-8),
                     AdamW(weightDecay: 0.005, beta1: 0.9, beta2: 0.999, eps: 1e-8, coupled: true)] {
            var expected = start, expectedState = OptimizerState(count: count)
            for g in steps { reference(adam, weights: &expected, gradients: g, state: &expectedState, lr: 1e-3) }
            for (vector, workers) in [(1, 2), (0, 1), (1, 1)] {
                wb_kernels_allow_vector(Int32(vector))
                defer { wb_kernels_allow_vector(1) }
                var weights = start, state = OptimizerState(count: count)
                for g in steps { adam.update(parameters: &weights, gradients: g, state: &state, lr: 1e-3, split: WorkSplit(workers: workers)) }
                XCTAssertEqual(weights.map(\.bitPattern), expected.map(\.bitPattern), "coupled \(adam.coupled), vector \(vector)")
                XCTAssertEqual(state.firstMoment.map(\.bitPattern), expectedState.firstMoment.map(\.bitPattern))
                XCTAssertEqual(state.secondMoment.map(\.bitPattern), expectedState.secondMoment.map(\.bitPattern))
                XCTAssertNotEqual(weights, start)
            }
        }
    }
}
