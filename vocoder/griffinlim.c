/* Griffin-Lim mel inversion.
 *
 * 1. Linear magnitude from the mel: S = max(0, pinv(fb) @ exp(mel)), with the pseudo-inverse
 *    fb^T (fb fb^T + eps I)^-1 (eps keeps empty low filters from making it singular).
 * 2. Phase retrieval: alternate inverse STFT (periodic Hann, overlap-add normalised by the summed
 *    squared window) and STFT (frames centred on f*hop, reflect padding; stft.h), keeping the
 *    phase and imposing S, for p->iterations rounds.
 *
 * FFTW plans are made per call with FFTW_ESTIMATE (fast, deterministic, no wisdom) under
 * fft_plan.h's lock, so gl_render may run in several threads at once. */
#include "griffinlim.h"
#include "synth/dsp/fft_plan.h"
#include "synth/dsp/stft.h"

#include <fftw3.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum { GL_ERR_ARG = -1, GL_ERR_NOMEM = -2 };

static const double GL_PI = 3.14159265358979323846;

typedef struct {
    int n_fft, hop, n_bins, n_frames, len; /* len = n_frames * hop output samples */
    float *window;                         /* [n_fft], periodic Hann of win samples, centred */
    float *frame;                          /* fftw buffers */
    fftwf_complex *spec;
    fftwf_plan fwd, inv;
} gl_stft;

/* Solves the n x n symmetric positive definite system G X = B (B: n x m) in place (Cholesky).
 * Returns 0, or -1 if G is not positive definite. */
static int cholesky_solve(double *G, int n, double *B, int m)
{
    for (int j = 0; j < n; j++) {
        double d = G[j * n + j];
        for (int k = 0; k < j; k++)
            d -= G[j * n + k] * G[j * n + k];
        if (!(d > 0)) return -1;
        G[j * n + j] = sqrt(d);
        for (int i = j + 1; i < n; i++) {
            double v = G[i * n + j];
            for (int k = 0; k < j; k++)
                v -= G[i * n + k] * G[j * n + k];
            G[i * n + j] = v / G[j * n + j];
        }
    }
    for (int c = 0; c < m; c++) {
        for (int i = 0; i < n; i++) { /* L y = b */
            double v = B[i * m + c];
            for (int k = 0; k < i; k++)
                v -= G[i * n + k] * B[k * m + c];
            B[i * m + c] = v / G[i * n + i];
        }
        for (int i = n - 1; i >= 0; i--) { /* L^T x = y */
            double v = B[i * m + c];
            for (int k = i + 1; k < n; k++)
                v -= G[k * n + i] * B[k * m + c];
            B[i * m + c] = v / G[i * n + i];
        }
    }
    return 0;
}

/* pinv [n_bins][n_mels] = fb^T (fb fb^T + eps I)^-1. */
static int mel_pseudo_inverse(const float *fb, int n_mels, int n_bins, float *pinv)
{
    double *G = calloc((size_t)n_mels * (size_t)n_mels, sizeof *G);
    double *Bt = malloc((size_t)n_mels * (size_t)n_bins * sizeof *Bt); /* fb, then solved */
    if (!G || !Bt) {
        free(G);
        free(Bt);
        return GL_ERR_NOMEM;
    }
    double trace = 0;
    for (int i = 0; i < n_mels; i++)
        for (int j = 0; j <= i; j++) {
            double s = 0;
            for (int k = 0; k < n_bins; k++)
                s += (double)fb[(size_t)i * n_bins + k] * fb[(size_t)j * n_bins + k];
            G[i * n_mels + j] = G[j * n_mels + i] = s;
        }
    for (int i = 0; i < n_mels; i++)
        trace += G[i * n_mels + i];
    double eps = (trace > 0 ? trace / n_mels : 1.0) * 1e-6;
    for (int i = 0; i < n_mels; i++)
        G[i * n_mels + i] += eps;
    for (size_t i = 0; i < (size_t)n_mels * (size_t)n_bins; i++)
        Bt[i] = fb[i];
    /* (fb fb^T + eps I)^-1 fb, transposed, is the pseudo-inverse. */
    int rc = cholesky_solve(G, n_mels, Bt, n_bins);
    if (rc == 0)
        for (int k = 0; k < n_bins; k++)
            for (int i = 0; i < n_mels; i++)
                pinv[(size_t)k * n_mels + i] = (float)Bt[(size_t)i * n_bins + k];
    free(G);
    free(Bt);
    return rc ? GL_ERR_ARG : 0;
}

static void stft_free(gl_stft *s)
{
    fft_plan_destroy(s->fwd);
    fft_plan_destroy(s->inv);
    fftwf_free(s->frame);
    fftwf_free(s->spec);
    free(s->window);
}

static int stft_init(gl_stft *s, const gl_params *p, int n_frames)
{
    memset(s, 0, sizeof *s);
    s->n_fft = p->n_fft;
    s->hop = p->hop;
    s->n_bins = p->n_fft / 2 + 1;
    s->n_frames = n_frames;
    s->len = n_frames * p->hop;
    s->window = calloc((size_t)p->n_fft, sizeof *s->window);
    s->frame = fftwf_malloc((size_t)p->n_fft * sizeof *s->frame);
    s->spec = fftwf_malloc((size_t)s->n_bins * sizeof *s->spec);
    if (!s->window || !s->frame || !s->spec) return GL_ERR_NOMEM;
    stft_window(p->n_fft, p->win, s->window);
    s->fwd = fft_plan_r2c(p->n_fft, s->frame, s->spec);
    s->inv = fft_plan_c2r(p->n_fft, s->spec, s->frame);
    return s->fwd && s->inv ? 0 : GL_ERR_NOMEM;
}

