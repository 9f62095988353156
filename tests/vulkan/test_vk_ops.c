/* Every op of rt.h on the Vulkan backend against the CPU backend, on random shapes including
 * odd sizes. f32 results agree to ~1e-4 relative; the int8 conv/LSTM quantise activations
 * exactly like the CPU and sum exactly in int32, so they agree to float rounding. Run once as
 * is and once with MYNA_VK_STAGING=1 (the discrete-GPU copy path). */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "runtime/rt_test_util.h"
#include "vk_test_util.h"

#define F32_TOL 1e-4
#define I8_TOL 2e-6 /* only the activation's division may round differently */
#define EXACT_TOL 0.0

static rt_ctx *cpu, *vk;
static test_rng rng = {12345};
static double worst_f32, worst_i8, worst_exact;

/* Relative difference of the two contexts' b (max |a-b| / max(1, max|a|)). */
static double compare(const rt_buf *bc, const rt_buf *bv, double tol, const char *what)
{
    float *a = vk_test_read(cpu, bc), *b = vk_test_read(vk, bv);
    size_t n = (size_t)rt_buf_rows(bc) * rt_buf_cols(bc);
    double md = 0, peak = 1;
    for (size_t i = 0; a && b && i < n; i++) {
        double d = fabs((double)a[i] - b[i]);
        if (!(d <= md)) md = isnan(d) ? INFINITY : d;
        if (fabs(a[i]) > peak) peak = fabs(a[i]);
    }
    double rel = a && b ? md / peak : INFINITY;
    CHECK_MSG(rel <= tol, "%s: rel diff %g (tol %g)", what, rel, tol);
    if (tol == F32_TOL && rel > worst_f32) worst_f32 = rel;
    if (tol == I8_TOL && rel > worst_i8) worst_i8 = rel;
    if (tol == EXACT_TOL && rel > worst_exact) worst_exact = rel;
    free(a);
    free(b);
    return rel;
}

typedef struct {
    rt_buf *c, *v;
} pair;

static pair pair_new(int rows, int cols, const float *data)
{
    pair p = {vk_test_buf(cpu, rows, cols, data), vk_test_buf(vk, rows, cols, data)};
    CHECK(p.c && p.v);
    return p;
}

static pair pair_rand(int rows, int cols, double amp)
{
    float *d = rand_floats(&rng, (size_t)rows * cols, amp);
    pair p = pair_new(rows, cols, d);
    free(d);
    return p;
}

static void pair_free(pair p)
{
    rt_buf_destroy(cpu, p.c);
    rt_buf_destroy(vk, p.v);
}

static const char *act_name(rt_act a)
{
    static const char *n[] = {"none", "relu", "tanh", "sigmoid", "gated"};
    return n[a];
}

static void test_conv(int T, int I, int O, int K, int dil, rt_act act, rt_dtype dt, int bias)
{
    test_weight w;
    test_weight_init(&w, &rng, O, K, I, dt == RT_I8, 1.0);
    rt_weight_desc d = test_weight_desc(&w, dt, bias);
    rt_weight *wc = NULL, *wv = NULL;
    CHECK(rt_weight_create(cpu, &d, &wc) == RT_OK && rt_weight_create(vk, &d, &wv) == RT_OK);
    int oc = act == RT_ACT_GATED ? O / 2 : O;
    pair x = pair_rand(T, I, 2.0), y = pair_new(T, oc, NULL);
    CHECK(rt_conv1d(cpu, wc, x.c, dil, act, y.c) == RT_OK);
    CHECK(rt_conv1d(vk, wv, x.v, dil, act, y.v) == RT_OK);
    char what[128];
    snprintf(what, sizeof what, "conv %s T%d I%d O%d K%d d%d %s%s", dt == RT_I8 ? "i8" : "f32", T,
             I, O, K, dil, act_name(act), bias ? " bias" : "");
    double rel = compare(y.c, y.v, dt == RT_I8 ? I8_TOL : F32_TOL, what);
    printf("  %-48s rel %.2g\n", what, rel);
    pair_free(x);
    pair_free(y);
    rt_weight_destroy(cpu, wc);
    rt_weight_destroy(vk, wv);
    test_weight_free(&w);
}

