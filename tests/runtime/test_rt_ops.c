/* The non-GEMM ops, buffer handling, activations' accuracy and argument checking. */
#include "check.h"
#include "rt_test_util.h"

#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

static void test_buffers(rt_ctx *ctx)
{
    rt_buf *b = NULL;
    CHECK(rt_buf_create(ctx, 3, 4, &b) == RT_OK);
    float v[12], r[12];
    rt_buf_read(ctx, b, r);
    for (int i = 0; i < 12; i++) {
        CHECK(r[i] == 0.0f);
        v[i] = (float)i;
    }
    CHECK(rt_buf_write(ctx, b, v) == RT_OK);
    CHECK(rt_buf_view_as(ctx, b, 6, 2) == RT_OK);
    CHECK(rt_buf_rows(b) == 6 && rt_buf_cols(b) == 2);
    rt_buf_read(ctx, b, r);
    CHECK(memcmp(v, r, sizeof v) == 0); /* a view moves no data */
    CHECK(rt_buf_view_as(ctx, b, 5, 2) == RT_ERR_ARG);
    CHECK(rt_buf_reshape(ctx, b, 1, 5) == RT_OK && rt_buf_rows(b) == 1);
    CHECK(rt_buf_reshape(ctx, b, 100, 50) == RT_OK && rt_buf_cols(b) == 50);
    CHECK(rt_buf_zero(ctx, b) == RT_OK);
    CHECK(rt_buf_reshape(ctx, b, -1, 5) == RT_ERR_ARG);
    CHECK(rt_buf_create(ctx, 2, 0, &b) == RT_ERR_ARG);
    rt_buf_destroy(ctx, b);
}

static void test_embedding_repeat(rt_ctx *ctx)
{
    float table[4 * 3];
    for (int i = 0; i < 12; i++)
        table[i] = (float)i * 0.5f;
    int32_t ids[5] = {3, 0, 0, 2, 1};
    rt_buf *y = test_buf(ctx, 5, 3, NULL), *u = NULL;
    CHECK(rt_embedding(ctx, table, 4, 3, ids, 5, y) == RT_OK);
    float out[64];
    rt_buf_read(ctx, y, out);
    for (int i = 0; i < 5; i++)
        for (int c = 0; c < 3; c++)
            CHECK(out[i * 3 + c] == table[ids[i] * 3 + c]);
    int32_t bad[5] = {3, 0, 4, 2, 1};
    CHECK(rt_embedding(ctx, table, 4, 3, bad, 5, y) == RT_ERR_ARG);
    CHECK(rt_embedding(ctx, table, 4, 2, ids, 5, y) == RT_ERR_ARG);

    int32_t counts[5] = {2, 0, 3, 1, 0};
    u = test_buf(ctx, 6, 4, NULL);
    CHECK(rt_repeat_rows(ctx, y, counts, u) == RT_OK);
    rt_buf_read(ctx, u, out);
    int row = 0;
    for (int i = 0; i < 5; i++)
        for (int j = 0; j < counts[i]; j++, row++) {
            for (int c = 0; c < 3; c++)
                CHECK(out[row * 4 + c] == table[ids[i] * 3 + c]);
            CHECK_NEAR(out[row * 4 + 3], (j + 0.5) / counts[i], 1e-7);
        }
    rt_buf_reshape(ctx, u, 6, 3); /* without the position column */
    CHECK(rt_repeat_rows(ctx, y, counts, u) == RT_OK);
    rt_buf_reshape(ctx, u, 7, 3);
    CHECK(rt_repeat_rows(ctx, y, counts, u) == RT_ERR_ARG); /* sum of counts != rows */
    rt_buf_destroy(ctx, y), rt_buf_destroy(ctx, u);
}

