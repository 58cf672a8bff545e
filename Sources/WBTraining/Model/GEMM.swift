import CBLASLoader

/// Row-major single-precision GEMM, single-threaded, on wb's pinned kernels (`NumericPlatform`):
/// C = α·op(A)·op(B) + β·C, with op(A) m×k and op(B) k×n. Callers split big products over their own workers.
@inline(__always)
func gemm(transA: Bool = false, transB: Bool = false, m: Int, n: Int, k: Int, alpha: Float = 1,
          a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
          beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int) {
    wb_sgemm(transA ? 1 : 0, transB ? 1 : 0, Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
}
