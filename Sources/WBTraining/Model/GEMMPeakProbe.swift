import Dispatch

/// Benchmarks: `threads` workers, each with its own 1024×1024×1024 single-precision product, timed one round at a time.
/// A round is every worker multiplying at once, as the training engine's workers do; its rate per thread is this
/// processor's GEMM peak at that moment. Rounds can be taken between the epochs being timed, so that the floor and the
/// epochs see the same machine (a virtual machine's speed drifts within a minute).
public final class GEMMPeakProbe {
    /// The side of each worker's square product.
    public static let size = 1024
    public let threads: Int
    private let buffers: [(a: AlignedBuffer<Float>, b: AlignedBuffer<Float>, c: AlignedBuffer<Float>)]

    public init(threads: Int) {
        let n = Self.size
        self.threads = max(1, threads)
        buffers = (0..<self.threads).map { _ in
            (AlignedBuffer<Float>(n * n, zero: 0), AlignedBuffer<Float>(n * n, zero: 0), AlignedBuffer<Float>(n * n, zero: 0))
        }
        for (a, b, _) in buffers {
            for i in 0..<n * n { a.pointer[i] = Float(i % 7) - 3; b.pointer[i] = Float(i % 5) - 2 }
        }
    }

    /// One round: GFLOP/s per thread (2·n³ per worker over the round's wall time).
    public func round() -> Double {
        let n = Self.size
        let start = DispatchTime.now().uptimeNanoseconds
        WorkSplit(workers: threads).forEach(threads) { i in
            let (a, b, c) = buffers[i]
            gemm(m: n, n: n, k: n, a: a.pointer, lda: n, b: b.pointer, ldb: n, c: c.pointer, ldc: n)
        }
        return 2 * Double(n * n * n) / Double(DispatchTime.now().uptimeNanoseconds - start)
    }
}
