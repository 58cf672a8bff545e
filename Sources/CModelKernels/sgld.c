// See wb_kernels.h (wb_philox4x32, wb_gaussians, wb_sgld_update). The SGLD noise and update of the local learning
// coefficient's sampler, defined so that a plain NumPy program reproduces every bit (Scripts/llc_reference.py does):
// Philox4x32-10 (Salmon et al. 2011, as Random123 defines it) for the uniform words, then Box–Muller in float32 with
// wb's own logarithm and sine/cosine, built from float32 additions, multiplications and divisions only (no contraction,
// no libm), so the noise is the same on every processor. With AVX2, eight Philox blocks go at once (one per lane) and
// each lane does exactly the plain code's operations in its order (no FMA), so which path runs never changes a bit.
#include "wb_kernels.h"
#include "vector_choice.h"

#include <string.h>

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

// One SGLD step on one weight with its noise z (shared by both paths, so the order of operations is written once).
static inline float sgld_step(float w, float wStar, float grad, float z, float halfEps, float nBeta, float gamma,
                              float sqrtEps) {
    const float drift = nBeta * grad + gamma * (w - wStar);
    return (w - halfEps * drift) + sqrtEps * z;
}

static void gaussians_plain(uint64_t seed, uint32_t chain, uint32_t step, long first, long count, float *out) {
    float z[4];
    long i = 0;
    while (i < count) {
        const long index = first + i;
        gaussian_block(seed, chain, step, (uint32_t)(index >> 2), z);
        for (long lane = index & 3; lane < 4 && i < count; lane++, i++) out[i] = z[lane];
    }
}

static void sgld_update_plain(float *w, const float *wStar, const float *grad, long count, uint64_t seed, uint32_t chain,
                              uint32_t step, long noiseFirst, float halfEps, float nBeta, float gamma, float sqrtEps) {
    float z[4];
    long i = 0;
    while (i < count) {
        const long index = noiseFirst + i;
        gaussian_block(seed, chain, step, (uint32_t)(index >> 2), z);
        for (long lane = index & 3; lane < 4 && i < count; lane++, i++)
            w[i] = sgld_step(w[i], wStar[i], grad[i], z[lane], halfEps, nBeta, gamma, sqrtEps);
    }
}

#if defined(__x86_64__)
#include <immintrin.h>

/// The high and low words of the eight 32×32→64 products a·m (even lanes by _mm256_mul_epu32, odd lanes shifted down).
__attribute__((target("avx2"))) static inline void mulhilo8(__m256i a, __m256i m, __m256i *hi, __m256i *lo) {
    const __m256i even = _mm256_mul_epu32(a, m), odd = _mm256_mul_epu32(_mm256_srli_epi64(a, 32), m);
    *hi = _mm256_blend_epi32(_mm256_srli_epi64(even, 32), odd, 0xAA);
    *lo = _mm256_blend_epi32(even, _mm256_slli_epi64(odd, 32), 0xAA);
}

