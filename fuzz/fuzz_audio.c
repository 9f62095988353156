/* libFuzzer target for reference audio: any byte string goes through the audio file reader
 * (libsndfile, app/audio/audio_file.c) and, when it decodes, through myna_speaker_embed with
 * the tiny fixture encoder. Either must refuse with a message or give a unit-length embedding. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "app/audio/audio_file.h"
#include "myna.h"

static myna_speaker_encoder *encoder(void)
{
    static myna_speaker_encoder *enc;
    if (!enc) {
        char err[256] = "";
        myna_options o;
        myna_options_default(&o);
        o.backend = MYNA_BACKEND_CPU;
        o.threads = 1;
        if (myna_speaker_encoder_open(MYNA_FUZZ_ENCODER, &o, &enc, err, sizeof err) != MYNA_OK) {
            fprintf(stderr, "fuzz_audio: %s\n", err);
            abort();
        }
    }
    return enc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    myna_speaker_encoder *enc = encoder();
    char err[256] = "";
    audio_clip clip;
    if (audio_file_read_memory(data, size, &clip, err, sizeof err) != 0) {
        if (!err[0]) abort(); /* a refusal always says why */
        return 0;
    }
    float e[64];
    int dim = myna_speaker_encoder_dim(enc);
    myna_status st = myna_speaker_embed(enc, clip.samples, clip.frames, clip.channels,
                                        clip.sample_rate, e, (size_t)dim, err, sizeof err);
    if (st == MYNA_OK) {
        double n = 0;
        for (int i = 0; i < dim; i++)
            n += (double)e[i] * e[i];
        if (!(fabs(n - 1) < 1e-3)) abort();
    } else if (!err[0]) {
        abort();
    }
    free(clip.samples);
    return 0;
}
