/* rt_conv1d and rt_lstm on every ISA of this CPU, 1 and 2 threads, f32 and int8 weights,
 * against double-precision references.
 *
 * int8 is checked three ways: (1) against a reference that quantises the activations exactly
 * as rt.h documents (only float rounding may differ: tight tolerance); (2) against the exact
 * real-valued convolution, bounded by the activation rounding error 0.5 * s_x * sum|w| (the
 * observed max/mean errors are printed); (3) every ISA and thread count bit-identical to the
 * scalar kernel. f32 results must not change with the thread count either. */
#include "check.h"
#include "rt_test_util.h"

#include <stdio.h>

typedef struct {
    int t, in, out, k, dil;
    rt_act act;
} conv_case;

static const conv_case conv_cases[] = {
    {1, 5, 3, 1, 1, RT_ACT_NONE},
    {1, 7, 8, 3, 1, RT_ACT_RELU},
    {2, 13, 6, 5, 3, RT_ACT_GATED},
    {37, 48, 96, 3, 1, RT_ACT_TANH},
    {64, 48, 96, 3, 8, RT_ACT_GATED},
    {20, 3, 10, 7, 32, RT_ACT_SIGMOID},
    {50, 17, 9, 5, 2, RT_ACT_NONE},
    {129, 80, 64, 3, 1, RT_ACT_RELU},
    {33, 100, 130, 1, 1, RT_ACT_NONE},
    {5, 1, 4, 1, 1, RT_ACT_GATED},
    {300, 64, 128, 3, 16, RT_ACT_GATED},
    {7, 200, 33, 7, 1, RT_ACT_TANH},
    /* few rows, many channels: the output-channel split of the workers */
    {9, 64, 96, 3, 2, RT_ACT_GATED},
    {6, 96, 200, 1, 1, RT_ACT_RELU},
};

static double apply_act(const double *z, int o_n, int o, rt_act act)
{
    if (act == RT_ACT_GATED) return tanh(z[o]) * ref_sigmoid(z[o + o_n / 2]);
    return ref_act(z[o], act);
}

/* Upper bound of |y_int8 - y_exact| for row t, output o (before activation). */
static double quant_bound(const test_weight *w, const float *x, int t_rows, int dil, int t, int o)
{
    int c = (w->k - 1) / 2;
    double m = 0, wsum = 0;
    for (int k = 0; k < w->k; k++) {
        long r = t + (long)(k - c) * dil;
        if (r < 0 || r >= t_rows) continue;
        for (int i = 0; i < w->i; i++) {
            m = fmax(m, fabs(x[r * w->i + i]));
            wsum += fabs(w->f32[((size_t)o * w->k + k) * w->i + i]);
        }
    }
    return 0.5 * (m / 127.0) * wsum * 1.001 + 1e-5;
}