static void test_lstm(int T, int I, int H, rt_dtype dt, int hh_bias, int reverse, int col0)
{
    test_weight wi, wh;
    test_weight_init(&wi, &rng, 4 * H, 1, I, dt == RT_I8, 1.0);
    test_weight_init(&wh, &rng, 4 * H, 1, H, dt == RT_I8, 1.0);
    rt_weight_desc di = test_weight_desc(&wi, dt, 1), dh = test_weight_desc(&wh, dt, hh_bias);
    rt_weight *ic = NULL, *iv = NULL, *hc = NULL, *hv = NULL;
    CHECK(rt_weight_create(cpu, &di, &ic) == RT_OK && rt_weight_create(vk, &di, &iv) == RT_OK);
    CHECK(rt_weight_create(cpu, &dh, &hc) == RT_OK && rt_weight_create(vk, &dh, &hv) == RT_OK);
    pair x = pair_rand(T, I, 1.5), y = pair_new(T, col0 + H + 1, NULL);
    CHECK(rt_lstm(cpu, ic, hc, x.c, reverse, y.c, col0) == RT_OK);
    CHECK(rt_lstm(vk, iv, hv, x.v, reverse, y.v, col0) == RT_OK);
    char what[128];
    snprintf(what, sizeof what, "lstm %s T%d I%d H%d%s%s col0 %d", dt == RT_I8 ? "i8" : "f32", T, I,
             H, hh_bias ? " hh-bias" : "", reverse ? " reverse" : "", col0);
    /* Recurrence amplifies one-ulp differences a little over the steps. */
    double rel = compare(y.c, y.v, F32_TOL, what);
    printf("  %-48s rel %.2g\n", what, rel);
    pair_free(x);
    pair_free(y);
    rt_weight_destroy(cpu, ic), rt_weight_destroy(vk, iv);
    rt_weight_destroy(cpu, hc), rt_weight_destroy(vk, hv);
    test_weight_free(&wi), test_weight_free(&wh);
}

static void test_embedding(void)
{
    int rows = 13, cols = 7, n = 29;
    float *table = rand_floats(&rng, (size_t)rows * cols, 1.0);
    int32_t ids[29];
    for (int i = 0; i < n; i++)
        ids[i] = (i * 7 + 3) % rows;
    pair y = pair_new(n, cols, NULL);
    CHECK(rt_embedding(cpu, table, rows, cols, ids, n, y.c) == RT_OK);
    CHECK(rt_embedding(vk, table, rows, cols, ids, n, y.v) == RT_OK);
    printf("  %-48s rel %.2g\n", "embedding", compare(y.c, y.v, EXACT_TOL, "embedding"));
    pair_free(y);
    free(table);
}

static void test_repeat_rows(int with_pos)
{
    int32_t counts[] = {3, 0, 1, 7, 2, 0, 5, 11};
    int n = 8, cols = 5, total = 0;
    for (int i = 0; i < n; i++)
        total += counts[i];
    pair x = pair_rand(n, cols, 1.0), y = pair_new(total, cols + with_pos, NULL);
    CHECK(rt_repeat_rows(cpu, x.c, counts, y.c) == RT_OK);
    CHECK(rt_repeat_rows(vk, x.v, counts, y.v) == RT_OK);
    const char *what = with_pos ? "repeat_rows + position" : "repeat_rows";
    printf("  %-48s rel %.2g\n", what, compare(y.c, y.v, EXACT_TOL, what));
    pair_free(x);
    pair_free(y);
}

static void test_add_upsampled(int rows, int cols, long t0, int src_rows, int src_cols, int col0,
                               int factor)
{
    pair y = pair_rand(rows, cols, 1.0), s = pair_rand(src_rows, src_cols, 1.0);
    CHECK(rt_add_upsampled(cpu, y.c, t0, s.c, col0, factor) == RT_OK);
    CHECK(rt_add_upsampled(vk, y.v, t0, s.v, col0, factor) == RT_OK);
    char what[128];
    snprintf(what, sizeof what, "add_upsampled T%d C%d t0 %ld src %d x %d col0 %d f%d", rows, cols,
             t0, src_rows, src_cols, col0, factor);
    printf("  %-48s rel %.2g\n", what, compare(y.c, y.v, F32_TOL, what));
    pair_free(y);
    pair_free(s);
}

