/* Voices that pass the container checks but are inconsistent as models are refused with a
 * message naming the problem (and never crash; run under ASan/UBSan); bad run arguments are
 * refused; duration clipping, duration scale and pitch shift behave as documented. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "model_voice.h"
#include "synth/models/acoustic.h"
#include "vocoder/vocoder.h"

typedef enum { ACOUSTIC, VOCODER } which_model;

typedef struct {
    rt_ctx *ctx;
    vf_file *base_f32, *base_i8;
} env;

/* Loads the model from v; expects failure with `expect` in the message (or success if NULL). */
static void expect_load(const env *e, mv_voice *v, which_model which, const char *expect,
                        const char *label)
{
    vf_file *vf = NULL;
    void *image = NULL;
    char err[256] = "";
    int rc = v ? mv_open(v, &vf, &image, err, sizeof err) : -1;
    CHECK_MSG(rc == VF_OK, "%s: the mutated voice must still be a valid container: %s", label, err);
    if (rc == VF_OK) {
        err[0] = '\0';
        if (which == ACOUSTIC) {
            ac_model *m = (ac_model *)1;
            rc = ac_model_load(vf, e->ctx, &m, err, sizeof err);
            CHECK_MSG(expect ? m == NULL : m != NULL, "%s: model pointer", label);
            ac_model_free(rc ? NULL : m);
        } else {
            voc_model *m = (voc_model *)1;
            rc = voc_model_load(vf, e->ctx, &m, err, sizeof err);
            CHECK_MSG(expect ? m == NULL : m != NULL, "%s: model pointer", label);
            voc_model_free(rc ? NULL : m);
        }
        if (expect) {
            CHECK_MSG(rc != 0, "%s: loaded although invalid", label);
            CHECK_MSG(strstr(err, expect) != NULL, "%s: message \"%s\" lacks \"%s\"", label, err,
                      expect);
            printf("  %-44s -> %s\n", label, err);
        } else {
            CHECK_MSG(rc == 0, "%s: %d %s", label, rc, err);
        }
    }
    vf_close(vf);
    free(image);
    mv_free(v);
}

