// The model's per-example loops that are not GEMMs (attention from the per-token tables, its backward), in C so that
// they run 8 floats wide with AVX2 where the processor has it. Every lane does exactly the scalar operations in the
// scalar order (a multiply, then an add: contraction into FMA is off), so the AVX2 and the plain build give the same
// bits; which one runs never changes a result.
#ifndef WB_KERNELS_H
#define WB_KERNELS_H
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// For examples [begin, end): the softmax weights of the `=` query over positions 0, 1, 2 per head (attention
/// [N, heads, 3]), the residual stream after attention (residMid [N, d]) and the post-ReLU MLP activations (hidden [N, m]).
/// Table rows: r0 = a, r1 = p + b, r2 = 2p; scores [heads, rows], valueOut [heads, rows, d], valueOutIn [heads, rows, m];
/// equals [d] is x at `=`, equalsIn [m] is x_{2p}·W_in + b_in.
void wb_attend_and_activate(int begin, int end, const int32_t *a, const int32_t *b, int p, int heads, int d, int m,
                            const float *scores, const float *valueOut, const float *valueOutIn, const float *equals,
                            const float *equalsIn, float *attention, float *residMid, float *hidden);

/// For head h, over all n examples in order: dValueOut[h, r] += A·g and dScores[h, r] += A ⊙ (dA − Σ A dA), where g is
/// the example's row of dResidMid [N, d] and dA its dot products with the head's valueOut rows. Zeroes the head's slices
/// of dScores [heads, rows] and dValueOut [heads, rows, d] first.
void wb_attention_backward_head(int h, int n, const int32_t *a, const int32_t *b, int p, int heads, int d,
                                const float *attention, const float *dResidMid, const float *valueOut, float *dScores,
                                float *dValueOut);

/// grad[i] = act[i] > 0 ? grad[i] : 0 for i in [0, count): the gradient through a ReLU whose outputs are `act`.
void wb_relu_backward(float *grad, const float *act, long count);

/// 0 makes every kernel take its plain (non-AVX2) path, 1 lets it choose again (for the tests that compare the two).
void wb_kernels_allow_vector(int allowed);

#ifdef __cplusplus
}
#endif
#endif
