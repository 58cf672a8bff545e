// See wb_kernels.h. The bodies are written once (static inline) and compiled twice: for AVX2 and for the baseline;
// the choice is made once per process. No FMA: each lane multiplies, rounds, adds, rounds, like the scalar code.
#include "wb_kernels.h"

#include <math.h>
#include <string.h>

#pragma STDC FP_CONTRACT OFF
#if defined(__clang__)
#pragma clang fp contract(off)
#endif

/// out[j] = start[j] + Σ_t w[t]·rows[t][j], the terms added one by one in t order; then max(·, 0) when `relu`.
static inline __attribute__((always_inline)) void weighted_rows_scalar(float *restrict out, const float *restrict start,
        const float *w, const float *const *rows, int terms, int count, int relu) {
    for (int j = 0; j < count; j++) {
        float acc = start[j];
        for (int t = 0; t < terms; t++) acc = acc + w[t] * rows[t][j];
        out[j] = relu ? (acc > 0.0f ? acc : 0.0f) : acc;
    }
}

#if defined(__x86_64__)
#include <immintrin.h>
/// The same sums, eight elements at a time (each lane: multiply, round, add, round, in t order, as the scalar loop).
__attribute__((target("avx2"))) static void weighted_rows_avx2(float *restrict out, const float *restrict start,
        const float *w, const float *const *rows, int terms, int count, int relu) {
    int j = 0;
    const __m256 zero = _mm256_setzero_ps();
    for (; j + 16 <= count; j += 16) {
        __m256 a0 = _mm256_loadu_ps(start + j), a1 = _mm256_loadu_ps(start + j + 8);
        for (int t = 0; t < terms; t++) {
            const __m256 wt = _mm256_set1_ps(w[t]);
            a0 = _mm256_add_ps(a0, _mm256_mul_ps(wt, _mm256_loadu_ps(rows[t] + j)));
            a1 = _mm256_add_ps(a1, _mm256_mul_ps(wt, _mm256_loadu_ps(rows[t] + j + 8)));
        }
        if (relu) { a0 = _mm256_max_ps(a0, zero); a1 = _mm256_max_ps(a1, zero); }
        _mm256_storeu_ps(out + j, a0);
        _mm256_storeu_ps(out + j + 8, a1);
    }
    if (j < count) {
        const float *tails[terms];
        for (int t = 0; t < terms; t++) tails[t] = rows[t] + j;
        weighted_rows_scalar(out + j, start + j, w, tails, terms, count - j, relu);
    }
}
#endif

static int use_avx2(void);

static void weighted_rows(float *restrict out, const float *restrict start, const float *w, const float *const *rows,
                          int terms, int count, int relu) {
#if defined(__x86_64__)
    if (use_avx2()) { weighted_rows_avx2(out, start, w, rows, terms, count, relu); return; }
#endif
    weighted_rows_scalar(out, start, w, rows, terms, count, relu);
}

static void attend_body(int begin, int end, const int32_t *a, const int32_t *b, int p,
        int heads, int d, int m, const float *scores, const float *valueOut, const float *valueOutIn, const float *equals,
        const float *equalsIn, float *attention, float *residMid, float *hidden) {
    const int rows = 2 * p + 1;
    for (int e = begin; e < end; e++) {
        const int r[3] = {a[e], p + b[e], 2 * p};
        float *w = attention + (long)e * heads * 3;
        for (int h = 0; h < heads; h++) {
            const float s0 = scores[h * rows + r[0]], s1 = scores[h * rows + r[1]], s2 = scores[h * rows + r[2]];
            const float top = fmaxf(s0, fmaxf(s1, s2));
            const float e0 = expf(s0 - top), e1 = expf(s1 - top), e2 = expf(s2 - top);
            const float inv = 1.0f / (e0 + e1 + e2);
            w[h * 3] = e0 * inv; w[h * 3 + 1] = e1 * inv; w[h * 3 + 2] = e2 * inv;
        }
        // Each output element starts from the `=` row and adds weight·row over (head, slot) in that order; the rows are
        // walked together so that an element is loaded and stored once.
        const int terms = heads * 3;
        const float *vo[terms], *voi[terms];
        for (int t = 0; t < terms; t++) {
            const int h = t / 3, slot = t % 3;
            vo[t] = valueOut + ((long)h * rows + r[slot]) * d;
            voi[t] = valueOutIn + ((long)h * rows + r[slot]) * m;
        }
        weighted_rows(residMid + (long)e * d, equals, w, vo, terms, d, 0);
        weighted_rows(hidden + (long)e * m, equalsIn, w, voi, terms, m, 1);
    }
}

