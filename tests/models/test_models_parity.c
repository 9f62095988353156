/* Parity of the C acoustic model, excitation and vocoder with the PyTorch reference
 * (tests/models/fixtures/, written by training/make_fixtures.py), and int8-vs-f32 agreement of
 * the C engine itself. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "compare.h"
#include "model_voice.h"
#include "synth/models/acoustic.h"
#include "vocoder/vocoder.h"

/* f32 exported weights, f32 math on both sides: only rounding differs. */
#define PARITY_REL_TOL 1e-4
#define EXC_ABS_TOL 1e-6

typedef struct {
    vf_file *io;
    const char *variant;
} fixture;

/* f32 tensor `name` of the io file with n elements (NULL and a failed check otherwise). */
static const float *io_tensor(const fixture *fx, const char *name, size_t n)
{
    const vf_tensor *t = vf_find_tensor(fx->io, name);
    size_t have = 0;
    if (t && t->dtype == VF_F32) have = (size_t)(t->nbytes / 4);
    CHECK_MSG(t && t->dtype == VF_F32 && have == n, "%s: io tensor %s with %zu floats (has %zu)",
              fx->variant, name, n, have);
    return t && t->dtype == VF_F32 && have == n ? t->data : NULL;
}

static size_t io_count(const fixture *fx, const char *name)
{
    const vf_tensor *t = vf_find_tensor(fx->io, name);
    return t ? (size_t)(t->nbytes / 4) : 0;
}

static void report(const char *what, cmp_stats s)
{
    printf("  %-34s max_abs %.3g  peak %.3g  rel %.3g  snr %.1f dB\n", what, s.max_abs, s.ref_peak,
           s.rel, s.snr_db);
}

/* Copies of the outputs of one acoustic run (the model's arrays are reused by the next run). */
typedef struct {
    int n_frames, n_mels;
    float *mel, *f0;
    int32_t *frames;
} ac_result;

static int run_acoustic(ac_model *m, const int32_t *ids, int n, const ac_params *p, ac_result *r)
{
    ac_output o;
    int rc = ac_model_run(m, ids, n, p, 100000, &o);
    memset(r, 0, sizeof *r);
    if (rc) return rc;
    r->n_frames = o.n_frames;
    r->n_mels = o.n_mels;
    r->mel = malloc(((size_t)o.n_frames * o.n_mels + 1) * sizeof(float));
    r->f0 = malloc(((size_t)o.n_frames + 1) * sizeof(float));
    r->frames = malloc((size_t)n * sizeof(int32_t));
    if (!r->mel || !r->f0 || !r->frames) return -1;
    memcpy(r->mel, o.mel, (size_t)o.n_frames * o.n_mels * sizeof(float));
    memcpy(r->f0, o.f0, (size_t)o.n_frames * sizeof(float));
    memcpy(r->frames, o.frames, (size_t)n * sizeof(int32_t));
    return 0;
}

static void free_result(ac_result *r)
{
    free(r->mel);
    free(r->f0);
    free(r->frames);
}

/* Fraction of frames where both F0 tracks agree on voicing. */
static double voicing_agreement(const float *a, const float *b, int n)
{
    int same = 0;
    for (int i = 0; i < n; i++)
        same += (a[i] > 0) == (b[i] > 0);
    return n ? (double)same / n : 1.0;
}

typedef struct {
    ac_result tf, pred;
    float *audio;
    size_t n_audio;
} engine_out;

