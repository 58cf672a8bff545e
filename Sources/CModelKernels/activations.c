// See wb_kernels.h (wb_gelu_forward, wb_gelu_backward). The error function is wb's own, built from additions,
// multiplications, divisions and wb_exp_nonpositive only (no contraction), so GELU gives the same bits on every processor.
//
// erf on [0, 4) comes from a table of Taylor polynomials, one per interval of width 1/16 around its centre c, to degree 10
// in t = z − c (|t| ≤ 1/32): a₀ = erf(c), aₙ = (2/√π)·(−1)ⁿ⁻¹·Hₙ₋₁(c)·e^(−c²)/n! (Hₙ the Hermite polynomials), so the
// truncation is below 1e-17. The table is built once, when the library loads, from erf(c) by its Maclaurin series
// (c < 2.5) or its continued fraction (c ≥ 2.5). Beyond 4 the continued fraction gives erfc directly.
#include "wb_kernels.h"

#include <math.h>

#pragma STDC FP_CONTRACT OFF
#if defined(__clang__)
#pragma clang fp contract(off)
#endif

static const double TWO_OVER_SQRT_PI = 1.12837916709551257390, INV_SQRT_PI = 0.56418958354775628695,
                    INV_SQRT2 = 0.70710678118654752440, INV_SQRT_2PI = 0.39894228040143267794;

enum { INTERVALS = 64, DEGREE = 10 };
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
    return wb_exp_nonpositive(-(z * z)) * INV_SQRT_PI / f;
}

__attribute__((constructor)) static void build_table(void) {
    for (int k = 0; k < INTERVALS; k++) {
        const double c = ((double)k + 0.5) / 16.0;
        table[k][0] = c < 2.5 ? erf_series(c) : 1.0 - erfc_fraction(c);
        // H₀ = 1, H₁ = 2c, Hₙ₊₁ = 2c·Hₙ − 2n·Hₙ₋₁
        double hPrevious = 1.0, h = 2.0 * c;
        const double gauss = TWO_OVER_SQRT_PI * wb_exp_nonpositive(-(c * c));
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
    const int k = (int)(a * 16.0);
    const double t = a - ((double)k + 0.5) / 16.0;
    const double *coefficients = table[k];
    double value = coefficients[DEGREE];
    for (int n = DEGREE - 1; n >= 0; n--) value = value * t + coefficients[n];
    return z < 0 ? 1.0 - value : 1.0 + value;
}

void wb_gelu_forward(const float *x, float *y, float *slope, long count) {
    for (long i = 0; i < count; i++) {
        const double v = (double)x[i];
        const double cdf2 = one_plus_erf(v);
        y[i] = (float)(0.5 * v * cdf2);
        if (slope) slope[i] = (float)(0.5 * cdf2 + v * wb_exp_nonpositive(-0.5 * v * v) * INV_SQRT_2PI);
    }
}

void wb_gelu_backward(const float *x, float *grad, long count) {
    for (long i = 0; i < count; i++) {
        const double v = (double)x[i];
        const double slope = 0.5 * one_plus_erf(v) + v * wb_exp_nonpositive(-0.5 * v * v) * INV_SQRT_2PI;
        grad[i] = grad[i] * (float)slope;
    }
}
