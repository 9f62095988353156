/* What the API layer knows about an open voice (shared by voice.c and synth.c). */
#ifndef MYNA_VOICE_INTERNAL_H
#define MYNA_VOICE_INTERNAL_H

#include "myna.h"
#include "synth/voice/voicefile.h"

struct myna_voice {
    vf_file *file;
    int sample_rate;
    int hop;
    int n_mels;
    int n_fft;
    int win;
    const char *language;
    const char *const *symbols;
    size_t n_symbols;
    size_t n_speakers;
    const float *filterbank; /* [n_mels][n_fft/2+1], for the Griffin-Lim debugging vocoder */
};

/* The first file `relative` (e.g. "encoders/speaker-encoder.myna") under a folder of the voice
 * search path (myna_voice_resolve's folders, in the same order). */
myna_status voice_path_find(const char *relative, char *path_out, size_t path_size);

#endif
