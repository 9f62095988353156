/* Shared helpers of the runtime tests: random data, int8 weight construction and slow, obvious
 * double-precision reference implementations of the ops. */
#ifndef MYNA_RT_TEST_UTIL_H
#define MYNA_RT_TEST_UTIL_H

#include "synth/runtime/rt.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    uint64_t s;
} test_rng;

static inline double rng_uniform(test_rng *r) /* [-1, 1) */
{
    r->s += 0x9e3779b97f4a7c15ull;
    uint64_t z = r->s;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    z ^= z >> 31;
    return (double)(z >> 11) / (double)(1ull << 52) - 1.0;
}

static inline float *rand_floats(test_rng *r, size_t n, double amp)
{
    float *v = malloc((n ? n : 1) * sizeof *v);
    for (size_t i = 0; i < n; i++)
        v[i] = (float)(amp * rng_uniform(r));
    return v;
}

/* A weight in both forms: f32 [O][K][I] and its int8 quantisation in the voice-file layout. */
typedef struct {
    int o, k, i;
    float *f32;   /* the real weights the reference uses (for int8: dequantised values) */
    int8_t *q;    /* O rows of rt_i8_row_stride(K*I) bytes, zero padded */
    float *scale; /* [O] */
    float *bias;  /* [O] */
} test_weight;

static inline void test_weight_init(test_weight *w, test_rng *r, int o, int k, int i, int as_i8,
                                    double amp)
{
    w->o = o, w->k = k, w->i = i;
    size_t n = (size_t)k * i, ld = rt_i8_row_stride(k * i);
    w->f32 = rand_floats(r, (size_t)o * n, amp / sqrt((double)n));
    w->bias = rand_floats(r, (size_t)o, 0.1);
    w->scale = calloc((size_t)o, sizeof(float));
    w->q = calloc((size_t)o * ld, 1);
    for (int r_ = 0; r_ < o; r_++) {
        float *row = w->f32 + (size_t)r_ * n;
        float m = 0;
        for (size_t j = 0; j < n; j++)
            m = fabsf(row[j]) > m ? fabsf(row[j]) : m;
        w->scale[r_] = m / 127.0f;
        for (size_t j = 0; j < n; j++) {
            int q = m > 0 ? (int)lrint(row[j] / w->scale[r_]) : 0;
            w->q[(size_t)r_ * ld + j] = (int8_t)q;
            if (as_i8) row[j] = (float)q * w->scale[r_]; /* reference sees the real int8 weight */
        }
    }
}

static inline void test_weight_free(test_weight *w)
{
    free(w->f32), free(w->q), free(w->scale), free(w->bias);
}

static inline rt_weight_desc test_weight_desc(const test_weight *w, rt_dtype dt, int with_bias)
{
    rt_weight_desc d = {dt,
                        w->o,
                        w->k,
                        w->i,
                        dt == RT_I8 ? (const void *)w->q : (const void *)w->f32,
                        dt == RT_I8 ? w->scale : NULL,
                        with_bias ? w->bias : NULL};
    return d;
}

static inline double ref_act(double v, rt_act act)
{
    switch (act) {
    case RT_ACT_RELU:
        return v > 0 ? v : 0;
    case RT_ACT_TANH:
        return tanh(v);
    case RT_ACT_SIGMOID:
        return 1.0 / (1.0 + exp(-v));
    default:
        return v;
    }
}

/* Pre-activation conv output z [T][O] in double. With quant != 0 the input rows are first
 * quantised exactly as documented in rt.h (im2col row, scale max|row|/127, round to nearest
 * even of the float product), which isolates kernel errors from quantisation noise. */
static inline void ref_conv_z(const test_weight *w, const float *x, int t_rows, int dil, int quant,
                              double *z)
{
    int k_taps = w->k, in = w->i, c = (w->k - 1) / 2;
    for (int t = 0; t < t_rows; t++) {
        float m = 0;
        for (int k = 0; k < k_taps; k++) {
            long r = t + (long)(k - c) * dil;
            if (r < 0 || r >= t_rows) continue;
            for (int i = 0; i < in; i++)
                m = fabsf(x[r * in + i]) > m ? fabsf(x[r * in + i]) : m;
        }
        float inv = m > 0 ? 127.0f / m : 0.0f;
        double sx = m / 127.0f;
        for (int o = 0; o < w->o; o++) {
            double s = w->bias[o];
            for (int k = 0; k < k_taps; k++) {
                long r = t + (long)(k - c) * dil;
                if (r < 0 || r >= t_rows) continue;
                for (int i = 0; i < in; i++) {
                    double xv = x[r * in + i];
                    if (quant) xv = nearbyintf(x[r * in + i] * inv) * sx;
                    s += xv * w->f32[((size_t)o * k_taps + k) * in + i];
                }
            }
            z[(size_t)t * w->o + o] = s;
        }
    }
}

static inline double ref_sigmoid(double v)
{
    return 1.0 / (1.0 + exp(-v));
}

/* LSTM reference in double; h written to y[t][col0..] with row stride ldy. */
static inline void ref_lstm(const test_weight *wih, const test_weight *whh, const float *x,
                            int t_rows, int reverse, double *y, int ldy, int col0)
{
    int h_n = whh->i, g_n = 4 * h_n, in = wih->i;
    double *h = calloc((size_t)h_n, sizeof *h), *c = calloc((size_t)h_n, sizeof *c);
    double *z = malloc((size_t)g_n * sizeof *z);
    for (int s = 0; s < t_rows; s++) {
        int t = reverse ? t_rows - 1 - s : s;
        for (int g = 0; g < g_n; g++) {
            double v = wih->bias[g];
            for (int i = 0; i < in; i++)
                v += (double)wih->f32[(size_t)g * in + i] * x[(size_t)t * in + i];
            for (int i = 0; i < h_n; i++)
                v += (double)whh->f32[(size_t)g * h_n + i] * h[i];
            z[g] = v;
        }
        for (int i = 0; i < h_n; i++) {
            double ig = ref_sigmoid(z[i]), fg = ref_sigmoid(z[h_n + i]);
            double gg = tanh(z[2 * h_n + i]), og = ref_sigmoid(z[3 * h_n + i]);
            c[i] = fg * c[i] + ig * gg;
            h[i] = og * tanh(c[i]);
            y[(size_t)t * ldy + col0 + i] = h[i];
        }
    }
    free(h), free(c), free(z);
}

/* Every ISA this CPU can run, scalar first. */
static inline int test_isas(rt_isa *out)
{
    int n = 0;
    rt_isa best = rt_cpu_best_isa();
    out[n++] = RT_ISA_SCALAR;
    if (best == RT_ISA_NEON) out[n++] = RT_ISA_NEON;
    if (best >= RT_ISA_AVX2) out[n++] = RT_ISA_AVX2;
    if (best >= RT_ISA_AVX512VNNI) out[n++] = RT_ISA_AVX512VNNI;
    return n;
}

static inline rt_ctx *test_ctx(rt_isa isa, int threads)
{
    rt_config cfg = {RT_BACKEND_CPU, threads, isa, -1};
    rt_ctx *ctx = NULL;
    return rt_ctx_create(&cfg, &ctx) == RT_OK ? ctx : NULL;
}

static inline rt_buf *test_buf(rt_ctx *ctx, int rows, int cols, const float *data)
{
    rt_buf *b = NULL;
    if (rt_buf_create(ctx, rows, cols, &b) != RT_OK) return NULL;
    if (data) rt_buf_write(ctx, b, data);
    return b;
}

#endif