static void bad_acoustic(const env *e)
{
    mv_voice *v;
    int64_t d3[3] = {8, 5, 7};
    int64_t d1[1] = {8};

    expect_load(e, mv_copy(e->base_f32), ACOUSTIC, NULL, "unmodified copy loads");
    v = mv_copy(e->base_f32);
    mv_remove(v, "ac.dec.lstm1.fwd.w_ih");
    expect_load(e, v, ACOUSTIC, "voice lacks tensor 'ac.dec.lstm1.fwd.w_ih'", "missing tensor");
    v = mv_copy(e->base_f32);
    mv_set_f32_fill(v, "ac.enc.conv0.weight", 3, d3, 0.1f);
    expect_load(e, v, ACOUSTIC, "ac.enc.conv0.weight has shape [8,5,7], expected [8,5,8]",
                "wrong weight shape");
    v = mv_copy(e->base_f32);
    mv_set_tensor(v, "ac.enc.conv0.bias", VF_F16, 1, d1, "0123456789abcdef", 16);
    expect_load(e, v, ACOUSTIC, "ac.enc.conv0.bias is f16, expected f32", "f16 bias");
    v = mv_copy(e->base_f32);
    mv_remove(v, "ac.speaker_embedding");
    expect_load(e, v, ACOUSTIC, "voice lacks tensor 'ac.speaker_embedding'", "missing table");
    v = mv_copy(e->base_f32);
    mv_set_i64(v, "acoustic.enc_channels", 0);
    expect_load(e, v, ACOUSTIC, "acoustic.enc_channels' = 0", "zero channels");
    v = mv_copy(e->base_f32);
    mv_set_i64(v, "acoustic.dec_lstm_hidden", -6);
    expect_load(e, v, ACOUSTIC, "acoustic.dec_lstm_hidden' = -6", "negative hidden size");
    v = mv_copy(e->base_f32);
    mv_set_i64(v, "acoustic.dec_lstm_hidden", (int64_t)1 << 40);
    expect_load(e, v, ACOUSTIC, "acoustic.dec_lstm_hidden' = 1099511627776", "huge hidden size");
    v = mv_copy(e->base_f32);
    mv_set_i64(v, "acoustic.enc_channels", 9);
    expect_load(e, v, ACOUSTIC, "has shape [8,5,8], expected [9,5,8]",
                "metadata inconsistent with tensors");
    v = mv_copy(e->base_f32);
    mv_set_i64(v, "acoustic.postnet_kernel", 4);
    expect_load(e, v, ACOUSTIC, "must be odd", "even kernel");
    v = mv_copy(e->base_f32);
    mv_set_i64(v, "acoustic.n_symbols", 11);
    expect_load(e, v, ACOUSTIC, "phonemes.symbols has 12 entries", "symbol count mismatch");
    v = mv_copy(e->base_f32);
    mv_remove(v, "acoustic.f0_std");
    expect_load(e, v, ACOUSTIC, "voice lacks metadata 'acoustic.f0_std'", "missing metadata");
    v = mv_copy(e->base_f32);
    mv_set_f64(v, "acoustic.f0_mean", NAN);
    expect_load(e, v, ACOUSTIC, "'acoustic.f0_mean' is not finite", "NaN metadata");
    v = mv_copy(e->base_f32);
    mv_set_f64(v, "mel.n_mels", 10.0);
    expect_load(e, v, ACOUSTIC, "mel.n_mels", "metadata of the wrong type");
    v = mv_copy(e->base_f32);
    mv_remove(v, "speakers.names");
    expect_load(e, v, ACOUSTIC, "speakers.names", "no speakers");

    /* int8 layers need their scales and must not hold -128. */
    v = mv_copy(e->base_i8);
    mv_remove(v, "ac.dec.lstm0.bwd.w_hh.scale");
    expect_load(e, v, ACOUSTIC, "voice lacks tensor 'ac.dec.lstm0.bwd.w_hh.scale'",
                "int8 without scale");
    v = mv_copy(e->base_i8);
    const vf_tensor *t = vf_find_tensor(e->base_i8, "ac.post.conv0.weight");
    CHECK(t && t->dtype == VF_I8);
    if (t) {
        int8_t *w = malloc(t->nbytes);
        memcpy(w, t->data, t->nbytes);
        w[3] = -128;
        mv_set_tensor(v, t->name, t->dtype, t->n_dims, t->dims, w, t->nbytes);
        free(w);
    }
    expect_load(e, v, ACOUSTIC, "ac.post.conv0.weight holds -128", "int8 -128");
}

