// See wb_kernels.h. Each loop has a plain C body and an AVX2+FMA one (intrinsics, or the plain body compiled again for
// that target); the choice is made once per process (`wb_kernels_use_avx2`). Every multiply-add is a fused one (one
// rounding), written as fmaf in the plain code and as an FMA instruction in the vector code, so each lane does exactly
// what the plain code does.
#include "wb_kernels.h"
#include "vector_choice.h"

#include <math.h>
#include <string.h>

#pragma STDC FP_CONTRACT OFF
#if defined(__clang__)
#pragma clang fp contract(off)
#endif

/// out[j] = start[j] + Σ_t w[t]·rows[t][j], the terms added one by one in t order (each a fused multiply-add); then
/// max(·, 0) when `relu`.
static inline __attribute__((always_inline)) void weighted_rows_scalar(float *restrict out, const float *restrict start,
        const float *w, const float *const *rows, int terms, int count, int relu) {
    for (int j = 0; j < count; j++) {
        float acc = start[j];
        for (int t = 0; t < terms; t++) acc = fmaf(w[t], rows[t][j], acc);
        out[j] = relu ? (acc > 0.0f ? acc : 0.0f) : acc;
    }
}

#if defined(__x86_64__)
#include <immintrin.h>
/// The same sums, eight elements at a time (each lane: a fused multiply-add per term, in t order, as the scalar loop).
/// Eight registers of output are summed at once: each sum is a chain of dependent FMAs, so one chain at a time would wait
/// on the FMA latency; the order within each element's sum is unchanged.
__attribute__((target("avx2,fma"))) static void weighted_rows_avx2(float *restrict out, const float *restrict start,
        const float *w, const float *const *rows, int terms, int count, int relu) {
    int j = 0;
    const __m256 zero = _mm256_setzero_ps();
    for (; j + 64 <= count; j += 64) {
        __m256 acc[8];
        for (int k = 0; k < 8; k++) acc[k] = _mm256_loadu_ps(start + j + 8 * k);
        for (int t = 0; t < terms; t++) {
            const __m256 wt = _mm256_set1_ps(w[t]);
            const float *row = rows[t] + j;
            for (int k = 0; k < 8; k++) acc[k] = _mm256_fmadd_ps(wt, _mm256_loadu_ps(row + 8 * k), acc[k]);
        }
        for (int k = 0; k < 8; k++) _mm256_storeu_ps(out + j + 8 * k, relu ? _mm256_max_ps(acc[k], zero) : acc[k]);
    }
    for (; j + 16 <= count; j += 16) {
        __m256 a0 = _mm256_loadu_ps(start + j), a1 = _mm256_loadu_ps(start + j + 8);
        for (int t = 0; t < terms; t++) {
            const __m256 wt = _mm256_set1_ps(w[t]);
            a0 = _mm256_fmadd_ps(wt, _mm256_loadu_ps(rows[t] + j), a0);
            a1 = _mm256_fmadd_ps(wt, _mm256_loadu_ps(rows[t] + j + 8), a1);
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


static void weighted_rows(float *restrict out, const float *restrict start, const float *w, const float *const *rows,
                          int terms, int count, int relu) {
#if defined(__x86_64__)
    if (wb_kernels_use_avx2()) { weighted_rows_avx2(out, start, w, rows, terms, count, relu); return; }
#endif
    weighted_rows_scalar(out, start, w, rows, terms, count, relu);
}

static void attend_body(int begin, int end, const int32_t *a, const int32_t *b, int p, int heads, int m, int c,
        const float *scores, const float *valueOutIn, const float *valueOutUnembed, const float *equalsIn,
        const float *equalsUnembed, float *attention, float *hidden, float *logits) {
    const int rows = 2 * p + 1, terms = heads * 3;
    for (int e = begin; e < end; e++) {
        const int r[3] = {a[e], p + b[e], 2 * p};
        float *w = attention + (long)e * terms;
        for (int h = 0; h < heads; h++) {
            const float s0 = scores[h * rows + r[0]], s1 = scores[h * rows + r[1]], s2 = scores[h * rows + r[2]];
            const float top = fmaxf(s0, fmaxf(s1, s2));
            const float e0 = expf(s0 - top), e1 = expf(s1 - top), e2 = expf(s2 - top);
            const float inv = 1.0f / (e0 + e1 + e2);
            w[h * 3] = e0 * inv; w[h * 3 + 1] = e1 * inv; w[h * 3 + 2] = e2 * inv;
        }
    }
    // Each output element starts from the `=` row and adds weight·row over (head, slot) in that order; the rows are
    // walked together so that an element is loaded and stored once.
    for (int pass = 0; pass < (logits ? 2 : 1); pass++) {
        const int width = pass == 0 ? m : c;
        const float *table = pass == 0 ? valueOutIn : valueOutUnembed, *start = pass == 0 ? equalsIn : equalsUnembed;
        float *out = pass == 0 ? hidden : logits;
        for (int e = begin; e < end; e++) {
            const int r[3] = {a[e], p + b[e], 2 * p};
            const float *rowsOfTerms[terms];
            for (int t = 0; t < terms; t++) rowsOfTerms[t] = table + ((long)(t / 3) * rows + r[t % 3]) * width;
            weighted_rows(out + (long)e * width, start, attention + (long)e * terms, rowsOfTerms, terms, width, pass == 0);
        }
    }
}

/// For the three rows of one example (its token a, its token b, `=`): dots[s] = Σ_j g[j]·row_s[j] in one fixed order
/// (eight partial sums, lane k adding j ≡ k (mod 8) in order, then ((l0 + l4) + (l1 + l5)) + ((l2 + l6) + (l3 + l7)),
/// then the tail in order), while adding weight_s·g[j] into dRow_s[j]. The rows are distinct.
static void dots_and_accumulate_scalar(const float *restrict g, const float *const *rows, float *const *dRows,
                                       const float *weights, int count, float *dots) {
    for (int s = 0; s < 3; s++) {
        const float *restrict row = rows[s];
        float *restrict dRow = dRows[s];
        const float weight = weights[s];
        float lanes[8] = {0, 0, 0, 0, 0, 0, 0, 0};
        int j = 0;
        for (; j + 8 <= count; j += 8)
            for (int k = 0; k < 8; k++) {
                lanes[k] = fmaf(g[j + k], row[j + k], lanes[k]);
                dRow[j + k] = fmaf(weight, g[j + k], dRow[j + k]);
            }
        float dot = ((lanes[0] + lanes[4]) + (lanes[1] + lanes[5])) + ((lanes[2] + lanes[6]) + (lanes[3] + lanes[7]));
        for (; j < count; j++) {
            dot = fmaf(g[j], row[j], dot);
            dRow[j] = fmaf(weight, g[j], dRow[j]);
        }
        dots[s] = dot;
    }
}

#if defined(__x86_64__)
/// The same, eight lanes in one register per row, the three rows in one pass over g (three independent FMA chains).
__attribute__((target("avx2,fma"))) static void dots_and_accumulate_avx2(const float *restrict g,
        const float *const *rows, float *const *dRows, const float *weights, int count, float *dots) {
    const float *r0 = rows[0], *r1 = rows[1], *r2 = rows[2];
    float *d0 = dRows[0], *d1 = dRows[1], *d2 = dRows[2];
    const __m256 w0 = _mm256_set1_ps(weights[0]), w1 = _mm256_set1_ps(weights[1]), w2 = _mm256_set1_ps(weights[2]);
    __m256 l0 = _mm256_setzero_ps(), l1 = _mm256_setzero_ps(), l2 = _mm256_setzero_ps();
    int j = 0;
    for (; j + 8 <= count; j += 8) {
        const __m256 gv = _mm256_loadu_ps(g + j);
        l0 = _mm256_fmadd_ps(gv, _mm256_loadu_ps(r0 + j), l0);
        l1 = _mm256_fmadd_ps(gv, _mm256_loadu_ps(r1 + j), l1);
        l2 = _mm256_fmadd_ps(gv, _mm256_loadu_ps(r2 + j), l2);
        _mm256_storeu_ps(d0 + j, _mm256_fmadd_ps(w0, gv, _mm256_loadu_ps(d0 + j)));
        _mm256_storeu_ps(d1 + j, _mm256_fmadd_ps(w1, gv, _mm256_loadu_ps(d1 + j)));
        _mm256_storeu_ps(d2 + j, _mm256_fmadd_ps(w2, gv, _mm256_loadu_ps(d2 + j)));
    }
    const __m256 lanes[3] = {l0, l1, l2};
    for (int s = 0; s < 3; s++) {
        float pairs[4];
        _mm_storeu_ps(pairs, _mm_add_ps(_mm256_castps256_ps128(lanes[s]), _mm256_extractf128_ps(lanes[s], 1)));
        float dot = (pairs[0] + pairs[1]) + (pairs[2] + pairs[3]);
        for (int t = j; t < count; t++) {
            dot = fmaf(g[t], rows[s][t], dot);
            dRows[s][t] = fmaf(weights[s], g[t], dRows[s][t]);
        }
        dots[s] = dot;
    }
}
#endif

static void dots_and_accumulate(const float *g, const float *const *rows, float *const *dRows, const float *weights,
                                int count, float *dots) {
#if defined(__x86_64__)
    if (wb_kernels_use_avx2()) { dots_and_accumulate_avx2(g, rows, dRows, weights, count, dots); return; }
#endif
    dots_and_accumulate_scalar(g, rows, dRows, weights, count, dots);
}

void wb_attention_backward_head(int h, int n, const int32_t *a, const int32_t *b, int p, int heads, int m, int c,
                                const float *attention, const float *dPre, const float *dLogits, const float *valueOutIn,
                                const float *valueOutUnembed, float *dScores, float *dValueOutIn,
                                float *dValueOutUnembed, float *dAttention) {
    const int rows = 2 * p + 1, terms = heads * 3;
    float *dS = dScores + (long)h * rows;
    memset(dS, 0, sizeof(float) * rows);
    for (int e = 0; e < n; e++) for (int slot = 0; slot < 3; slot++) dAttention[(long)e * terms + h * 3 + slot] = 0;
    // dA[e, slot] = (0 + the dot product of d pre with the slot's valueOutIn row) + that of dlogits with its
    // valueOutUnembed row.
    for (int pass = 0; pass < 2; pass++) {
        const int width = pass == 0 ? m : c;
        const float *grad = pass == 0 ? dPre : dLogits;
        const float *table = (pass == 0 ? valueOutIn : valueOutUnembed) + (long)h * rows * width;
        float *dTable = (pass == 0 ? dValueOutIn : dValueOutUnembed) + (long)h * rows * width;
        memset(dTable, 0, sizeof(float) * rows * (long)width);
        for (int e = 0; e < n; e++) {
            const long r[3] = {a[e], p + b[e], 2 * p};
            const float *slotRows[3] = {table + r[0] * width, table + r[1] * width, table + r[2] * width};
            float *dSlotRows[3] = {dTable + r[0] * width, dTable + r[1] * width, dTable + r[2] * width};
            float dots[3], *dA = dAttention + (long)e * terms + h * 3;
            dots_and_accumulate(grad + (long)e * width, slotRows, dSlotRows, attention + (long)e * terms + h * 3, width,
                                dots);
            for (int slot = 0; slot < 3; slot++) dA[slot] = dA[slot] + dots[slot];
        }
    }
    // Through the softmax: dS = A ⊙ (dA − Σ A dA), added in example order.
    for (int e = 0; e < n; e++) {
        const int r[3] = {a[e], p + b[e], 2 * p};
        const float *w = attention + (long)e * terms + h * 3, *dA = dAttention + (long)e * terms + h * 3;
        const float mean = w[0] * dA[0] + w[1] * dA[1] + w[2] * dA[2];
        dS[r[0]] += w[0] * (dA[0] - mean);
        dS[r[1]] += w[1] * (dA[1] - mean);
        dS[r[2]] += w[2] * (dA[2] - mean);
    }
}

static int vector_allowed = 1;

void wb_kernels_allow_vector(int allowed) { vector_allowed = allowed; }

int wb_kernels_use_avx2(void) {
#if defined(__x86_64__)
    static int answer = -1;
    if (answer < 0) {
        __builtin_cpu_init();
        answer = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") ? 1 : 0;
    }
    return answer && vector_allowed;
#else
    return 0;
#endif
}

// The weighted row sums inside choose their AVX2 or plain path themselves (`weighted_rows`).
void wb_attend_and_activate(int begin, int end, const int32_t *a, const int32_t *b, int p, int heads, int m, int c,
                            const float *scores, const float *valueOutIn, const float *valueOutUnembed,
                            const float *equalsIn, const float *equalsUnembed, float *attention, float *hidden,
                            float *logits) {
    attend_body(begin, end, a, b, p, heads, m, c, scores, valueOutIn, valueOutUnembed, equalsIn, equalsUnembed, attention,
                hidden, logits);
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
    if (wb_kernels_use_avx2()) { relu_avx2(grad, act, count); return; }
#endif
    relu_body(grad, act, count);
}

/// out[j] = (((0 + x[0, j]) + x[1, j]) + …) over the rows in order, for j in [begin, end): each column's sum in example
/// order, as the plain loop adds it. The AVX2 path adds eight columns per register and 64 columns per pass over the rows,
/// each lane in the same order.
static inline __attribute__((always_inline)) void column_sums_plain(const float *x, long rows, long columns, long begin,
                                                                    long end, float *out) {
    for (long j = begin; j < end; j++) out[j] = 0.0f;
    for (long e = 0; e < rows; e++) {
        const float *row = x + e * columns;
        for (long j = begin; j < end; j++) out[j] = out[j] + row[j];
    }
}

#if defined(__x86_64__)
__attribute__((target("avx2"))) static void column_sums_avx2(const float *x, long rows, long columns, long begin,
                                                              long end, float *out) {
    long j = begin;
    for (; j + 64 <= end; j += 64) {
        __m256 acc[8];
        for (int k = 0; k < 8; k++) acc[k] = _mm256_setzero_ps();
        for (long e = 0; e < rows; e++) {
            const float *row = x + e * columns + j;
            for (int k = 0; k < 8; k++) acc[k] = _mm256_add_ps(acc[k], _mm256_loadu_ps(row + 8 * k));
        }
        for (int k = 0; k < 8; k++) _mm256_storeu_ps(out + j + 8 * k, acc[k]);
    }
    for (; j + 8 <= end; j += 8) {
        __m256 acc = _mm256_setzero_ps();
        for (long e = 0; e < rows; e++) acc = _mm256_add_ps(acc, _mm256_loadu_ps(x + e * columns + j));
        _mm256_storeu_ps(out + j, acc);
    }
    if (j < end) column_sums_plain(x, rows, columns, j, end, out);
}
#endif

void wb_column_sums(const float *x, long rows, long columns, long begin, long end, float *out) {
    if (begin >= end) return;
#if defined(__x86_64__)
    if (wb_kernels_use_avx2()) { column_sums_avx2(x, rows, columns, begin, end, out); return; }
#endif
    column_sums_plain(x, rows, columns, begin, end, out);
}
