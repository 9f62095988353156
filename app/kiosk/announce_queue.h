/* Bounded two-level priority queue of announcements, shared by the request threads
 * (producers) and the speaker thread (consumer). FIFO within a priority. */
#ifndef MYNA_ANNOUNCE_QUEUE_H
#define MYNA_ANNOUNCE_QUEUE_H

#include <stddef.h>
#include <stdint.h>

typedef enum { PRIORITY_NORMAL = 0, PRIORITY_URGENT = 1 } announce_priority;

typedef struct announcement {
    uint64_t id;
    announce_priority priority;
    float volume;
    char *voice; /* NULL = default voice */
    char *text;
    struct announcement *next;
} announcement;

typedef struct announce_queue announce_queue;

announce_queue *announce_queue_create(int capacity);
void announce_queue_destroy(announce_queue *q);
void announcement_free(announcement *a);

/* Takes ownership of a and assigns its id (also to *id: a may be consumed at once).
 * Returns 0, or -1 when full (a untouched). */
int announce_queue_push(announce_queue *q, announcement *a, uint64_t *id);
/* Puts a preempted announcement back at the head of its priority (no capacity check: it
 * held a slot already). */
void announce_queue_push_front(announce_queue *q, announcement *a);
/* Next announcement, urgent first; waits up to timeout_s. NULL on timeout or after close. */
announcement *announce_queue_pop(announce_queue *q, double timeout_s);
/* Drops everything queued; returns how many. */
int announce_queue_clear(announce_queue *q);
int announce_queue_length(announce_queue *q);
/* Writes "id:priority id:priority ..." (at most size bytes) for GET /queue and STATUS. */
void announce_queue_describe(announce_queue *q, char *out, size_t size);
/* Wakes waiters; pop returns NULL from now on. */
void announce_queue_close(announce_queue *q);

#endif
