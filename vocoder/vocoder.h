/* WaveNet-style source-filter vocoder: log-mel + F0 -> waveform. The source is the excitation,
 * given the mel envelope first when the voice asks for it (envelope.h); the network turns it
 * into audio or, with the envelope, corrects it.
 * Computation and tensor names: docs/models.md ("Vocoder"). Written only against the runtime
 * ops in synth/runtime/rt.h.
 *
 * Chunked use: the excitation for a whole sentence is made once (voc_excitation); any frame
 * range can then be rendered with voc_render, which adds the receptive-field context itself,
 * so concatenated chunks equal a single whole-sentence render. */
#ifndef MYNA_VOCODER_H
#define MYNA_VOCODER_H

#include <stddef.h>
#include <stdint.h>

#include "../synth/runtime/rt.h"
#include "../synth/voice/voicefile.h"

typedef struct voc_model voc_model;

int voc_model_load(const vf_file *vf, rt_ctx *ctx, voc_model **out, char *err, size_t err_len);
void voc_model_free(voc_model *m);
int voc_hop(const voc_model *m);          /* samples per mel frame */
int voc_sample_rate(const voc_model *m);
int voc_context_frames(const voc_model *m); /* frames of context needed on each side */

/* Excitation for n_frames frames (n_frames * hop samples) into exc. *phase carries the sine
 * phase (start with 0); first_sample is the absolute index of exc[0] (noise is keyed by it). */
void voc_excitation(const voc_model *m, const float *f0, int n_frames, double *phase,
                    uint64_t first_sample, float *exc);

/* Renders frames [begin, end) of a sentence with mel [n_frames][n_mels] and its excitation
 * (n_frames * hop samples) into out ((end - begin) * hop samples). */
int voc_render(voc_model *m, const float *mel, const float *exc, int n_frames, int begin, int end,
               float *out);

#endif
