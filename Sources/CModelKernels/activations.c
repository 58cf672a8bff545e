// See wb_kernels.h (wb_gelu_forward, wb_gelu_backward). The error function is wb's own, built from additions,
// multiplications, divisions and wb_exp_nonpositive only (no contraction), so GELU gives the same bits on every processor.
//
// erf on [0, 4) comes from a table of Taylor polynomials, one per interval of width 1/32 around its centre c, to degree 7
// in t = z − c (|t| ≤ 1/64): a₀ = erf(c), aₙ = (2/√π)·(−1)ⁿ⁻¹·Hₙ₋₁(c)·e^(−c²)/n! (Hₙ the Hermite polynomials), so the
// truncation is below 1e-16. The table is built once, when the library loads, from erf(c) by its Maclaurin series
// (c < 2.5) or its continued fraction (c ≥ 2.5). Beyond 4 the continued fraction gives erfc directly.
#include "wb_kernels.h"
#include "vector_choice.h"

#include <math.h>

#pragma STDC FP_CONTRACT OFF
#if defined(__clang__)
#pragma clang fp contract(off)
#endif

#include "exp_double.h"

static const double TWO_OVER_SQRT_PI = 1.12837916709551257390, INV_SQRT_PI = 0.56418958354775628695,
                    INV_SQRT2 = 0.70710678118654752440, INV_SQRT_2PI = 0.39894228040143267794;

enum { INTERVALS = 128, DEGREE = 7 };
static const double SLOTS_PER_UNIT = 32.0;
static double table[INTERVALS][DEGREE + 1];

// erf(z) for 0 ≤ z < 2.5 by its Maclaurin series 2/√π Σ (−1)ⁿ z^(2n+1) / (n!(2n+1)), 44 terms summed from the smallest.
static double erf_series(double z) {
    const double z2 = z * z;
    double terms[44];
    double t = z;
    for (int n = 0; n < 44; n++) {
        terms[n] = t / (double)(2 * n + 1);
        t = -t * z2 / (double)(n + 1);
    }
    double sum = 0.0;
    for (int n = 43; n >= 0; n--) sum = sum + terms[n];
    return TWO_OVER_SQRT_PI * sum;
}

// erfc(z) for z ≥ 2.5: exp(−z²)/√π · 1/(z + (1/2)/(z + 1/(z + (3/2)/(z + …)))), from its 120th level up.
static double erfc_fraction(double z) {
    double f = z;
    for (int k = 120; k >= 1; k--) f = z + ((double)k * 0.5) / f;
    return exp_nonpositive(-(z * z)) * INV_SQRT_PI / f;
}

__attribute__((constructor)) static void build_table(void) {
    for (int k = 0; k < INTERVALS; k++) {
        const double c = ((double)k + 0.5) / SLOTS_PER_UNIT;
        table[k][0] = c < 2.5 ? erf_series(c) : 1.0 - erfc_fraction(c);
        // H₀ = 1, H₁ = 2c, Hₙ₊₁ = 2c·Hₙ − 2n·Hₙ₋₁
        double hPrevious = 1.0, h = 2.0 * c;
        const double gauss = TWO_OVER_SQRT_PI * exp_nonpositive(-(c * c));
        double factorial = 1.0;
        for (int n = 1; n <= DEGREE; n++) {
            factorial = factorial * (double)n;
            const double hermite = n == 1 ? 1.0 : (n == 2 ? 2.0 * c : h);
            const double sign = (n - 1) % 2 == 0 ? 1.0 : -1.0;
            table[k][n] = sign * hermite * gauss / factorial;
            if (n >= 2) {
                const double next = 2.0 * c * h - 2.0 * (double)(n - 1) * hPrevious;
                hPrevious = h;
                h = next;
            }
        }
    }
}

/// 1 + erf(x/√2), accurate in relative terms on both tails (2Φ(x)).
static double one_plus_erf(double x) {
    const double z = x * INV_SQRT2;
    const double a = fabs(z);
    if (!(a < 4.0)) {
        if (isnan(a)) return a;
        const double tail = erfc_fraction(a);
        return z < 0 ? tail : 2.0 - tail;
    }
    const int k = (int)(a * SLOTS_PER_UNIT);
    const double t = a - ((double)k + 0.5) / SLOTS_PER_UNIT;
    const double *coefficients = table[k];
    double value = coefficients[DEGREE];
    for (int n = DEGREE - 1; n >= 0; n--) value = value * t + coefficients[n];
    return z < 0 ? 1.0 - value : 1.0 + value;
}