static void test_upsample(rt_ctx *ctx, test_rng *rng)
{
    int frames = 6, cols = 7, factor = 5, col0 = 2, n = 4, t_rows = 13;
    float *src = rand_floats(rng, (size_t)frames * cols, 1.0);
    float *y0 = rand_floats(rng, (size_t)t_rows * n, 1.0);
    rt_buf *bs = test_buf(ctx, frames, cols, src), *by = test_buf(ctx, t_rows, n, y0);
    for (long t0 = 0; t0 < 40; t0 += 13) {
        rt_buf_write(ctx, by, y0);
        CHECK(rt_add_upsampled(ctx, by, t0, bs, col0, factor) == RT_OK);
        float out[13 * 4];
        rt_buf_read(ctx, by, out);
        for (int t = 0; t < t_rows; t++) {
            double p = (t0 + t + 0.5) / factor - 0.5;
            p = fmin(fmax(p, 0.0), frames - 1.0);
            int i0 = (int)floor(p), i1 = i0 + 1 < frames ? i0 + 1 : frames - 1;
            for (int c = 0; c < n; c++) {
                double a = src[i0 * cols + col0 + c], b = src[i1 * cols + col0 + c];
                CHECK_NEAR(out[t * n + c], y0[t * n + c] + a + (p - i0) * (b - a), 1e-6);
            }
        }
    }
    CHECK(rt_add_upsampled(ctx, by, 0, bs, 4, factor) == RT_ERR_ARG); /* 4 + 4 > 7 cols */
    CHECK(rt_add_upsampled(ctx, by, 0, bs, 0, 0) == RT_ERR_ARG);
    rt_buf_destroy(ctx, bs), rt_buf_destroy(ctx, by);
    free(src), free(y0);
}

static void test_elementwise(rt_ctx *ctx, test_rng *rng)
{
    int rows = 9, cols = 10; /* even: the gated activation halves it */
    size_t n = (size_t)rows * cols;
    float *a = rand_floats(rng, n, 3.0), *b = rand_floats(rng, n, 3.0), *out = malloc(n * 4);
    rt_buf *ba = test_buf(ctx, rows, cols, a), *bb = test_buf(ctx, rows, cols, b);
    rt_buf *by = test_buf(ctx, rows, cols, NULL);
    CHECK(rt_axpby(ctx, ba, 0.5f, bb, -2.0f, by) == RT_OK);
    rt_buf_read(ctx, by, out);
    for (size_t i = 0; i < n; i++)
        CHECK_NEAR(out[i], 0.5 * a[i] - 2.0 * b[i], 1e-5);
    CHECK(rt_axpby(ctx, ba, 2.0f, bb, 1.0f, ba) == RT_OK); /* y aliases a */
    rt_buf_read(ctx, ba, out);
    for (size_t i = 0; i < n; i++)
        CHECK_NEAR(out[i], 2.0 * a[i] + b[i], 1e-5);
    rt_buf_write(ctx, ba, a);

    /* copy and accumulate a column range into another buffer */
    rt_buf *bd = test_buf(ctx, rows, 6, NULL);
    CHECK(rt_copy_cols(ctx, ba, 3, 4, bd, 1, 0) == RT_OK);
    CHECK(rt_copy_cols(ctx, bb, 0, 4, bd, 1, 1) == RT_OK);
    rt_buf_read(ctx, bd, out);
    for (int t = 0; t < rows; t++)
        for (int c = 0; c < 6; c++) {
            double e = c >= 1 && c < 5 ? a[t * cols + 3 + c - 1] + b[t * cols + c - 1] : 0.0;
            CHECK_NEAR(out[t * 6 + c], e, 1e-6);
        }
    CHECK(rt_copy_cols(ctx, ba, 8, 4, bd, 0, 0) == RT_ERR_ARG);
    CHECK(rt_copy_cols(ctx, ba, 0, 4, bd, 3, 0) == RT_ERR_ARG);

    /* slice */
    rt_buf *bs = test_buf(ctx, 3, cols, NULL);
    CHECK(rt_slice_rows(ctx, ba, 5, bs) == RT_OK);
    rt_buf_read(ctx, bs, out);
    CHECK(memcmp(out, a + 5 * cols, 3 * (size_t)cols * 4) == 0);
    CHECK(rt_slice_rows(ctx, ba, 7, bs) == RT_ERR_ARG);

    /* activations, in place and not */
    rt_act acts[3] = {RT_ACT_RELU, RT_ACT_TANH, RT_ACT_SIGMOID};
    for (int k = 0; k < 3; k++) {
        CHECK(rt_activate(ctx, ba, acts[k], by) == RT_OK);
        rt_buf_read(ctx, by, out);
        for (size_t i = 0; i < n; i++)
            CHECK_NEAR(out[i], ref_act(a[i], acts[k]), 1e-6);
    }
    CHECK(rt_activate(ctx, by, RT_ACT_TANH, by) == RT_OK);
    CHECK(rt_activate(ctx, ba, RT_ACT_GATED, by) == RT_ERR_ARG); /* same width: not a gate */
    {
        /* gated: y[:, j] = tanh(x[:, j]) * sigmoid(x[:, j + C]) halves the columns */
        int half = cols / 2;
        rt_buf *bg = test_buf(ctx, rows, half, NULL);
        CHECK(rt_activate(ctx, ba, RT_ACT_GATED, bg) == RT_OK);
        rt_buf_read(ctx, bg, out);
        for (int t = 0; t < rows; t++)
            for (int c = 0; c < half; c++)
                CHECK_NEAR(out[t * half + c],
                           tanh(a[t * cols + c]) * ref_act(a[t * cols + half + c], RT_ACT_SIGMOID),
                           1e-6);
        CHECK(rt_activate(ctx, bg, RT_ACT_GATED, bg) == RT_ERR_ARG);
        rt_buf_destroy(ctx, bg);
    }
    CHECK(rt_activate(ctx, ba, RT_ACT_RELU, bd) == RT_ERR_ARG);
    rt_buf_destroy(ctx, ba), rt_buf_destroy(ctx, bb), rt_buf_destroy(ctx, by);
    rt_buf_destroy(ctx, bd), rt_buf_destroy(ctx, bs);
    free(a), free(b), free(out);
}

