/* Chunked vocoding: any split of a sentence into frame ranges, rendered separately and
 * concatenated, equals the whole-sentence render; so does a chunked excitation. Also a long
 * sentence (internal blocking) and argument checks. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "compare.h"
#include "model_voice.h"
#include "vocoder/excitation.h"
#include "vocoder/vocoder.h"

/* Same inputs, same per-position arithmetic: only summation-order effects may differ. */
#define CHUNK_REL_TOL 1e-5

typedef struct {
    int n_frames, n_mels, hop;
    float *mel, *f0, *exc;
} sentence;

/* A sentence of n frames: the fixture's mel repeated with a slow drift, and an F0 track with
 * voiced and unvoiced stretches. */
static int make_sentence(voc_model *voc, const vf_file *io, int n, sentence *s)
{
    const vf_tensor *mt = vf_find_tensor(io, "io.voc.mel");
    const vf_tensor *ft = vf_find_tensor(io, "io.voc.f0");
    if (!mt || !ft || mt->n_dims != 2) return -1;
    int src_frames = (int)mt->dims[0];
    s->n_mels = (int)mt->dims[1];
    s->n_frames = n;
    s->hop = voc_hop(voc);
    s->mel = malloc((size_t)n * s->n_mels * sizeof(float));
    s->f0 = malloc((size_t)n * sizeof(float));
    s->exc = malloc((size_t)n * s->hop * sizeof(float));
    if (!s->mel || !s->f0 || !s->exc) return -1;
    const float *mel = mt->data, *f0 = ft->data;
    for (int t = 0; t < n; t++) {
        int src = t % src_frames;
        for (int k = 0; k < s->n_mels; k++)
            s->mel[(size_t)t * s->n_mels + k] =
                mel[(size_t)src * s->n_mels + k] + 0.3f * sinf(0.05f * t + k);
        s->f0[t] = f0[src] > 0 ? f0[src] * (1.0f + 0.1f * sinf(0.01f * t)) : 0.0f;
    }
    double phase = 0;
    voc_excitation(voc, s->f0, n, &phase, 0, s->exc);
    return 0;
}

static void free_sentence(sentence *s)
{
    free(s->mel);
    free(s->f0);
    free(s->exc);
}

/* Renders s in chunks of the given sizes (cycled) and compares with the whole render. */
static void check_chunks(voc_model *voc, const sentence *s, const float *whole, const int *sizes,
                         int n_sizes, const char *label)
{
    size_t n = (size_t)s->n_frames * s->hop;
    float *out = malloc(n * sizeof *out);
    if (!out) return;
    for (size_t i = 0; i < n; i++)
        out[i] = NAN; /* a sample left unwritten shows up as an infinite error */
    int rc = 0, n_chunks = 0;
    for (int b = 0, i = 0; b < s->n_frames && !rc; i++, n_chunks++) {
        int e = b + sizes[i % n_sizes];
        if (e > s->n_frames) e = s->n_frames;
        rc = voc_render(voc, s->mel, s->exc, s->n_frames, b, e, out + (size_t)b * s->hop);
        b = e;
    }
    CHECK_MSG(rc == 0, "%s: voc_render %d", label, rc);
    cmp_stats st = cmp_compute(out, whole, n);
    printf("  %-40s %5d chunks  max_abs %.3g  rel %.3g\n", label, n_chunks, st.max_abs, st.rel);
    CHECK_MSG(st.rel <= CHUNK_REL_TOL, "%s: rel %g", label, st.rel);
    free(out);
}

