/* Griffin-Lim: the log-mel of a pure tone, inverted, gives a signal whose spectrum peaks at
 * the tone's frequency with most of its energy nearby, at a comparable level. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "vocoder/griffinlim.h"

static const double PI = 3.14159265358979323846;

/* Slaney mel scale (docs/models.md): linear below 1 kHz, logarithmic above. */
static double hz_to_mel(double hz)
{
    const double f_sp = 200.0 / 3.0, logstep = log(6.4) / 27.0;
    return hz >= 1000.0 ? 1000.0 / f_sp + log(hz / 1000.0) / logstep : hz / f_sp;
}

static double mel_to_hz(double mel)
{
    const double f_sp = 200.0 / 3.0, logstep = log(6.4) / 27.0, min_log_mel = 1000.0 / f_sp;
    return mel >= min_log_mel ? 1000.0 * exp(logstep * (mel - min_log_mel)) : mel * f_sp;
}

/* Triangular, area-normalised filters [n_mels][n_fft/2+1]. */
static void slaney_filterbank(int sr, int n_fft, int n_mels, double f_lo, double f_hi, float *fb)
{
    int n_bins = n_fft / 2 + 1;
    double *edges = malloc((size_t)(n_mels + 2) * sizeof *edges);
    double m0 = hz_to_mel(f_lo), m1 = hz_to_mel(f_hi);
    for (int i = 0; i < n_mels + 2; i++)
        edges[i] = mel_to_hz(m0 + (m1 - m0) * i / (n_mels + 1));
    for (int m = 0; m < n_mels; m++)
        for (int k = 0; k < n_bins; k++) {
            double hz = (double)k * sr / n_fft;
            double rise = (hz - edges[m]) / (edges[m + 1] - edges[m]);
            double fall = (edges[m + 2] - hz) / (edges[m + 2] - edges[m + 1]);
            double v = fmax(0.0, fmin(rise, fall)) * 2.0 / (edges[m + 2] - edges[m]);
            fb[(size_t)m * n_bins + k] = (float)v;
        }
    free(edges);
}

/* Magnitude of the DFT of x (n samples, Hann-windowed) at frequency hz. */
static double dft_mag(const float *x, int n, double hz, int sr)
{
    double re = 0, im = 0;
    for (int i = 0; i < n; i++) {
        double w = 0.5 - 0.5 * cos(2 * PI * i / n);
        re += w * x[i] * cos(2 * PI * hz * i / sr);
        im -= w * x[i] * sin(2 * PI * hz * i / sr);
    }
    return sqrt(re * re + im * im);
}

/* Log-mel of x as docs/models.md defines it (centred frames, reflect padding, |STFT|). */
static void log_mel(const float *x, int n, const gl_params *p, int n_frames, float *mel)
{
    int n_bins = p->n_fft / 2 + 1, pad = p->n_fft / 2;
    double *mag = malloc((size_t)n_bins * sizeof *mag);
    double *frame = malloc((size_t)p->n_fft * sizeof *frame);
    double *cs = malloc((size_t)p->n_fft * sizeof *cs), *sn = malloc((size_t)p->n_fft * sizeof *sn);
    for (int i = 0; i < p->n_fft; i++) {
        cs[i] = cos(2 * PI * i / p->n_fft);
        sn[i] = sin(2 * PI * i / p->n_fft);
    }
    int off = (p->n_fft - p->win) / 2;
    for (int f = 0; f < n_frames; f++) {
        for (int i = 0; i < p->n_fft; i++) {
            long j = (long)f * p->hop - pad + i;
            if (j < 0) j = -j;
            if (j >= n) j = 2 * (n - 1) - j;
            int wi = i - off;
            double w = wi >= 0 && wi < p->win ? 0.5 - 0.5 * cos(2 * PI * wi / p->win) : 0.0;
            frame[i] = w * x[j];
        }
        for (int k = 0; k < n_bins; k++) {
            double re = 0, im = 0;
            for (int i = 0; i < p->n_fft; i++) {
                int ki = (int)(((long)k * i) % p->n_fft);
                re += frame[i] * cs[ki];
                im -= frame[i] * sn[ki];
            }
            mag[k] = sqrt(re * re + im * im);
        }
        for (int m = 0; m < p->n_mels; m++) {
            double v = 0;
            for (int k = 0; k < n_bins; k++)
                v += p->filterbank[(size_t)m * n_bins + k] * mag[k];
            mel[(size_t)f * p->n_mels + m] = (float)log(fmax(v, 1e-5));
        }
    }
    free(mag);
    free(frame);
    free(cs);
    free(sn);
}