static void bad_vocoder(const env *e)
{
    mv_voice *v;
    expect_load(e, mv_copy(e->base_f32), VOCODER, NULL, "unmodified copy loads");
    v = mv_copy(e->base_f32);
    mv_set_i64(v, "mel.hop", 9);
    expect_load(e, v, VOCODER, "mel.hop = 9 is not a multiple of vocoder.n_bands = 2",
                "hop % bands != 0");
    v = mv_copy(e->base_f32);
    mv_set_i64(v, "vocoder.n_bands", 0);
    expect_load(e, v, VOCODER, "vocoder.n_bands' = 0", "zero bands");
    v = mv_copy(e->base_f32);
    mv_set_i64(v, "vocoder.residual_channels", -8);
    expect_load(e, v, VOCODER, "vocoder.residual_channels' = -8", "negative channels");
    v = mv_copy(e->base_f32);
    mv_set_i64(v, "mel.hop", (int64_t)1 << 33);
    expect_load(e, v, VOCODER, "mel.hop' = 8589934592", "huge hop");
    int64_t dil_huge[3] = {1, 2, 1000000000};
    v = mv_copy(e->base_f32);
    mv_set_i64_array(v, "vocoder.dilations", dil_huge, 3);
    expect_load(e, v, VOCODER, "vocoder.dilations[2] = 1000000000", "huge dilation");
    int64_t dil_zero[3] = {1, 0, 4};
    v = mv_copy(e->base_f32);
    mv_set_i64_array(v, "vocoder.dilations", dil_zero, 3);
    expect_load(e, v, VOCODER, "vocoder.dilations[1] = 0", "zero dilation");
    v = mv_copy(e->base_f32);
    mv_set_i64_array(v, "vocoder.dilations", dil_zero, 0);
    expect_load(e, v, VOCODER, "vocoder.dilations has 0 layers", "no layers");
    int64_t dil_more[4] = {1, 2, 4, 8};
    v = mv_copy(e->base_f32);
    mv_set_i64_array(v, "vocoder.dilations", dil_more, 4);
    expect_load(e, v, VOCODER, "voc.cond_proj.weight has shape", "more layers than tensors");
    v = mv_copy(e->base_f32);
    mv_remove(v, "voc.layer2.out.bias");
    expect_load(e, v, VOCODER, "voice lacks tensor 'voc.layer2.out.bias'", "missing bias");
    v = mv_copy(e->base_f32);
    mv_remove(v, "vocoder.seed");
    expect_load(e, v, VOCODER, "vocoder.seed", "missing seed");
    v = mv_copy(e->base_f32);
    mv_set_i64(v, "vocoder.kernel", 2);
    expect_load(e, v, VOCODER, "must be odd", "even kernel");
    v = mv_copy(e->base_f32);
    mv_set_i64(v, "vocoder.n_harmonics", 0);
    expect_load(e, v, VOCODER, "vocoder.n_harmonics' = 0", "no harmonics");
    v = mv_copy(e->base_i8);
    mv_remove(v, "voc.layer1.conv.scale");
    expect_load(e, v, VOCODER, "voice lacks tensor 'voc.layer1.conv.scale'", "int8 without scale");

    /* Envelope shaping, switched on in a copy of the (plain NSF) base voice. */
    v = mv_copy(e->base_f32);
    mv_set_i64(v, "vocoder.envelope_passes", 2);
    expect_load(e, v, VOCODER, NULL, "shaping switched on");
    v = mv_copy(e->base_f32);
    mv_set_i64(v, "vocoder.envelope_passes", 9);
    expect_load(e, v, VOCODER, "vocoder.envelope_passes' = 9", "too many shaping passes");
    v = mv_copy(e->base_f32);
    mv_set_i64(v, "vocoder.envelope_passes", 2);
    mv_remove(v, "mel.filterbank");
    expect_load(e, v, VOCODER, "mel.filterbank", "shaping without a filterbank");
    v = mv_copy(e->base_f32);
    mv_set_i64(v, "vocoder.envelope_passes", 2);
    mv_set_i64(v, "mel.win", 8); /* hop 8: frames no longer overlap enough to normalise */
    expect_load(e, v, VOCODER, "envelope shaping rejects", "window too short for the hop");
    v = mv_copy(e->base_f32);
    mv_set_i64(v, "vocoder.envelope_passes", 2);
    const int64_t fb_dims[2] = {10, 33};
    mv_set_f32_fill(v, "mel.filterbank", 2, fb_dims, NAN);
    expect_load(e, v, VOCODER, "envelope shaping rejects", "NaN filterbank");

    /* The voicing cutoff of the flat source: range-checked, and an order must come with it. */
    v = mv_copy(e->base_f32);
    mv_set_i64(v, "vocoder.envelope_passes", 2);
    mv_set_f64(v, "vocoder.voicing_cutoff_hz", 800.0);
    mv_set_i64(v, "vocoder.voicing_order", 4);
    expect_load(e, v, VOCODER, NULL, "voicing cutoff");
    v = mv_copy(e->base_f32);
    mv_set_i64(v, "vocoder.envelope_passes", 2);
    mv_set_f64(v, "vocoder.voicing_cutoff_hz", -1.0);
    mv_set_i64(v, "vocoder.voicing_order", 4);
    expect_load(e, v, VOCODER, "vocoder.voicing_cutoff_hz = -1", "negative voicing cutoff");
    v = mv_copy(e->base_f32);
    mv_set_i64(v, "vocoder.envelope_passes", 2);
    mv_set_f64(v, "vocoder.voicing_cutoff_hz", 5000.0); /* 8 kHz voice: above Nyquist */
    mv_set_i64(v, "vocoder.voicing_order", 4);
    expect_load(e, v, VOCODER, "vocoder.voicing_cutoff_hz = 5000", "cutoff above Nyquist");
    v = mv_copy(e->base_f32);
    mv_set_i64(v, "vocoder.envelope_passes", 2);
    mv_set_f64(v, "vocoder.voicing_cutoff_hz", NAN);
    expect_load(e, v, VOCODER, "vocoder.voicing_cutoff_hz", "NaN voicing cutoff");
    v = mv_copy(e->base_f32);
    mv_set_i64(v, "vocoder.envelope_passes", 2);
    mv_set_f64(v, "vocoder.voicing_cutoff_hz", 800.0);
    expect_load(e, v, VOCODER, "vocoder.voicing_order", "cutoff without an order");
    v = mv_copy(e->base_f32);
    mv_set_i64(v, "vocoder.envelope_passes", 2);
    mv_set_f64(v, "vocoder.voicing_cutoff_hz", 800.0);
    mv_set_i64(v, "vocoder.voicing_order", 17);
    expect_load(e, v, VOCODER, "vocoder.voicing_order' = 17", "voicing order too high");
    v = mv_copy(e->base_f32);
    mv_set_i64(v, "vocoder.envelope_passes", 0); /* a plain NSF voice needs no filterbank */
    mv_remove(v, "mel.filterbank");
    expect_load(e, v, VOCODER, NULL, "no shaping, no filterbank");
}

