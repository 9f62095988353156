/* Tacotron-style acoustic model: phoneme ids -> log-mel frames + F0.
 * Computation and tensor names: docs/models.md ("Acoustic model"). Written only against the
 * runtime ops in synth/runtime/rt.h, so it runs on every backend. */
#ifndef MYNA_ACOUSTIC_H
#define MYNA_ACOUSTIC_H

#include <stddef.h>
#include <stdint.h>

#include "../runtime/rt.h"
#include "../voice/voicefile.h"

typedef struct ac_model ac_model;

typedef struct {
    float dur_scale;       /* 1 / speaking rate */
    float pitch_semitones; /* F0 shift */
    int speaker;           /* index into the voice's speakers */
    /* Optional frames per input symbol [n_ids] (teacher forcing, parity tests); NULL = use the
     * duration predictor. Still clipped to max_frames. */
    const int32_t *durations;
} ac_params;

/* Output of one sentence. Arrays are owned by the model and valid until the next run. */
typedef struct {
    int n_frames;
    int n_mels;
    const float *mel;       /* [n_frames][n_mels] natural-log mel */
    const float *f0;        /* [n_frames] Hz, 0 where unvoiced (pitch shift applied) */
    const int32_t *frames;  /* [n_ids] frames given to each input symbol */
} ac_output;

/* Reads hyper-parameters and weights from the voice file and uploads them to ctx.
 * Returns 0 or an rt_status / -100 for a voice file lacking something (err says what). */
int ac_model_load(const vf_file *vf, rt_ctx *ctx, ac_model **out, char *err, size_t err_len);
void ac_model_free(ac_model *m);
int ac_model_n_symbols(const ac_model *m);

/* max_frames bounds the output (absurd durations are clipped, never allocated). */
int ac_model_run(ac_model *m, const int32_t *ids, int n_ids, const ac_params *p, int max_frames,
                 ac_output *out);

#endif
