#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sndfile.h>

#include "pcm.h"
#include "speech_worker.h"

/* A few seconds of audio: enough to ride out a slow sentence, small enough that Stop and a
 * changed setting take effect soon. */
#define RING_SECONDS 8

static void set_result(speech_worker *w, myna_status st, const char *msg)
{
    SDL_LockMutex(w->lock);
    w->status = st;
    snprintf(w->error, sizeof w->error, "%s", msg ? msg : "");
    SDL_UnlockMutex(w->lock);
}

static int keep_words(speech_worker *w, const myna_chunk *c)
{
    SDL_LockMutex(w->lock);
    int ok = 1;
    for (size_t i = 0; i < c->n_events && ok; i++) {
        if (c->events[i].type != MYNA_EVENT_WORD) continue;
        if (w->n_words == w->words_cap) {
            size_t cap = w->words_cap ? w->words_cap * 2 : 64;
            myna_event *p = realloc(w->words, cap * sizeof *p);
            if (!p) {
                ok = 0;
                break;
            }
            w->words = p;
            w->words_cap = cap;
        }
        w->words[w->n_words++] = c->events[i];
    }
    SDL_UnlockMutex(w->lock);
    return ok;
}

/* Blocks (politely) until the audio callback made room; returns 0 if cancelled meanwhile. */
static int push_samples(speech_worker *w, const float *x, size_t n)
{
    while (n > 0) {
        if (atomic_load(&w->cancel)) return 0;
        size_t k = ring_write(&w->ring, x, n);
        x += k;
        n -= k;
        if (n > 0) SDL_Delay(10);
    }
    return 1;
}

static int sf_format_for(const char *path)
{
    const char *dot = strrchr(path, '.');
    if (!dot) return 0;
    if (strcasecmp(dot, ".wav") == 0) return SF_FORMAT_WAV | SF_FORMAT_PCM_16;
    if (strcasecmp(dot, ".flac") == 0) return SF_FORMAT_FLAC | SF_FORMAT_PCM_16;
    return 0;
}

/* Same conversion as the audio device gets, so a saved file equals what was heard. */
static int write_file(SNDFILE *f, const float *x, size_t n)
{
    short buf[1024];
    while (n > 0) {
        size_t m = n < 1024 ? n : 1024;
        for (size_t i = 0; i < m; i++) buf[i] = pcm_s16(x[i]);
        if (sf_write_short(f, buf, (sf_count_t)m) != (sf_count_t)m) return 0;
        x += m;
        n -= m;
    }
    return 1;
}

static int run(void *arg)
{
    speech_worker *w = arg;
    char err[512] = "";
    myna_synth *synth = NULL;
    SNDFILE *file = NULL;
    myna_status st = myna_synth_create(w->voice, &w->options, &synth, err, sizeof err);
    if (st != MYNA_OK) {
        set_result(w, st, err);
        goto out;
    }
    if (w->kind == JOB_SAVE) {
        SF_INFO info = {.samplerate = w->sample_rate, .channels = 1,
                        .format = sf_format_for(w->save_path)};
        file = sf_open(w->save_path, SFM_WRITE, &info);
        if (!file) {
            snprintf(err, sizeof err, "cannot write %s: %s", w->save_path, sf_strerror(NULL));
            set_result(w, MYNA_ERR_IO, err);
            goto out;
        }
    }
    st = myna_synth_start(synth, w->text, w->len);
    myna_chunk c;
    while (st == MYNA_OK && !atomic_load(&w->cancel)) {
        st = myna_synth_next(synth, &c);
        if (st != MYNA_OK) break;
        if (!keep_words(w, &c)) {
            set_result(w, MYNA_ERR_NO_MEMORY, "word events");
            goto out;
        }
        if (w->kind == JOB_PLAY) {
            if (!push_samples(w, c.samples, c.n_samples)) break;
        } else if (!write_file(file, c.samples, c.n_samples)) {
            snprintf(err, sizeof err, "writing %s: %s", w->save_path, sf_strerror(file));
            set_result(w, MYNA_ERR_IO, err);
            goto out;
        }
        atomic_fetch_add(&w->produced, c.n_samples);
    }
    if (atomic_load(&w->cancel)) set_result(w, MYNA_ERR_STATE, "stopped");
    else set_result(w, st, st == MYNA_DONE ? "" : myna_synth_last_error(synth));
out:
    if (file) {
        sf_close(file);
        /* A half-written file would look like a finished one later: remove it. */
        if (w->status != MYNA_DONE) remove(w->save_path);
    }
    myna_synth_destroy(synth);
    atomic_store(&w->finished, 1);
    return 0;
}

int worker_start(speech_worker *w, job_kind kind, const myna_voice *voice,
                 const myna_options *options, const char *text, size_t len, const char *path,
                 char *error, size_t error_size)
{
    worker_stop(w);
    memset(w, 0, sizeof *w);
    w->kind = kind;
    w->voice = voice;
    w->options = *options;
    w->sample_rate = myna_voice_sample_rate(voice);
    w->status = MYNA_OK;
    atomic_init(&w->cancel, 0);
    atomic_init(&w->finished, 0);
    atomic_init(&w->produced, 0);
    if (kind == JOB_SAVE && !sf_format_for(path)) {
        snprintf(error, error_size, "%s: unknown format (use .wav or .flac)", path);
        return -1;
    }
    w->text = malloc(len + 1);
    w->save_path = path ? strdup(path) : NULL;
    w->lock = SDL_CreateMutex();
    if (!w->text || (path && !w->save_path) || !w->lock ||
        (kind == JOB_PLAY && ring_init(&w->ring, (size_t)w->sample_rate * RING_SECONDS) != 0)) {
        snprintf(error, error_size, "out of memory");
        worker_stop(w);
        return -1;
    }
    memcpy(w->text, text, len);
    w->text[len] = '\0';
    w->len = len;
    w->thread = SDL_CreateThread(run, "myna-synth", w);
    if (!w->thread) {
        snprintf(error, error_size, "cannot start the synthesis thread: %s", SDL_GetError());
        worker_stop(w);
        return -1;
    }
    return 0;
}

void worker_stop(speech_worker *w)
{
    if (w->thread) {
        atomic_store(&w->cancel, 1);
        SDL_WaitThread(w->thread, NULL);
        w->thread = NULL;
    }
    if (w->lock) SDL_DestroyMutex(w->lock);
    ring_free(&w->ring);
    free(w->text);
    free(w->save_path);
    free(w->words);
    memset(w, 0, sizeof *w);
}

int worker_running(const speech_worker *w)
{
    return w->thread != NULL;
}

int worker_finished(speech_worker *w)
{
    return w->thread && atomic_load(&w->finished);
}

int worker_word_at(speech_worker *w, uint64_t sample, myna_event *out)
{
    if (!w->lock) return 0;
    int found = 0;
    SDL_LockMutex(w->lock);
    /* Events arrive in order; the list is short enough for a backwards scan per frame. */
    for (size_t i = w->n_words; i-- > 0;) {
        if (w->words[i].sample <= sample) {
            *out = w->words[i];
            found = 1;
            break;
        }
    }
    SDL_UnlockMutex(w->lock);
    return found;
}

myna_status worker_result(speech_worker *w, char *msg, size_t size)
{
    if (!w->lock) return MYNA_ERR_STATE;
    SDL_LockMutex(w->lock);
    myna_status st = w->status;
    snprintf(msg, size, "%s", w->error);
    SDL_UnlockMutex(w->lock);
    return st;
}
