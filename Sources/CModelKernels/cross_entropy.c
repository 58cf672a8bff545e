// See wb_kernels.h (wb_cross_entropy). The exponentials are wb's own (a fixed polynomial, in double precision) so that the
// loss is the same on every processor; the AVX2 path does, lane by lane, exactly the operations of the plain one.
#include "wb_kernels.h"
#include "vector_choice.h"

#include <math.h>
#include <string.h>

#pragma STDC FP_CONTRACT OFF
#if defined(__clang__)
#pragma clang fp contract(off)
#endif

#include "exp_double.h"

/// exps[j] = exp(row[j] − top).
static void exponentials_scalar(const float *row, double top, int c, double *exps) {
    for (int j = 0; j < c; j++) exps[j] = exp_nonpositive((double)row[j] - top);
}

/// The row's first maximum over all c classes (`first`) and its first maximum over the first p (`best`), as the plain
/// scans "keep j when row[j] > the best so far" find them (a NaN logit included).
static void row_maxima_scalar(const float *row, int c, int p, int *first, int *best) {
    float maxValue = row[0], bestValue = row[0];
    *first = 0;
    *best = 0;
    for (int j = 1; j < c; j++) if (row[j] > maxValue) { maxValue = row[j]; *first = j; }
    for (int j = 1; j < p; j++) if (row[j] > bestValue) { bestValue = row[j]; *best = j; }
}

#if defined(__x86_64__)
#include <immintrin.h>
/// The same exponentials, four lanes at a time and eight vectors per step: each exponential is a chain of twelve
/// dependent FMAs, so eight independent chains side by side (two FMA units, four cycles each) keep the FMA units busy
/// instead of waiting on their latency. Each lane does exp_nonpositive's operations whichever step it falls in.
__attribute__((target("avx2,fma"))) static void exponentials_avx2(const float *row, double top, int c, double *exps) {
    const __m256d topv = _mm256_set1_pd(top);
    int j = 0;
    for (; j + 32 <= c; j += 32) {
        __m256d e[8];
        for (int k = 0; k < 8; k++) e[k] = exp4(_mm256_sub_pd(_mm256_cvtps_pd(_mm_loadu_ps(row + j + 4 * k)), topv));
        for (int k = 0; k < 8; k++) _mm256_storeu_pd(exps + j + 4 * k, e[k]);
    }
    for (; j + 12 <= c; j += 12) {
        const __m256d e0 = exp4(_mm256_sub_pd(_mm256_cvtps_pd(_mm_loadu_ps(row + j)), topv));
        const __m256d e1 = exp4(_mm256_sub_pd(_mm256_cvtps_pd(_mm_loadu_ps(row + j + 4)), topv));
        const __m256d e2 = exp4(_mm256_sub_pd(_mm256_cvtps_pd(_mm_loadu_ps(row + j + 8)), topv));
        _mm256_storeu_pd(exps + j, e0);
        _mm256_storeu_pd(exps + j + 4, e1);
        _mm256_storeu_pd(exps + j + 8, e2);
    }
    for (; j + 4 <= c; j += 4)
        _mm256_storeu_pd(exps + j, exp4(_mm256_sub_pd(_mm256_cvtps_pd(_mm_loadu_ps(row + j)), topv)));
    for (; j < c; j++) exps[j] = exp_nonpositive((double)row[j] - top);
}

/// The largest of row[0..<count] (which holds no NaN), eight lanes at a time; which of equal values (±0) it returns does
/// not matter, only where the first element equal to it is.
__attribute__((target("avx2"))) static float max_avx2(const float *row, int count) {
    float top = row[0];
    int j = 0;
    if (count >= 8) {
        __m256 m = _mm256_loadu_ps(row);
        for (j = 8; j + 8 <= count; j += 8) m = _mm256_max_ps(m, _mm256_loadu_ps(row + j));
        float lanes[8];
        _mm256_storeu_ps(lanes, m);
        top = lanes[0];
        for (int k = 1; k < 8; k++) top = lanes[k] > top ? lanes[k] : top;
    }
    for (; j < count; j++) top = row[j] > top ? row[j] : top;
    return top;
}

/// The first j with row[j] == value (there is one).
__attribute__((target("avx2"))) static int first_equal_avx2(const float *row, int count, float value) {
    const __m256 v = _mm256_set1_ps(value);
    int j = 0;
    for (; j + 8 <= count; j += 8) {
        const int mask = _mm256_movemask_ps(_mm256_cmp_ps(_mm256_loadu_ps(row + j), v, _CMP_EQ_OQ));
        if (mask) return j + __builtin_ctz((unsigned)mask);
    }
    for (; j < count; j++) if (row[j] == value) return j;
    return 0;
}

