/* Log-mel analysis of audio, exactly as training computes it (training/myna/audio.py,
 * MelSpec.numpy; the definition is docs/models.md, "Shared metadata"):
 *
 *   logmel[f][m] = ln(max(sum_k fb[m][k] |X_f[k]|, log_floor))
 *
 * where X_f is the n_fft-point FFT of frame f, centred on sample f*hop of the reflect-padded
 * signal (n_fft/2 on both sides) and weighted by a periodic Hann window of win samples centred
 * in n_fft (stft.h). The C engine needs this to analyse audio the way the voices were trained
 * (e.g. to compare its output to a reference, or to feed recorded audio to a model).
 *
 * The FFT is single-precision FFTW; the magnitudes, the filterbank product and the log are in
 * double, so the result differs from numpy's double FFT only by float32 rounding of the FFT.
 *
 * Threads: logmel_create and logmel_destroy plan under fft_plan.h's lock, so any thread may
 * call them. A handle holds scratch buffers: one thread at a time per handle for
 * logmel_compute; distinct handles may compute in parallel. */
#ifndef MYNA_LOGMEL_H
#define MYNA_LOGMEL_H

enum {
    LOGMEL_OK = 0,
    LOGMEL_ERR_ARG = -1,   /* invalid parameters or input */
    LOGMEL_ERR_NOMEM = -2, /* allocation or FFTW planning failed */
};

typedef struct logmel logmel;

typedef struct {
    int sample_rate;         /* Hz; not used by the arithmetic, kept for the caller's checks */
    int n_fft;               /* even (training asserts it; padding is n_fft/2), <= 65536 */
    int hop, win, n_mels;    /* 1 <= win <= n_fft */
    float log_floor;         /* > 0: ln(0) would be -inf */
    const float *filterbank; /* [n_mels][n_fft/2+1], copied by logmel_create */
} logmel_params;

/* Validates p and prepares window, filterbank copy, buffers and the FFT plan.
 * On failure *out is NULL and the result is LOGMEL_ERR_ARG or LOGMEL_ERR_NOMEM. */
int logmel_create(const logmel_params *p, logmel **out);
void logmel_destroy(logmel *m); /* NULL is ignored */

/* Frames for n_samples of audio: n_samples / hop + 1, as MelSpec (frame f is centred on sample
 * f*hop). LOGMEL_ERR_ARG for n_samples < 1 (training cannot reflect-pad empty audio either) or
 * a count that does not fit an int. */
int logmel_frames(const logmel *m, long n_samples);

/* out[logmel_frames(m, n_samples)][n_mels] = log-mel of x[n_samples]. Any n_samples >= 1 works:
 * signals shorter than the padding are reflected as often as needed, as numpy.pad does (one
 * sample is repeated). NaN in the input gives NaN out, as in numpy. 0 or LOGMEL_ERR_ARG. */
int logmel_compute(logmel *m, const float *x, long n_samples, float *out);

#endif