static void check_voice(const char *voice_name, const vf_file *vf, const vf_file *io, rt_ctx *ctx)
{
    char err[256] = "";
    voc_model *voc = NULL;
    int rc = voc_model_load(vf, ctx, &voc, err, sizeof err);
    CHECK_MSG(rc == 0, "%s: %s", voice_name, err);
    if (rc) return;
    printf("%s: hop %d, context %d frames\n", voice_name, voc_hop(voc), voc_context_frames(voc));
    /* Lengths below, around and above the internal block (>= 128 frames). */
    const int lengths[] = {26, 300};
    for (size_t li = 0; li < sizeof lengths / sizeof *lengths; li++) {
        sentence s;
        memset(&s, 0, sizeof s);
        if (make_sentence(voc, io, lengths[li], &s)) {
            CHECK_MSG(0, "cannot build a %d-frame sentence", lengths[li]);
            free_sentence(&s);
            continue;
        }
        size_t n = (size_t)s.n_frames * s.hop;
        float *whole = malloc(n * sizeof *whole);
        CHECK(whole && voc_render(voc, s.mel, s.exc, s.n_frames, 0, s.n_frames, whole) == 0);
        const int fixed[] = {1, 2, 3, 7, 13, 64, 129};
        char label[128];
        for (size_t k = 0; whole && k < sizeof fixed / sizeof *fixed; k++) {
            snprintf(label, sizeof label, "%s %d frames, chunks of %d", voice_name, s.n_frames,
                     fixed[k]);
            check_chunks(voc, &s, whole, &fixed[k], 1, label);
        }
        const int irregular[] = {5, 1, 17, 2, 40, 1, 1, 90, 3};
        snprintf(label, sizeof label, "%s %d frames, irregular chunks", voice_name, s.n_frames);
        if (whole) check_chunks(voc, &s, whole, irregular, 9, label);

        /* The excitation made piecewise (phase carried, noise keyed by sample index). */
        float *exc = malloc(n * sizeof *exc);
        double phase = 0;
        for (int b = 0, i = 0; exc && b < s.n_frames; i++) {
            int e = b + irregular[i % 9] > s.n_frames ? s.n_frames : b + irregular[i % 9];
            voc_excitation(voc, s.f0 + b, e - b, &phase, (uint64_t)b * s.hop,
                           exc + (size_t)b * s.hop);
            b = e;
        }
        if (exc) {
            cmp_stats st = cmp_compute(exc, s.exc, n);
            printf("  %-40s max_abs %.3g\n", "piecewise excitation", st.max_abs);
            CHECK_MSG(st.max_abs <= 1e-6, "piecewise excitation differs by %g", st.max_abs);
        }
        free(exc);
        free(whole);
        free_sentence(&s);
    }

    /* Bad ranges are refused; an empty range is fine. */
    float dummy[64] = {0}, out[64];
    CHECK(voc_render(voc, dummy, dummy, 2, 1, 0, out) == RT_ERR_ARG);
    CHECK(voc_render(voc, dummy, dummy, 2, 0, 3, out) == RT_ERR_ARG);
    CHECK(voc_render(voc, dummy, dummy, 2, -1, 1, out) == RT_ERR_ARG);
    CHECK(voc_render(voc, dummy, dummy, 2, 1, 1, out) == 0);
    voc_model_free(voc);
}

static void check_fixture(const char *voice_name, const vf_file *io, rt_ctx *ctx)
{
    char path[1024], err[256] = "";
    vf_file *vf = NULL;
    CHECK_MSG(vf_open(mv_fixture_path(voice_name, path, sizeof path), &vf, err, sizeof err) ==
                  VF_OK,
              "%s: %s", path, err);
    if (vf) check_voice(voice_name, vf, io, ctx);
    vf_close(vf);
}

/* Fills an f32 tensor with small deterministic values. */
static void set_weights(mv_voice *v, const char *name, int n_dims, const int64_t *dims)
{
    size_t n = 1;
    for (int i = 0; i < n_dims; i++)
        n *= (size_t)dims[i];
    float *w = malloc(n * sizeof *w);
    for (size_t i = 0; w && i < n; i++)
        w[i] = 0.3f * sinf(1.7f * (float)i + 0.4f);
    if (w) mv_set_tensor(v, name, VF_F32, n_dims, dims, w, n * sizeof *w);
    free(w);
}

