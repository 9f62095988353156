/* vocoder/logmel.c against a direct double-precision DFT of the docs/models.md definition
 * (centred frames, reflect padding bounced as often as needed, periodic Hann centred in n_fft,
 * magnitude, filterbank, ln(max(., floor))), including inputs shorter than the padding, plus
 * argument checks. tests/training/test_logmel.py compares with training's numpy code. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "synth/dsp/logmel.h"

static const double PI = 3.14159265358979323846;

/* Any fixed non-negative filterbank will do: the same one goes to both sides. Overlapping
 * triangles over the bins, with an empty first filter (as Slaney's lowest filters can be). */
static void test_filterbank(int n_mels, int n_bins, float *fb)
{
    for (int m = 0; m < n_mels; m++)
        for (int k = 0; k < n_bins; k++) {
            double c = (m + 1.0) * (n_bins - 1) / (n_mels + 1.0), half = (n_bins - 1.0) / n_mels;
            double v = 1.0 - fabs(k - c) / half;
            fb[(size_t)m * n_bins + k] = m == 0 ? 0.0f : (float)(v > 0 ? v / half : 0);
        }
}

/* Reflection written as repeated mirroring (the obvious definition), n == 1 repeats. */
static long mirror(long j, long n)
{
    if (n == 1) return 0;
    while (j < 0 || j >= n) {
        if (j < 0) j = -j;
        if (j >= n) j = 2 * (n - 1) - j;
    }
    return j;
}

static void reference(const logmel_params *p, const float *x, long n, float *out)
{
    int n_bins = p->n_fft / 2 + 1, off = (p->n_fft - p->win) / 2;
    long n_frames = n / p->hop + 1;
    double *frame = malloc((size_t)p->n_fft * sizeof *frame);
    double *mag = malloc((size_t)n_bins * sizeof *mag);
    for (long f = 0; f < n_frames; f++) {
        for (int i = 0; i < p->n_fft; i++) {
            int wi = i - off;
            float w = wi >= 0 && wi < p->win ? (float)(0.5 - 0.5 * cos(2 * PI * wi / p->win)) : 0;
            frame[i] = (double)(x[mirror(f * p->hop - p->n_fft / 2 + i, n)] * w);
        }
        for (int k = 0; k < n_bins; k++) {
            double re = 0, im = 0;
            for (int i = 0; i < p->n_fft; i++) {
                double a = 2 * PI * (double)(((long)k * i) % p->n_fft) / p->n_fft;
                re += frame[i] * cos(a);
                im -= frame[i] * sin(a);
            }
            mag[k] = sqrt(re * re + im * im);
        }
        for (int m = 0; m < p->n_mels; m++) {
            double v = 0;
            for (int k = 0; k < n_bins; k++)
                v += p->filterbank[(size_t)m * n_bins + k] * mag[k];
            out[f * p->n_mels + m] = (float)log(fmax(v, p->log_floor));
        }
    }
    free(frame);
    free(mag);
}

/* Checks logmel_compute against reference over lengths from 1 sample to several FFTs;
 * returns the largest error. */
static double check_against_reference(const logmel_params *p)
{
    logmel *m = NULL;
    double worst = 0;
    CHECK(logmel_create(p, &m) == LOGMEL_OK && m);
    if (!m) return INFINITY;
    /* shorter than the padding (several reflections), around one hop, half and one FFT */
    const long hop = p->hop, half = p->n_fft / 2, fft = p->n_fft;
    const long lengths[] = {1, 2, 3, 7, hop - 1, hop, half, half + 1, fft, 5 * fft + 3};
    for (size_t t = 0; t < sizeof lengths / sizeof lengths[0]; t++) {
        long n = lengths[t];
        int frames = logmel_frames(m, n);
        CHECK_MSG(frames == n / p->hop + 1, "%d frames for %ld samples", frames, n);
        float *x = malloc((size_t)n * sizeof *x);
        float *got = malloc((size_t)frames * p->n_mels * sizeof *got);
        float *want = malloc((size_t)frames * p->n_mels * sizeof *want);
        uint32_t s = 12345u + (uint32_t)n;
        for (long i = 0; i < n; i++) { /* a tone plus deterministic noise */
            s = s * 1664525u + 1013904223u;
            x[i] = (float)(0.4 * sin(0.3 * i) + 0.2 * ((s >> 8) / 16777216.0 - 0.5));
        }
        CHECK(logmel_compute(m, x, n, got) == LOGMEL_OK);
        reference(p, x, n, want);
        double err = 0;
        for (long i = 0; i < (long)frames * p->n_mels; i++)
            err = fmax(err, fabs((double)got[i] - want[i]));
        /* float32 FFT vs double DFT: ~1e-4 at worst, in bands far below the frame's peak
         * (a one-sample input makes a near-constant frame: all but the lowest bands are Hann
         * sidelobes); any framing or padding error is orders of magnitude larger. */
        CHECK_MSG(err < 1e-3, "n_fft %d win %d, %ld samples: max error %g", p->n_fft, p->win, n,
                  err);
        worst = fmax(worst, err);
        free(x);
        free(got);
        free(want);
    }
    logmel_destroy(m);
    return worst;
}

