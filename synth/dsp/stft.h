/* Pieces of the STFT that docs/models.md ("Shared metadata") fixes for every Myna voice, shared
 * by the log-mel analysis and Griffin-Lim so both follow the same definition: a periodic Hann
 * window of `win` samples centred in `n_fft`, and frames centred on f*hop over the signal with
 * reflect padding (as numpy.pad(mode="reflect") and torch.stft(center=True) in training). */
#ifndef MYNA_STFT_H
#define MYNA_STFT_H

/* w[n_fft] = periodic Hann of win samples (0.5 - 0.5 cos(2 pi i / win), computed in double and
 * rounded to float like training's float32 window) at offset (n_fft - win) / 2, zeros around.
 * Requires 1 <= win <= n_fft. */
void stft_window(int n_fft, int win, float *w);

/* Index into [0, len) of position i (any integer) of the reflect-padded signal: reflection
 * without repeating the edge sample, bouncing as often as needed, so signals shorter than the
 * padding are handled exactly as numpy.pad(mode="reflect") does. len == 1 gives 0. len >= 1. */
long stft_reflect(long i, long len);

/* frame[n_fft] = window * x[reflect(start + i)], i in [0, n_fft): the analysis frame that starts
 * at position start of the signal (len samples, len >= 1); start = f*hop - n_fft/2 for the frame
 * centred on sample f*hop. Never reads outside x[0, len). */
void stft_frame(const float *x, long len, long start, const float *window, int n_fft, float *frame);

#endif
