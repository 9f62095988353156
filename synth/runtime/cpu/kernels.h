/* Per-instruction-set kernels. One body per ISA (gemm_i8_<isa>.c, dot_f32_<isa>.c), selected
 * once at context creation. The row operations around them (quantisation, rescaling,
 * activations) are one shared source, rowops_body.h, compiled per ISA only for vector width:
 * element-wise IEEE operations in a fixed order, which is what keeps the int8 ISAs bit-equal. */
#ifndef MYNA_CPU_KERNELS_H
#define MYNA_CPU_KERNELS_H

#include "synth/runtime/rt.h"

#include <stddef.h>
#include <stdint.h>

/* acc[t*ldacc + o] = sum_{j < nbytes} x[t*ldx + j] * w[o*ldw + j], exact int32, for t < nt,
 * o < no. nbytes is a multiple of 64; x and w values are in [-127, 127] (never -128), which
 * the sign trick needs to stay exact. No alignment is required. */
typedef void (*gemm_i8_fn)(const int8_t *x, size_t ldx, int nt, const int8_t *w, size_t ldw, int no,
                           size_t nbytes, int32_t *acc, size_t ldacc);

/* sum_{j < n} a[j] * b[j]; the summation order depends only on n (not on the call site), so
 * a given ISA gives the same result whatever the threading. */
typedef float (*dot_f32_fn)(const float *a, const float *b, int n);

/* max|x[0..n)|, exact. */
typedef float (*absmax_f32_fn)(const float *x, int n);
/* q[i] = clamp(round_even(x[i] * inv), -127, 127); inv = 127 / max|row| (0 for a zero row). */
typedef void (*quantize_i8_fn)(const float *x, int n, float inv, int8_t *q);
/* One im2col row quantised as above: taps[k] (in values each, NULL for a tap in the zero
 * padding) into q[k*in ..), then zeros up to ldq, a multiple of 64. stage: ldq int32 of scratch.
 * A caller whose taps are consecutive rows may pass them as one tap of k_taps * in values. */
typedef void (*im2col_row_i8_fn)(const float *const *taps, int k_taps, int in, float inv,
                                 int32_t *stage, int8_t *q, size_t ldq);
/* z[o] = acc[o] * (sx * scale[o]) + (bias ? bias[o] : 0), o < n. */
typedef void (*rescale_i32_fn)(const int32_t *acc, int n, float sx, const float *scale,
                               const float *bias, float *z);
/* y[i] = act(za[i]), i < n (y may be za). GATED: y[i] = tanh(za[i]) * sigmoid(zb[i]), and zb
 * is overwritten; other activations ignore zb. */
typedef void (*activate_row_fn)(const float *za, float *zb, int n, rt_act act, float *y);
/* One LSTM step from the pre-activations z[0..4H) (gates i, f, g, o): updates c and h. */
typedef void (*lstm_cell_fn)(const float *z, float *c, float *h, int hn);

typedef struct {
    rt_isa isa;
    gemm_i8_fn gemm_i8;
    dot_f32_fn dot_f32;
    absmax_f32_fn absmax_f32;
    quantize_i8_fn quantize_i8;
    im2col_row_i8_fn im2col_row_i8;
    rescale_i32_fn rescale_i32;
    activate_row_fn activate_row;
    lstm_cell_fn lstm_cell;
} cpu_kernels;

#define ROWOPS_DECLARE(isa)                                                                        \
    float absmax_f32_##isa(const float *x, int n);                                                 \
    void quantize_i8_##isa(const float *x, int n, float inv, int8_t *q);                           \
    void im2col_row_i8_##isa(const float *const *taps, int k_taps, int in, float inv,              \
                             int32_t *stage, int8_t *q, size_t ldq);                               \
    void rescale_i32_##isa(const int32_t *acc, int n, float sx, const float *scale,                \
                           const float *bias, float *z);                                           \
    void activate_row_##isa(const float *za, float *zb, int n, rt_act act, float *y);              \
    void lstm_cell_##isa(const float *z, float *c, float *h, int hn);
ROWOPS_DECLARE(scalar)

void gemm_i8_scalar(const int8_t *x, size_t ldx, int nt, const int8_t *w, size_t ldw, int no,
                    size_t nbytes, int32_t *acc, size_t ldacc);
float dot_f32_scalar(const float *a, const float *b, int n);
#if defined(MYNA_RT_X86)
void gemm_i8_avx2(const int8_t *x, size_t ldx, int nt, const int8_t *w, size_t ldw, int no,
                  size_t nbytes, int32_t *acc, size_t ldacc);
void gemm_i8_avx512vnni(const int8_t *x, size_t ldx, int nt, const int8_t *w, size_t ldw, int no,
                        size_t nbytes, int32_t *acc, size_t ldacc);
float dot_f32_avx2(const float *a, const float *b, int n);
ROWOPS_DECLARE(avx2)
ROWOPS_DECLARE(avx512)
#endif
#if defined(MYNA_RT_NEON)
void gemm_i8_neon(const int8_t *x, size_t ldx, int nt, const int8_t *w, size_t ldw, int no,
                  size_t nbytes, int32_t *acc, size_t ldacc);
#endif

/* Kernel set for `isa`, or NULL when it is not built in or this CPU lacks it. */
const cpu_kernels *cpu_kernels_for(rt_isa isa);

#endif