static void test_conv_case(const conv_case *cc, rt_dtype dt)
{
    test_rng rng = {(uint64_t)cc->t * 7919 + (uint64_t)cc->out * 31 + (uint64_t)dt};
    test_weight w;
    test_weight_init(&w, &rng, cc->out, cc->k, cc->in, dt == RT_I8, 1.5);
    float *x = rand_floats(&rng, (size_t)cc->t * cc->in, 2.0);
    int y_cols = cc->act == RT_ACT_GATED ? cc->out / 2 : cc->out;
    size_t ny = (size_t)cc->t * y_cols;
    double *z_exact = malloc((size_t)cc->t * cc->out * sizeof(double));
    double *z_quant = malloc((size_t)cc->t * cc->out * sizeof(double));
    ref_conv_z(&w, x, cc->t, cc->dil, 0, z_exact);
    ref_conv_z(&w, x, cc->t, cc->dil, dt == RT_I8, z_quant);
    float *first = malloc(ny * sizeof(float)), *y = malloc(ny * sizeof(float));
    rt_isa isas[4];
    int n_isa = test_isas(isas), have_first = 0;
    for (int ii = 0; ii < n_isa; ii++) {
        float *one_thread = malloc(ny * sizeof(float));
        for (int threads = 1; threads <= 2; threads++) {
            rt_ctx *ctx = test_ctx(isas[ii], threads);
            CHECK(ctx != NULL);
            if (!ctx) continue;
            rt_weight_desc d = test_weight_desc(&w, dt, 1);
            rt_weight *wt = NULL;
            CHECK(rt_weight_create(ctx, &d, &wt) == RT_OK);
            rt_buf *bx = test_buf(ctx, cc->t, cc->in, x), *by = test_buf(ctx, cc->t, y_cols, 0);
            CHECK(rt_conv1d(ctx, wt, bx, cc->dil, cc->act, by) == RT_OK);
            rt_buf_read(ctx, by, y);
            double max_q = 0, max_e = 0, sum_e = 0, worst_ratio = 0;
            for (int t = 0; t < cc->t; t++) {
                for (int o = 0; o < y_cols; o++) {
                    double v = y[(size_t)t * y_cols + o];
                    double rq = apply_act(z_quant + (size_t)t * cc->out, cc->out, o, cc->act);
                    double re = apply_act(z_exact + (size_t)t * cc->out, cc->out, o, cc->act);
                    max_q = fmax(max_q, fabs(v - rq) / (1.0 + fabs(rq)));
                    double e = fabs(v - re);
                    max_e = fmax(max_e, e), sum_e += e;
                    if (dt == RT_I8) {
                        double b = quant_bound(&w, x, cc->t, cc->dil, t, o);
                        if (cc->act == RT_ACT_GATED)
                            b = b + 0.25 * quant_bound(&w, x, cc->t, cc->dil, t, o + y_cols);
                        worst_ratio = fmax(worst_ratio, e / b);
                    }
                }
            }
            CHECK_MSG(max_q < 1e-4, "conv T=%d I=%d O=%d K=%d d=%d %s %s x%d: err %g", cc->t,
                      cc->in, cc->out, cc->k, cc->dil, dt == RT_I8 ? "i8" : "f32",
                      rt_isa_name(isas[ii]), threads, max_q);
            CHECK_MSG(worst_ratio <= 1.0, "int8 error above its bound (ratio %g)", worst_ratio);
            if (dt == RT_I8 && ii == 0 && threads == 1)
                printf("conv i8 T=%-3d I=%-3d O=%-3d K=%d d=%-2d act=%d: |err| max %.2e mean %.2e"
                       " (max/bound %.2f)\n",
                       cc->t, cc->in, cc->out, cc->k, cc->dil, (int)cc->act, max_e,
                       sum_e / (double)ny, worst_ratio);
            if (threads == 1)
                memcpy(one_thread, y, ny * sizeof(float));
            else
                CHECK_MSG(memcmp(one_thread, y, ny * sizeof(float)) == 0,
                          "conv %s: 1 and 2 threads differ", rt_isa_name(isas[ii]));
            if (dt == RT_I8) {
                if (!have_first)
                    memcpy(first, y, ny * sizeof(float)), have_first = 1;
                else
                    CHECK_MSG(memcmp(first, y, ny * sizeof(float)) == 0,
                              "conv i8 %s x%d not bit-identical to scalar", rt_isa_name(isas[ii]),
                              threads);
            }
            rt_buf_destroy(ctx, bx), rt_buf_destroy(ctx, by);
            rt_weight_destroy(ctx, wt);
            rt_ctx_destroy(ctx);
        }
        free(one_thread);
    }
    free(first), free(y), free(z_exact), free(z_quant), free(x);
    test_weight_free(&w);
}

typedef struct {
    int t, in, h, reverse, col0;
} lstm_case;

static const lstm_case lstm_cases[] = {
    {1, 5, 4, 0, 0},     {17, 13, 8, 1, 3},      {40, 81, 32, 0, 32},
    {25, 64, 128, 1, 0}, {60, 161, 256, 0, 256},
};

