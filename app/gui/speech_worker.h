/* Synthesis off the UI thread. One worker thread per utterance, with its own myna_synth (a
 * synth must stay on one thread; the voice is shared). Playing: chunks go into a sample ring
 * the audio callback drains, word events into a list the UI reads. Saving: chunks go to a
 * sound file. */
#ifndef MYNA_GUI_SPEECH_WORKER_H
#define MYNA_GUI_SPEECH_WORKER_H

#include <SDL.h>
#include <stdatomic.h>

#include "myna.h"
#include "sample_ring.h"

typedef enum { JOB_PLAY, JOB_SAVE } job_kind;

typedef struct {
    SDL_Thread *thread;
    job_kind kind;
    const myna_voice *voice;
    myna_options options;
    char *text;
    size_t len;
    char *save_path;
    int sample_rate;

    sample_ring ring;        /* JOB_PLAY only */
    atomic_int cancel;       /* set by the UI, polled between chunks */
    atomic_int finished;     /* set by the worker when it returns, successfully or not */
    atomic_ullong produced;  /* samples synthesized so far */

    SDL_mutex *lock;         /* guards everything below */
    myna_event *words;       /* word events, offsets relative to text */
    size_t n_words, words_cap;
    myna_status status;      /* MYNA_DONE when the whole text was rendered */
    char error[512];
} speech_worker;

/* Starts a job on a copy of text. path is used for JOB_SAVE (format by extension: .wav,
 * .flac). Returns 0, or -1 with a reason in error (worker stays idle). */
int worker_start(speech_worker *w, job_kind kind, const myna_voice *voice,
                 const myna_options *options, const char *text, size_t len, const char *path,
                 char *error, size_t error_size);
/* Cancels a running job and waits for the thread; frees the job's memory. Safe when idle. */
void worker_stop(speech_worker *w);
int worker_running(const speech_worker *w);
int worker_finished(speech_worker *w);
/* The last word whose start is at or before sample; 0 if none yet. */
int worker_word_at(speech_worker *w, uint64_t sample, myna_event *out);
/* Final status (MYNA_DONE on success) and message, once finished. */
myna_status worker_result(speech_worker *w, char *msg, size_t size);

#endif