static void check_tone(const gl_params *p, double tone_hz)
{
    const int n_frames = 24, n = n_frames * p->hop;
    float *x = malloc((size_t)n * sizeof *x), *y = malloc((size_t)n * sizeof *y);
    float *mel = malloc((size_t)n_frames * p->n_mels * sizeof *mel);
    for (int i = 0; i < n; i++)
        x[i] = (float)(0.5 * sin(2 * PI * tone_hz * i / p->sample_rate));
    log_mel(x, n, p, n_frames, mel);
    CHECK(gl_render(p, mel, n_frames, y) == 0);

    /* Peak search on a 5 Hz grid over the middle of the output (edges lack overlap). */
    int start = 2 * p->hop, len = n - 4 * p->hop;
    double best_hz = 0, best = -1, total = 0, near = 0;
    for (double hz = 50; hz < p->sample_rate / 2.0; hz += 5) {
        double m = dft_mag(y + start, len, hz, p->sample_rate);
        if (m > best) {
            best = m;
            best_hz = hz;
        }
        total += m * m;
        if (fabs(hz - tone_hz) <= 150) near += m * m;
    }
    double rms_x = 0, rms_y = 0;
    for (int i = start; i < start + len; i++) {
        rms_x += (double)x[i] * x[i];
        rms_y += (double)y[i] * y[i];
    }
    rms_x = sqrt(rms_x / len);
    rms_y = sqrt(rms_y / len);
    printf("tone %.0f Hz: peak at %.0f Hz, %.1f%% of energy within 150 Hz, rms %.3f (input %.3f)\n",
           tone_hz, best_hz, 100 * near / total, rms_y, rms_x);
    CHECK_MSG(fabs(best_hz - tone_hz) <= 30, "peak %.0f Hz for a %.0f Hz tone", best_hz, tone_hz);
    CHECK_MSG(near / total >= 0.8, "only %.2f of the energy near the tone", near / total);
    CHECK_MSG(rms_y > 0.3 * rms_x && rms_y < 3 * rms_x, "level %.3f vs %.3f", rms_y, rms_x);
    free(x);
    free(y);
    free(mel);
}

int main(void)
{
    const int sr = 22050, n_fft = 1024, n_mels = 80;
    float *fb = malloc((size_t)n_mels * (n_fft / 2 + 1) * sizeof *fb);
    slaney_filterbank(sr, n_fft, n_mels, 0.0, 8000.0, fb);
    gl_params p = {sr, n_fft, 256, 1024, n_mels, fb, 32};
    check_tone(&p, 440.0);
    check_tone(&p, 2500.0);

    /* Window shorter than the FFT, centred in it. */
    gl_params short_win = p;
    short_win.win = 800;
    check_tone(&short_win, 1000.0);

    /* Arguments. */
    float mel[80] = {0}, out[256];
    gl_params bad = p;
    CHECK(gl_render(&p, mel, 0, out) == 0);
    bad.hop = 0;
    CHECK(gl_render(&bad, mel, 1, out) < 0);
    bad = p;
    bad.win = 2048;
    CHECK(gl_render(&bad, mel, 1, out) < 0);
    bad = p;
    bad.filterbank = NULL;
    CHECK(gl_render(&bad, mel, 1, out) < 0);
    CHECK(gl_render(&p, mel, -1, out) < 0);
    /* A single frame (shorter than the reflect padding) still works. */
    CHECK(gl_render(&p, mel, 1, out) == 0);
    int finite = 1;
    for (int i = 0; i < 256; i++)
        finite &= isfinite(out[i]) != 0;
    CHECK(finite);
    free(fb);
    return check_summary("test_models_griffinlim");
}
