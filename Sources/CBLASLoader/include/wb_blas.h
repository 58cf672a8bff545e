// wb's one door to OpenBLAS. The library is opened at run time (dlopen) rather than linked, so that wb, not the
// environment, chooses its kernels: on x86-64 with AVX2 and FMA the Haswell kernels are forced and the library's own
// thread pool is never started, whatever OPENBLAS_CORETYPE, OPENBLAS_NUM_THREADS or OMP_NUM_THREADS say. Every call is
// single-threaded; wb's own workers split the work (by the config's `threads`), so a sum is always added in one order.
#ifndef WB_BLAS_H
#define WB_BLAS_H

#ifdef __cplusplus
extern "C" {
#endif

/// What loading found. Filled once, by the first call to `wb_blas_load`.
typedef struct {
    /// 1 when OpenBLAS was opened and its GEMMs resolved.
    int loaded;
    /// 1 when the processor has AVX2 and FMA (and the OS saves the AVX registers), so the Haswell kernels were forced.
    int pinned;
    /// The processor architecture wb was built for ("x86_64", "arm64", ...).
    char architecture[16];
    /// openblas_get_corename(): the kernel family in use ("Haswell" when pinned).
    char core[32];
    /// The OpenBLAS version ("0.3.21").
    char version[32];
    /// Why loading failed, when `loaded` is 0.
    char error[512];
} wb_blas_info;

/// Opens OpenBLAS once (thread-safe) and returns what was found. Never returns NULL. With WB_UNPIN_KERNELS=1 in the
/// environment it behaves as on a processor without AVX2/FMA (for testing that path).
const wb_blas_info *wb_blas_load(void);

/// 1 when this processor can run the pinned kernels (x86-64 with AVX2, FMA and OS support for the AVX state).
int wb_cpu_has_avx2_fma(void);

/// Row-major single-threaded GEMMs: C = alpha·op(A)·op(B) + beta·C, op(A) m×k, op(B) k×n. Load first.
void wb_sgemm(int transA, int transB, int m, int n, int k, float alpha, const float *a, int lda,
              const float *b, int ldb, float beta, float *c, int ldc);
void wb_dgemm(int transA, int transB, int m, int n, int k, double alpha, const double *a, int lda,
              const double *b, int ldb, double beta, double *c, int ldc);

/// Benchmarks: when on, every GEMM adds its wall time (on its own thread) to a counter, in nanoseconds.
void wb_blas_set_timing(int on);
/// The nanoseconds spent in GEMMs since timing was switched on (summed over threads).
unsigned long long wb_blas_timed_nanoseconds(void);
/// The floating-point operations (2·m·n·k per GEMM) done since timing was switched on.
unsigned long long wb_blas_timed_flops(void);

/// How many distinct shapes a timed stretch keeps apart; GEMMs of further shapes count in the totals only.
#define WB_BLAS_SHAPES 64

/// The GEMMs of one shape (precision, transposes and row-major m, n, k) timed since timing was switched on.
typedef struct {
    int double_precision, trans_a, trans_b, m, n, k;
    unsigned long long calls;
    /// Their wall time, summed over the threads that made the calls.
    unsigned long long nanoseconds;
} wb_blas_shape_tally;

/// The number of distinct shapes timed since timing was switched on (at most WB_BLAS_SHAPES), in order of first call.
int wb_blas_timed_shape_count(void);
/// Shape `index` (0 ≤ index < wb_blas_timed_shape_count()); all zeros outside that range.
wb_blas_shape_tally wb_blas_timed_shape(int index);

#ifdef __cplusplus
}
#endif
#endif
