/* Throughput figures (printed, never asserted: the machine may be shared) of the vocoder-like
 * int8 conv shapes and an LSTM per ISA and thread count. It still checks that every op ran. */
#include "check.h"
#include "rt_test_util.h"

#include <stdio.h>
#include <time.h>

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

typedef struct {
    const char *name;
    int t, in, out, k, dil;
    rt_act act;
    rt_dtype dt;
} bench_case;

static const bench_case cases[] = {
    {"layer conv T=2048 I=48 O=96 K=3 gated", 2048, 48, 96, 3, 4, RT_ACT_GATED, RT_I8},
    {"linear     T=2048 I=48 O=96 K=1      ", 2048, 48, 96, 1, 1, RT_ACT_NONE, RT_I8},
    {"conv       T=2048 I=64 O=128 K=3 d=8 ", 2048, 64, 128, 3, 8, RT_ACT_GATED, RT_I8},
    {"f32 conv   T=2048 I=48 O=96 K=3      ", 2048, 48, 96, 3, 1, RT_ACT_NONE, RT_F32},
};

static double bench_conv(rt_ctx *ctx, const bench_case *bc, test_weight *w, const float *x)
{
    rt_weight_desc d = test_weight_desc(w, bc->dt, 1);
    rt_weight *wt = NULL;
    CHECK(rt_weight_create(ctx, &d, &wt) == RT_OK);
    rt_buf *bx = test_buf(ctx, bc->t, bc->in, x);
    rt_buf *by = test_buf(ctx, bc->t, bc->act == RT_ACT_GATED ? bc->out / 2 : bc->out, NULL);
    CHECK(rt_conv1d(ctx, wt, bx, bc->dil, bc->act, by) == RT_OK); /* warm up */
    int reps = 0;
    double t0 = now_s(), el;
    do {
        CHECK(rt_conv1d(ctx, wt, bx, bc->dil, bc->act, by) == RT_OK);
        reps++;
        el = now_s() - t0;
    } while (el < 0.15);
    rt_buf_destroy(ctx, bx), rt_buf_destroy(ctx, by);
    rt_weight_destroy(ctx, wt);
    return (double)reps * bc->t * bc->out * bc->k * bc->in / el * 1e-9;
}

static double bench_lstm(rt_ctx *ctx, int t_rows, int in, int h)
{
    test_rng rng = {99};
    test_weight wih, whh;
    test_weight_init(&wih, &rng, 4 * h, 1, in, 1, 1.0);
    test_weight_init(&whh, &rng, 4 * h, 1, h, 1, 1.0);
    float *x = rand_floats(&rng, (size_t)t_rows * in, 1.0);
    rt_weight_desc di = test_weight_desc(&wih, RT_I8, 1), dh = test_weight_desc(&whh, RT_I8, 0);
    rt_weight *a = NULL, *b = NULL;
    CHECK(rt_weight_create(ctx, &di, &a) == RT_OK && rt_weight_create(ctx, &dh, &b) == RT_OK);
    rt_buf *bx = test_buf(ctx, t_rows, in, x), *by = test_buf(ctx, t_rows, h, NULL);
    int reps = 0;
    double t0 = now_s(), el;
    do {
        CHECK(rt_lstm(ctx, a, b, bx, 0, by, 0) == RT_OK);
        reps++;
        el = now_s() - t0;
    } while (el < 0.15);
    rt_buf_destroy(ctx, bx), rt_buf_destroy(ctx, by);
    rt_weight_destroy(ctx, a), rt_weight_destroy(ctx, b);
    test_weight_free(&wih), test_weight_free(&whh);
    free(x);
    return el / reps / t_rows * 1e6; /* microseconds per time step */
}

int main(void)
{
    rt_isa isas[4];
    int n_isa = test_isas(isas);
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        const bench_case *bc = &cases[c];
        test_rng rng = {c + 1};
        test_weight w;
        test_weight_init(&w, &rng, bc->out, bc->k, bc->in, bc->dt == RT_I8, 1.0);
        float *x = rand_floats(&rng, (size_t)bc->t * bc->in, 1.0);
        for (int i = 0; i < n_isa; i++)
            for (int threads = 1; threads <= 2; threads++) {
                rt_ctx *ctx = test_ctx(isas[i], threads);
                CHECK(ctx != NULL);
                if (!ctx) continue;
                printf("%s %-10s x%d: %6.1f GMAC/s\n", bc->name, rt_isa_name(isas[i]), threads,
                       bench_conv(ctx, bc, &w, x));
                rt_ctx_destroy(ctx);
            }
        free(x);
        test_weight_free(&w);
    }
    for (int i = 0; i < n_isa; i++) {
        rt_ctx *ctx = test_ctx(isas[i], 1);
        CHECK(ctx != NULL);
        if (!ctx) continue;
        printf("lstm i8 T=200 I=513 H=256 %-10s x1: %6.2f us/step\n", rt_isa_name(isas[i]),
               bench_lstm(ctx, 200, 513, 256));
        rt_ctx_destroy(ctx);
    }
    return check_summary("test_rt_bench");
}