/* Row ops large enough to be split over workers: upsample-add, column copies (in place too)
 * and the gate. Writes the [rows][48] result to out; every thread count must agree bitwise. */
static void row_split_ops(rt_ctx *ctx, const float *x, const float *cond, float *out)
{
    int rows = 2000, cols = 96;
    rt_buf *bx = test_buf(ctx, rows, cols, x), *bc = test_buf(ctx, 25, cols, cond);
    rt_buf *by = test_buf(ctx, rows, cols / 2, NULL);
    CHECK(rt_add_upsampled(ctx, bx, 37, bc, 0, 80) == RT_OK);
    CHECK(rt_copy_cols(ctx, bx, 50, 40, bx, 3, 0) == RT_OK); /* overlapping, within rows */
    CHECK(rt_copy_cols(ctx, bx, 0, 48, bx, 48, 1) == RT_OK);
    CHECK(rt_activate(ctx, bx, RT_ACT_GATED, by) == RT_OK);
    rt_buf_read(ctx, by, out);
    rt_buf_destroy(ctx, bx), rt_buf_destroy(ctx, bc), rt_buf_destroy(ctx, by);
}

static void test_row_split(rt_isa isa, test_rng *rng)
{
    size_t n = 2000 * 96;
    float *x = rand_floats(rng, n, 2.0), *cond = rand_floats(rng, 25 * 96, 1.0);
    float *out[2] = {malloc(n / 2 * 4), malloc(n / 2 * 4)};
    for (int threads = 1; threads <= 2; threads++) {
        rt_ctx *ctx = test_ctx(isa, threads);
        CHECK(ctx != NULL);
        if (!ctx) continue;
        row_split_ops(ctx, x, cond, out[threads - 1]);
        rt_ctx_destroy(ctx);
    }
    CHECK_MSG(memcmp(out[0], out[1], n / 2 * 4) == 0, "row ops: 1 and 2 threads differ (%s)",
              rt_isa_name(isa));
    free(x), free(cond), free(out[0]), free(out[1]);
}

/* The fast tanh/sigmoid over their whole useful range, including saturation. */
static void test_activation_accuracy(rt_ctx *ctx)
{
    int n = 200001;
    float *v = malloc((size_t)n * 4), *o = malloc((size_t)n * 4);
    for (int i = 0; i < n; i++)
        v[i] = -50.0f + 100.0f * (float)i / (float)(n - 1);
    rt_buf *b = test_buf(ctx, n, 1, v), *y = test_buf(ctx, n, 1, NULL);
    double worst[2] = {0, 0};
    for (int k = 0; k < 2; k++) {
        rt_act act = k ? RT_ACT_SIGMOID : RT_ACT_TANH;
        rt_activate(ctx, b, act, y);
        rt_buf_read(ctx, y, o);
        for (int i = 0; i < n; i++)
            worst[k] = fmax(worst[k], fabs(o[i] - ref_act(v[i], act)));
    }
    printf("fast tanh max abs err %.2e, sigmoid %.2e\n", worst[0], worst[1]);
    CHECK(worst[0] < 1e-6 && worst[1] < 1e-6);
    rt_buf_destroy(ctx, b), rt_buf_destroy(ctx, y);
    free(v), free(o);
}

