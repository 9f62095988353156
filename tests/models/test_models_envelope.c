/* vocoder/envelope.c: shaping a source towards a target log-mel. Checks that blocks of any size
 * reproduce the whole-sentence result bit for bit, that the output's own log-mel (logmel.c)
 * comes close to the target and closer with a second pass, that silence, NaN targets and bad
 * arguments are handled. test_models_parity compares it with training's numpy code. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "vocoder/envelope.h"
#include "vocoder/excitation.h"
#include "synth/dsp/logmel.h"

enum { N_FFT = 128, HOP = 32, WIN = 128, N_MELS = 16, N_BINS = N_FFT / 2 + 1 };
static const double PI = 3.14159265358979323846;

/* Triangles over bins 1 .. 48: bin 0 and bins above 48 are covered by no filter, so the
 * nearest-band rule is exercised at both ends. */
static void filterbank(float *fb)
{
    const double top = 48.0, step = top / (N_MELS + 1);
    for (int m = 0; m < N_MELS; m++)
        for (int k = 0; k < N_BINS; k++) {
            double v = 1.0 - fabs(k - (m + 1) * step) / step;
            fb[m * N_BINS + k] = v > 0 ? (float)(v / step) : 0.0f;
        }
}

static env_shaper *make(const float *fb, int passes)
{
    env_params p = {N_FFT, HOP, WIN, N_MELS, passes, 1e-5f, fb};
    env_shaper *e = NULL;
    CHECK(env_create(&p, &e) == ENV_OK && e);
    return e;
}

/* A sentence: noise excitation and the log-mel of a signal with a moving spectral peak. */
static void sentence(int n_frames, const float *fb, float *exc, float *target)
{
    long n = (long)n_frames * HOP;
    float *speech = malloc((size_t)n * sizeof *speech);
    for (long i = 0; i < n; i++) {
        double hz = 0.05 + 0.15 * i / n; /* cycles per sample: the peak moves up */
        speech[i] = (float)(0.3 * sin(2 * PI * hz * i) + 0.01 * myna_noise(9, (uint64_t)i));
        exc[i] = (float)(0.1 * myna_noise(1, (uint64_t)i));
    }
    logmel_params lp = {8000, N_FFT, HOP, WIN, N_MELS, 1e-5f, fb};
    logmel *lm = NULL;
    CHECK(logmel_create(&lp, &lm) == LOGMEL_OK);
    float *all = malloc((size_t)(n_frames + 1) * N_MELS * sizeof *all);
    CHECK(lm && logmel_compute(lm, speech, n, all) == LOGMEL_OK);
    memcpy(target, all, (size_t)n_frames * N_MELS * sizeof *target);
    logmel_destroy(lm);
    free(all);
    free(speech);
}

/* Mean |log-mel(x) - target| over frames away from the sentence edges. */
static double mel_error(const float *fb, const float *x, int n_frames, const float *target)
{
    logmel_params lp = {8000, N_FFT, HOP, WIN, N_MELS, 1e-5f, fb};
    logmel *lm = NULL;
    float *got = malloc((size_t)(n_frames + 1) * N_MELS * sizeof *got);
    CHECK(logmel_create(&lp, &lm) == LOGMEL_OK);
    CHECK(lm && logmel_compute(lm, x, (long)n_frames * HOP, got) == LOGMEL_OK);
    double sum = 0;
    int count = 0;
    for (int f = 4; f < n_frames - 4; f++)
        for (int m = 0; m < N_MELS; m++, count++)
            sum += fabs(got[f * N_MELS + m] - target[f * N_MELS + m]);
    logmel_destroy(lm);
    free(got);
    return sum / count;
}

static void check_blocks(const float *fb)
{
    enum { F = 53 };
    float *exc = malloc(F * HOP * sizeof *exc), *target = malloc(F * N_MELS * sizeof *target);
    float *whole = malloc(F * HOP * sizeof *whole), *parts = malloc(F * HOP * sizeof *parts);
    sentence(F, fb, exc, target);
    for (int passes = 1; passes <= 3; passes++) {
        env_shaper *e = make(fb, passes);
        CHECK(e && env_shape(e, exc, target, F, 0, F, whole) == ENV_OK);
        const int sizes[] = {1, 2, 5, 13, 53};
        for (size_t s = 0; e && s < sizeof sizes / sizeof sizes[0]; s++) {
            memset(parts, 0xff, F * HOP * sizeof *parts);
            for (int lo = 0; lo < F; lo += sizes[s]) {
                int hi = lo + sizes[s] > F ? F : lo + sizes[s];
                CHECK(env_shape(e, exc, target, F, lo, hi, parts + lo * HOP) == ENV_OK);
            }
            CHECK_MSG(memcmp(parts, whole, F * HOP * sizeof *parts) == 0,
                      "%d passes, blocks of %d frames differ from the whole sentence", passes,
                      sizes[s]);
        }
        env_destroy(e);
    }
    free(exc);
    free(target);
    free(whole);
    free(parts);
}