/* Runs the C engine for one voice on the fixture's inputs. */
static int run_engine(const fixture *fx, const char *voice_name, rt_ctx *ctx, engine_out *eo)
{
    memset(eo, 0, sizeof *eo);
    vf_file *vf = mv_open_fixture(voice_name);
    CHECK_MSG(vf, "fixture %s", voice_name);
    if (!vf) return -1;
    char err[256] = "";
    ac_model *ac = NULL;
    voc_model *voc = NULL;
    int rc = ac_model_load(vf, ctx, &ac, err, sizeof err);
    CHECK_MSG(rc == 0, "%s: ac_model_load: %d %s", voice_name, rc, err);
    if (!rc) {
        rc = voc_model_load(vf, ctx, &voc, err, sizeof err);
        CHECK_MSG(rc == 0, "%s: voc_model_load: %d %s", voice_name, rc, err);
    }
    size_t n_ids = io_count(fx, "io.ids");
    const float *ids_f = io_tensor(fx, "io.ids", n_ids);
    const float *frames_f = io_tensor(fx, "io.frames", n_ids);
    int64_t speaker = 0;
    double dur_scale = 1, pitch = 0;
    vf_get_i64(fx->io, "io.speaker", &speaker);
    vf_get_f64(fx->io, "io.dur_scale", &dur_scale);
    vf_get_f64(fx->io, "io.pitch", &pitch);
    int32_t *ids = malloc((n_ids + 1) * sizeof *ids), *frames = malloc((n_ids + 1) * sizeof *ids);
    if (rc || !ids_f || !frames_f || !ids || !frames) {
        rc = -1;
        goto done;
    }
    for (size_t i = 0; i < n_ids; i++) {
        ids[i] = (int32_t)ids_f[i];
        frames[i] = (int32_t)frames_f[i];
    }
    ac_params tf = {1.0f, 0.0f, (int)speaker, frames};
    ac_params pred = {(float)dur_scale, (float)pitch, (int)speaker, NULL};
    rc = run_acoustic(ac, ids, (int)n_ids, &tf, &eo->tf);
    CHECK_MSG(rc == 0, "%s: teacher-forced run: %d", voice_name, rc);
    if (!rc) {
        rc = run_acoustic(ac, ids, (int)n_ids, &pred, &eo->pred);
        CHECK_MSG(rc == 0, "%s: predicted run: %d", voice_name, rc);
    }
    /* The vocoder gets the fixture's mel and excitation, so it is compared in isolation. */
    size_t n_vf = io_count(fx, "io.voc.f0");
    int n_mels = eo->tf.n_mels;
    const float *mel = io_tensor(fx, "io.voc.mel", n_vf * (size_t)n_mels);
    size_t n_samples = n_vf * (size_t)(voc ? voc_hop(voc) : 0);
    const float *exc = io_tensor(fx, "io.voc.excitation", n_samples);
    eo->audio = malloc((n_samples + 1) * sizeof(float));
    if (!rc && mel && exc && eo->audio) {
        eo->n_audio = n_samples;
        rc = voc_render(voc, mel, exc, (int)n_vf, 0, (int)n_vf, eo->audio);
        CHECK_MSG(rc == 0, "%s: voc_render: %d", voice_name, rc);
    }
done:
    free(ids);
    free(frames);
    voc_model_free(voc);
    ac_model_free(ac);
    vf_close(vf);
    return rc;
}

static void free_engine(engine_out *eo)
{
    free_result(&eo->tf);
    free_result(&eo->pred);
    free(eo->audio);
}

static void check_against_pytorch(const fixture *fx, const engine_out *eo)
{
    char what[128];
    size_t n_ids = io_count(fx, "io.ids");
    const ac_result *tf = &eo->tf, *pr = &eo->pred;
    size_t n_tf = io_count(fx, "io.tf.f0"), n_pr = io_count(fx, "io.pred.f0");
    CHECK_MSG((size_t)tf->n_frames == n_tf, "%s: teacher-forced frames %d vs %zu", fx->variant,
              tf->n_frames, n_tf);
    CHECK_MSG((size_t)pr->n_frames == n_pr, "%s: predicted frames %d vs %zu", fx->variant,
              pr->n_frames, n_pr);
    const float *pf = io_tensor(fx, "io.pred.frames", n_ids);
    for (size_t i = 0; pf && pr->frames && i < n_ids; i++)
        CHECK_MSG(pr->frames[i] == (int32_t)pf[i], "%s: symbol %zu gets %d frames, PyTorch %d",
                  fx->variant, i, pr->frames[i], (int)pf[i]);
    const char *mel_names[2] = {"io.tf.mel", "io.pred.mel"};
    const char *f0_names[2] = {"io.tf.f0", "io.pred.f0"};
    const ac_result *runs[2] = {tf, pr};
    for (int r = 0; r < 2; r++) {
        size_t F = (size_t)runs[r]->n_frames, n_mels = (size_t)runs[r]->n_mels;
        if (F != (r ? n_pr : n_tf)) continue;
        const float *ref_mel = io_tensor(fx, mel_names[r], F * n_mels);
        const float *ref_f0 = io_tensor(fx, f0_names[r], F);
        if (!ref_mel || !ref_f0) continue;
        cmp_stats s = cmp_compute(runs[r]->mel, ref_mel, F * n_mels);
        snprintf(what, sizeof what, "%s %s", fx->variant, mel_names[r]);
        report(what, s);
        CHECK_MSG(s.rel <= PARITY_REL_TOL, "%s rel %g", what, s.rel);
        s = cmp_compute(runs[r]->f0, ref_f0, F);
        snprintf(what, sizeof what, "%s %s", fx->variant, f0_names[r]);
        report(what, s);
        CHECK_MSG(s.rel <= PARITY_REL_TOL, "%s rel %g", what, s.rel);
        CHECK_MSG(voicing_agreement(runs[r]->f0, ref_f0, (int)F) == 1.0, "%s voicing", what);
    }
    const float *ref_audio = io_tensor(fx, "io.voc.audio", eo->n_audio);
    if (ref_audio && eo->n_audio) {
        cmp_stats s = cmp_compute(eo->audio, ref_audio, eo->n_audio);
        snprintf(what, sizeof what, "%s io.voc.audio", fx->variant);
        report(what, s);
        CHECK_MSG(s.rel <= PARITY_REL_TOL, "%s rel %g", what, s.rel);
    }
}