/* The fixture vocoder turned into a single-band one (no PQMF) with wider dilations. */
static void check_single_band(const vf_file *io, rt_ctx *ctx)
{
    char path[1024], err[256] = "";
    vf_file *base = NULL, *vf = NULL;
    void *image = NULL;
    if (vf_open(mv_fixture_path("tiny_f32.myna", path, sizeof path), &base, err, sizeof err))
        return;
    mv_voice *v = mv_copy(base);
    int64_t r = 8, s = 8, kin = 5;
    const vf_tensor *t = vf_find_tensor(base, "voc.input.weight");
    if (t) r = t->dims[0], kin = t->dims[1];
    t = vf_find_tensor(base, "voc.post2.weight");
    if (t) s = t->dims[2];
    int64_t in_dims[3] = {r, kin, 1}, post_dims[3] = {1, 1, s}, bias_dims[1] = {1};
    const int64_t dilations[3] = {1, 8, 32};
    CHECK(v != NULL);
    if (v) {
        mv_set_i64(v, "vocoder.n_bands", 1);
        mv_set_i64_array(v, "vocoder.dilations", dilations, 3);
        set_weights(v, "voc.input.weight", 3, in_dims);
        set_weights(v, "voc.post2.weight", 3, post_dims);
        set_weights(v, "voc.post2.bias", 1, bias_dims);
        mv_remove(v, "voc.pqmf.weight");
        mv_remove(v, "voc.pqmf.bias");
        mv_remove(v, "vocoder.pqmf_kernel");
        CHECK_MSG(mv_open(v, &vf, &image, err, sizeof err) == VF_OK, "%s", err);
    }
    if (vf) check_voice("single-band", vf, io, ctx);
    vf_close(vf);
    free(image);
    mv_free(v);
    vf_close(base);
}

/* A minute of audio goes through the internal blocks: bounded memory, finite output. */
static void check_long(const vf_file *io, rt_ctx *ctx)
{
    char path[1024], err[256] = "";
    vf_file *vf = NULL;
    if (vf_open(mv_fixture_path("tiny_f32.myna", path, sizeof path), &vf, err, sizeof err)) return;
    voc_model *voc = NULL;
    if (voc_model_load(vf, ctx, &voc, err, sizeof err) == 0) {
        int frames = 60 * voc_sample_rate(voc) / voc_hop(voc);
        sentence s;
        memset(&s, 0, sizeof s);
        if (make_sentence(voc, io, frames, &s) == 0) {
            size_t n = (size_t)frames * s.hop;
            float *out = malloc(n * sizeof *out);
            clock_t c0 = clock();
            int rc = out ? voc_render(voc, s.mel, s.exc, frames, 0, frames, out) : -1;
            double secs = (double)(clock() - c0) / CLOCKS_PER_SEC;
            CHECK_MSG(rc == 0, "60 s render: %d", rc);
            int finite = 1;
            for (size_t i = 0; out && i < n; i++)
                finite &= isfinite(out[i]) != 0;
            CHECK(finite);
            printf("60 s sentence (%d frames, %zu samples) rendered in %.2f s CPU\n", frames, n,
                   secs);
            free(out);
        }
        free_sentence(&s);
    }
    voc_model_free(voc);
    vf_close(vf);
}

int main(void)
{
    rt_config cfg = {RT_BACKEND_CPU, 1, RT_ISA_AUTO, -1};
    rt_ctx *ctx = NULL;
    char path[1024], err[256] = "";
    vf_file *io = NULL;
    CHECK(rt_ctx_create(&cfg, &ctx) == RT_OK);
    CHECK_MSG(vf_open(mv_fixture_path("tiny_io.myna", path, sizeof path), &io, err, sizeof err) ==
                  VF_OK,
              "%s: %s", path, err);
    if (ctx && io) {
        check_fixture("tiny_f32.myna", io, ctx);
        check_fixture("tiny_int8.myna", io, ctx);
        check_single_band(io, ctx);
        check_long(io, ctx);
    }
    vf_close(io);
    rt_ctx_destroy(ctx);
    return check_summary("test_models_chunking");
}