int main(void)
{
    const int n_fft = 64, n_mels = 8, n_bins = n_fft / 2 + 1;
    float fb[8 * 33];
    test_filterbank(n_mels, n_bins, fb);
    logmel_params p = {16000, n_fft, 16, n_fft, n_mels, 1e-5f, fb};
    double worst = check_against_reference(&p);
    logmel_params short_win = p; /* window shorter than the FFT, centred in it */
    short_win.win = 50;
    worst = fmax(worst, check_against_reference(&short_win));
    logmel_params odd_hop = p;
    odd_hop.hop = 23;
    worst = fmax(worst, check_against_reference(&odd_hop));

    /* Silence sits exactly on the floor. */
    logmel *m = NULL;
    CHECK(logmel_create(&p, &m) == LOGMEL_OK);
    float zeros[100] = {0}, out[7 * 8];
    CHECK(logmel_frames(m, 100) == 7);
    CHECK(logmel_compute(m, zeros, 100, out) == LOGMEL_OK);
    int on_floor = 1;
    for (int i = 0; i < 7 * 8; i++)
        on_floor &= out[i] == (float)log((double)1e-5f);
    CHECK(on_floor);
    /* NaN in, NaN out (as numpy), not a silently clamped value. */
    zeros[50] = NAN;
    CHECK(logmel_compute(m, zeros, 100, out) == LOGMEL_OK);
    CHECK(isnan(out[3 * 8 + 1]));

    /* Arguments. */
    CHECK(logmel_frames(m, 0) < 0);
    CHECK(logmel_frames(m, -5) < 0);
    CHECK(logmel_frames(NULL, 100) < 0);
    CHECK(logmel_compute(m, zeros, 0, out) == LOGMEL_ERR_ARG);
    CHECK(logmel_compute(m, NULL, 100, out) == LOGMEL_ERR_ARG);
    CHECK(logmel_compute(m, zeros, 100, NULL) == LOGMEL_ERR_ARG);
    CHECK(logmel_compute(NULL, zeros, 100, out) == LOGMEL_ERR_ARG);
    logmel_destroy(m);
    logmel_destroy(NULL);

    logmel_params bad[9];
    for (int i = 0; i < 9; i++)
        bad[i] = p;
    bad[0].filterbank = NULL;
    bad[1].n_fft = 63; /* odd */
    bad[2].n_fft = 0;
    bad[3].hop = 0;
    bad[4].win = 0;
    bad[5].win = n_fft + 1;
    bad[6].n_mels = 0;
    bad[7].log_floor = 0.0f;
    bad[8].sample_rate = 0;
    for (int i = 0; i < 9; i++) {
        static char sentinel;
        logmel *b = (logmel *)(void *)&sentinel; /* logmel_create must reset it to NULL */
        CHECK_MSG(logmel_create(&bad[i], &b) == LOGMEL_ERR_ARG && b == NULL, "bad params %d", i);
    }
    CHECK(logmel_create(NULL, &m) == LOGMEL_ERR_ARG && m == NULL);
    CHECK(logmel_create(&p, NULL) == LOGMEL_ERR_ARG);
    printf("max |logmel - double DFT reference| = %g\n", worst);
    return check_summary("test_models_logmel");
}
