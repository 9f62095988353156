/* The C speaker encoder against its PyTorch definition (tests/models/fixtures/tiny_spkenc_*,
 * written by training/make_fixtures.py): the same speech frames and embedding from the f32
 * export, the int8 export close to it and bit-identical on every ISA and thread count, and
 * refusal of files and inputs it cannot use. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "model_voice.h"
#include "runtime/rt_test_util.h"
#include "synth/models/speaker_encoder.h"

#define F32_TOL 1e-4

typedef struct {
    const float *mel, *embedding;
    int n_frames, n_mels, dim;
    int64_t speech_frames;
} io_data;

static int read_io(const vf_file *io, io_data *d)
{
    const vf_tensor *mel = vf_find_tensor(io, "io.mel"), *emb = vf_find_tensor(io, "io.embedding");
    CHECK(mel && emb && mel->n_dims == 2 && emb->n_dims == 1);
    if (!mel || !emb || mel->n_dims != 2) return -1;
    d->mel = mel->data, d->embedding = emb->data;
    d->n_frames = (int)mel->dims[0], d->n_mels = (int)mel->dims[1], d->dim = (int)emb->dims[0];
    CHECK(vf_get_i64(io, "io.speech_frames", &d->speech_frames) == VF_OK);
    return 0;
}

static spk_encoder *load(const vf_file *f, rt_ctx *ctx)
{
    char err[256] = "";
    spk_encoder *e = NULL;
    int r = spk_encoder_load(f, ctx, &e, err, sizeof err);
    CHECK_MSG(r == 0, "load: %d %s", r, err);
    return e;
}

static double max_abs_diff(const float *a, const float *b, int n)
{
    double m = 0;
    for (int i = 0; i < n; i++)
        m = fmax(m, fabs((double)a[i] - b[i]));
    return m;
}

static double cosine(const float *a, const float *b, int n)
{
    double ab = 0, aa = 0, bb = 0;
    for (int i = 0; i < n; i++)
        ab += (double)a[i] * b[i], aa += (double)a[i] * a[i], bb += (double)b[i] * b[i];
    return ab / sqrt(aa * bb);
}

/* f32 export: PyTorch's embedding within float rounding, on every ISA. */
static void test_f32_parity(const vf_file *f, const io_data *d)
{
    rt_isa isas[4];
    int n = test_isas(isas);
    for (int i = 0; i < n; i++) {
        rt_ctx *ctx = test_ctx(isas[i], 1);
        spk_encoder *e = ctx ? load(f, ctx) : NULL;
        if (!e) {
            rt_ctx_destroy(ctx);
            continue;
        }
        CHECK(spk_encoder_dim(e) == d->dim && spk_encoder_n_mels(e) == d->n_mels);
        CHECK(spk_encoder_speech_frames(e, d->mel, d->n_frames) == d->speech_frames);
        float out[64];
        CHECK(spk_encoder_embed(e, d->mel, d->n_frames, out) == 0);
        double diff = max_abs_diff(out, d->embedding, d->dim);
        printf("f32 %-10s max |C - PyTorch| %.3g\n", rt_isa_name(isas[i]), diff);
        CHECK_MSG(diff < F32_TOL, "f32 %s embedding differs by %g", rt_isa_name(isas[i]), diff);
        double norm = 0;
        for (int k = 0; k < d->dim; k++)
            norm += (double)out[k] * out[k];
        CHECK(fabs(norm - 1) < 1e-5);
        spk_encoder_free(e);
        rt_ctx_destroy(ctx);
    }
}

/* int8 export: near the f32 model, and the same bits on every ISA and thread count. */
static void test_int8(const vf_file *f, const io_data *d)
{
    rt_isa isas[4];
    int n = test_isas(isas), have_ref = 0;
    float ref[64];
    for (int i = 0; i < n; i++) {
        for (int threads = 1; threads <= 2; threads++) {
            rt_ctx *ctx = test_ctx(isas[i], threads);
            spk_encoder *e = ctx ? load(f, ctx) : NULL;
            float out[64];
            if (e && spk_encoder_embed(e, d->mel, d->n_frames, out) == 0) {
                if (!have_ref) {
                    memcpy(ref, out, sizeof out);
                    have_ref = 1;
                    double c = cosine(out, d->embedding, d->dim);
                    printf("int8 cosine to the f32 PyTorch embedding %.5f\n", c);
                    CHECK_MSG(c > 0.99, "int8 embedding cosine %.4f", c);
                }
                CHECK_MSG(memcmp(out, ref, (size_t)d->dim * sizeof *out) == 0,
                          "int8 %s x%d differs from the first ISA", rt_isa_name(isas[i]), threads);
            } else {
                CHECK_MSG(0, "int8 %s x%d did not run", rt_isa_name(isas[i]), threads);
            }
            spk_encoder_free(e);
            rt_ctx_destroy(ctx);
        }
    }
}

