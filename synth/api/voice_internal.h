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

#endif
