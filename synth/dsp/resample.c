/* See resample.h. */
#include "resample.h"

#include <samplerate.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int resample_mono(const float *x, size_t n, int rate_in, int rate_out, float **out,
                  size_t *n_out)
{
    if (out) *out = NULL;
    if (n_out) *n_out = 0;
    if (!x || !out || !n_out || n == 0 || rate_in < RESAMPLE_MIN_RATE ||
        rate_in > RESAMPLE_MAX_RATE || rate_out < RESAMPLE_MIN_RATE || rate_out > RESAMPLE_MAX_RATE)
        return RESAMPLE_ERR_ARG;
    double ratio = (double)rate_out / rate_in;
    /* libsamplerate counts frames in long; leave room for the ratio and its filter tail. */
    if ((double)n * ratio + 64 > (double)(INT32_MAX / 2)) return RESAMPLE_ERR_ARG;
    size_t cap = (size_t)((double)n * ratio) + 64;
    float *y = malloc(cap * sizeof *y);
    if (!y) return RESAMPLE_ERR_NOMEM;
    if (rate_in == rate_out) {
        memcpy(y, x, n * sizeof *y);
        *out = y, *n_out = n;
        return RESAMPLE_OK;
    }
    SRC_DATA d = {.data_in = x, .data_out = y, .input_frames = (long)n,
                  .output_frames = (long)cap, .end_of_input = 1, .src_ratio = ratio};
    if (src_simple(&d, SRC_SINC_MEDIUM_QUALITY, 1) != 0) {
        free(y);
        return RESAMPLE_ERR_LIBRARY;
    }
    *out = y, *n_out = (size_t)d.output_frames_gen;
    return RESAMPLE_OK;
}
