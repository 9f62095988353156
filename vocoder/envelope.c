/* Spectral-envelope shaping (see envelope.h for the definition).
 *
 * Each pass turns a source known over a frame range into its shaped version over a narrower
 * one: output frames [lo, hi) need the analysis frames within `reach` (= ceil(n_fft/2 / hop))
 * of them, and those read input samples up to 2 * reach frames away. So pass p-1 is computed
 * over its successor's range widened by 2 * reach frames on each side (clipped to the
 * sentence), and the first pass reads the whole-sentence excitation. Every output sample sums
 * the same frames in the same order whatever the range, so blocks agree bit for bit with a
 * whole-sentence run. */
#include "envelope.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "synth/dsp/fft_plan.h"
#include "synth/dsp/stft.h"

#define ENV_MAX_LOG_GAIN 12.0

struct env_shaper {
    int n_fft, hop, n_bins, n_mels, passes, reach;
    double log_floor;
    float *window;         /* [n_fft] */
    float *fb;             /* [n_mels][n_bins] */
    int *band_lo, *band_hi; /* nonzero bins [lo, hi) of each filter */
    double *bin_scale;     /* 1 / sum_m fb[m][k], 0 where no filter covers bin k */
    int *bin_nearest;      /* band whose gain an uncovered bin takes, -1 if covered */
    double *gain_band;     /* [n_mels] */
    double *gain_bin;      /* [n_bins] */
    float *frame;          /* [n_fft] fftw real side */
    fftwf_complex *spec;   /* [n_bins] fftw complex side */
    fftwf_plan fwd, inv;
    float *pass_buf[2];    /* intermediate passes' outputs */
    double *acc, *norm;    /* overlap-add accumulators */
    size_t cap;            /* samples each of pass_buf, acc and norm hold */
};

void env_destroy(env_shaper *e)
{
    if (!e) return;
    fft_plan_destroy(e->fwd);
    fft_plan_destroy(e->inv);
    fftwf_free(e->frame);
    fftwf_free(e->spec);
    free(e->window);
    free(e->fb);
    free(e->band_lo);
    free(e->band_hi);
    free(e->bin_scale);
    free(e->bin_nearest);
    free(e->gain_band);
    free(e->gain_bin);
    free(e->pass_buf[0]);
    free(e->pass_buf[1]);
    free(e->acc);
    free(e->norm);
    free(e);
}

/* Filter ranges, bin weights and the band each uncovered bin borrows. */
static void build_gain_map(env_shaper *e)
{
    const int nb = e->n_bins;
    for (int m = 0; m < e->n_mels; m++) {
        const float *w = e->fb + (size_t)m * nb;
        int lo = 0, hi = nb;
        while (lo < nb && w[lo] == 0.0f)
            lo++;
        while (hi > lo && w[hi - 1] == 0.0f)
            hi--;
        e->band_lo[m] = lo;
        e->band_hi[m] = hi;
    }
    for (int k = 0; k < nb; k++) {
        double total = 0.0;
        for (int m = 0; m < e->n_mels; m++)
            total += e->fb[(size_t)m * nb + k];
        e->bin_scale[k] = total > 0.0 ? 1.0 / total : 0.0;
    }
    for (int k = 0; k < nb; k++) {
        e->bin_nearest[k] = -1;
        if (e->bin_scale[k] > 0.0) continue;
        int near = -1;
        for (int d = 1; d < nb && near < 0; d++) /* lower bin first on a tie, as numpy */
            if (k - d >= 0 && e->bin_scale[k - d] > 0.0)
                near = k - d;
            else if (k + d < nb && e->bin_scale[k + d] > 0.0)
                near = k + d;
        int best = 0;
        for (int m = 1; near >= 0 && m < e->n_mels; m++)
            if (e->fb[(size_t)m * nb + near] > e->fb[(size_t)best * nb + near]) best = m;
        e->bin_nearest[k] = near >= 0 ? best : 0;
    }
}

