/* Streaming sample-rate conversion of mono float audio (libsamplerate), for encoders that
 * only take some rates (Opus: 8, 12, 16, 24 or 48 kHz). The whole-buffer converter of
 * synth/dsp/ is below the public API; the daemon keeps to include/myna.h and uses
 * libsamplerate itself, with the same converter quality. */
#ifndef MYNA_RATE_CONVERTER_H
#define MYNA_RATE_CONVERTER_H

#include <stddef.h>

typedef struct rate_converter rate_converter;

/* NULL when out of memory or libsamplerate refuses the ratio. */
rate_converter *rate_converter_create(int rate_in, int rate_out);
void rate_converter_destroy(rate_converter *c);

/* Converts x[n] (n = 0 with last = 1 flushes what the filter holds) and calls
 * fn(y, m, user) for each block produced; stops at fn's first nonzero return and returns
 * it. 0, or -1 when libsamplerate fails. */
int rate_converter_push(rate_converter *c, const float *x, size_t n, int last,
                        int (*fn)(const float *y, size_t m, void *user), void *user);

#endif