/* Too few speech frames, bad arguments, and files that are not speaker encoders. */
static void test_refusals(const vf_file *f, const io_data *d)
{
    rt_ctx *ctx = test_ctx(RT_ISA_AUTO, 1);
    spk_encoder *e = load(f, ctx);
    float out[64];
    if (e) {
        int need = spk_encoder_min_frames(e);
        CHECK(spk_encoder_embed(e, d->mel, need - 1, out) == SPK_ERR_TOO_SHORT);
        CHECK(spk_encoder_embed(e, NULL, d->n_frames, out) == RT_ERR_ARG);
        CHECK(spk_encoder_embed(e, d->mel, 0, out) == RT_ERR_ARG);
        /* One loud frame among quiet ones: only frames near the loud ones count as speech. */
        float *mel = malloc((size_t)d->n_frames * d->n_mels * sizeof *mel);
        for (int i = 0; mel && i < d->n_frames * d->n_mels; i++)
            mel[i] = i < d->n_mels ? 0.0f : -11.0f;
        if (mel) CHECK(spk_encoder_speech_frames(e, mel, d->n_frames) == d->n_frames - 1 ||
                       spk_encoder_speech_frames(e, mel, d->n_frames) == d->n_frames);
        free(mel);
    }
    spk_encoder_free(e);

    char err[256] = "";
    vf_file *voice = mv_open_fixture("tiny_f32.myna");
    CHECK(voice);
    spk_encoder *bad = NULL;
    CHECK(voice && spk_encoder_load(voice, ctx, &bad, err, sizeof err) != 0 && !bad);
    CHECK_MSG(strstr(err, "not a speaker encoder"), "error: %s", err);
    vf_close(voice);

    /* A copy with one weight missing, and one with a wrong size. */
    static const struct { const char *drop, *key; int64_t value; const char *want; } cases[] = {
        {"spk.lstm1.fwd.w_hh", NULL, 0, "spk.lstm1.fwd.w_hh"},
        {NULL, "speaker_encoder.lstm_hidden", 7, "shape"},
        {NULL, "speaker_encoder.conv_kernel", 4, "odd"},
        {NULL, "speaker_encoder.partial_hop", 0, "partial_hop"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        mv_voice *v = mv_copy(f);
        if (cases[i].drop) mv_remove(v, cases[i].drop);
        if (cases[i].key) mv_set_i64(v, cases[i].key, cases[i].value);
        vf_file *g = NULL;
        void *image = NULL;
        CHECK(mv_open(v, &g, &image, err, sizeof err) == VF_OK);
        err[0] = '\0';
        CHECK(g && spk_encoder_load(g, ctx, &bad, err, sizeof err) != 0 && !bad);
        CHECK_MSG(strstr(err, cases[i].want), "case %zu: error '%s' lacks '%s'", i, err,
                  cases[i].want);
        vf_close(g);
        free(image);
        mv_free(v);
    }
    rt_ctx_destroy(ctx);
}

int main(void)
{
    vf_file *io = mv_open_fixture("tiny_spkenc_io.myna");
    vf_file *f32 = mv_open_fixture("tiny_spkenc_f32.myna");
    vf_file *i8 = mv_open_fixture("tiny_spkenc_int8.myna");
    io_data d;
    CHECK_MSG(io && f32 && i8, "tiny_spkenc fixtures");
    if (io && f32 && i8 && read_io(io, &d) == 0 && d.dim <= 64) {
        test_f32_parity(f32, &d);
        test_int8(i8, &d);
        test_refusals(i8, &d);
    }
    vf_close(io);
    vf_close(f32);
    vf_close(i8);
    return check_summary("test_models_speaker");
}