/* Copies of one run's outputs. */
typedef struct {
    int n;
    float f0[4096];
    int32_t frames[64];
} run_copy;

static int run(ac_model *m, const int32_t *ids, int n_ids, const ac_params *p, int max_frames,
               run_copy *c)
{
    ac_output o;
    int rc = ac_model_run(m, ids, n_ids, p, max_frames, &o);
    c->n = rc ? -1 : o.n_frames;
    if (!rc) {
        int sum = 0;
        for (int i = 0; i < n_ids; i++)
            sum += o.frames[i];
        CHECK_MSG(sum == o.n_frames, "frames sum %d vs n_frames %d", sum, o.n_frames);
        if (o.n_frames > 0 && o.n_frames <= 4096)
            memcpy(c->f0, o.f0, (size_t)o.n_frames * sizeof(float));
        if (n_ids > 0 && n_ids <= 64) memcpy(c->frames, o.frames, (size_t)n_ids * sizeof(int32_t));
    }
    return rc;
}

static void run_arguments(const env *e)
{
    char err[256] = "";
    ac_model *m = NULL;
    CHECK_MSG(ac_model_load(e->base_f32, e->ctx, &m, err, sizeof err) == 0, "%s", err);
    if (!m) return;
    const int32_t ids[] = {1, 7, 6, 11, 8, 3, 9, 10, 4, 6, 5, 2};
    const int n = 12;
    run_copy a, b;
    ac_params p = {1.0f, 0.0f, 1, NULL};
    CHECK(ac_model_n_symbols(m) == 12);
    CHECK(run(m, ids, n, &p, 100000, &a) == 0 && a.n > 0);

    /* Speaker and id validation. */
    ac_params bad = p;
    bad.speaker = 2;
    CHECK(run(m, ids, n, &bad, 1000, &b) == RT_ERR_ARG);
    bad.speaker = -1;
    CHECK(run(m, ids, n, &bad, 1000, &b) == RT_ERR_ARG);
    const int32_t bad_ids[] = {1, 12, 2};
    CHECK(run(m, bad_ids, 3, &p, 1000, &b) == RT_ERR_ARG);
    const int32_t neg_ids[] = {1, -1, 2};
    CHECK(run(m, neg_ids, 3, &p, 1000, &b) == RT_ERR_ARG);
    bad = p;
    bad.dur_scale = -1.0f;
    CHECK(run(m, ids, n, &bad, 1000, &b) == RT_ERR_ARG);
    bad.dur_scale = NAN;
    CHECK(run(m, ids, n, &bad, 1000, &b) == RT_ERR_ARG);
    CHECK(run(m, ids, 0, &p, 1000, &b) == 0 && b.n == 0);

    /* max_frames clips (absurd durations are never allocated). */
    CHECK(run(m, ids, n, &p, 5, &b) == 0 && b.n == 5);
    CHECK(run(m, ids, n, &p, 0, &b) == 0 && b.n == 0);
    ac_params slow = p;
    slow.dur_scale = 1e30f;
    CHECK(run(m, ids, n, &slow, 3000, &b) == 0 && b.n == 3000);
    const int32_t forced[] = {2, 3, 1, 0, 4, 1, 2000000000, 2, 0, 5, 2, 3};
    ac_params tf = p;
    tf.durations = forced;
    CHECK(run(m, ids, n, &tf, 4000, &b) == 0 && b.n == 4000);
    CHECK(b.frames[6] == 4000 - 11 && b.frames[7] == 0);

    /* Duration scale 2 roughly doubles the length; 0 gives silence. */
    ac_params twice = p;
    twice.dur_scale = 2.0f;
    CHECK(run(m, ids, n, &twice, 100000, &b) == 0);
    CHECK_MSG(abs(b.n - 2 * a.n) <= n, "dur_scale 2: %d frames vs %d", b.n, a.n);
    twice.dur_scale = 0.0f;
    CHECK(run(m, ids, n, &twice, 100000, &b) == 0 && b.n == 0);

    /* Pitch shift multiplies every voiced F0 by 2^(p/12) and keeps the voicing. */
    ac_params up = p;
    up.pitch_semitones = 7.0f;
    CHECK(run(m, ids, n, &up, 100000, &b) == 0 && b.n == a.n);
    double ratio = pow(2.0, 7.0 / 12.0), worst = 0;
    int voiced = 0;
    for (int t = 0; t < a.n && t < 4096; t++) {
        CHECK((a.f0[t] > 0) == (b.f0[t] > 0));
        if (a.f0[t] > 0) {
            voiced++;
            double r = fabs(b.f0[t] / (a.f0[t] * ratio) - 1.0);
            worst = r > worst ? r : worst;
        }
    }
    CHECK(voiced > 0);
    CHECK_MSG(worst < 1e-5, "pitch ratio error %g", worst);
    /* Runs reuse their scratch: the first result is reproduced exactly. */
    CHECK(run(m, ids, n, &p, 100000, &b) == 0 && b.n == a.n);
    CHECK(memcmp(a.f0, b.f0, (size_t)a.n * sizeof(float)) == 0);
    ac_model_free(m);
}

int main(void)
{
    rt_config cfg = {RT_BACKEND_CPU, 1, RT_ISA_AUTO, -1};
    env e = {0};
    char path[1024], err[256] = "";
    CHECK(rt_ctx_create(&cfg, &e.ctx) == RT_OK);
    CHECK_MSG(vf_open(mv_fixture_path("tiny_spk_f32.myna", path, sizeof path), &e.base_f32, err,
                      sizeof err) == VF_OK,
              "%s: %s", path, err);
    CHECK_MSG(vf_open(mv_fixture_path("tiny_spk_int8.myna", path, sizeof path), &e.base_i8, err,
                      sizeof err) == VF_OK,
              "%s: %s", path, err);
    if (e.ctx && e.base_f32 && e.base_i8) {
        bad_acoustic(&e);
        bad_vocoder(&e);
        run_arguments(&e);
    }
    vf_close(e.base_f32);
    vf_close(e.base_i8);
    rt_ctx_destroy(e.ctx);
    return check_summary("test_models_errors");
}