/* spec_out[f][k] = STFT of x (len samples). */
static void stft(gl_stft *s, const float *x, fftwf_complex *spec_out)
{
    for (int f = 0; f < s->n_frames; f++) {
        long start = (long)f * s->hop - s->n_fft / 2;
        stft_frame(x, s->len, start, s->window, s->n_fft, s->frame);
        fftwf_execute(s->fwd);
        memcpy(spec_out + (size_t)f * s->n_bins, s->spec, (size_t)s->n_bins * sizeof *s->spec);
    }
}

/* x (len samples) = overlap-add inverse of spec, normalised by the summed squared window. */
static void istft(gl_stft *s, const fftwf_complex *spec, float *acc, float *wsum, float *x)
{
    long padded = (long)s->len + s->n_fft;
    memset(acc, 0, (size_t)padded * sizeof *acc);
    memset(wsum, 0, (size_t)padded * sizeof *wsum);
    for (int f = 0; f < s->n_frames; f++) {
        memcpy(s->spec, spec + (size_t)f * s->n_bins, (size_t)s->n_bins * sizeof *s->spec);
        fftwf_execute(s->inv);
        long start = (long)f * s->hop; /* in the padded domain */
        for (int i = 0; i < s->n_fft; i++) {
            float w = s->window[i];
            acc[start + i] += s->frame[i] * w / (float)s->n_fft;
            wsum[start + i] += w * w;
        }
    }
    int pad = s->n_fft / 2;
    for (int n = 0; n < s->len; n++) {
        float w = wsum[n + pad];
        x[n] = w > 1e-8f ? acc[n + pad] / w : 0.0f;
    }
}

/* Deterministic start phase in [0, 2 pi) (a hash of the bin index; no global generator). */
static float start_phase(size_t i)
{
    uint32_t h = (uint32_t)i * 2654435761u;
    h ^= h >> 16;
    h *= 0x45d9f3bu;
    h ^= h >> 16;
    return (float)(2.0 * GL_PI * (h / 4294967296.0));
}

int gl_render(const gl_params *p, const float *mel, int n_frames, float *out)
{
    if (!p || !p->filterbank || p->n_fft < 2 || p->n_fft > (1 << 16) || p->hop < 1 || p->win < 1 ||
        p->win > p->n_fft || p->n_mels < 1 || p->iterations < 0 || n_frames < 0 ||
        (n_frames > 0 && (!mel || !out)) || (long)n_frames * p->hop > (1L << 30))
        return GL_ERR_ARG;
    if (n_frames == 0) return 0;
    gl_stft s;
    int rc = stft_init(&s, p, n_frames);
    const int n_bins = s.n_bins, n_mels = p->n_mels;
    const size_t cells = (size_t)n_frames * (size_t)n_bins;
    float *pinv = malloc((size_t)n_bins * (size_t)n_mels * sizeof *pinv);
    float *mag = malloc(cells * sizeof *mag);
    fftwf_complex *spec = fftwf_malloc(cells * sizeof *spec);
    float *acc = malloc(((size_t)s.len + (size_t)p->n_fft) * sizeof *acc);
    float *wsum = malloc(((size_t)s.len + (size_t)p->n_fft) * sizeof *wsum);
    double *lin_mel = malloc((size_t)n_mels * sizeof *lin_mel);
    if (!rc && (!pinv || !mag || !spec || !acc || !wsum || !lin_mel)) rc = GL_ERR_NOMEM;
    if (!rc) rc = mel_pseudo_inverse(p->filterbank, n_mels, n_bins, pinv);
    if (!rc) {
        for (int f = 0; f < n_frames; f++) {
            for (int i = 0; i < n_mels; i++) /* the mel is natural-log */
                lin_mel[i] = exp((double)mel[(size_t)f * n_mels + i]);
            for (int k = 0; k < n_bins; k++) {
                double v = 0;
                for (int i = 0; i < n_mels; i++)
                    v += (double)pinv[(size_t)k * n_mels + i] * lin_mel[i];
                mag[(size_t)f * n_bins + k] = v > 0 && isfinite(v) ? (float)v : 0.0f;
            }
        }
        for (size_t i = 0; i < cells; i++) {
            float ph = start_phase(i);
            spec[i][0] = mag[i] * cosf(ph);
            spec[i][1] = mag[i] * sinf(ph);
        }
        for (int it = 0; it < p->iterations; it++) {
            istft(&s, spec, acc, wsum, out);
            stft(&s, out, spec);
            for (size_t i = 0; i < cells; i++) {
                float re = spec[i][0], im = spec[i][1];
                float norm = sqrtf(re * re + im * im);
                float g = norm > 1e-12f ? mag[i] / norm : 0.0f;
                spec[i][0] = norm > 1e-12f ? re * g : mag[i];
                spec[i][1] = im * g;
            }
        }
        istft(&s, spec, acc, wsum, out);
    }
    free(pinv);
    free(mag);
    fftwf_free(spec);
    free(acc);
    free(wsum);
    free(lin_mel);
    stft_free(&s);
    return rc;
}