static void test_axpby(void)
{
    pair a = pair_rand(17, 9, 1.0), b = pair_rand(17, 9, 1.0), y = pair_new(17, 9, NULL);
    CHECK(rt_axpby(cpu, a.c, 0.7f, b.c, -1.3f, y.c) == RT_OK);
    CHECK(rt_axpby(vk, a.v, 0.7f, b.v, -1.3f, y.v) == RT_OK);
    printf("  %-48s rel %.2g\n", "axpby", compare(y.c, y.v, EXACT_TOL, "axpby"));
    /* Everything aliased, as the vocoder does. */
    CHECK(rt_axpby(cpu, a.c, 0.70710678f, a.c, 0.0f, a.c) == RT_OK);
    CHECK(rt_axpby(vk, a.v, 0.70710678f, a.v, 0.0f, a.v) == RT_OK);
    printf("  %-48s rel %.2g\n", "axpby in place", compare(a.c, a.v, EXACT_TOL, "axpby in place"));
    pair_free(a), pair_free(b), pair_free(y);
}

static void test_copy_cols(void)
{
    pair s = pair_rand(23, 11, 1.0), d = pair_rand(23, 13, 1.0);
    CHECK(rt_copy_cols(cpu, s.c, 2, 7, d.c, 5, 0) == RT_OK);
    CHECK(rt_copy_cols(vk, s.v, 2, 7, d.v, 5, 0) == RT_OK);
    CHECK(rt_copy_cols(cpu, s.c, 0, 11, d.c, 1, 1) == RT_OK);
    CHECK(rt_copy_cols(vk, s.v, 0, 11, d.v, 1, 1) == RT_OK);
    printf("  %-48s rel %.2g\n", "copy_cols (+ accumulate)",
           compare(d.c, d.v, EXACT_TOL, "copy_cols"));
    /* Overlapping columns of one buffer behave like memmove. */
    CHECK(rt_copy_cols(cpu, d.c, 0, 9, d.c, 3, 0) == RT_OK);
    CHECK(rt_copy_cols(vk, d.v, 0, 9, d.v, 3, 0) == RT_OK);
    printf("  %-48s rel %.2g\n", "copy_cols overlapping",
           compare(d.c, d.v, EXACT_TOL, "copy_cols overlapping"));
    pair_free(s), pair_free(d);
}

static void test_activate(void)
{
    for (int a = RT_ACT_NONE; a <= RT_ACT_SIGMOID; a++) {
        pair x = pair_rand(19, 37, 6.0), y = pair_new(19, 37, NULL);
        CHECK(rt_activate(cpu, x.c, (rt_act)a, y.c) == RT_OK);
        CHECK(rt_activate(vk, x.v, (rt_act)a, y.v) == RT_OK);
        CHECK(rt_activate(cpu, x.c, (rt_act)a, x.c) == RT_OK); /* in place */
        CHECK(rt_activate(vk, x.v, (rt_act)a, x.v) == RT_OK);
        char what[64];
        snprintf(what, sizeof what, "activate %s", act_name((rt_act)a));
        printf("  %-48s rel %.2g\n", what, compare(y.c, y.v, F32_TOL, what));
        compare(x.c, x.v, F32_TOL, what);
        pair_free(x), pair_free(y);
    }
    pair x = pair_rand(21, 2 * 15, 6.0), y = pair_new(21, 15, NULL);
    CHECK(rt_activate(cpu, x.c, RT_ACT_GATED, y.c) == RT_OK);
    CHECK(rt_activate(vk, x.v, RT_ACT_GATED, y.v) == RT_OK);
    printf("  %-48s rel %.2g\n", "activate gated", compare(y.c, y.v, F32_TOL, "gated"));
    pair_free(x), pair_free(y);
}

