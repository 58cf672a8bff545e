// See wb_kernels.h (wb_gelu_forward, wb_gelu_backward). The error function is wb's own, from additions, multiplications,
// divisions and wb_exp_nonpositive only (no contraction), so GELU gives the same bits on every processor.
#include "wb_kernels.h"

#include <math.h>

#pragma STDC FP_CONTRACT OFF
#if defined(__clang__)
#pragma clang fp contract(off)
#endif

static const double TWO_OVER_SQRT_PI = 1.12837916709551257390, INV_SQRT_PI = 0.56418958354775628695,
                    INV_SQRT2 = 0.70710678118654752440, INV_SQRT_2PI = 0.39894228040143267794;

// erf(z) for 0 ≤ z < 2.5: its Maclaurin series 2/√π Σ (−1)ⁿ z^(2n+1) / (n!(2n+1)), 44 terms summed from the smallest
// (the largest term at z = 2.5 is ~16, so ~1.5 digits of double precision go to cancellation; the truncation is below
// 1e-18).
static double erf_series(double z) {
    const double z2 = z * z;
    // terms t_n = (−1)ⁿ z^(2n+1)/n!, then each divided by (2n+1)
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

// erfc(z) for z ≥ 2.5: exp(−z²)/√π · 1/(z + (1/2)/(z + 1/(z + (3/2)/(z + …)))), the continued fraction evaluated from
// its 120th level up (converged to double precision for z ≥ 2.5).
static double erfc_fraction(double z) {
    double f = z;
    for (int k = 120; k >= 1; k--) f = z + ((double)k * 0.5) / f;
    return wb_exp_nonpositive(-(z * z)) * INV_SQRT_PI / f;
}

/// Φ(x)·2 = 1 + erf(x/√2), the quantity GELU multiplies by x/2, accurate in relative terms on both tails.
static double one_plus_erf(double x) {
    const double z = (double)x * INV_SQRT2;
    const double a = fabs(z);
    if (a < 2.5) return 1.0 + (z < 0 ? -erf_series(a) : erf_series(a));
    const double tail = erfc_fraction(a);
    return z < 0 ? tail : 2.0 - tail;
}

void wb_gelu_forward(const float *x, float *y, long count) {
    for (long i = 0; i < count; i++) {
        const double v = (double)x[i];
        y[i] = (float)(0.5 * v * one_plus_erf(v));
    }
}

void wb_gelu_backward(const float *x, float *grad, long count) {
    for (long i = 0; i < count; i++) {
        const double v = (double)x[i];
        const double slope = 0.5 * one_plus_erf(v) + v * wb_exp_nonpositive(-0.5 * v * v) * INV_SQRT_2PI;
        grad[i] = grad[i] * (float)slope;
    }
}