static void test_argument_errors(rt_ctx *ctx)
{
    test_rng rng = {5};
    test_weight w;
    test_weight_init(&w, &rng, 8, 3, 5, 1, 1.0);
    rt_weight_desc d = test_weight_desc(&w, RT_I8, 1);
    rt_weight *wt = NULL, *bad = NULL;
    CHECK(rt_weight_create(ctx, &d, &wt) == RT_OK);
    rt_buf *x = test_buf(ctx, 10, 5, NULL), *y = test_buf(ctx, 10, 8, NULL);
    rt_buf *yg = test_buf(ctx, 10, 4, NULL), *y9 = test_buf(ctx, 9, 8, NULL);
    CHECK(rt_conv1d(ctx, wt, x, 1, RT_ACT_NONE, y) == RT_OK);
    CHECK(rt_conv1d(ctx, wt, x, 1, RT_ACT_GATED, yg) == RT_OK);
    CHECK(rt_conv1d(ctx, wt, x, 1, RT_ACT_GATED, y) == RT_ERR_ARG);
    CHECK(rt_conv1d(ctx, wt, x, 1, RT_ACT_NONE, yg) == RT_ERR_ARG);
    CHECK(rt_conv1d(ctx, wt, x, 1, RT_ACT_NONE, y9) == RT_ERR_ARG);
    CHECK(rt_conv1d(ctx, wt, x, 0, RT_ACT_NONE, y) == RT_ERR_ARG);
    CHECK(rt_conv1d(ctx, wt, y, 1, RT_ACT_NONE, y) == RT_ERR_ARG);
    CHECK(rt_conv1d(ctx, wt, x, 1, (rt_act)42, y) == RT_ERR_ARG);
    d.kernel = 2, d.in = 7; /* same bytes per row, even kernel */
    rt_weight *even = NULL;
    CHECK(rt_weight_create(ctx, &d, &even) == RT_OK);
    CHECK(rt_conv1d(ctx, even, x, 1, RT_ACT_NONE, y) == RT_ERR_ARG);
    rt_weight_destroy(ctx, even);
    d = test_weight_desc(&w, RT_I8, 1);
    d.scale = NULL;
    CHECK(rt_weight_create(ctx, &d, &bad) == RT_ERR_ARG);
    d = test_weight_desc(&w, RT_F16, 1);
    CHECK(rt_weight_create(ctx, &d, &bad) == RT_ERR_UNSUPPORTED);
    w.q[3] = -128; /* breaks the sign-trick kernels' exactness: refused */
    d = test_weight_desc(&w, RT_I8, 1);
    CHECK(rt_weight_create(ctx, &d, &bad) == RT_ERR_ARG);
    /* LSTM shape checks: w (8 = 4H, H = 2) as w_ih needs w_hh [8][1][2] */
    test_weight wh;
    test_weight_init(&wh, &rng, 8, 1, 2, 0, 1.0);
    rt_weight_desc dh = test_weight_desc(&wh, RT_F32, 0), di = dh;
    di.in = 1; /* x must then have 1 column */
    rt_weight *wi = NULL, *whh = NULL;
    CHECK(rt_weight_create(ctx, &di, &wi) == RT_OK && rt_weight_create(ctx, &dh, &whh) == RT_OK);
    rt_buf *x1 = test_buf(ctx, 10, 1, NULL);
    CHECK(rt_lstm(ctx, wi, whh, x1, 0, y, 6) == RT_OK);
    CHECK(rt_lstm(ctx, wi, whh, x1, 0, y, 7) == RT_ERR_ARG);
    CHECK(rt_lstm(ctx, wi, whh, x, 0, y, 0) == RT_ERR_ARG);
    CHECK(rt_lstm(ctx, wi, wi, x1, 0, y, 0) == RT_ERR_ARG);
    CHECK(rt_lstm(ctx, wi, whh, x1, 0, y9, 0) == RT_ERR_ARG);
    CHECK(rt_lstm(ctx, wt, whh, x1, 0, y, 0) == RT_ERR_ARG); /* K = 3 */
    rt_weight_destroy(ctx, wi), rt_weight_destroy(ctx, whh);
    rt_buf_destroy(ctx, x1);
    test_weight_free(&wh);
    rt_buf_destroy(ctx, x), rt_buf_destroy(ctx, y), rt_buf_destroy(ctx, yg);
    rt_buf_destroy(ctx, y9);
    rt_weight_destroy(ctx, wt);
    test_weight_free(&w);
    CHECK(rt_conv1d(NULL, NULL, NULL, 1, RT_ACT_NONE, NULL) == RT_ERR_ARG);
}