static void test_lstm_case(const lstm_case *lc, rt_dtype dt)
{
    test_rng rng = {(uint64_t)lc->t * 131 + (uint64_t)lc->h + 17 * (uint64_t)dt};
    test_weight wih, whh;
    test_weight_init(&wih, &rng, 4 * lc->h, 1, lc->in, dt == RT_I8, 2.0);
    test_weight_init(&whh, &rng, 4 * lc->h, 1, lc->h, dt == RT_I8, 2.0);
    float *x = rand_floats(&rng, (size_t)lc->t * lc->in, 1.0);
    int y_cols = lc->col0 + lc->h + 2;
    size_t ny = (size_t)lc->t * y_cols;
    double *ref = malloc(ny * sizeof(double));
    float *y = malloc(ny * sizeof(float)), *first = malloc(ny * sizeof(float));
    float *pattern = rand_floats(&rng, ny, 5.0);
    for (size_t i = 0; i < ny; i++)
        ref[i] = pattern[i];
    ref_lstm(&wih, &whh, x, lc->t, lc->reverse, ref, y_cols, lc->col0);
    rt_isa isas[4];
    int n_isa = test_isas(isas), have_first = 0;
    for (int ii = 0; ii < n_isa; ii++) {
        for (int threads = 1; threads <= 2; threads++) {
            rt_ctx *ctx = test_ctx(isas[ii], threads);
            CHECK(ctx != NULL);
            if (!ctx) continue;
            rt_weight_desc di = test_weight_desc(&wih, dt, 1), dh = test_weight_desc(&whh, dt, 0);
            rt_weight *a = NULL, *b = NULL;
            CHECK(rt_weight_create(ctx, &di, &a) == RT_OK);
            CHECK(rt_weight_create(ctx, &dh, &b) == RT_OK);
            rt_buf *bx = test_buf(ctx, lc->t, lc->in, x),
                   *by = test_buf(ctx, lc->t, y_cols, pattern);
            CHECK(rt_lstm(ctx, a, b, bx, lc->reverse, by, lc->col0) == RT_OK);
            rt_buf_read(ctx, by, y);
            double max_e = 0, sum_e = 0;
            for (size_t i = 0; i < ny; i++) {
                double e = fabs(y[i] - ref[i]);
                max_e = fmax(max_e, e), sum_e += e;
            }
            /* f32: float rounding only. int8: the activations (x_t and h_{t-1}) are rounded to
             * 8 bits every step; with these weights that stays near 1e-2 (printed below). */
            double tol = dt == RT_I8 ? 0.05 : 1e-4;
            CHECK_MSG(max_e < tol, "lstm T=%d I=%d H=%d rev=%d %s %s x%d: err %g", lc->t, lc->in,
                      lc->h, lc->reverse, dt == RT_I8 ? "i8" : "f32", rt_isa_name(isas[ii]),
                      threads, max_e);
            if (ii == 0 && threads == 1)
                printf("lstm %s T=%-3d I=%-3d H=%-3d rev=%d: |err| max %.2e mean %.2e\n",
                       dt == RT_I8 ? "i8 " : "f32", lc->t, lc->in, lc->h, lc->reverse, max_e,
                       sum_e / (double)ny);
            if (dt == RT_I8 || ii == 0) {
                if (!have_first)
                    memcpy(first, y, ny * sizeof(float)), have_first = 1;
                else
                    CHECK_MSG(memcmp(first, y, ny * sizeof(float)) == 0,
                              "lstm %s x%d not bit-identical", rt_isa_name(isas[ii]), threads);
            }
            rt_buf_destroy(ctx, bx), rt_buf_destroy(ctx, by);
            rt_weight_destroy(ctx, a), rt_weight_destroy(ctx, b);
            rt_ctx_destroy(ctx);
        }
        if (dt == RT_F32) have_first = 0; /* f32: only threads must agree, not ISAs */
    }
    free(ref), free(y), free(first), free(pattern), free(x);
    test_weight_free(&wih), test_weight_free(&whh);
}

int main(void)
{
    for (size_t i = 0; i < sizeof conv_cases / sizeof conv_cases[0]; i++) {
        test_conv_case(&conv_cases[i], RT_F32);
        test_conv_case(&conv_cases[i], RT_I8);
    }
    for (size_t i = 0; i < sizeof lstm_cases / sizeof lstm_cases[0]; i++) {
        test_lstm_case(&lstm_cases[i], RT_F32);
        test_lstm_case(&lstm_cases[i], RT_I8);
    }
    return check_summary("test_rt_conv");
}
