// wb's own double-precision exponential of x ≤ 0, plain and four lanes wide with the same operations lane by lane, so
// every processor gets the same bits. Shared by the kernels' files (static inline); not part of the module's interface.
#ifndef WB_EXP_DOUBLE_H
#define WB_EXP_DOUBLE_H
#include <math.h>
#include <stdint.h>
#include <string.h>

// exp(x) for x ≤ 0: x = k·ln2 + r with k = round(x / ln2) and |r| ≤ ln2/2 (ln2 split in two so that k·LN2_HI is exact),
// exp(r) by its Taylor series to r¹² in Horner form, each step a fused multiply-add (truncation below 2e-16 relative), times 2^k built in the exponent
// bits. Below −708 (where 2^k would leave the normal range) the result is 0: next to the row's maximum term, 1, such a
// term changes neither the sum nor, once rounded to float, the gradient. A NaN stays NaN (a diverged run must show it).
static const double LOG2E = 1.4426950408889634074, LN2_HI = 6.93147180369123816490e-01,
                    LN2_LO = 1.90821492927058770002e-10, EXP_FLOOR = -708.0;
static const double TAYLOR[13] = {1.0, 1.0, 1.0 / 2, 1.0 / 6, 1.0 / 24, 1.0 / 120, 1.0 / 720, 1.0 / 5040, 1.0 / 40320,
                                  1.0 / 362880, 1.0 / 3628800, 1.0 / 39916800, 1.0 / 479001600};

static inline double exp_nonpositive(double x) {
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

#if defined(__x86_64__)
#include <immintrin.h>
/// exp_nonpositive on four lanes: the same operations, lane by lane.
__attribute__((target("avx2,fma"))) static inline __m256d exp4(__m256d x) {
    const __m256d k = _mm256_round_pd(_mm256_mul_pd(x, _mm256_set1_pd(LOG2E)),
                                      _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    const __m256d r = _mm256_sub_pd(_mm256_sub_pd(x, _mm256_mul_pd(k, _mm256_set1_pd(LN2_HI))),
                                    _mm256_mul_pd(k, _mm256_set1_pd(LN2_LO)));
    __m256d poly = _mm256_set1_pd(TAYLOR[12]);
    for (int i = 11; i >= 0; i--) poly = _mm256_fmadd_pd(poly, r, _mm256_set1_pd(TAYLOR[i]));
    // k ≥ −1022 wherever x ≥ −708; the lanes below the floor are masked to 0 after (NaN lanes are kept: NaN).
    const __m256d kClamped = _mm256_max_pd(k, _mm256_set1_pd(-1022.0));
    const __m128i k32 = _mm_add_epi32(_mm256_cvtpd_epi32(kClamped), _mm_set1_epi32(1023));
    const __m256d scale = _mm256_castsi256_pd(_mm256_slli_epi64(_mm256_cvtepi32_epi64(k32), 52));
    return _mm256_and_pd(_mm256_mul_pd(poly, scale), _mm256_cmp_pd(x, _mm256_set1_pd(EXP_FLOOR), _CMP_NLT_UQ));
}

#endif
#endif
