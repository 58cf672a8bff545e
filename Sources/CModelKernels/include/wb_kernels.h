// The model's per-example loops that are not GEMMs (attention from the per-token tables, its backward, the loss), in C so
// that they run 8 floats wide with AVX2 and FMA where the processor has both. Every lane does exactly the plain code's
// operations in its order (each multiply-add fused: fmaf there, an FMA instruction here; no other contraction), so the
// vector and the plain build give the same bits; which one runs never changes a result.
#ifndef WB_KERNELS_H
#define WB_KERNELS_H
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// For examples [begin, end): the softmax weights of the `=` query over positions 0, 1, 2 per head (attention
/// [N, heads, 3]), the post-ReLU MLP activations (hidden [N, m]) and, unless `logits` is NULL, the part of the logits
/// that does not pass through the MLP (logits [N, c]: equalsUnembed + Σ weight·valueOutUnembed row; the caller adds
/// hidden·W_out·W_U). Table rows: r0 = a, r1 = p + b, r2 = 2p; scores [heads, rows], valueOutIn [heads, rows, m] and
/// valueOutUnembed [heads, rows, c] are the heads' value rows times W_in and W_U; equalsIn [m] is x_{2p}·W_in + b_in and
/// equalsUnembed [c] is (x_{2p} + b_out)·W_U.
void wb_attend_and_activate(int begin, int end, const int32_t *a, const int32_t *b, int p, int heads, int m, int c,
                            const float *scores, const float *valueOutIn, const float *valueOutUnembed,
                            const float *equalsIn, const float *equalsUnembed, float *attention, float *hidden,
                            float *logits);

/// For head h, over all n examples in order, with g = (the example's row of dPre [N, m], of dLogits [N, c]):
/// dValueOutIn[h, r] += A·dPre, dValueOutUnembed[h, r] += A·dLogits, and dScores[h, r] += A ⊙ (dA − Σ A dA), where
/// dA (written to the head's slots of dAttention [N, heads, 3]) is the dot product of g with the row's
/// (valueOutIn, valueOutUnembed). Writes (not accumulates) the head's slices of dScores [heads, rows], dValueOutIn
/// [heads, rows, m] and dValueOutUnembed [heads, rows, c].
void wb_attention_backward_head(int h, int n, const int32_t *a, const int32_t *b, int p, int heads, int m, int c,
                                const float *attention, const float *dPre, const float *dLogits, const float *valueOutIn,
                                const float *valueOutUnembed, float *dScores, float *dValueOutIn,
                                float *dValueOutUnembed, float *dAttention);

/// The paper's loss on each of n rows of logits [n, c]: −log_softmax(row)[label], in double precision over all c classes
/// (the `=` class included, as the paper's code), into losses[e]; correct[e] = 1 when the argmax over the first p classes
/// (the first on a tie) is the label. With `gradient` (else NULL), also d(mean loss)/d(logits) = (softmax − onehot) /
/// batchSize into gradient [n, c]. `exps` is scratch for c doubles. The exponentials are wb's own, so the result is the
/// same on every processor.
void wb_cross_entropy(const float *logits, const int32_t *labels, int n, int c, int p, int batchSize, double *losses,
                      uint8_t *correct, float *gradient, double *exps);

/// grad[i] = act[i] > 0 ? grad[i] : 0 for i in [0, count): the gradient through a ReLU whose outputs are `act`.
void wb_relu_backward(float *grad, const float *act, long count);

/// out[j] = Σ_e x[e, j] over the rows of x [rows, columns] in order, for j in [begin, end) (one sum per column, added in
/// example order from 0).
void wb_column_sums(const float *x, long rows, long columns, long begin, long end, float *out);

/// exp(x) for x ≤ 0 in double precision, wb's own (see cross_entropy.c): the same bits on every processor.
double wb_exp_nonpositive(double x);

/// y[i] = GELU(x[i]) = 0.5·x·(1 + erf(x/√2)), the exact erf form (TransformerLens's "gelu"), in double precision
/// then rounded; wb's own erf, so the same bits on every processor. With `slope` (else NULL), also GELU'(x[i]) there.
void wb_gelu_forward(const float *x, float *y, float *slope, long count);

/// grad[i] *= GELU'(x[i]) = 0.5·(1 + erf(x/√2)) + x·φ(x), the slope in double precision rounded to float.
void wb_gelu_backward(const float *x, float *grad, long count);

/// Philox4x32-10 (Salmon et al. 2011, as Random123 defines it): the four words of block `counter` under `key`.
void wb_philox4x32(const uint32_t counter[4], const uint32_t key[2], uint32_t out[4]);

/// The SGLD noise: standard normals number first ..< first + count of (seed, chain, step). Number i comes from Philox
/// block i / 4 (counter [i/4, step, chain, 0], key [seed's low word, high word]), lane i mod 4; a block's words w₀…w₃
/// become uniforms uₖ = ((wₖ >> 8) + 1)·2⁻²⁴ in (0, 1] and Box–Muller gives z₀ = r cos 2πu₁, z₁ = r sin 2πu₁ with
/// r = √(−2 ln u₀), then z₂, z₃ from u₂, u₃, in float32 with wb's own ln, sin and cos (see sgld.c).
void wb_gaussians(uint64_t seed, uint32_t chain, uint32_t step, long first, long count, float *out);

/// One SGLD step on `count` weights whose noise numbers start at `noiseFirst`, in float32 in this order:
/// drift = nβ·g + γ·(w − w*); w ← (w − (ε/2)·drift) + √ε·z, with z = wb_gaussians(seed, chain, step, noiseFirst + i).
void wb_sgld_update(float *w, const float *wStar, const float *grad, long count, uint64_t seed, uint32_t chain,
                    uint32_t step, long noiseFirst, float halfEps, float nBeta, float gamma, float sqrtEps);

/// AdamW's update (`AdamW.update`) on elements [begin, end), in float32, each element on its own and in this order:
/// gᵢ = coupled ? g + w·l2 : g; w ← w·decay; m ← m + (gᵢ − m)·(1 − β1); v ← v·β2 + ((1 − β2)·gᵢ)·gᵢ;
/// w ← w − stepSize·(m / (√v / correction2 + ε)). No multiply-add is fused.
void wb_adamw_update(float *w, const float *g, float *m, float *v, long begin, long end, int coupled, float l2,
                     float decay, float oneMinusBeta1, float beta2, float oneMinusBeta2, float stepSize,
                     float correction2, float epsilon);

/// 0 makes every kernel take its plain (non-AVX2) path, 1 lets it choose again (for the tests that compare the two).
void wb_kernels_allow_vector(int allowed);

/// Grokfast-MA's step on elements [offset, offset + n) of the gradient (`g` points at element `offset`): with
/// s = (((0 + history[0][e]) + history[1][e]) + …) over the `count` histories in order (the reference's order: Python's
/// `sum` over the deque, oldest first), g[e] ← g[e] + (s / window)·lambda, in float32.
void wb_ma_apply(const float *const *history, long count, long offset, long n, float *g, float window, float lambda);

#ifdef __cplusplus
}
#endif
#endif
