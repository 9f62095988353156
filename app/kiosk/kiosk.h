/* The daemon's shared state: configuration, the announcement queue, open voices, counters,
 * and the entry points the front ends (control socket, HTTP) call. Every field that several
 * threads touch is atomic or behind the voice lock. */
#ifndef MYNA_KIOSK_H
#define MYNA_KIOSK_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include "announce_queue.h"
#include "kiosk_config.h"
#include "myna.h"

#define KIOSK_MAX_VOICES 8
#define KIOSK_MAX_LISTED 64 /* voices named in GET /v1/audio/voices */

enum { PREEMPT_NONE = 0, PREEMPT_URGENT = 1, PREEMPT_STOP = 2 };

typedef struct kiosk {
    kiosk_config cfg;
    announce_queue *queue;
    pthread_mutex_t voice_lock; /* guards voice_names / voices */
    char *voice_names[KIOSK_MAX_VOICES];
    char default_voice_id[129]; /* the default voice's file name without .myna: what clients
                                 * see in the voice list and may send back */
    myna_voice *voices[KIOSK_MAX_VOICES];
    float *chime; /* at the default voice's rate */
    size_t chime_n;
    _Atomic int preempt;          /* PREEMPT_*: asks the speaker to drop what it plays */
    _Atomic int shutting_down;
    _Atomic uint64_t playing_id;  /* 0 = idle */
    _Atomic int playing_priority;
    _Atomic int device_up;
    _Atomic uint64_t played, preempted, failed, busy, cache_hits, sessions;
    pthread_t speaker;
    int speaker_running;
} kiosk;

/* Opens the default voice and the chime, creates the queue. 0 or -1 (logged). */
int kiosk_init(kiosk *k, const kiosk_config *cfg);
void kiosk_free(kiosk *k);

/* Voice by name ("" or NULL = default); opened on first use and kept. NULL if not found or
 * the name is not a plain voice name (no paths from clients). */
myna_voice *kiosk_voice(kiosk *k, const char *name, char *error, size_t error_size);

/* Calls fn(id, is_default, user) for the default voice, then for each other voice on the
 * search path whose name a client may send (plain names, each once). */
void kiosk_list_voices(kiosk *k, void (*fn)(const char *id, int is_default, void *user),
                       void *user);

/* Queues a; an urgent one preempts a normal one being spoken. 0, or -1 when the queue is
 * full (a is freed). Sets *id. */
int kiosk_submit(kiosk *k, announcement *a, uint64_t *id);
/* Silences the current announcement and drops the queue; returns how many were dropped. */
int kiosk_stop_all(kiosk *k);
/* One line: "playing=ID queued=N played=N ..." */
void kiosk_status(kiosk *k, char *out, size_t size);

void kiosk_log(const kiosk *k, int priority, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The speaker thread (speaker.c). */
int speaker_start(kiosk *k);
void speaker_join(kiosk *k);

#endif
