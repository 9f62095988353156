/* src_process() in a loop over a fixed output block: input of any length in, output handed
 * on as it is made, so a long chunk needs no output buffer of its own size. */
#include <samplerate.h>
#include <stdlib.h>

#include "rate_converter.h"

#define BLOCK 4096 /* output samples per src_process call */

struct rate_converter {
    SRC_STATE *src;
    double ratio;
    float out[BLOCK];
};

rate_converter *rate_converter_create(int rate_in, int rate_out)
{
    rate_converter *c = calloc(1, sizeof *c);
    if (!c) return NULL;
    int err = 0;
    c->ratio = (double)rate_out / rate_in;
    /* Medium sinc: as synth/dsp/resample.c, flat to 90 % of Nyquist, 97 dB rejection. */
    c->src = src_is_valid_ratio(c->ratio) ? src_new(SRC_SINC_MEDIUM_QUALITY, 1, &err) : NULL;
    if (!c->src) {
        free(c);
        return NULL;
    }
    return c;
}

void rate_converter_destroy(rate_converter *c)
{
    if (!c) return;
    src_delete(c->src);
    free(c);
}

int rate_converter_push(rate_converter *c, const float *x, size_t n, int last,
                        int (*fn)(const float *y, size_t m, void *user), void *user)
{
    for (;;) {
        SRC_DATA d = {0};
        d.data_in = x;
        d.input_frames = (long)n;
        d.data_out = c->out;
        d.output_frames = BLOCK;
        d.end_of_input = last;
        d.src_ratio = c->ratio;
        if (src_process(c->src, &d) != 0) return -1;
        x += d.input_frames_used;
        n -= (size_t)d.input_frames_used;
        if (d.output_frames_gen > 0) {
            int rc = fn(c->out, (size_t)d.output_frames_gen, user);
            if (rc) return rc;
        }
        /* Done when the input is used up and, when flushing, nothing more comes out. */
        if (!n && (!last || d.output_frames_gen == 0)) return 0;
    }
}
