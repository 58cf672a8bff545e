// See wb_kernels.h (wb_philox4x32, wb_gaussians, wb_sgld_update). The SGLD noise and update of the local learning
// coefficient's sampler, defined so that a plain NumPy program reproduces every bit (Scripts/llc_reference.py does):
// Philox4x32-10 (Salmon et al. 2011, as Random123 defines it) for the uniform words, then Box–Muller in float32 with
// wb's own logarithm and sine/cosine, built from float32 additions, multiplications and divisions only (no contraction,
// no libm), so the noise is the same on every processor.
#include "wb_kernels.h"

#pragma STDC FP_CONTRACT OFF
#if defined(__clang__)
#pragma clang fp contract(off)
#endif

enum { PHILOX_ROUNDS = 10 };
static const uint32_t PHILOX_M0 = 0xD2511F53u, PHILOX_M1 = 0xCD9E8D57u;
static const uint32_t PHILOX_W0 = 0x9E3779B9u, PHILOX_W1 = 0xBB67AE85u;

void wb_philox4x32(const uint32_t counter[4], const uint32_t key[2], uint32_t out[4]) {
    uint32_t c0 = counter[0], c1 = counter[1], c2 = counter[2], c3 = counter[3];
    uint32_t k0 = key[0], k1 = key[1];
    for (int round = 0; round < PHILOX_ROUNDS; round++) {
        if (round > 0) { k0 += PHILOX_W0; k1 += PHILOX_W1; }
        const uint64_t p0 = (uint64_t)PHILOX_M0 * c0, p1 = (uint64_t)PHILOX_M1 * c2;
        const uint32_t hi0 = (uint32_t)(p0 >> 32), lo0 = (uint32_t)p0;
        const uint32_t hi1 = (uint32_t)(p1 >> 32), lo1 = (uint32_t)p1;
        c0 = hi1 ^ c1 ^ k0; c1 = lo1; c2 = hi0 ^ c3 ^ k1; c3 = lo0;
    }
    out[0] = c0; out[1] = c1; out[2] = c2; out[3] = c3;
}

// A uniform in (0, 1]: the word's top 24 bits plus one, times 2^-24 (exact in float32).
static inline float uniform_open_closed(uint32_t word) { return (float)((word >> 8) + 1u) * 0x1p-24f; }

// ln(u) for u in (0, 1]: u = m·2^e with m in [√½, √2), s = (m − 1)/(m + 1), ln m = 2s + 2s³/3 + … + 2s⁹/9
// (|s| ≤ 0.1716, so the next term is below 1e-8 of ln m), plus e·ln 2.
static inline float log_unit(float u) {
    union { float f; uint32_t i; } bits = { u };
    int e = (int)((bits.i >> 23) & 0xFF) - 127;
    bits.i = (bits.i & 0x007FFFFFu) | 0x3F800000u;   // m in [1, 2)
    float m = bits.f;
    if (m > 1.41421356f) { m = m * 0.5f; e = e + 1; }
    const float s = (m - 1.0f) / (m + 1.0f);
    const float s2 = s * s;
    float poly = 0.11111111f;                 // 1/9
    poly = poly * s2 + 0.14285714f;           // 1/7
    poly = poly * s2 + 0.2f;                  // 1/5
    poly = poly * s2 + 0.33333334f;           // 1/3
    poly = poly * s2 + 1.0f;
    const float lnm = 2.0f * s * poly;
    return (float)e * 0.69314718f + lnm;
}

// cos(2π·t) and sin(2π·t) for t in (0, 1]: x = 4t = q + r with q = round(x) and r in [−½, ½] (exact), a = r·π/2 in
// [−π/4, π/4], Taylor polynomials of sin a and cos a to degree 9 and 8, then the quarter turns q.
static inline void sincos_turns(float t, float *cosine, float *sine) {
    const float x = t * 4.0f;
    const float q = (float)(int)(x + 0.5f);
    const float a = (x - q) * 1.57079637f;
    const float a2 = a * a;
    float sp = 2.7557319e-6f;                 // 1/9!
    sp = sp * a2 - 1.9841270e-4f;             // 1/7!
    sp = sp * a2 + 8.3333333e-3f;             // 1/5!
    sp = sp * a2 - 0.16666667f;               // 1/3!
    sp = sp * a2 + 1.0f;
    const float sa = a * sp;
    float cp = 2.4801587e-5f;                 // 1/8!
    cp = cp * a2 - 1.3888889e-3f;             // 1/6!
    cp = cp * a2 + 4.1666668e-2f;             // 1/4!
    cp = cp * a2 - 0.5f;                      // 1/2!
    cp = cp * a2 + 1.0f;
    const float ca = cp;
    switch (((int)q) & 3) {
    case 0: *cosine = ca; *sine = sa; break;
    case 1: *cosine = -sa; *sine = ca; break;
    case 2: *cosine = -ca; *sine = -sa; break;
    default: *cosine = sa; *sine = -ca; break;
    }
}

// The four standard normals of Philox block `block` at (step, chain): Box–Muller on the word pairs (0, 1) and (2, 3),
// r = √(−2 ln u₀), z₀ = r cos 2πu₁, z₁ = r sin 2πu₁.
static inline void gaussian_block(uint64_t seed, uint32_t chain, uint32_t step, uint32_t block, float z[4]) {
    const uint32_t counter[4] = { block, step, chain, 0u };
    const uint32_t key[2] = { (uint32_t)seed, (uint32_t)(seed >> 32) };
    uint32_t words[4];
    wb_philox4x32(counter, key, words);
    for (int pair = 0; pair < 2; pair++) {
        const float u0 = uniform_open_closed(words[2 * pair]), u1 = uniform_open_closed(words[2 * pair + 1]);
        const float r = __builtin_sqrtf(-2.0f * log_unit(u0));
        float c, s;
        sincos_turns(u1, &c, &s);
        z[2 * pair] = r * c;
        z[2 * pair + 1] = r * s;
    }
}

void wb_gaussians(uint64_t seed, uint32_t chain, uint32_t step, long first, long count, float *out) {
    float z[4];
    long i = 0;
    while (i < count) {
        const long index = first + i;
        gaussian_block(seed, chain, step, (uint32_t)(index >> 2), z);
        for (long lane = index & 3; lane < 4 && i < count; lane++, i++) out[i] = z[lane];
    }
}

void wb_sgld_update(float *w, const float *wStar, const float *grad, long count, uint64_t seed, uint32_t chain,
                    uint32_t step, long noiseFirst, float halfEps, float nBeta, float gamma, float sqrtEps) {
    float z[4];
    long i = 0;
    while (i < count) {
        const long index = noiseFirst + i;
        gaussian_block(seed, chain, step, (uint32_t)(index >> 2), z);
        for (long lane = index & 3; lane < 4 && i < count; lane++, i++) {
            const float drift = nBeta * grad[i] + gamma * (w[i] - wStar[i]);
            w[i] = (w[i] - halfEps * drift) + sqrtEps * z[lane];
        }
    }
}
