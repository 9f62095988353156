/* The public speaker-encoder API (include/myna.h) with the tiny fixture encoder: arguments,
 * every MYNA_ERR_AUDIO_* case, and what must not change the embedding (a channel copied into
 * stereo, a gain change, the input rate within resampling error). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "myna.h"

#define DIM_MAX 64

static float *speechlike(size_t n, int rate, float amp)
{
    float *x = malloc(n * sizeof *x);
    for (size_t i = 0; x && i < n; i++) {
        double t = (double)i / rate, f0 = 130 + 30 * sin(2 * M_PI * 0.7 * t);
        double env = 0.55 + 0.45 * sin(2 * M_PI * 3.1 * t);
        x[i] = (float)(amp * env * (sin(2 * M_PI * f0 * t) + 0.4 * sin(4 * M_PI * f0 * t)));
    }
    return x;
}

static double cosine(const float *a, const float *b, int n)
{
    double s = 0;
    for (int i = 0; i < n; i++)
        s += (double)a[i] * b[i];
    return s;
}

static myna_status embed(myna_speaker_encoder *e, const float *x, size_t n, int ch, int rate,
                         float *out, char *err)
{
    return myna_speaker_embed(e, x, n, ch, rate, out, (size_t)myna_speaker_encoder_dim(e), err,
                              256);
}

static void test_audio_errors(myna_speaker_encoder *e)
{
    char err[256];
    float out[DIM_MAX];
    int rate = 16000, dim = myna_speaker_encoder_dim(e);
    size_t n = 3 * (size_t)rate;
    float *x = speechlike(n, rate, 0.3f);
    CHECK(embed(e, x, 0, 1, rate, out, err) == MYNA_ERR_AUDIO_EMPTY && strstr(err, "empty"));
    CHECK(embed(e, x, (size_t)rate / 2, 1, rate, out, err) == MYNA_ERR_AUDIO_TOO_SHORT);
    float *quiet = calloc(n, sizeof *quiet);
    CHECK(embed(e, quiet, n, 1, rate, out, err) == MYNA_ERR_AUDIO_SILENT && strstr(err, "silent"));
    for (size_t i = 0; i < n; i++)
        quiet[i] = x[i] * 20 > 1 ? 1 : x[i] * 20 < -1 ? -1 : x[i] * 20;
    CHECK(embed(e, quiet, n, 1, rate, out, err) == MYNA_ERR_AUDIO_CLIPPED && strstr(err, "clipped"));
    memcpy(quiet, x, n * sizeof *x);
    quiet[n / 2] = NAN;
    CHECK(embed(e, quiet, n, 1, rate, out, err) == MYNA_ERR_AUDIO_NOT_FINITE);
    quiet[n / 2] = INFINITY;
    CHECK(embed(e, quiet, n, 1, rate, out, err) == MYNA_ERR_AUDIO_NOT_FINITE);
    free(quiet);
    CHECK(embed(e, x, n, 1, 999, out, err) == MYNA_ERR_INVALID_ARGUMENT && strstr(err, "999 Hz"));
    CHECK(embed(e, x, n, 1, 1000000, out, err) == MYNA_ERR_INVALID_ARGUMENT);
    CHECK(embed(e, x, n, 0, rate, out, err) == MYNA_ERR_INVALID_ARGUMENT);
    CHECK(embed(e, NULL, n, 1, rate, out, err) == MYNA_ERR_INVALID_ARGUMENT);
    CHECK(myna_speaker_embed(e, x, n, 1, rate, out, (size_t)dim + 1, err, sizeof err) ==
          MYNA_ERR_INVALID_ARGUMENT);
    CHECK(myna_speaker_embed(NULL, x, n, 1, rate, out, (size_t)dim, err, sizeof err) ==
          MYNA_ERR_INVALID_ARGUMENT);
    free(x);
}

static void test_invariances(myna_speaker_encoder *e)
{
    char err[256] = "";
    int dim = myna_speaker_encoder_dim(e);
    float a[DIM_MAX], b[DIM_MAX];
    size_t n = 3 * 22050;
    float *x = speechlike(n, 22050, 0.3f), *st = malloc(2 * n * sizeof *st);
    CHECK(embed(e, x, n, 1, 22050, a, err) == MYNA_OK);
    double norm = cosine(a, a, dim);
    CHECK_MSG(fabs(norm - 1) < 1e-5, "embedding norm^2 %g", norm);
    for (size_t i = 0; i < n; i++)
        st[2 * i] = st[2 * i + 1] = x[i];
    CHECK(embed(e, st, n, 2, 22050, b, err) == MYNA_OK);
    CHECK_MSG(memcmp(a, b, (size_t)dim * sizeof *a) == 0, "stereo copy differs from mono");
    for (size_t i = 0; i < n; i++)
        x[i] *= 0.25f;
    CHECK(embed(e, x, n, 1, 22050, b, err) == MYNA_OK);
    printf("cosine, -12 dB copy: %.6f\n", cosine(a, b, dim));
    CHECK(cosine(a, b, dim) > 0.999);
    free(x);
    x = speechlike(3 * 16000, 16000, 0.3f);
    CHECK(embed(e, x, 3 * 16000, 1, 16000, b, err) == MYNA_OK);
    printf("cosine, the same signal made at 16 kHz: %.6f\n", cosine(a, b, dim));
    CHECK(cosine(a, b, dim) > 0.95);
    free(x);
    free(st);
}

int main(void)
{
    char path[1024], err[256] = "";
    const char *src = getenv("MYNA_SOURCE_DIR");
    snprintf(path, sizeof path, "%s/tests/models/fixtures/tiny_spkenc_int8.myna", src ? src : ".");
    myna_speaker_encoder *e = NULL;
    CHECK_MSG(myna_speaker_encoder_open(path, NULL, &e, err, sizeof err) == MYNA_OK, "%s", err);
    if (e) {
        CHECK(myna_speaker_encoder_dim(e) > 0 && myna_speaker_encoder_dim(e) <= DIM_MAX);
        test_audio_errors(e);
        test_invariances(e);
    }
    myna_speaker_encoder_close(e);
    myna_speaker_encoder *bad = NULL;
    snprintf(path, sizeof path, "%s/tests/models/fixtures/tiny_f32.myna", src ? src : ".");
    CHECK(myna_speaker_encoder_open(path, NULL, &bad, err, sizeof err) == MYNA_ERR_VOICE_FORMAT &&
          !bad && strstr(err, "not a speaker encoder"));
    CHECK(myna_speaker_encoder_open("/nonexistent/enc.myna", NULL, &bad, err, sizeof err) ==
              MYNA_ERR_VOICE_NOT_FOUND && !bad);
    CHECK(myna_speaker_encoder_open(NULL, NULL, NULL, err, sizeof err) == MYNA_ERR_INVALID_ARGUMENT);
    myna_speaker_encoder_close(NULL);
    CHECK(myna_speaker_encoder_dim(NULL) == 0);
    return check_summary("test_speaker_api");
}
