/* End to end on the tiny fixture voices: acoustic model + vocoder on a Vulkan context against
 * the same on a CPU context, from the same phoneme ids (predicted durations, pitch shift).
 * Prints the SNR of mel and audio; audio must reach VK_MIN_SNR_DB. The vocoder also renders a
 * longer sentence in chunks (its internal blocks) on both. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "models/compare.h"
#include "models/model_voice.h"
#include "synth/models/acoustic.h"
#include "synth/models/speaker_encoder.h"
#include "vk_test_util.h"
#include "vocoder/vocoder.h"

#define VK_MIN_SNR_DB 40.0

typedef struct {
    int n_frames, n_mels, hop;
    float *mel, *f0, *audio;
    int32_t frames[64];
} result;

static void result_free(result *r)
{
    free(r->mel), free(r->f0), free(r->audio);
}

/* ids -> mel -> excitation -> audio on one context. 0 on success. */
static int run(rt_ctx *ctx, const vf_file *vf, const int32_t *ids, int n, result *r)
{
    char err[256] = "";
    ac_model *ac = NULL;
    voc_model *voc = NULL;
    memset(r, 0, sizeof *r);
    int rc = ac_model_load(vf, ctx, &ac, err, sizeof err);
    if (rc == 0) rc = voc_model_load(vf, ctx, &voc, err, sizeof err);
    ac_params p = {1.25f, 2.0f, 0, NULL};
    ac_output o;
    if (rc == 0) rc = ac_model_run(ac, ids, n, &p, 100000, &o);
    if (rc == 0) {
        r->n_frames = o.n_frames;
        r->n_mels = o.n_mels;
        r->hop = voc_hop(voc);
        size_t nm = (size_t)o.n_frames * o.n_mels, ns = (size_t)o.n_frames * voc_hop(voc);
        r->mel = malloc((nm + 1) * sizeof(float));
        r->f0 = malloc(((size_t)o.n_frames + 1) * sizeof(float));
        r->audio = malloc((ns + 1) * sizeof(float));
        float *exc = malloc((ns + 1) * sizeof(float));
        if (!r->mel || !r->f0 || !r->audio || !exc) rc = -1;
        if (rc == 0) {
            memcpy(r->mel, o.mel, nm * sizeof(float));
            memcpy(r->f0, o.f0, (size_t)o.n_frames * sizeof(float));
            memcpy(r->frames, o.frames, (size_t)n * sizeof(int32_t));
            double phase = 0;
            voc_excitation(voc, r->f0, r->n_frames, &phase, 0, exc);
            rc = voc_render(voc, r->mel, exc, r->n_frames, 0, r->n_frames, r->audio);
        }
        free(exc);
    }
    if (rc) fprintf(stderr, "%s: run failed %d: %s\n", rt_ctx_describe(ctx), rc, err);
    voc_model_free(voc);
    ac_model_free(ac);
    return rc;
}

/* A long sentence (the fixture mel repeated with drift) through the vocoder on both contexts:
 * several internal blocks, so chunk boundaries and context rows are exercised on the device. */
static void long_vocoder(rt_ctx *cpu, rt_ctx *vk, const vf_file *vf, const result *ref,
                         const char *name)
{
    char err[256] = "";
    voc_model *vc = NULL, *vv = NULL;
    CHECK(voc_model_load(vf, cpu, &vc, err, sizeof err) == 0);
    CHECK(voc_model_load(vf, vk, &vv, err, sizeof err) == 0);
    int n = 300, nm = ref->n_mels, hop = vc ? voc_hop(vc) : 0;
    float *mel = malloc((size_t)n * nm * sizeof(float)), *f0 = malloc((size_t)n * sizeof(float));
    float *exc = malloc((size_t)n * hop * sizeof(float));
    float *a = malloc((size_t)n * hop * sizeof(float)),
          *b = malloc((size_t)n * hop * sizeof(float));
    if (vc && vv && mel && f0 && exc && a && b && ref->n_frames > 0) {
        for (int t = 0; t < n; t++) {
            int s = t % ref->n_frames;
            for (int k = 0; k < nm; k++)
                mel[(size_t)t * nm + k] = ref->mel[(size_t)s * nm + k] + 0.3f * sinf(0.05f * t + k);
            f0[t] = ref->f0[s];
        }
        double phase = 0;
        voc_excitation(vc, f0, n, &phase, 0, exc);
        int ra = 0, rb = 0;
        for (int b0 = 0; b0 < n && !ra && !rb; b0 += 70) { /* chunks of 70 frames */
            int e = b0 + 70 < n ? b0 + 70 : n;
            ra = voc_render(vc, mel, exc, n, b0, e, a + (size_t)b0 * hop);
            rb = voc_render(vv, mel, exc, n, b0, e, b + (size_t)b0 * hop);
        }
        CHECK(ra == 0 && rb == 0);
        cmp_stats st = cmp_compute(b, a, (size_t)n * hop);
        printf("  %-28s %d frames in chunks: audio SNR %.1f dB\n", name, n, st.snr_db);
        CHECK_MSG(st.snr_db >= VK_MIN_SNR_DB, "%s long vocoder SNR %.1f dB", name, st.snr_db);
    }
    free(mel), free(f0), free(exc), free(a), free(b);
    voc_model_free(vc);
    voc_model_free(vv);
}