static inline __attribute__((always_inline)) void backward_body(int h, int n, const int32_t *a, const int32_t *b, int p,
        int heads, int d, const float *attention, const float *dResidMid, const float *valueOut, float *dScores,
        float *dValueOut) {
    const int rows = 2 * p + 1;
    float *restrict dS = dScores + (long)h * rows;
    float *restrict dVO = dValueOut + (long)h * rows * d;
    const float *restrict vo = valueOut + (long)h * rows * d;
    memset(dS, 0, sizeof(float) * rows);
    memset(dVO, 0, sizeof(float) * rows * (long)d);
    for (int e = 0; e < n; e++) {
        const float *restrict g = dResidMid + (long)e * d;
        const int r[3] = {a[e], p + b[e], 2 * p};
        const float *w = attention + (long)e * heads * 3 + h * 3;
        float dA[3];
        for (int slot = 0; slot < 3; slot++) {
            const float weight = w[slot];
            const float *restrict voRow = vo + (long)r[slot] * d;
            float *restrict dvoRow = dVO + (long)r[slot] * d;
            // Eight partial sums, lane k adding j ≡ k (mod 8) in order, then added pairwise: one fixed order for both builds.
            float lanes[8] = {0, 0, 0, 0, 0, 0, 0, 0};
            int j = 0;
            for (; j + 8 <= d; j += 8)
                for (int k = 0; k < 8; k++) lanes[k] = lanes[k] + g[j + k] * voRow[j + k];
            float dot = ((lanes[0] + lanes[4]) + (lanes[1] + lanes[5])) + ((lanes[2] + lanes[6]) + (lanes[3] + lanes[7]));
            for (; j < d; j++) dot = dot + g[j] * voRow[j];
            for (int i = 0; i < d; i++) dvoRow[i] = dvoRow[i] + weight * g[i];
            dA[slot] = dot;
        }
        const float mean = w[0] * dA[0] + w[1] * dA[1] + w[2] * dA[2];
        dS[r[0]] += w[0] * (dA[0] - mean);
        dS[r[1]] += w[1] * (dA[1] - mean);
        dS[r[2]] += w[2] * (dA[2] - mean);
    }
}

#if defined(__x86_64__)
#define WB_AVX2 __attribute__((target("avx2")))
static WB_AVX2 void backward_avx2(int h, int n, const int32_t *a, const int32_t *b, int p, int heads, int d,
        const float *attention, const float *dResidMid, const float *valueOut, float *dScores, float *dValueOut) {
    backward_body(h, n, a, b, p, heads, d, attention, dResidMid, valueOut, dScores, dValueOut);
}
#endif

static int vector_allowed = 1;

void wb_kernels_allow_vector(int allowed) { vector_allowed = allowed; }

static int use_avx2(void) {
#if defined(__x86_64__)
    static int answer = -1;
    if (answer < 0) { __builtin_cpu_init(); answer = __builtin_cpu_supports("avx2") ? 1 : 0; }
    return answer && vector_allowed;
#else
    return 0;
#endif
}

// The weighted row sums inside choose their AVX2 or plain path themselves (`weighted_rows`).
void wb_attend_and_activate(int begin, int end, const int32_t *a, const int32_t *b, int p, int heads, int d, int m,
                            const float *scores, const float *valueOut, const float *valueOutIn, const float *equals,
                            const float *equalsIn, float *attention, float *residMid, float *hidden) {
    attend_body(begin, end, a, b, p, heads, d, m, scores, valueOut, valueOutIn, equals, equalsIn, attention, residMid, hidden);
}

void wb_attention_backward_head(int h, int n, const int32_t *a, const int32_t *b, int p, int heads, int d,
                                const float *attention, const float *dResidMid, const float *valueOut, float *dScores,
                                float *dValueOut) {
#if defined(__x86_64__)
    if (use_avx2()) { backward_avx2(h, n, a, b, p, heads, d, attention, dResidMid, valueOut, dScores, dValueOut); return; }
#endif
    backward_body(h, n, a, b, p, heads, d, attention, dResidMid, valueOut, dScores, dValueOut);
}

static inline __attribute__((always_inline)) void relu_body(float *restrict grad, const float *restrict act, long count) {
    for (long i = 0; i < count; i++) grad[i] = act[i] > 0.0f ? grad[i] : 0.0f;
}

#if defined(__x86_64__)
__attribute__((target("avx2"))) static void relu_avx2(float *restrict grad, const float *restrict act, long count) {
    relu_body(grad, act, count);
}
#endif

void wb_relu_backward(float *grad, const float *act, long count) {
#if defined(__x86_64__)
    if (use_avx2()) { relu_avx2(grad, act, count); return; }
#endif
    relu_body(grad, act, count);
}