/* The C excitation against training/myna/excitation.py. */
static void check_excitation(const fixture *fx, const char *voice_name, rt_ctx *ctx)
{
    vf_file *vf = mv_open_fixture(voice_name);
    CHECK_MSG(vf, "fixture %s", voice_name);
    if (!vf) return;
    voc_model *voc = NULL;
    char err[256] = "";
    int rc = voc_model_load(vf, ctx, &voc, err, sizeof err);
    CHECK_MSG(rc == 0, "%s: %s", voice_name, err);
    size_t F = io_count(fx, "io.voc.f0");
    const float *f0 = io_tensor(fx, "io.voc.f0", F);
    size_t n = voc ? F * (size_t)voc_hop(voc) : 0;
    const float *ref = io_tensor(fx, "io.voc.excitation", n);
    float *exc = malloc((n + 1) * sizeof *exc);
    if (voc && f0 && ref && exc) {
        double phase = 0;
        voc_excitation(voc, f0, (int)F, &phase, 0, exc);
        cmp_stats s = cmp_compute(exc, ref, n);
        char what[128];
        snprintf(what, sizeof what, "%s io.voc.excitation", fx->variant);
        report(what, s);
        CHECK_MSG(s.max_abs <= EXC_ABS_TOL, "%s max_abs %g", what, s.max_abs);
    }
    free(exc);
    voc_model_free(voc);
    vf_close(vf);
}

/* int8 weights against f32 weights, both in C: figures plus a loose bound (random tiny models
 * are harder to quantise than trained ones, whose weights are smoother). */
static void check_int8(const fixture *fx, const engine_out *f, const engine_out *q)
{
    char what[128];
    if (f->tf.n_frames == q->tf.n_frames && f->tf.mel && q->tf.mel) {
        size_t n = (size_t)f->tf.n_frames * (size_t)f->tf.n_mels;
        cmp_stats s = cmp_compute(q->tf.mel, f->tf.mel, n);
        snprintf(what, sizeof what, "%s int8-vs-f32 tf mel", fx->variant);
        report(what, s);
        CHECK_MSG(s.snr_db >= 35.0, "%s snr %.1f dB", what, s.snr_db);
        double va = voicing_agreement(q->tf.f0, f->tf.f0, f->tf.n_frames);
        printf("  %-34s voicing agreement %.3f\n", what, va);
        CHECK_MSG(va >= 0.8, "%s voicing agreement %.3f", what, va);
    }
    int same_frames = 0;
    for (size_t i = 0; f->pred.frames && q->pred.frames && i < io_count(fx, "io.ids"); i++)
        same_frames += f->pred.frames[i] == q->pred.frames[i];
    printf("  %-34s predicted durations equal for %d of %zu symbols (%d vs %d frames)\n",
           fx->variant, same_frames, io_count(fx, "io.ids"), q->pred.n_frames, f->pred.n_frames);
    if (f->n_audio == q->n_audio && f->n_audio) {
        cmp_stats s = cmp_compute(q->audio, f->audio, f->n_audio);
        snprintf(what, sizeof what, "%s int8-vs-f32 audio", fx->variant);
        report(what, s);
        CHECK_MSG(s.snr_db >= 40.0, "%s snr %.1f dB", what, s.snr_db);
    }
}

/* One pass over both fixtures with a runtime of the given kernel set and thread count. */
static void run_all(rt_isa isa, int threads)
{
    const char *variants[] = {"tiny", "tiny_spk"};
    rt_config cfg = {RT_BACKEND_CPU, threads, isa, -1};
    rt_ctx *ctx = NULL;
    CHECK(rt_ctx_create(&cfg, &ctx) == RT_OK);
    if (!ctx) return;
    printf("runtime: %s\n", rt_ctx_describe(ctx));
    for (size_t v = 0; v < sizeof variants / sizeof *variants; v++) {
        char name[64];
        snprintf(name, sizeof name, "%s_io.myna", variants[v]);
        fixture fx = {mv_open_fixture(name), variants[v]};
        CHECK_MSG(fx.io, "fixture %s", name);
        if (!fx.io) continue;
        engine_out f32, i8;
        snprintf(name, sizeof name, "%s_f32.myna", variants[v]);
        check_excitation(&fx, name, ctx);
        if (run_engine(&fx, name, ctx, &f32) == 0) check_against_pytorch(&fx, &f32);
        snprintf(name, sizeof name, "%s_int8.myna", variants[v]);
        if (run_engine(&fx, name, ctx, &i8) == 0) check_int8(&fx, &f32, &i8);
        free_engine(&f32);
        free_engine(&i8);
        vf_close(fx.io);
    }
    rt_ctx_destroy(ctx);
}

int main(void)
{
    /* The portable kernels, then the best ones this CPU has with two threads. */
    run_all(RT_ISA_SCALAR, 1);
    if (rt_cpu_best_isa() != RT_ISA_SCALAR) run_all(RT_ISA_AUTO, 2);
    return check_summary("test_models_parity");
}