static void test_contexts(void)
{
    rt_ctx *ctx = NULL;
    rt_config vk = {RT_BACKEND_VULKAN, 1, RT_ISA_AUTO, -1};
    /* Vulkan: unsupported without the backend or a device, else a working context. */
    rt_status vs = rt_ctx_create(&vk, &ctx);
    CHECK((vs == RT_ERR_UNSUPPORTED && ctx == NULL) || (vs == RT_OK && ctx != NULL));
    rt_ctx_destroy(ctx);
    ctx = NULL;
    rt_config any = {RT_BACKEND_CPU, 0, RT_ISA_AUTO, -1};
    CHECK(rt_ctx_create(&any, &ctx) == RT_OK);
    printf("default context: %s (best isa %s)\n", rt_ctx_describe(ctx),
           rt_isa_name(rt_cpu_best_isa()));
    CHECK(rt_ctx_isa(ctx) == rt_cpu_best_isa());
    CHECK(rt_sync(ctx) == RT_OK);
    rt_ctx_destroy(ctx);
#if defined(__x86_64__)
    rt_config neon = {RT_BACKEND_CPU, 1, RT_ISA_NEON, -1};
    CHECK(rt_ctx_create(&neon, &ctx) == RT_ERR_UNSUPPORTED);
#endif
}

/* $MYNA_CPU_ISA caps the level the CPU backend picks and may be asked for. */
static void test_isa_cap(void)
{
    const char *was = getenv("MYNA_CPU_ISA");
    char *saved = was ? strdup(was) : NULL;
    if (saved) printf("MYNA_CPU_ISA=%s: best isa %s\n", saved, rt_isa_name(rt_cpu_best_isa()));
    CHECK(!saved || rt_isa_from_name(saved) == RT_ISA_AUTO ||
          rt_cpu_best_isa() <= rt_isa_from_name(saved));
    unsetenv("MYNA_CPU_ISA");
    rt_isa full = rt_cpu_best_isa();

    static const char *names[] = {"scalar", "neon", "avx2", "avx512vnni", "bogus", ""};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        setenv("MYNA_CPU_ISA", names[i], 1);
        rt_isa cap = rt_isa_from_name(names[i]), best = rt_cpu_best_isa();
        if (cap == RT_ISA_AUTO)
            CHECK(best == full);
        else
            CHECK(best <= cap && best <= full && (best == cap || best == full || best == RT_ISA_SCALAR));
        rt_config cfg = {RT_BACKEND_CPU, 1, RT_ISA_AUTO, -1};
        rt_ctx *ctx = NULL;
        CHECK(rt_ctx_create(&cfg, &ctx) == RT_OK && rt_ctx_isa(ctx) == best);
        rt_ctx_destroy(ctx);
        if (full > best) { /* a level above the cap is refused, as on a CPU without it */
            cfg.isa = full;
            ctx = NULL;
            CHECK(rt_ctx_create(&cfg, &ctx) == RT_ERR_UNSUPPORTED && ctx == NULL);
        }
    }
    setenv("MYNA_CPU_ISA", "scalar", 1);
    CHECK(rt_cpu_best_isa() == RT_ISA_SCALAR);
#if defined(__x86_64__)
    setenv("MYNA_CPU_ISA", "neon", 1); /* x86 has no NEON level: the cap falls to scalar */
    CHECK(rt_cpu_best_isa() == RT_ISA_SCALAR);
    if (full >= RT_ISA_AVX2) {
        setenv("MYNA_CPU_ISA", "avx2", 1);
        CHECK(rt_cpu_best_isa() == RT_ISA_AVX2);
    }
#endif
    CHECK(rt_isa_from_name(NULL) == RT_ISA_AUTO && rt_isa_from_name("AVX2") == RT_ISA_AUTO);
    if (saved)
        setenv("MYNA_CPU_ISA", saved, 1);
    else
        unsetenv("MYNA_CPU_ISA");
    free(saved);
}

/* Creates (or, with make == 0, removes) the empty file dir/name: a stand-in for a device node,
 * since rt_gpu_may_exist goes by names only. */
static void fake_node(const char *dir, const char *name, int make)
{
    char p[512];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    if (!make) {
        CHECK(remove(p) == 0);
        return;
    }
    FILE *f = fopen(p, "w");
    CHECK(f != NULL);
    if (f) fclose(f);
}

