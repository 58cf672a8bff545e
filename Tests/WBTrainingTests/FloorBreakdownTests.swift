import XCTest
@testable import WBTraining

/// The GEMM tally by shape that `wb bench` prints, and the split of its ratio to the floor.
final class FloorBreakdownTests: XCTestCase {
    private typealias Shape = NumericPlatform.GEMMShapeTally.Shape

    /// Every GEMM of a timed stretch is counted under its shape, in order of first call; a new tally starts from nothing.
    func testTheTallyCountsEveryGEMMUnderItsShape() {
        let a = [Float](repeating: 1, count: 64 * 64), b = [Float](repeating: 1, count: 64 * 64)
        var c = [Float](repeating: 0, count: 64 * 64)
        _ = NumericPlatform.gemmTally {
            gemm(m: 8, n: 8, k: 8, a: a, lda: 8, b: b, ldb: 8, c: &c, ldc: 8)
        }
        let tally = NumericPlatform.gemmTally {
            gemm(m: 12, n: 5, k: 7, a: a, lda: 7, b: b, ldb: 5, c: &c, ldc: 5)
            gemm(transA: true, m: 3, n: 5, k: 7, a: a, lda: 3, b: b, ldb: 5, c: &c, ldc: 5)
            gemm(m: 12, n: 5, k: 7, a: a, lda: 7, b: b, ldb: 5, c: &c, ldc: 5)
            gemm(transB: true, m: 12, n: 5, k: 7, a: a, lda: 7, b: b, ldb: 7, c: &c, ldc: 5)
        }
        XCTAssertEqual(c[0], 7)
        XCTAssertEqual(tally.shapes.map(\.shape.label), ["12×5×7", "3ᵀ×5×7", "12×5ᵀ×7"])
        XCTAssertEqual(tally.shapes.map(\.calls), [2, 1, 1])
        let expectedFlops: UInt64 = 2 * (12 * 5 * 7 * 3 + 3 * 5 * 7)
        XCTAssertEqual(tally.flops, expectedFlops)
        XCTAssertEqual(tally.shapes.map { $0.shape.flops * Double($0.calls) }.reduce(0, +), Double(tally.flops))
        XCTAssertEqual(tally.shapes.map(\.nanoseconds).reduce(0, +), tally.nanoseconds)
        XCTAssertTrue(tally.shapes.allSatisfy { $0.nanoseconds > 0 })
    }

    private func tally(_ lines: [(Shape, calls: UInt64, ns: UInt64)]) -> NumericPlatform.GEMMTally {
        NumericPlatform.GEMMTally(nanoseconds: lines.map(\.ns).reduce(0, +),
                                  flops: UInt64(lines.map { $0.0.flops * Double($0.calls) }.reduce(0, +)),
                                  shapes: lines.map { .init(shape: $0.0, calls: $0.calls, nanoseconds: $0.ns) })
    }

    /// Two epochs of known times: the floor, the three parts (which add up to wall / floor), the shapes' rates against
    /// the probe of their own epoch, and the printed lines.
    func testTheRatioSplitsIntoGEMMsOwnLoopsAndIdle() {
        let big = Shape(transposeA: false, transposeB: false, m: 1000, n: 100, k: 500)      // 0.1 GFLOP a call
        let small = Shape(transposeA: true, transposeB: false, m: 50, n: 100, k: 1000)      // 0.01 GFLOP a call
        var breakdown = FloorBreakdown(threads: 2)
        // Epoch 1: 0.22 GFLOP; the probe at 100 GFLOP/s per thread: floor 1.1 ms. Big GEMMs at 80 GFLOP/s (2.5 ms),
        // small ones at 50 (0.4 ms); 4.4 ms of CPU over 2.5 ms of wall.
        let floor1 = breakdown.add(wallMilliseconds: 2.5, cpuMilliseconds: 4.4,
                                   gemms: tally([(big, 2, 2_500_000), (small, 2, 400_000)]), probeRate: 100)
        // Epoch 2: the machine at half speed; probe 50: floor 2.2 ms, everything twice as long.
        let floor2 = breakdown.add(wallMilliseconds: 5.0, cpuMilliseconds: 8.8,
                                   gemms: tally([(big, 2, 5_000_000), (small, 2, 800_000)]), probeRate: 50)
        XCTAssertEqual(floor1, 1.1, accuracy: 1e-12)
        XCTAssertEqual(floor2, 2.2, accuracy: 1e-12)
        XCTAssertEqual(FloorBreakdown.floorMilliseconds(flops: 220_000_000, probeRate: 100, threads: 2), 1.1, accuracy: 1e-12)
        XCTAssertEqual(breakdown.epochs, 2)
        XCTAssertEqual(breakdown.meanFloor, 1.65, accuracy: 1e-12)
        XCTAssertEqual(breakdown.meanGEMM, 4.35, accuracy: 1e-12)
        XCTAssertEqual(breakdown.gemmPart, 4.35 / 3.3, accuracy: 1e-12)
        XCTAssertEqual(breakdown.ownLoopsPart, (6.6 - 4.35) / 3.3, accuracy: 1e-12)
        XCTAssertEqual(breakdown.idlePart, (7.5 - 6.6) / 3.3, accuracy: 1e-12)
        XCTAssertEqual(breakdown.gemmPart + breakdown.ownLoopsPart + breakdown.idlePart, breakdown.ratio, accuracy: 1e-12)
        XCTAssertEqual(breakdown.ratio, 3.75 / 1.65, accuracy: 1e-12)

        let shapes = breakdown.shapes
        XCTAssertEqual(shapes.map(\.shape), [big, small])
        XCTAssertEqual(shapes[0].callsPerEpoch, 2)
        XCTAssertEqual(shapes[0].milliseconds, 3.75, accuracy: 1e-12)
        XCTAssertEqual(shapes[0].rate, 0.4e9 / 7.5e6, accuracy: 1e-9)                 // 80 then 40 GFLOP/s
        XCTAssertEqual(shapes[0].ofProbe, 0.8, accuracy: 1e-12)                       // 80 % of its epoch's probe both times
        XCTAssertEqual(shapes[1].ofProbe, 0.5, accuracy: 1e-12)

        XCTAssertEqual(breakdown.lines(top: 1), [
            "GEMMs by shape (row-major m×n×k, ᵀ after a transposed operand): calls and CPU time per epoch, rate per thread, "
                + "and that rate against the probe's in the same epochs:",
            "  1000×100×500      2 calls    3.75 ms    53.3 GFLOP/s   80 %",
            "  1 more shape: 0.60 ms",
            "against the floor (means over the epochs; CPU time over 2 threads × the floor): GEMMs 1.32× (1 if they ran at "
                + "the probe's rate), our own loops and the rest +0.68, threads idle +0.27 = 2.27×",
        ])
    }

    /// Nothing timed yet: no division by zero, no shapes.
    func testAnEmptyBreakdownIsZero() {
        let breakdown = FloorBreakdown(threads: 0)
        XCTAssertEqual(breakdown.threads, 1)
        XCTAssertEqual([breakdown.ratio, breakdown.gemmPart, breakdown.ownLoopsPart, breakdown.idlePart], [0, 0, 0, 0])
        XCTAssertTrue(breakdown.shapes.isEmpty)
        XCTAssertEqual(breakdown.lines().count, 2)
    }
}