/// uniform_open_closed, log_unit, sincos_turns and the products of gaussian_block on eight word pairs (u₀, u₁).
__attribute__((target("avx2"))) static inline void box_muller8(__m256i w0, __m256i w1, __m256 *z0, __m256 *z1) {
    const __m256i one = _mm256_set1_epi32(1);
    const __m256 scale = _mm256_set1_ps(0x1p-24f);
    const __m256 u0 = _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_add_epi32(_mm256_srli_epi32(w0, 8), one)), scale);
    const __m256 u1 = _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_add_epi32(_mm256_srli_epi32(w1, 8), one)), scale);

    // log_unit(u0)
    const __m256i bits = _mm256_castps_si256(u0);
    __m256i e = _mm256_sub_epi32(_mm256_and_si256(_mm256_srli_epi32(bits, 23), _mm256_set1_epi32(0xFF)),
                                 _mm256_set1_epi32(127));
    __m256 m = _mm256_castsi256_ps(_mm256_or_si256(_mm256_and_si256(bits, _mm256_set1_epi32(0x007FFFFF)),
                                                   _mm256_set1_epi32(0x3F800000)));
    const __m256 big = _mm256_cmp_ps(m, _mm256_set1_ps(1.41421356f), _CMP_GT_OQ);
    m = _mm256_blendv_ps(m, _mm256_mul_ps(m, _mm256_set1_ps(0.5f)), big);
    e = _mm256_sub_epi32(e, _mm256_castps_si256(big));   // the mask is −1 where m was halved
    const __m256 onef = _mm256_set1_ps(1.0f);
    const __m256 s = _mm256_div_ps(_mm256_sub_ps(m, onef), _mm256_add_ps(m, onef));
    const __m256 s2 = _mm256_mul_ps(s, s);
    __m256 poly = _mm256_set1_ps(0.11111111f);
    poly = _mm256_add_ps(_mm256_mul_ps(poly, s2), _mm256_set1_ps(0.14285714f));
    poly = _mm256_add_ps(_mm256_mul_ps(poly, s2), _mm256_set1_ps(0.2f));
    poly = _mm256_add_ps(_mm256_mul_ps(poly, s2), _mm256_set1_ps(0.33333334f));
    poly = _mm256_add_ps(_mm256_mul_ps(poly, s2), onef);
    const __m256 lnm = _mm256_mul_ps(_mm256_mul_ps(_mm256_set1_ps(2.0f), s), poly);
    const __m256 ln = _mm256_add_ps(_mm256_mul_ps(_mm256_cvtepi32_ps(e), _mm256_set1_ps(0.69314718f)), lnm);
    const __m256 r = _mm256_sqrt_ps(_mm256_mul_ps(_mm256_set1_ps(-2.0f), ln));

    // sincos_turns(u1)
    const __m256 x = _mm256_mul_ps(u1, _mm256_set1_ps(4.0f));
    const __m256i qi = _mm256_cvttps_epi32(_mm256_add_ps(x, _mm256_set1_ps(0.5f)));   // x + ½ > 0: truncation
    const __m256 q = _mm256_cvtepi32_ps(qi);
    const __m256 a = _mm256_mul_ps(_mm256_sub_ps(x, q), _mm256_set1_ps(1.57079637f));
    const __m256 a2 = _mm256_mul_ps(a, a);
    __m256 sp = _mm256_set1_ps(2.7557319e-6f);
    sp = _mm256_sub_ps(_mm256_mul_ps(sp, a2), _mm256_set1_ps(1.9841270e-4f));
    sp = _mm256_add_ps(_mm256_mul_ps(sp, a2), _mm256_set1_ps(8.3333333e-3f));
    sp = _mm256_sub_ps(_mm256_mul_ps(sp, a2), _mm256_set1_ps(0.16666667f));
    sp = _mm256_add_ps(_mm256_mul_ps(sp, a2), onef);
    const __m256 sa = _mm256_mul_ps(a, sp);
    __m256 cp = _mm256_set1_ps(2.4801587e-5f);
    cp = _mm256_sub_ps(_mm256_mul_ps(cp, a2), _mm256_set1_ps(1.3888889e-3f));
    cp = _mm256_add_ps(_mm256_mul_ps(cp, a2), _mm256_set1_ps(4.1666668e-2f));
    cp = _mm256_sub_ps(_mm256_mul_ps(cp, a2), _mm256_set1_ps(0.5f));
    const __m256 ca = _mm256_add_ps(_mm256_mul_ps(cp, a2), onef);
    // The quarter turns: odd q swaps sine and cosine; the cosine is negated for q mod 4 in {1, 2}, the sine for {2, 3}.
    const __m256 odd = _mm256_castsi256_ps(_mm256_sub_epi32(_mm256_setzero_si256(), _mm256_and_si256(qi, one)));
    const __m256 cosSign = _mm256_castsi256_ps(
        _mm256_slli_epi32(_mm256_and_si256(_mm256_add_epi32(qi, one), _mm256_set1_epi32(2)), 30));
    const __m256 sinSign = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_and_si256(qi, _mm256_set1_epi32(2)), 30));
    const __m256 c = _mm256_xor_ps(_mm256_blendv_ps(ca, sa, odd), cosSign);
    const __m256 sn = _mm256_xor_ps(_mm256_blendv_ps(sa, ca, odd), sinSign);
    *z0 = _mm256_mul_ps(r, c);
    *z1 = _mm256_mul_ps(r, sn);
}

