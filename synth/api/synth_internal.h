/* State of one synthesizer (shared by the files that implement myna_synth_*). */
#ifndef MYNA_SYNTH_INTERNAL_H
#define MYNA_SYNTH_INTERNAL_H

#include <stdarg.h>

#include "myna.h"
#include "synth/models/acoustic.h"
#include "synth/runtime/rt.h"
#include "synth/text/frontend.h"
#include "vocoder/vocoder.h"
#include "voice_internal.h"

/* Longest sentence handed to the models at once; longer runs of text are cut at clause
 * punctuation or whitespace by the sentence iterator. */
#define MAX_SENTENCE_BYTES 600

/* Where the pull loop is inside the current utterance. */
typedef enum {
    PHASE_IDLE,     /* no utterance started, or the last one failed */
    PHASE_TEXT,     /* between sentences: the next call fetches a sentence */
    PHASE_AUDIO,    /* handing out the current sentence's audio chunk by chunk */
    PHASE_SILENCE,  /* handing out the pause after a sentence */
    PHASE_DONE,
} synth_phase;

/* A voice's text front end: libespeak-ng with the user lexicon, and the voice's phoneme
 * inventory. Owned by a myna_synth or a myna_phonemizer (phonemes.c). */
typedef struct {
    tf_frontend *tf;
    tf_inventory *inventory;
} text_front;

/* Opens the front end for the voice's language; on failure writes err and returns the status
 * (everything opened so far is closed again). */
myna_status text_front_open(text_front *f, const myna_voice *voice, const char *lexicon_path,
                            char *err, size_t err_size);
void text_front_close(text_front *f);

/* Writes a one-line message to err (when err_size > 0) and returns status (options.c). */
myna_status api_fail(char *err, size_t err_size, myna_status status, const char *fmt, ...);
/* Copies the caller's options (NULL: the defaults) into *opt and checks them against the voice
 * (options.c). */
myna_status api_take_options(const myna_voice *voice, const myna_options *user, myna_options *opt,
                             char *err, size_t err_size);

/* The current sentence after the acoustic model (owned by the synth, reused). */
typedef struct {
    int n_frames;
    int frame_pos;      /* next frame to render */
    float *mel;         /* [n_frames][n_mels], copied from the model's output */
    float *excitation;  /* n_frames * hop samples */
    float *gl_audio;    /* Griffin-Lim renders the whole sentence at once */
    size_t mel_cap, exc_cap, gl_cap;
} sentence_state;

struct myna_synth {
    const myna_voice *voice;
    myna_options opt;
    text_front front;
    rt_ctx *rt;
    ac_model *acoustic;
    voc_model *vocoder; /* NULL when the Griffin-Lim debugging vocoder is selected */

    char *text;
    size_t text_len, text_pos;
    synth_phase phase;
    sentence_state sent;
    double sine_phase;        /* vocoder excitation phase, carried across sentences */
    uint64_t sample_pos;      /* absolute position of the next sample handed out */
    size_t silence_left;

    float *chunk;             /* audio handed out by the last next() call */
    size_t chunk_cap;
    myna_event *events;       /* events waiting to be attached to the next chunk */
    size_t n_events, events_cap;
    myna_event *chunk_events; /* events attached to the last chunk */
    size_t chunk_events_cap;

    char backend_name[64];
    char error[512];
};

/* Records a detailed message for myna_synth_last_error and returns status. */
myna_status synth_fail(myna_synth *s, myna_status status, const char *fmt, ...);

/* Grows the chunk buffer to hold n samples (synth_stages.c). */
myna_status synth_reserve_chunk(myna_synth *s, size_t n);

/* Stages of one sentence (synth_stages.c). */
myna_status stage_sentence_to_frames(myna_synth *s, const char *sentence, size_t len,
                                     size_t text_begin);
myna_status stage_render_chunk(myna_synth *s, int max_frames, myna_chunk *chunk);

#endif