static void gelu_scalar(const float *x, float *y, float *slope, long begin, long end) {
    for (long i = begin; i < end; i++) {
        const double v = (double)x[i];
        const double cdf2 = one_plus_erf(v);
        y[i] = (float)(0.5 * v * cdf2);
        if (slope) slope[i] = (float)(0.5 * cdf2 + v * exp_nonpositive(-0.5 * v * v) * INV_SQRT_2PI);
    }
}

#if defined(__x86_64__)
/// gelu_scalar four values at a time, lane by lane the same operations (the table rows gathered by each lane's
/// interval); a group with a value outside (−4√2, 4√2) or a NaN goes through gelu_scalar.
__attribute__((target("avx2,fma"))) static void gelu_avx2(const float *x, float *y, float *slope, long count) {
    const double *flat = &table[0][0];
    const __m256d signBit = _mm256_set1_pd(-0.0), half = _mm256_set1_pd(0.5), one = _mm256_set1_pd(1.0);
    long i = 0;
    for (; i + 4 <= count; i += 4) {
        const __m256d v = _mm256_cvtps_pd(_mm_loadu_ps(x + i));
        const __m256d z = _mm256_mul_pd(v, _mm256_set1_pd(INV_SQRT2));
        const __m256d a = _mm256_andnot_pd(signBit, z);
        if (_mm256_movemask_pd(_mm256_cmp_pd(a, _mm256_set1_pd(4.0), _CMP_LT_OQ)) != 0xF) {
            gelu_scalar(x, y, slope, i, i + 4);
            continue;
        }
        const __m256d slots = _mm256_set1_pd(SLOTS_PER_UNIT);
        const __m256d k = _mm256_floor_pd(_mm256_mul_pd(a, slots));
        const __m256d t = _mm256_sub_pd(a, _mm256_div_pd(_mm256_add_pd(k, half), slots));
        const __m128i row = _mm_mullo_epi32(_mm256_cvttpd_epi32(k), _mm_set1_epi32(DEGREE + 1));
        __m256d value = _mm256_i32gather_pd(flat + DEGREE, row, 8);
        for (int n = DEGREE - 1; n >= 0; n--)
            value = _mm256_add_pd(_mm256_mul_pd(value, t), _mm256_i32gather_pd(flat + n, row, 8));
        const __m256d negative = _mm256_cmp_pd(z, _mm256_setzero_pd(), _CMP_LT_OQ);
        const __m256d cdf2 = _mm256_blendv_pd(_mm256_add_pd(one, value), _mm256_sub_pd(one, value), negative);
        _mm_storeu_ps(y + i, _mm256_cvtpd_ps(_mm256_mul_pd(_mm256_mul_pd(half, v), cdf2)));
        if (slope) {
            const __m256d e = exp4(_mm256_mul_pd(_mm256_mul_pd(_mm256_set1_pd(-0.5), v), v));
            const __m256d s = _mm256_add_pd(_mm256_mul_pd(half, cdf2),
                                            _mm256_mul_pd(_mm256_mul_pd(v, e), _mm256_set1_pd(INV_SQRT_2PI)));
            _mm_storeu_ps(slope + i, _mm256_cvtpd_ps(s));
        }
    }
    gelu_scalar(x, y, slope, i, count);
}
#endif

void wb_gelu_forward(const float *x, float *y, float *slope, long count) {
#if defined(__x86_64__)
    if (wb_kernels_use_avx2()) { gelu_avx2(x, y, slope, count); return; }
#endif
    gelu_scalar(x, y, slope, 0, count);
}

void wb_gelu_backward(const float *x, float *grad, long count) {
    for (long i = 0; i < count; i++) {
        const double v = (double)x[i];
        const double slope = 0.5 * one_plus_erf(v) + v * exp_nonpositive(-0.5 * v * v) * INV_SQRT_2PI;
        grad[i] = grad[i] * (float)slope;
    }
}