static void check_converges(const float *fb)
{
    enum { F = 120 };
    float *exc = malloc(F * HOP * sizeof *exc), *target = malloc(F * N_MELS * sizeof *target);
    float *out = malloc(F * HOP * sizeof *out);
    sentence(F, fb, exc, target);
    double raw = mel_error(fb, exc, F, target), err[3] = {0};
    for (int passes = 1; passes <= 2; passes++) {
        env_shaper *e = make(fb, passes);
        CHECK(e && env_shape(e, exc, target, F, 0, F, out) == ENV_OK);
        err[passes] = mel_error(fb, out, F, target);
        env_destroy(e);
    }
    printf("mean |log-mel error|: source %.3f, 1 pass %.3f, 2 passes %.3f\n", raw, err[1], err[2]);
    CHECK(err[1] < raw / 4);
    CHECK(err[2] < err[1]);
    CHECK(err[2] < 0.35); /* noise in a source band has its own spread: 0.30 seen */
    free(exc);
    free(target);
    free(out);
}

static void check_degenerate(const float *fb)
{
    enum { F = 9 };
    float exc[F * HOP], target[F * N_MELS], out[F * HOP];
    env_shaper *e = make(fb, 2);
    if (!e) return;
    /* Silence stays silence (no 0/0), whatever the target. */
    memset(exc, 0, sizeof exc);
    for (int i = 0; i < F * N_MELS; i++)
        target[i] = 3.0f;
    CHECK(env_shape(e, exc, target, F, 0, F, out) == ENV_OK);
    int zero = 1;
    for (int i = 0; i < F * HOP; i++)
        zero &= out[i] == 0.0f;
    CHECK_MSG(zero, "silent source must stay silent");
    /* NaN and infinite targets give finite output. */
    for (int i = 0; i < F * HOP; i++)
        exc[i] = (float)myna_noise(3, (uint64_t)i);
    target[5] = NAN;
    target[20] = INFINITY;
    target[40] = -INFINITY;
    CHECK(env_shape(e, exc, target, F, 0, F, out) == ENV_OK);
    int finite = 1;
    for (int i = 0; i < F * HOP; i++)
        finite &= isfinite(out[i]);
    CHECK_MSG(finite, "non-finite targets must give finite output");
    /* A one-frame sentence (shorter than the padding) and an empty range. */
    CHECK(env_shape(e, exc, target, 1, 0, 1, out) == ENV_OK);
    CHECK(env_shape(e, exc, target, F, 3, 3, out) == ENV_OK);
    CHECK(env_shape(e, exc, target, F, 0, F + 1, out) == ENV_ERR_ARG);
    CHECK(env_shape(e, exc, target, F, 4, 3, out) == ENV_ERR_ARG);
    CHECK(env_shape(e, NULL, target, F, 0, F, out) == ENV_ERR_ARG);
    env_destroy(e);
    env_destroy(NULL);

    env_shaper *bad = NULL;
    env_params p = {N_FFT, HOP, WIN, N_MELS, 2, 1e-5f, fb};
    p.hop = WIN / 2 + 1; /* frames would not overlap enough to normalise */
    CHECK(env_create(&p, &bad) == ENV_ERR_ARG && !bad);
    p.hop = HOP;
    p.passes = 0;
    CHECK(env_create(&p, &bad) == ENV_ERR_ARG && !bad);
    p.passes = ENV_MAX_PASSES + 1;
    CHECK(env_create(&p, &bad) == ENV_ERR_ARG && !bad);
    p.passes = 1;
    p.log_floor = 0.0f;
    CHECK(env_create(&p, &bad) == ENV_ERR_ARG && !bad);
    CHECK(env_create(NULL, &bad) == ENV_ERR_ARG);
}

int main(void)
{
    float fb[N_MELS * N_BINS];
    filterbank(fb);
    check_blocks(fb);
    check_converges(fb);
    check_degenerate(fb);
    return check_summary("test_models_envelope");
}
