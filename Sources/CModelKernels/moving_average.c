// Grokfast-MA's step, the one part of the filter bound by memory: every step reads the whole window of past gradients
// (100 × the model's parameters, 91 MB at the paper's size). The sum keeps the reference's order: per element, from
// zero, the oldest gradient first, one float32 addition each (Python's `sum` over the deque); then g + (sum / window)·λ.
// The elements go in tiles small enough for the running sums to stay in the L1 cache, eight histories per pass over a
// tile, so the sums are not written to memory and back 100 times. Plain additions, divisions and multiplications only
// (no contraction): the vector path gives the plain path's bits. (Non-temporal prefetches of the histories were tried
// and made the epoch slower on Zen 4.)
#include "wb_kernels.h"
#include "vector_choice.h"
#if defined(__x86_64__)
#include <immintrin.h>
#endif

#pragma clang fp contract(off)

// Elements per tile: 8 KB of running sums.
enum { tile = 2048 };

static inline __attribute__((always_inline)) void apply_plain(const float *const *history, long count, long offset,
                                                              long n, float *restrict g, float window, float lambda) {
    for (long i = 0; i < n; i++) {
        float s = 0.0f;
        for (long j = 0; j < count; j++) s += history[j][offset + i];
        g[i] = g[i] + (s / window) * lambda;
    }
}

#if defined(__x86_64__)
__attribute__((target("avx2"))) static void apply_avx2(const float *const *history, long count, long offset, long n,
                                                       float *restrict g, float window, float lambda) {
    float sums[tile] __attribute__((aligned(32)));
    const __m256 w = _mm256_set1_ps(window), l = _mm256_set1_ps(lambda);
    for (long start = 0; start < n; start += tile) {
        const long width = n - start < tile ? n - start : tile, vectors = width & ~15L;
        for (long i = 0; i < width; i++) sums[i] = 0.0f;
        for (long j = 0; j < count; j += 8) {
            const long group = count - j < 8 ? count - j : 8;
            const float *h[8];
            for (long k = 0; k < group; k++) h[k] = history[j + k] + offset + start;
            long i = 0;
            for (; i < vectors; i += 16) {
                __m256 s0 = _mm256_load_ps(sums + i), s1 = _mm256_load_ps(sums + i + 8);
                for (long k = 0; k < group; k++) {
                    s0 = _mm256_add_ps(s0, _mm256_loadu_ps(h[k] + i));
                    s1 = _mm256_add_ps(s1, _mm256_loadu_ps(h[k] + i + 8));
                }
                _mm256_store_ps(sums + i, s0);
                _mm256_store_ps(sums + i + 8, s1);
            }
            for (; i < width; i++) {
                float s = sums[i];
                for (long k = 0; k < group; k++) s += h[k][i];
                sums[i] = s;
            }
        }
        float *out = g + start;
        long i = 0;
        for (; i < vectors; i += 8) {
            const __m256 scaled = _mm256_mul_ps(_mm256_div_ps(_mm256_load_ps(sums + i), w), l);
            _mm256_storeu_ps(out + i, _mm256_add_ps(_mm256_loadu_ps(out + i), scaled));
        }
        for (; i < width; i++) out[i] = out[i] + (sums[i] / window) * lambda;
    }
}
#endif

void wb_ma_apply(const float *const *history, long count, long offset, long n, float *g, float window, float lambda) {
#if defined(__x86_64__)
    if (wb_kernels_use_avx2()) { apply_avx2(history, count, offset, n, g, window, lambda); return; }
#endif
    apply_plain(history, count, offset, n, g, window, lambda);
}
