import CBLASLoader

/// Row-major single-threaded GEMMs on wb's pinned kernels (see `NumericPlatform`): C = α·op(A)·op(B) + β·C, with op(A) m×k and op(B) k×n.
/// (WBTraining has its own; the analysis module keeps a private copy so it depends only on public training API.)
enum Matrix {
    @inline(__always)
    static func sgemm(transA: Bool = false, transB: Bool = false, m: Int, n: Int, k: Int, alpha: Float = 1,
                      a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                      beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int) {
        wb_sgemm(transA ? 1 : 0, transB ? 1 : 0, Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c,
                 Int32(ldc))
    }

    @inline(__always)
    static func dgemm(transA: Bool = false, transB: Bool = false, m: Int, n: Int, k: Int, alpha: Double = 1,
                      a: UnsafePointer<Double>, lda: Int, b: UnsafePointer<Double>, ldb: Int,
                      beta: Double = 0, c: UnsafeMutablePointer<Double>, ldc: Int) {
        wb_dgemm(transA ? 1 : 0, transB ? 1 : 0, Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c,
                 Int32(ldc))
    }

    /// A·B for row-major Double arrays (A m×k, B k×n), for the small matrices of the analyses.
    static func multiply(_ a: [Double], _ b: [Double], m: Int, k: Int, n: Int, transA: Bool = false,
                         transB: Bool = false) -> [Double] {
        var c = [Double](repeating: 0, count: m * n)
        a.withUnsafeBufferPointer { ab in
            b.withUnsafeBufferPointer { bb in
                c.withUnsafeMutableBufferPointer { cb in
                    dgemm(transA: transA, transB: transB, m: m, n: n, k: k, a: ab.baseAddress!, lda: transA ? m : k,
                          b: bb.baseAddress!, ldb: transB ? k : n, c: cb.baseAddress!, ldc: n)
                }
            }
        }
        return c
    }

    /// The ℓ2 norm of each row of a row-major rows×columns matrix.
    static func rowNorms(_ x: [Double], rows: Int, columns: Int) -> [Double] {
        (0..<rows).map { r in
            var sum = 0.0
            for c in 0..<columns { let v = x[r * columns + c]; sum += v * v }
            return sum.squareRoot()
        }
    }
}