/* On Linux, what rt_gpu_may_exist finds in a device folder without the override. */
static void check_gpu_nodes(const char *dev)
{
    char dri[512];
    snprintf(dri, sizeof dri, "%s/dri", dev);
    CHECK(rt_gpu_may_exist(dev) == 0); /* no dri folder at all (a container, a VM) */
    CHECK(mkdir(dri, 0755) == 0);
    CHECK(rt_gpu_may_exist(dev) == 0);
    fake_node(dri, "card0", 1); /* simpledrm / efifb: a display, nothing to render on */
    fake_node(dri, "by-path", 1);
    CHECK(rt_gpu_may_exist(dev) == 0);
    fake_node(dri, "renderD128", 1);
    CHECK(rt_gpu_may_exist(dev) == 1);
    fake_node(dri, "renderD128", 0);
    CHECK(rt_gpu_may_exist(dev) == 0);
    static const char *non_drm[] = {"nvidiactl", "dxg", "mali0", "kgsl-3d0"};
    for (size_t i = 0; i < sizeof non_drm / sizeof *non_drm; i++) {
        fake_node(dev, non_drm[i], 1);
        CHECK_MSG(rt_gpu_may_exist(dev) == 1, "%s", non_drm[i]);
        fake_node(dev, non_drm[i], 0);
    }
    fake_node(dev, "nvidia0", 1); /* only nvidiactl says the driver is loaded */
    CHECK(rt_gpu_may_exist(dev) == 0);
    fake_node(dev, "nvidia0", 0);
    /* A dri folder that cannot be read may hide a render node (root reads it regardless). */
    CHECK(chmod(dri, 0) == 0);
    if (geteuid() != 0) CHECK(rt_gpu_may_exist(dev) == 1);
    CHECK(chmod(dri, 0755) == 0);
    fake_node(dri, "card0", 0);
    fake_node(dri, "by-path", 0);
    CHECK(rmdir(dri) == 0);
    CHECK(rt_gpu_may_exist("/nonexistent-myna-dev") == 0);
}

/* rt_gpu_may_exist: a render node or a non-DRM GPU node says "maybe", a display-only card
 * node or nothing says "no"; $MYNA_GPU_PROBE overrides either way. */
static void test_gpu_may_exist(void)
{
    const char *was = getenv("MYNA_GPU_PROBE");
    char *saved = was ? strdup(was) : NULL;
    unsetenv("MYNA_GPU_PROBE");
    char dev[] = "/tmp/myna-dev-XXXXXX";
    CHECK(mkdtemp(dev) != NULL);
#ifdef __linux__
    check_gpu_nodes(dev);
    printf("this machine: a GPU %s\n", rt_gpu_may_exist(NULL) ? "may exist" : "cannot exist");
#else
    CHECK(rt_gpu_may_exist(dev) == 1); /* no cheap test: the Vulkan probe decides */
#endif
    setenv("MYNA_GPU_PROBE", "always", 1);
    CHECK(rt_gpu_may_exist(dev) == 1 && rt_gpu_may_exist("/nonexistent-myna-dev") == 1);
    setenv("MYNA_GPU_PROBE", "never", 1);
    fake_node(dev, "nvidiactl", 1);
    CHECK(rt_gpu_may_exist(dev) == 0);
    fake_node(dev, "nvidiactl", 0);
#ifdef __linux__
    setenv("MYNA_GPU_PROBE", "bogus", 1); /* an unknown value changes nothing */
    CHECK(rt_gpu_may_exist(dev) == 0);
#endif
    CHECK(rmdir(dev) == 0);
    if (saved)
        setenv("MYNA_GPU_PROBE", saved, 1);
    else
        unsetenv("MYNA_GPU_PROBE");
    free(saved);
}

int main(void)
{
    test_gpu_may_exist();
    test_isa_cap();
    test_contexts();
    rt_isa isas[4];
    int n = test_isas(isas);
    for (int i = 0; i < n; i++) {
        for (int threads = 1; threads <= 2; threads++) {
            rt_ctx *ctx = test_ctx(isas[i], threads);
            CHECK(ctx != NULL);
            if (!ctx) continue;
            test_rng rng = {42};
            test_buffers(ctx);
            test_embedding_repeat(ctx);
            test_upsample(ctx, &rng);
            test_elementwise(ctx, &rng);
            test_argument_errors(ctx);
            if (i == 0 && threads == 1) test_activation_accuracy(ctx);
            rt_ctx_destroy(ctx);
        }
        test_rng rng = {7};
        test_row_split(isas[i], &rng);
    }
    return check_summary("test_rt_ops");
}
