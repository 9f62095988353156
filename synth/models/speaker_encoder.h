/* Speaker encoder: log-mel frames of speech -> L2-normalised speaker embedding.
 * Computation and tensor names: docs/models.md ("Speaker encoder"); the PyTorch definition it
 * mirrors is training/myna/speaker.py. Written only against the runtime ops of
 * synth/runtime/rt.h, so it runs on every backend. */
#ifndef MYNA_SPEAKER_ENCODER_H
#define MYNA_SPEAKER_ENCODER_H

#include <stddef.h>

#include "../runtime/rt.h"
#include "../voice/voicefile.h"

typedef struct spk_encoder spk_encoder;

/* spk_encoder_embed's result when fewer than min_frames speech frames remain. */
#define SPK_ERR_TOO_SHORT (-200)

/* Reads hyper-parameters and weights from an encoder file (general.kind "speaker_encoder")
 * and uploads them to ctx. 0, an rt_status, or -100 with err saying what is missing. */
int spk_encoder_load(const vf_file *vf, rt_ctx *ctx, spk_encoder **out, char *err,
                     size_t err_len);
void spk_encoder_free(spk_encoder *e);
int spk_encoder_dim(const spk_encoder *e);
int spk_encoder_n_mels(const spk_encoder *e);
/* Frames of speech an input needs (about 1 s). */
int spk_encoder_min_frames(const spk_encoder *e);

/* Speech frames of mel [n_frames][n_mels] (the encoder's own silence rule): their count. */
int spk_encoder_speech_frames(const spk_encoder *e, const float *mel, int n_frames);

/* embedding[dim] of mel [n_frames][n_mels] (natural-log mel of the encoder's analysis).
 * 0, SPK_ERR_TOO_SHORT, or an rt_status. */
int spk_encoder_embed(spk_encoder *e, const float *mel, int n_frames, float *embedding);

#endif
