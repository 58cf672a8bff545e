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

// exp(x) for x ≤ 0: x = k·ln2 + r with k = round(x / ln2) and |r| ≤ ln2/2 (ln2 split in two so that k·LN2_HI is exact),
// exp(r) by its Taylor series to r¹² in Horner form, each step a fused multiply-add (truncation below 2e-16 relative), times 2^k built in the exponent
// bits. Below −708 (where 2^k would leave the normal range) the result is 0: next to the row's maximum term, 1, such a
// term changes neither the sum nor, once rounded to float, the gradient. A NaN stays NaN (a diverged run must show it).
static const double LOG2E = 1.4426950408889634074, LN2_HI = 6.93147180369123816490e-01,
                    LN2_LO = 1.90821492927058770002e-10, EXP_FLOOR = -708.0;
static const double TAYLOR[13] = {1.0, 1.0, 1.0 / 2, 1.0 / 6, 1.0 / 24, 1.0 / 120, 1.0 / 720, 1.0 / 5040, 1.0 / 40320,
                                  1.0 / 362880, 1.0 / 3628800, 1.0 / 39916800, 1.0 / 479001600};

static double exp_nonpositive(double x) {
    if (isnan(x)) return x;
    if (x < EXP_FLOOR) return 0.0;
    const double k = nearbyint(x * LOG2E);
    const double r = (x - k * LN2_HI) - k * LN2_LO;
    double poly = TAYLOR[12];
    for (int i = 11; i >= 0; i--) poly = fma(poly, r, TAYLOR[i]);
    const int64_t bits = (int64_t)((int)k + 1023) << 52;
    double scale;
    memcpy(&scale, &bits, sizeof scale);
    return poly * scale;
}

/// exps[j] = exp(row[j] − top).
static void exponentials_scalar(const float *row, double top, int c, double *exps) {
    for (int j = 0; j < c; j++) exps[j] = exp_nonpositive((double)row[j] - top);
}

#if defined(__x86_64__)
#include <immintrin.h>
/// The same, four lanes at a time.
__attribute__((target("avx2,fma"))) static void exponentials_avx2(const float *row, double top, int c, double *exps) {
    const __m256d log2e = _mm256_set1_pd(LOG2E), hi = _mm256_set1_pd(LN2_HI), lo = _mm256_set1_pd(LN2_LO);
    const __m256d floor = _mm256_set1_pd(EXP_FLOOR), topv = _mm256_set1_pd(top);
    int j = 0;
    for (; j + 4 <= c; j += 4) {
        const __m256d x = _mm256_sub_pd(_mm256_cvtps_pd(_mm_loadu_ps(row + j)), topv);
        const __m256d k = _mm256_round_pd(_mm256_mul_pd(x, log2e), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
        const __m256d r = _mm256_sub_pd(_mm256_sub_pd(x, _mm256_mul_pd(k, hi)), _mm256_mul_pd(k, lo));
        __m256d poly = _mm256_set1_pd(TAYLOR[12]);
        for (int i = 11; i >= 0; i--) poly = _mm256_fmadd_pd(poly, r, _mm256_set1_pd(TAYLOR[i]));
        // k ≥ −1022 wherever x ≥ −708; the lanes below the floor are masked to 0 after (NaN lanes are kept: NaN).
        const __m256d kClamped = _mm256_max_pd(k, _mm256_set1_pd(-1022.0));
        const __m128i k32 = _mm_add_epi32(_mm256_cvtpd_epi32(kClamped), _mm_set1_epi32(1023));
        const __m256d scale = _mm256_castsi256_pd(_mm256_slli_epi64(_mm256_cvtepi32_epi64(k32), 52));
        const __m256d value = _mm256_and_pd(_mm256_mul_pd(poly, scale), _mm256_cmp_pd(x, floor, _CMP_NLT_UQ));
        _mm256_storeu_pd(exps + j, value);
    }
    for (; j < c; j++) exps[j] = exp_nonpositive((double)row[j] - top);
}
#endif

void wb_cross_entropy(const float *logits, const int32_t *labels, int n, int c, int p, int batchSize, double *losses,
                      uint8_t *correct, float *gradient, double *exps) {
    const double invN = 1.0 / (double)batchSize;
    const int vector = wb_kernels_use_avx2();
    for (int e = 0; e < n; e++) {
        const float *row = logits + (long)e * c;
        float maxValue = row[0], bestValue = row[0];
        int best = 0, first = 0;
        for (int j = 1; j < c; j++) if (row[j] > maxValue) { maxValue = row[j]; first = j; }
        for (int j = 1; j < p; j++) if (row[j] > bestValue) { bestValue = row[j]; best = j; }
        const double top = (double)maxValue;
#if defined(__x86_64__)
        if (vector) exponentials_avx2(row, top, c, exps); else exponentials_scalar(row, top, c, exps);
#else
        (void)vector;
        exponentials_scalar(row, top, c, exps);
#endif
        // Σ = 1 + rest, where 1 is the first maximum's term and rest the others (four partial sums, lane k adding
        // j ≡ k (mod 4) in order, then (l0 + l1) + (l2 + l3), then the tail in order): log1p(rest) and the exact
        // difference x_label − max keep a well-fit example's tiny loss to its last digits.
        double lanes[4] = {0, 0, 0, 0};
        int j = 0;
        for (; j + 4 <= c; j += 4)
            for (int k = 0; k < 4; k++) lanes[k] = lanes[k] + (j + k == first ? 0.0 : exps[j + k]);
        double rest = (lanes[0] + lanes[1]) + (lanes[2] + lanes[3]);
        for (; j < c; j++) if (j != first) rest = rest + exps[j];
        const double sum = 1.0 + rest;
        const int label = labels[e];
        losses[e] = log1p(rest) - ((double)row[label] - top);
        correct[e] = best == label ? 1 : 0;
        if (gradient) {
            // softmax_j = exp(x_j − max) / Σ, from the exponentials already taken.
            float *out = gradient + (long)e * c;
            const double scale = invN / sum;
            for (int j = 0; j < c; j++) out[j] = (float)(exps[j] * scale);
            out[label] = (float)((exps[label] / sum - 1.0) * invN);
        }
    }
}