/// The 32 normals of Philox blocks block … block + 7 (mod 2³²) at (step, chain), in gaussian_block's order, into out.
__attribute__((target("avx2"))) static inline void gaussian_blocks8(__m256i key0, __m256i key1, __m256i c1Start,
                                                                    __m256i c2Start, uint32_t block, float *out) {
    __m256i c0 = _mm256_add_epi32(_mm256_set1_epi32((int)block), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
    __m256i c1 = c1Start, c2 = c2Start, c3 = _mm256_setzero_si256();
    __m256i k0 = key0, k1 = key1;
    const __m256i m0 = _mm256_set1_epi32((int)PHILOX_M0), m1 = _mm256_set1_epi32((int)PHILOX_M1);
    for (int round = 0; round < PHILOX_ROUNDS; round++) {
        if (round > 0) {
            k0 = _mm256_add_epi32(k0, _mm256_set1_epi32((int)PHILOX_W0));
            k1 = _mm256_add_epi32(k1, _mm256_set1_epi32((int)PHILOX_W1));
        }
        __m256i hi0, lo0, hi1, lo1;
        mulhilo8(c0, m0, &hi0, &lo0);
        mulhilo8(c2, m1, &hi1, &lo1);
        c0 = _mm256_xor_si256(_mm256_xor_si256(hi1, c1), k0);
        c1 = lo1;
        c2 = _mm256_xor_si256(_mm256_xor_si256(hi0, c3), k1);
        c3 = lo0;
    }
    __m256 z0, z1, z2, z3;
    box_muller8(c0, c1, &z0, &z1);
    box_muller8(c2, c3, &z2, &z3);
    // Transpose: lane j of z0…z3 are normals 4j … 4j + 3.
    const __m256 t0 = _mm256_unpacklo_ps(z0, z1), t1 = _mm256_unpackhi_ps(z0, z1);   // blocks (0, 1 | 4, 5) pairs
    const __m256 t2 = _mm256_unpacklo_ps(z2, z3), t3 = _mm256_unpackhi_ps(z2, z3);
    const __m256 b04 = _mm256_castpd_ps(_mm256_unpacklo_pd(_mm256_castps_pd(t0), _mm256_castps_pd(t2)));
    const __m256 b15 = _mm256_castpd_ps(_mm256_unpackhi_pd(_mm256_castps_pd(t0), _mm256_castps_pd(t2)));
    const __m256 b26 = _mm256_castpd_ps(_mm256_unpacklo_pd(_mm256_castps_pd(t1), _mm256_castps_pd(t3)));
    const __m256 b37 = _mm256_castpd_ps(_mm256_unpackhi_pd(_mm256_castps_pd(t1), _mm256_castps_pd(t3)));
    _mm256_storeu_ps(out, _mm256_permute2f128_ps(b04, b15, 0x20));
    _mm256_storeu_ps(out + 8, _mm256_permute2f128_ps(b26, b37, 0x20));
    _mm256_storeu_ps(out + 16, _mm256_permute2f128_ps(b04, b15, 0x31));
    _mm256_storeu_ps(out + 24, _mm256_permute2f128_ps(b26, b37, 0x31));
}

/// gaussians_plain with the blocks eight at a time: the plain path up to the first whole block, then groups of 32
/// normals; a last partial group is made whole in a scratch buffer and the part needed is copied.
__attribute__((target("avx2"))) static void gaussians_avx2(uint64_t seed, uint32_t chain, uint32_t step, long first,
                                                           long count, float *out) {
    long i = (4 - (first & 3)) & 3;
    if (i > count) i = count;
    gaussians_plain(seed, chain, step, first, i, out);
    const __m256i key0 = _mm256_set1_epi32((int)(uint32_t)seed), key1 = _mm256_set1_epi32((int)(uint32_t)(seed >> 32));
    const __m256i c1 = _mm256_set1_epi32((int)step), c2 = _mm256_set1_epi32((int)chain);
    for (; i + 32 <= count; i += 32) gaussian_blocks8(key0, key1, c1, c2, (uint32_t)((first + i) >> 2), out + i);
    if (i < count) {
        float z[32];
        gaussian_blocks8(key0, key1, c1, c2, (uint32_t)((first + i) >> 2), z);
        memcpy(out + i, z, (size_t)(count - i) * sizeof(float));
    }
}

/// sgld_update_plain with the noise from gaussian_blocks8 and the step eight weights at a time (lane by lane sgld_step).
__attribute__((target("avx2"))) static void sgld_update_avx2(float *w, const float *wStar, const float *grad, long count,
        uint64_t seed, uint32_t chain, uint32_t step, long noiseFirst, float halfEps, float nBeta, float gamma,
        float sqrtEps) {
    long i = (4 - (noiseFirst & 3)) & 3;
    if (i > count) i = count;
    sgld_update_plain(w, wStar, grad, i, seed, chain, step, noiseFirst, halfEps, nBeta, gamma, sqrtEps);
    const __m256i key0 = _mm256_set1_epi32((int)(uint32_t)seed), key1 = _mm256_set1_epi32((int)(uint32_t)(seed >> 32));
    const __m256i c1 = _mm256_set1_epi32((int)step), c2 = _mm256_set1_epi32((int)chain);
    const __m256 vHalfEps = _mm256_set1_ps(halfEps), vNBeta = _mm256_set1_ps(nBeta), vGamma = _mm256_set1_ps(gamma),
                 vSqrtEps = _mm256_set1_ps(sqrtEps);
    float z[32];
    for (; i + 32 <= count; i += 32) {
        gaussian_blocks8(key0, key1, c1, c2, (uint32_t)((noiseFirst + i) >> 2), z);
        for (int k = 0; k < 32; k += 8) {
            const __m256 wk = _mm256_loadu_ps(w + i + k);
            const __m256 drift = _mm256_add_ps(_mm256_mul_ps(vNBeta, _mm256_loadu_ps(grad + i + k)),
                                               _mm256_mul_ps(vGamma, _mm256_sub_ps(wk, _mm256_loadu_ps(wStar + i + k))));
            _mm256_storeu_ps(w + i + k, _mm256_add_ps(_mm256_sub_ps(wk, _mm256_mul_ps(vHalfEps, drift)),
                                                      _mm256_mul_ps(vSqrtEps, _mm256_loadu_ps(z + k))));
        }
    }
    if (i < count) {
        gaussian_blocks8(key0, key1, c1, c2, (uint32_t)((noiseFirst + i) >> 2), z);
        for (int k = 0; i < count; i++, k++)
            w[i] = sgld_step(w[i], wStar[i], grad[i], z[k], halfEps, nBeta, gamma, sqrtEps);
    }
}
#endif

void wb_gaussians(uint64_t seed, uint32_t chain, uint32_t step, long first, long count, float *out) {
#if defined(__x86_64__)
    if (wb_kernels_use_avx2()) { gaussians_avx2(seed, chain, step, first, count, out); return; }
#endif
    gaussians_plain(seed, chain, step, first, count, out);
}

void wb_sgld_update(float *w, const float *wStar, const float *grad, long count, uint64_t seed, uint32_t chain,
                    uint32_t step, long noiseFirst, float halfEps, float nBeta, float gamma, float sqrtEps) {
#if defined(__x86_64__)
    if (wb_kernels_use_avx2()) {
        sgld_update_avx2(w, wStar, grad, count, seed, chain, step, noiseFirst, halfEps, nBeta, gamma, sqrtEps);
        return;
    }
#endif
    sgld_update_plain(w, wStar, grad, count, seed, chain, step, noiseFirst, halfEps, nBeta, gamma, sqrtEps);
}