int env_create(const env_params *p, env_shaper **out)
{
    if (!out) return ENV_ERR_ARG;
    *out = NULL;
    if (!p || !p->filterbank || p->n_fft < 2 || p->n_fft > (1 << 16) || p->n_fft % 2 != 0 ||
        p->hop < 1 || p->win < 1 || p->win > p->n_fft || 2 * p->hop > p->win || p->n_mels < 1 ||
        p->n_mels > (1 << 16) || p->passes < 1 || p->passes > ENV_MAX_PASSES ||
        !(p->log_floor > 0.0f) || !isfinite(p->log_floor))
        return ENV_ERR_ARG;
    env_shaper *e = calloc(1, sizeof *e);
    if (!e) return ENV_ERR_NOMEM;
    e->n_fft = p->n_fft;
    e->hop = p->hop;
    e->n_bins = p->n_fft / 2 + 1;
    e->n_mels = p->n_mels;
    e->passes = p->passes;
    e->reach = (p->n_fft / 2 + p->hop - 1) / p->hop;
    e->log_floor = p->log_floor;
    size_t fb_cells = (size_t)e->n_mels * (size_t)e->n_bins;
    e->window = malloc((size_t)e->n_fft * sizeof *e->window);
    e->fb = malloc(fb_cells * sizeof *e->fb);
    e->band_lo = malloc((size_t)e->n_mels * sizeof *e->band_lo);
    e->band_hi = malloc((size_t)e->n_mels * sizeof *e->band_hi);
    e->bin_scale = malloc((size_t)e->n_bins * sizeof *e->bin_scale);
    e->bin_nearest = malloc((size_t)e->n_bins * sizeof *e->bin_nearest);
    e->gain_band = malloc((size_t)e->n_mels * sizeof *e->gain_band);
    e->gain_bin = malloc((size_t)e->n_bins * sizeof *e->gain_bin);
    e->frame = fftwf_malloc((size_t)e->n_fft * sizeof *e->frame);
    e->spec = fftwf_malloc((size_t)e->n_bins * sizeof *e->spec);
    if (!e->window || !e->fb || !e->band_lo || !e->band_hi || !e->bin_scale || !e->bin_nearest ||
        !e->gain_band || !e->gain_bin || !e->frame || !e->spec) {
        env_destroy(e);
        return ENV_ERR_NOMEM;
    }
    memcpy(e->fb, p->filterbank, fb_cells * sizeof *e->fb);
    for (size_t i = 0; i < fb_cells; i++)
        if (!isfinite(e->fb[i]) || e->fb[i] < 0.0f) {
            env_destroy(e);
            return ENV_ERR_ARG;
        }
    stft_window(e->n_fft, p->win, e->window);
    build_gain_map(e);
    e->fwd = fft_plan_r2c(e->n_fft, e->frame, e->spec);
    e->inv = fft_plan_c2r(e->n_fft, e->spec, e->frame);
    if (!e->fwd || !e->inv) {
        env_destroy(e);
        return ENV_ERR_NOMEM;
    }
    *out = e;
    return ENV_OK;
}

static int reserve(env_shaper *e, size_t samples)
{
    if (samples <= e->cap) return 1;
    float *a = realloc(e->pass_buf[0], samples * sizeof *a);
    if (a) e->pass_buf[0] = a;
    float *b = realloc(e->pass_buf[1], samples * sizeof *b);
    if (b) e->pass_buf[1] = b;
    double *c = realloc(e->acc, samples * sizeof *c);
    if (c) e->acc = c;
    double *d = realloc(e->norm, samples * sizeof *d);
    if (d) e->norm = d;
    if (!a || !b || !c || !d) return 0;
    e->cap = samples;
    return 1;
}

/* Per-bin gains for analysis frame f (spectrum in e->spec) against logmel row `target`. */
static void frame_gains(env_shaper *e, const float *target)
{
    const int nb = e->n_bins;
    double *mag = e->gain_bin; /* reused: magnitudes first, gains after */
    for (int k = 0; k < nb; k++) {
        double re = e->spec[k][0], im = e->spec[k][1];
        mag[k] = sqrt(re * re + im * im);
    }
    for (int m = 0; m < e->n_mels; m++) {
        const float *w = e->fb + (size_t)m * nb;
        double v = 0.0;
        for (int k = e->band_lo[m]; k < e->band_hi[m]; k++)
            v += (double)w[k] * mag[k];
        double lg = (double)target[m] - log(v < e->log_floor ? e->log_floor : v);
        /* NaN (a corrupt target) silences the band; the cap keeps a silent source from
         * being amplified into noise bursts. */
        e->gain_band[m] = isnan(lg) ? 0.0 : exp(lg > ENV_MAX_LOG_GAIN ? ENV_MAX_LOG_GAIN : lg);
    }
    for (int k = 0; k < nb; k++)
        e->gain_bin[k] = 0.0;
    for (int m = 0; m < e->n_mels; m++) {
        const float *w = e->fb + (size_t)m * nb;
        for (int k = e->band_lo[m]; k < e->band_hi[m]; k++)
            e->gain_bin[k] += (double)w[k] * e->gain_band[m];
    }
    for (int k = 0; k < nb; k++)
        e->gain_bin[k] = e->bin_nearest[k] >= 0 ? e->gain_band[e->bin_nearest[k]]
                                                : e->gain_bin[k] * e->bin_scale[k];
}