static void test_slice_zero_view(void)
{
    pair x = pair_rand(31, 6, 1.0), y = pair_new(9, 6, NULL);
    CHECK(rt_slice_rows(cpu, x.c, 17, y.c) == RT_OK);
    CHECK(rt_slice_rows(vk, x.v, 17, y.v) == RT_OK);
    printf("  %-48s rel %.2g\n", "slice_rows", compare(y.c, y.v, EXACT_TOL, "slice_rows"));
    CHECK(rt_buf_view_as(cpu, x.c, 6, 31) == RT_OK && rt_buf_view_as(vk, x.v, 6, 31) == RT_OK);
    CHECK(rt_buf_zero(cpu, y.c) == RT_OK && rt_buf_zero(vk, y.v) == RT_OK);
    pair z = pair_new(6, 3, NULL);
    CHECK(rt_copy_cols(cpu, x.c, 28, 3, z.c, 0, 0) == RT_OK);
    CHECK(rt_copy_cols(vk, x.v, 28, 3, z.v, 0, 0) == RT_OK);
    printf("  %-48s rel %.2g\n", "view_as + copy", compare(z.c, z.v, EXACT_TOL, "view_as"));
    compare(y.c, y.v, EXACT_TOL, "buf_zero");
    /* Reshape keeps working on device buffers. */
    CHECK(rt_buf_reshape(vk, y.v, 40, 7) == RT_OK && rt_buf_reshape(cpu, y.c, 40, 7) == RT_OK);
    float *d = rand_floats(&rng, 280, 1.0);
    CHECK(rt_buf_write(cpu, y.c, d) == RT_OK && rt_buf_write(vk, y.v, d) == RT_OK);
    compare(y.c, y.v, EXACT_TOL, "reshape + write");
    free(d);
    pair_free(x), pair_free(y), pair_free(z);
}

int main(void)
{
    int code;
    if (vk_test_contexts(&cpu, &vk, &code)) return code;
    const rt_act acts[] = {RT_ACT_NONE, RT_ACT_RELU, RT_ACT_TANH, RT_ACT_SIGMOID, RT_ACT_GATED};
    for (int dt = 0; dt < 2; dt++) {
        rt_dtype t = dt ? RT_I8 : RT_F32;
        test_conv(1, 1, 1, 1, 1, RT_ACT_NONE, t, 0);
        test_conv(7, 3, 5, 3, 2, RT_ACT_RELU, t, 1);
        test_conv(33, 17, 19, 5, 3, RT_ACT_TANH, t, 1);
        test_conv(40, 70, 22, 3, 1, RT_ACT_GATED, t, 1);
        test_conv(64, 64, 48, 1, 1, RT_ACT_SIGMOID, t, 0);
        test_conv(5, 9, 30, 7, 4, RT_ACT_GATED, t, 0); /* taps mostly in the padding */
        for (int i = 0; i < 5; i++) {
            int T = 1 + (int)(60 * (rng_uniform(&rng) + 1) / 2);
            int I = 1 + (int)(90 * (rng_uniform(&rng) + 1) / 2);
            int O = 2 * (1 + (int)(40 * (rng_uniform(&rng) + 1) / 2));
            int K = 1 + 2 * (int)(3 * (rng_uniform(&rng) + 1) / 2);
            int dil = 1 + (int)(4 * (rng_uniform(&rng) + 1) / 2);
            test_conv(T, I, O, K, dil, acts[i], t, i & 1);
        }
        test_lstm(9, 5, 7, t, 0, 0, 0);
        test_lstm(23, 16, 33, t, 1, 1, 3);
        test_lstm(12, 10, 300, t, 0, 1, 0); /* more units than invocations */
    }
    test_embedding();
    test_repeat_rows(0);
    test_repeat_rows(1);
    test_add_upsampled(50, 7, 0, 6, 9, 1, 8);
    test_add_upsampled(37, 4, 123457, 40, 4, 0, 5);
    test_add_upsampled(20, 3, 3, 1, 3, 0, 1);
    test_axpby();
    test_copy_cols();
    test_activate();
    test_slice_zero_view();
    CHECK(rt_sync(vk) == RT_OK);
    printf("worst rel diff: f32 %.3g, int8 conv %.3g, copies %.3g\n", worst_f32, worst_i8,
           worst_exact);
    rt_ctx_destroy(vk);
    rt_ctx_destroy(cpu);
    CHECK(vk_test_validation_clean());
    return check_summary("test_vk_ops");
}
