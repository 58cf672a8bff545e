// See wb_kernels.h (wb_adamw_update). The plain loop is the update of `AdamW.update` operation for operation; the AVX2
// path does the same IEEE operations eight lanes at a time (multiply, add, subtract, divide and square root round the
// same in a vector lane), with no fused multiply-add anywhere, so the two give the same bits.
#include "wb_kernels.h"
#include "vector_choice.h"

#include <math.h>

#pragma STDC FP_CONTRACT OFF
#if defined(__clang__)
#pragma clang fp contract(off)
#endif

static inline __attribute__((always_inline)) void adamw_plain(float *w, const float *g, float *m, float *v, long begin,
        long end, int coupled, float l2, float decay, float oneMinusBeta1, float beta2, float oneMinusBeta2,
        float stepSize, float correction2, float epsilon) {
    for (long i = begin; i < end; i++) {
        // Adam's L2 joins the gradient (from the weight before the update); AdamW's decay scales the weight (decay is
        // exactly 1 for Adam, so that multiplication changes nothing).
        const float gi = coupled ? g[i] + w[i] * l2 : g[i];
        w[i] = w[i] * decay;
        m[i] = m[i] + (gi - m[i]) * oneMinusBeta1;
        v[i] = v[i] * beta2 + (oneMinusBeta2 * gi) * gi;
        const float denom = sqrtf(v[i]) / correction2 + epsilon;
        w[i] = w[i] - stepSize * (m[i] / denom);
    }
}

#if defined(__x86_64__)
#include <immintrin.h>
__attribute__((target("avx2"))) static void adamw_avx2(float *w, const float *g, float *m, float *v, long begin,
        long end, int coupled, float l2, float decay, float oneMinusBeta1, float beta2, float oneMinusBeta2,
        float stepSize, float correction2, float epsilon) {
    const __m256 l2v = _mm256_set1_ps(l2), decayv = _mm256_set1_ps(decay), b1v = _mm256_set1_ps(oneMinusBeta1);
    const __m256 b2v = _mm256_set1_ps(beta2), omb2v = _mm256_set1_ps(oneMinusBeta2), stepv = _mm256_set1_ps(stepSize);
    const __m256 corrv = _mm256_set1_ps(correction2), epsv = _mm256_set1_ps(epsilon);
    long i = begin;
    for (; i + 8 <= end; i += 8) {
        __m256 wi = _mm256_loadu_ps(w + i), gi = _mm256_loadu_ps(g + i);
        if (coupled) gi = _mm256_add_ps(gi, _mm256_mul_ps(wi, l2v));
        wi = _mm256_mul_ps(wi, decayv);
        __m256 mi = _mm256_loadu_ps(m + i), vi = _mm256_loadu_ps(v + i);
        mi = _mm256_add_ps(mi, _mm256_mul_ps(_mm256_sub_ps(gi, mi), b1v));
        vi = _mm256_add_ps(_mm256_mul_ps(vi, b2v), _mm256_mul_ps(_mm256_mul_ps(omb2v, gi), gi));
        const __m256 denom = _mm256_add_ps(_mm256_div_ps(_mm256_sqrt_ps(vi), corrv), epsv);
        wi = _mm256_sub_ps(wi, _mm256_mul_ps(stepv, _mm256_div_ps(mi, denom)));
        _mm256_storeu_ps(m + i, mi);
        _mm256_storeu_ps(v + i, vi);
        _mm256_storeu_ps(w + i, wi);
    }
    adamw_plain(w, g, m, v, i, end, coupled, l2, decay, oneMinusBeta1, beta2, oneMinusBeta2, stepSize, correction2,
                epsilon);
}
#endif

void wb_adamw_update(float *w, const float *g, float *m, float *v, long begin, long end, int coupled, float l2,
                     float decay, float oneMinusBeta1, float beta2, float oneMinusBeta2, float stepSize,
                     float correction2, float epsilon) {
#if defined(__x86_64__)
    if (wb_kernels_use_avx2()) {
        adamw_avx2(w, g, m, v, begin, end, coupled, l2, decay, oneMinusBeta1, beta2, oneMinusBeta2, stepSize,
                   correction2, epsilon);
        return;
    }
#endif
    adamw_plain(w, g, m, v, begin, end, coupled, l2, decay, oneMinusBeta1, beta2, oneMinusBeta2, stepSize, correction2,
                epsilon);
}