/* One pass: src holds samples of frames [s_lo, s_hi) of a sentence of n_frames frames; writes
 * the shaped frames [lo, hi) to dst. */
static void shape_pass(env_shaper *e, const float *src, int s_lo, int s_hi, const float *logmel,
                       int n_frames, int lo, int hi, float *dst)
{
    const long hop = e->hop, n_fft = e->n_fft, half = n_fft / 2;
    const long len = (long)n_frames * hop, o0 = lo * hop, o1 = hi * hop;
    const long src0 = s_lo * hop, src1 = s_hi * hop;
    const double inv_n = 1.0 / (double)n_fft;
    memset(e->acc, 0, (size_t)(o1 - o0) * sizeof *e->acc);
    memset(e->norm, 0, (size_t)(o1 - o0) * sizeof *e->norm);
    int f0 = lo - e->reach < 0 ? 0 : lo - e->reach;
    int f1 = hi + e->reach > n_frames ? n_frames : hi + e->reach;
    for (int f = f0; f < f1; f++) {
        long start = (long)f * hop - half;
        if (start + n_fft <= o0 || start >= o1) continue;
        if (start >= src0 && start + n_fft <= src1) { /* inside the source: no reflection */
            for (long i = 0; i < n_fft; i++)
                e->frame[i] = src[start - src0 + i] * e->window[i];
        } else {
            for (long i = 0; i < n_fft; i++) {
                long j = stft_reflect(start + i, len);
                /* Always inside [src0, src1) by construction (see the file comment). */
                float x = j >= src0 && j < src1 ? src[j - src0] : 0.0f;
                e->frame[i] = x * e->window[i];
            }
        }
        fftwf_execute(e->fwd);
        frame_gains(e, logmel + (size_t)f * (size_t)e->n_mels);
        for (int k = 0; k < e->n_bins; k++) {
            e->spec[k][0] = (float)(e->spec[k][0] * e->gain_bin[k]);
            e->spec[k][1] = (float)(e->spec[k][1] * e->gain_bin[k]);
        }
        fftwf_execute(e->inv);
        long i0 = o0 - start > 0 ? o0 - start : 0;
        long i1 = o1 - start < n_fft ? o1 - start : n_fft;
        for (long i = i0; i < i1; i++) {
            double w = e->window[i];
            e->acc[start + i - o0] += e->frame[i] * inv_n * w;
            e->norm[start + i - o0] += w * w;
        }
    }
    for (long n = 0; n < o1 - o0; n++)
        dst[n] = e->norm[n] > 0.0 ? (float)(e->acc[n] / e->norm[n]) : 0.0f;
}

int env_shape(env_shaper *e, const float *exc, const float *logmel, int n_frames, int lo, int hi,
              float *out)
{
    if (!e || !exc || !logmel || !out || n_frames < 0 || lo < 0 || hi < lo || hi > n_frames)
        return ENV_ERR_ARG;
    if (lo == hi) return ENV_OK;
    int r_lo[ENV_MAX_PASSES], r_hi[ENV_MAX_PASSES];
    r_lo[e->passes - 1] = lo;
    r_hi[e->passes - 1] = hi;
    for (int p = e->passes - 1; p > 0; p--) {
        int widen = 2 * e->reach;
        r_lo[p - 1] = r_lo[p] - widen < 0 ? 0 : r_lo[p] - widen;
        r_hi[p - 1] = r_hi[p] + widen > n_frames ? n_frames : r_hi[p] + widen;
    }
    if (!reserve(e, (size_t)(r_hi[0] - r_lo[0]) * (size_t)e->hop)) return ENV_ERR_NOMEM;
    const float *src = exc;
    int s_lo = 0, s_hi = n_frames;
    for (int p = 0; p < e->passes; p++) {
        float *dst = p == e->passes - 1 ? out : e->pass_buf[p % 2];
        shape_pass(e, src, s_lo, s_hi, logmel, n_frames, r_lo[p], r_hi[p], dst);
        src = dst;
        s_lo = r_lo[p];
        s_hi = r_hi[p];
    }
    return ENV_OK;
}
