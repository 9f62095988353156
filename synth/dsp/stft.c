/* Shared STFT framing (see stft.h for the definition it implements). */
#include "stft.h"

#include <math.h>

static const double STFT_PI = 3.14159265358979323846;

void stft_window(int n_fft, int win, float *w)
{
    for (int i = 0; i < n_fft; i++)
        w[i] = 0.0f;
    int off = (n_fft - win) / 2;
    for (int i = 0; i < win; i++)
        w[off + i] = (float)(0.5 - 0.5 * cos(2.0 * STFT_PI * i / win));
}

long stft_reflect(long i, long len)
{
    if (len == 1) return 0;
    long period = 2 * (len - 1);
    i %= period;
    if (i < 0) i += period;
    return i < len ? i : period - i;
}

void stft_frame(const float *x, long len, long start, const float *window, int n_fft, float *frame)
{
    if (start >= 0 && start <= len - n_fft) { /* interior frame: no padding involved */
        for (int i = 0; i < n_fft; i++)
            frame[i] = x[start + i] * window[i];
        return;
    }
    for (int i = 0; i < n_fft; i++)
        frame[i] = x[stft_reflect(start + i, len)] * window[i];
}
