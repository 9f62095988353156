/* Row operations around the int8 GEMM: max|x|, quantisation, rescale + bias, activation, and
 * the LSTM cell update.
 * This body is compiled once per instruction set (rowops_<isa>.c defines ROWOPS_NAME and
 * includes it) so the loops vectorise at that ISA's width. Every function is element-wise or
 * an exact reduction, and the build uses -ffp-contract=off: each element goes through the
 * same IEEE operations in the same order whatever the vector width, so all ISAs agree bit for
 * bit. No include guard: included once per file by design. */
#include "synth/runtime/cpu/fastmath.h"
#include "synth/runtime/cpu/kernels.h"

#include <string.h>

#ifndef ROWOPS_NAME
#error "define ROWOPS_NAME(f) before including rowops_body.h"
#endif

/* max|x| on the bit patterns: for non-negative floats the int32 order is the float order, and
 * an int max reduction vectorises where a float one (NaN rules) does not. Exact. */
float ROWOPS_NAME(absmax_f32)(const float *x, int n)
{
    int32_t m = 0;
    for (int i = 0; i < n; i++) {
        int32_t b;
        memcpy(&b, &x[i], sizeof b);
        b &= 0x7fffffff;
        m = b > m ? b : m;
    }
    float r;
    memcpy(&r, &m, sizeof r);
    return r;
}

/* t[i] = clamp(round_even(x[i] * inv), -127, 127) as int32. Kept apart from the narrowing to
 * bytes: a loop that stores bytes is vectorised 64 floats at a time, so rows of 48 to 144
 * values ran mostly in its narrow epilogues; this one runs at the float width. */
static inline void quantize_i32(const float *x, int n, float inv, int32_t *t)
{
    for (int i = 0; i < n; i++) {
        float v = fm_round(x[i] * inv);
        /* |x| <= max, so |v| <= 127 up to rounding; the clamp keeps -128 out regardless. */
        v = v > 127.0f ? 127.0f : v;
        v = v < -127.0f ? -127.0f : v;
        t[i] = (int32_t)v;
    }
}

void ROWOPS_NAME(quantize_i8)(const float *x, int n, float inv, int8_t *q)
{
    int32_t t[64];
    for (int i0 = 0; i0 < n; i0 += 64) {
        int m = n - i0 < 64 ? n - i0 : 64;
        quantize_i32(x + i0, m, inv, t);
        for (int i = 0; i < m; i++)
            q[i0 + i] = (int8_t)t[i];
    }
}

void ROWOPS_NAME(im2col_row_i8)(const float *const *taps, int k_taps, int in, float inv,
                                int32_t *stage, int8_t *q, size_t ldq)
{
    for (int k = 0; k < k_taps; k++) {
        int32_t *dst = stage + (size_t)k * in;
        if (taps[k])
            quantize_i32(taps[k], in, inv, dst);
        else
            memset(dst, 0, (size_t)in * sizeof *dst);
    }
    size_t used = (size_t)k_taps * in;
    memset(stage + used, 0, (ldq - used) * sizeof *stage);
    /* ldq is a multiple of 64: whole vectors, no byte-wise tail. */
    for (size_t i = 0; i < ldq; i++)
        q[i] = (int8_t)stage[i];
}

void ROWOPS_NAME(rescale_i32)(const int32_t *acc, int n, float sx, const float *scale,
                              const float *bias, float *z)
{
    /* (sx * scale) first, then the product, then + bias (+ 0 without one, which also turns
     * -0 into +0): the order the reference semantics fix. */
    if (bias)
        for (int o = 0; o < n; o++)
            z[o] = (float)acc[o] * (sx * scale[o]) + bias[o];
    else
        for (int o = 0; o < n; o++)
            z[o] = (float)acc[o] * (sx * scale[o]) + 0.0f;
}

void ROWOPS_NAME(activate_row)(const float *za, float *zb, int n, rt_act act, float *y)
{
    switch (act) {
    case RT_ACT_GATED:
        /* Three simple loops: each vectorises, the fused one does not (if-conversion). */
        for (int i = 0; i < n; i++)
            y[i] = fm_tanh(za[i]);
        for (int i = 0; i < n; i++)
            zb[i] = fm_sigmoid(zb[i]);
        for (int i = 0; i < n; i++)
            y[i] *= zb[i];
        break;
    case RT_ACT_RELU:
        for (int i = 0; i < n; i++)
            y[i] = za[i] > 0.0f ? za[i] : 0.0f;
        break;
    case RT_ACT_TANH:
        for (int i = 0; i < n; i++)
            y[i] = fm_tanh(za[i]);
        break;
    case RT_ACT_SIGMOID:
        for (int i = 0; i < n; i++)
            y[i] = fm_sigmoid(za[i]);
        break;
    default:
        if (y != za) memcpy(y, za, (size_t)n * sizeof(float));
        break;
    }
}

void ROWOPS_NAME(lstm_cell)(const float *z, float *c, float *h, int hn)
{
    /* PyTorch gate order: input, forget, cell candidate, output. */
    for (int i = 0; i < hn; i++) {
        float ig = fm_sigmoid(z[i]);
        float fg = fm_sigmoid(z[hn + i]);
        float gg = fm_tanh(z[2 * hn + i]);
        float og = fm_sigmoid(z[3 * hn + i]);
        c[i] = fg * c[i] + ig * gg;
        h[i] = og * fm_tanh(c[i]);
    }
}