/// row_maxima_scalar's answer: without a NaN, the first element equal to the maximum is the one the scan keeps; a row
/// with a NaN goes through the scan itself. The first p classes are scanned once: the maximum over all c is theirs unless
/// a later class exceeds it, and then its first place is among the later ones.
__attribute__((target("avx2"))) static void row_maxima_avx2(const float *row, int c, int p, int *first, int *best) {
    __m256 unordered = _mm256_setzero_ps();
    int j = 0;
    for (; j + 8 <= c; j += 8) {
        const __m256 v = _mm256_loadu_ps(row + j);
        unordered = _mm256_or_ps(unordered, _mm256_cmp_ps(v, v, _CMP_UNORD_Q));
    }
    int nan = _mm256_movemask_ps(unordered) != 0;
    for (; j < c; j++) nan |= isnan(row[j]);
    if (nan) { row_maxima_scalar(row, c, p, first, best); return; }
    const int head = p < c ? p : c;
    const float bestValue = head > 0 ? max_avx2(row, head) : row[0];
    *best = head > 0 ? first_equal_avx2(row, head, bestValue) : 0;
    float top = bestValue;
    for (j = head; j < c; j++) top = row[j] > top ? row[j] : top;
    *first = top == bestValue ? *best : head + first_equal_avx2(row + head, c - head, top);
}

/// Σ_j exps[j] as four partial sums (lane k adding j ≡ k (mod 4) in order), then (l0 + l1) + (l2 + l3), then the tail
/// in order: the plain loop's additions, four at once.
__attribute__((target("avx2"))) static double sum_avx2(const double *exps, int c) {
    __m256d lanes = _mm256_setzero_pd();
    int j = 0;
    for (; j + 4 <= c; j += 4) lanes = _mm256_add_pd(lanes, _mm256_loadu_pd(exps + j));
    double l[4];
    _mm256_storeu_pd(l, lanes);
    double total = (l[0] + l[1]) + (l[2] + l[3]);
    for (; j < c; j++) total = total + exps[j];
    return total;
}

/// out[j] = (float)(exps[j] · scale), four at a time.
__attribute__((target("avx2"))) static void scaled_avx2(const double *exps, double scale, int c, float *out) {
    const __m256d s = _mm256_set1_pd(scale);
    int j = 0;
    for (; j + 4 <= c; j += 4) _mm_storeu_ps(out + j, _mm256_cvtpd_ps(_mm256_mul_pd(_mm256_loadu_pd(exps + j), s)));
    for (; j < c; j++) out[j] = (float)(exps[j] * scale);
}
#endif

/// See sum_avx2.
static double sum_scalar(const double *exps, int c) {
    double lanes[4] = {0, 0, 0, 0};
    int j = 0;
    for (; j + 4 <= c; j += 4)
        for (int k = 0; k < 4; k++) lanes[k] = lanes[k] + exps[j + k];
    double total = (lanes[0] + lanes[1]) + (lanes[2] + lanes[3]);
    for (; j < c; j++) total = total + exps[j];
    return total;
}

static void scaled_scalar(const double *exps, double scale, int c, float *out) {
    for (int j = 0; j < c; j++) out[j] = (float)(exps[j] * scale);
}

void wb_cross_entropy(const float *logits, const int32_t *labels, int n, int c, int p, int batchSize, double *losses,
                      uint8_t *correct, float *gradient, double *exps) {
    const double invN = 1.0 / (double)batchSize;
#if defined(__x86_64__)
    const int vector = wb_kernels_use_avx2();
#endif
    for (int e = 0; e < n; e++) {
        const float *row = logits + (long)e * c;
        int first, best;
#if defined(__x86_64__)
        if (vector) row_maxima_avx2(row, c, p, &first, &best); else row_maxima_scalar(row, c, p, &first, &best);
#else
        row_maxima_scalar(row, c, p, &first, &best);
#endif
        const double top = (double)row[first];
#if defined(__x86_64__)
        if (vector) exponentials_avx2(row, top, c, exps); else exponentials_scalar(row, top, c, exps);
#else
        exponentials_scalar(row, top, c, exps);
#endif
        // Σ = 1 + rest, where 1 is the first maximum's term and rest the sum of the others (that term counted as +0, which
        // changes no partial sum of non-negative terms): log1p(rest) and the exact difference x_label − max keep a
        // well-fit example's tiny loss to its last digits.
        const double firstTerm = exps[first];
        exps[first] = 0.0;
#if defined(__x86_64__)
        const double rest = vector ? sum_avx2(exps, c) : sum_scalar(exps, c);
#else
        const double rest = sum_scalar(exps, c);
#endif
        exps[first] = firstTerm;
        const double sum = 1.0 + rest;
        const int label = labels[e];
        losses[e] = log1p(rest) - ((double)row[label] - top);
        correct[e] = best == label ? 1 : 0;
        if (gradient) {
            // softmax_j = exp(x_j − max) / Σ, from the exponentials already taken.
            float *out = gradient + (long)e * c;
            const double scale = invN / sum;
#if defined(__x86_64__)
            if (vector) scaled_avx2(exps, scale, c, out); else scaled_scalar(exps, scale, c, out);
#else
            scaled_scalar(exps, scale, c, out);
#endif
            out[label] = (float)((exps[label] / sum - 1.0) * invN);
        }
    }
}

double wb_exp_nonpositive(double x) { return exp_nonpositive(x); }
