/* Log-mel analysis (see logmel.h for the definition and the threading rules).
 *
 * The FFTW plan is made once per handle with FFTW_ESTIMATE: planning is fast and deterministic
 * (no measurement, no wisdom), and the same plan then serves every frame of every call. */
#include "logmel.h"
#include "fft_plan.h"
#include "stft.h"

#include <fftw3.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

struct logmel {
    int n_fft, hop, n_bins, n_mels;
    double log_floor;    /* compared in double, as numpy compares its float64 mel */
    float *window;       /* [n_fft] */
    float *fb;           /* [n_mels][n_bins], the caller's filterbank copied */
    float *frame;        /* [n_fft] fftw input */
    fftwf_complex *spec; /* [n_bins] fftw output */
    double *mag;         /* [n_bins] |X| of the current frame */
    fftwf_plan plan;
};

void logmel_destroy(logmel *m)
{
    if (!m) return;
    fft_plan_destroy(m->plan);
    fftwf_free(m->frame);
    fftwf_free(m->spec);
    free(m->window);
    free(m->fb);
    free(m->mag);
    free(m);
}

int logmel_create(const logmel_params *p, logmel **out)
{
    if (!out) return LOGMEL_ERR_ARG;
    *out = NULL;
    /* The size limits keep every product below (n_mels * n_bins, frame offsets) far from
     * overflow; they are the same bounds the voice loader accepts. */
    if (!p || !p->filterbank || p->sample_rate < 1 || p->n_fft < 2 || p->n_fft > (1 << 16) ||
        p->n_fft % 2 != 0 || p->hop < 1 || p->win < 1 || p->win > p->n_fft || p->n_mels < 1 ||
        p->n_mels > (1 << 16) || !(p->log_floor > 0.0f) || !isfinite(p->log_floor))
        return LOGMEL_ERR_ARG;
    logmel *m = calloc(1, sizeof *m);
    if (!m) return LOGMEL_ERR_NOMEM;
    m->n_fft = p->n_fft;
    m->hop = p->hop;
    m->n_bins = p->n_fft / 2 + 1;
    m->n_mels = p->n_mels;
    m->log_floor = p->log_floor;
    size_t fb_cells = (size_t)m->n_mels * (size_t)m->n_bins;
    m->window = malloc((size_t)m->n_fft * sizeof *m->window);
    m->fb = malloc(fb_cells * sizeof *m->fb);
    m->frame = fftwf_malloc((size_t)m->n_fft * sizeof *m->frame);
    m->spec = fftwf_malloc((size_t)m->n_bins * sizeof *m->spec);
    m->mag = malloc((size_t)m->n_bins * sizeof *m->mag);
    if (!m->window || !m->fb || !m->frame || !m->spec || !m->mag) {
        logmel_destroy(m);
        return LOGMEL_ERR_NOMEM;
    }
    memcpy(m->fb, p->filterbank, fb_cells * sizeof *m->fb);
    stft_window(m->n_fft, p->win, m->window);
    m->plan = fft_plan_r2c(m->n_fft, m->frame, m->spec);
    if (!m->plan) {
        logmel_destroy(m);
        return LOGMEL_ERR_NOMEM;
    }
    *out = m;
    return LOGMEL_OK;
}

int logmel_frames(const logmel *m, long n_samples)
{
    if (!m || n_samples < 1) return LOGMEL_ERR_ARG;
    long frames = n_samples / m->hop + 1;
    return frames > INT_MAX ? LOGMEL_ERR_ARG : (int)frames;
}

int logmel_compute(logmel *m, const float *x, long n_samples, float *out)
{
    int n_frames = logmel_frames(m, n_samples);
    if (n_frames < 0 || !x || !out) return LOGMEL_ERR_ARG;
    const int n_bins = m->n_bins, n_mels = m->n_mels;
    for (int f = 0; f < n_frames; f++) {
        /* Frame f is centred on sample f*hop: it starts n_fft/2 earlier, in the padding. */
        long start = (long)f * m->hop - m->n_fft / 2;
        stft_frame(x, n_samples, start, m->window, m->n_fft, m->frame);
        fftwf_execute(m->plan);
        for (int k = 0; k < n_bins; k++) {
            double re = m->spec[k][0], im = m->spec[k][1];
            m->mag[k] = sqrt(re * re + im * im);
        }
        float *row = out + (size_t)f * (size_t)n_mels;
        for (int i = 0; i < n_mels; i++) {
            const float *w = m->fb + (size_t)i * (size_t)n_bins;
            double v = 0.0;
            for (int k = 0; k < n_bins; k++)
                v += (double)w[k] * m->mag[k];
            /* Written so that NaN passes through like numpy's maximum (fmax would hide it). */
            row[i] = (float)log(v < m->log_floor ? m->log_floor : v);
        }
    }
    return LOGMEL_OK;
}