static void check_voice(rt_ctx *cpu, rt_ctx *vk, const char *name, const vf_file *io)
{
    char path[1024], err[256] = "";
    vf_file *vf = NULL;
    CHECK_MSG(vf_open(mv_fixture_path(name, path, sizeof path), &vf, err, sizeof err) == VF_OK,
              "%s: %s", path, err);
    const vf_tensor *t = vf_find_tensor(io, "io.ids");
    if (!vf || !t) {
        vf_close(vf);
        return;
    }
    int n = (int)(t->nbytes / 4);
    int32_t ids[64];
    for (int i = 0; i < n && i < 64; i++)
        ids[i] = (int32_t)((const float *)t->data)[i];
    result rc, rv;
    int ec = run(cpu, vf, ids, n, &rc), ev = run(vk, vf, ids, n, &rv);
    CHECK(ec == 0 && ev == 0);
    if (ec == 0 && ev == 0) {
        CHECK_MSG(rc.n_frames == rv.n_frames && !memcmp(rc.frames, rv.frames, n * sizeof(int32_t)),
                  "%s: durations differ (%d vs %d frames)", name, rc.n_frames, rv.n_frames);
    }
    if (ec == 0 && ev == 0 && rc.n_frames == rv.n_frames) {
        cmp_stats sm = cmp_compute(rv.mel, rc.mel, (size_t)rc.n_frames * rc.n_mels);
        cmp_stats sf = cmp_compute(rv.f0, rc.f0, (size_t)rc.n_frames);
        cmp_stats sa = cmp_compute(rv.audio, rc.audio, (size_t)rc.n_frames * rc.hop);
        printf("  %-28s %d frames: mel SNR %.1f dB (max_abs %.2g), f0 max_abs %.2g, audio SNR "
               "%.1f dB (max_abs %.2g)\n",
               name, rc.n_frames, sm.snr_db, sm.max_abs, sf.max_abs, sa.snr_db, sa.max_abs);
        CHECK_MSG(sa.snr_db >= VK_MIN_SNR_DB, "%s: audio SNR %.1f dB", name, sa.snr_db);
        CHECK_MSG(sm.snr_db >= VK_MIN_SNR_DB, "%s: mel SNR %.1f dB", name, sm.snr_db);
        long_vocoder(cpu, vk, vf, &rc, name);
    }
    result_free(&rc);
    result_free(&rv);
    vf_close(vf);
}

/* The speaker encoder of the fixtures on both contexts, from the fixture's log-mel: int8 sums
 * are exact on both, so the embeddings agree to float rounding of the f32 parts. */
static void check_speaker_encoder(rt_ctx *cpu, rt_ctx *vk, const char *name)
{
    char path[1024], err[256] = "";
    vf_file *vf = NULL, *io = NULL;
    CHECK(vf_open(mv_fixture_path(name, path, sizeof path), &vf, err, sizeof err) == VF_OK);
    CHECK(vf_open(mv_fixture_path("tiny_spkenc_io.myna", path, sizeof path), &io, err,
                  sizeof err) == VF_OK);
    const vf_tensor *mel = io ? vf_find_tensor(io, "io.mel") : NULL;
    spk_encoder *ec = NULL, *ev = NULL;
    if (vf && mel) {
        CHECK(spk_encoder_load(vf, cpu, &ec, err, sizeof err) == 0);
        CHECK_MSG(spk_encoder_load(vf, vk, &ev, err, sizeof err) == 0, "%s", err);
    }
    if (ec && ev) {
        float a[64], b[64];
        int dim = spk_encoder_dim(ec), n = (int)mel->dims[0];
        CHECK(dim <= 64 && spk_encoder_embed(ec, mel->data, n, a) == 0 &&
              spk_encoder_embed(ev, mel->data, n, b) == 0);
        double worst = 0;
        for (int i = 0; i < dim && dim <= 64; i++)
            worst = fmax(worst, fabs((double)a[i] - b[i]));
        printf("%s: speaker embedding max |cpu - vulkan| %.3g\n", name, worst);
        CHECK_MSG(worst < 1e-4, "%s: speaker embeddings differ by %g", name, worst);
    }
    spk_encoder_free(ec);
    spk_encoder_free(ev);
    vf_close(vf);
    vf_close(io);
}

int main(void)
{
    rt_ctx *cpu, *vk;
    int code;
    if (vk_test_contexts(&cpu, &vk, &code)) return code;
    char path[1024], err[256] = "";
    vf_file *io = NULL, *io_spk = NULL;
    CHECK(vf_open(mv_fixture_path("tiny_io.myna", path, sizeof path), &io, err, sizeof err) ==
          VF_OK);
    if (io) {
        check_voice(cpu, vk, "tiny_f32.myna", io);
        check_voice(cpu, vk, "tiny_int8.myna", io);
    }
    vf_close(io);
    vf_close(io_spk);
    check_speaker_encoder(cpu, vk, "tiny_spkenc_f32.myna");
    check_speaker_encoder(cpu, vk, "tiny_spkenc_int8.myna");
    rt_ctx_destroy(vk);
    rt_ctx_destroy(cpu);
    CHECK(vk_test_validation_clean());
    return check_summary("test_vk_models");
}
