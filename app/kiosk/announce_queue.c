/* Two singly linked FIFOs under one mutex; a condition variable wakes the speaker. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "announce_queue.h"

typedef struct {
    announcement *head, *tail;
} fifo;

struct announce_queue {
    pthread_mutex_t lock;
    pthread_cond_t ready;
    fifo level[2];
    int length, capacity, closed;
    uint64_t next_id;
};

announce_queue *announce_queue_create(int capacity)
{
    announce_queue *q = calloc(1, sizeof *q);
    if (!q) return NULL;
    pthread_mutex_init(&q->lock, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&q->ready, &ca);
    pthread_condattr_destroy(&ca);
    q->capacity = capacity;
    q->next_id = 1;
    return q;
}

void announcement_free(announcement *a)
{
    if (!a) return;
    free(a->voice);
    free(a->text);
    free(a);
}

void announce_queue_destroy(announce_queue *q)
{
    if (!q) return;
    announce_queue_clear(q);
    pthread_cond_destroy(&q->ready);
    pthread_mutex_destroy(&q->lock);
    free(q);
}

int announce_queue_push(announce_queue *q, announcement *a, uint64_t *id)
{
    pthread_mutex_lock(&q->lock);
    if (q->length >= q->capacity || q->closed) {
        pthread_mutex_unlock(&q->lock);
        return -1;
    }
    a->id = *id = q->next_id++;
    a->next = NULL;
    fifo *f = &q->level[a->priority == PRIORITY_URGENT];
    if (f->tail) f->tail->next = a;
    else f->head = a;
    f->tail = a;
    q->length++;
    pthread_cond_signal(&q->ready);
    pthread_mutex_unlock(&q->lock);
    return 0;
}

void announce_queue_push_front(announce_queue *q, announcement *a)
{
    pthread_mutex_lock(&q->lock);
    fifo *f = &q->level[a->priority == PRIORITY_URGENT];
    a->next = f->head;
    f->head = a;
    if (!f->tail) f->tail = a;
    q->length++;
    pthread_cond_signal(&q->ready);
    pthread_mutex_unlock(&q->lock);
}

static announcement *take(announce_queue *q)
{
    for (int l = 1; l >= 0; l--) {
        fifo *f = &q->level[l];
        announcement *a = f->head;
        if (!a) continue;
        f->head = a->next;
        if (!f->head) f->tail = NULL;
        a->next = NULL;
        q->length--;
        return a;
    }
    return NULL;
}

announcement *announce_queue_pop(announce_queue *q, double timeout_s)
{
    struct timespec until;
    clock_gettime(CLOCK_MONOTONIC, &until);
    long ns = until.tv_nsec + (long)((timeout_s - (double)(long)timeout_s) * 1e9);
    until.tv_sec += (time_t)timeout_s + ns / 1000000000L;
    until.tv_nsec = ns % 1000000000L;
    pthread_mutex_lock(&q->lock);
    announcement *a = NULL;
    while (!q->closed && !(a = take(q)))
        if (pthread_cond_timedwait(&q->ready, &q->lock, &until) != 0) break;
    pthread_mutex_unlock(&q->lock);
    return a;
}

int announce_queue_clear(announce_queue *q)
{
    pthread_mutex_lock(&q->lock);
    int n = 0;
    announcement *a;
    while ((a = take(q))) {
        announcement_free(a);
        n++;
    }
    pthread_mutex_unlock(&q->lock);
    return n;
}

int announce_queue_length(announce_queue *q)
{
    pthread_mutex_lock(&q->lock);
    int n = q->length;
    pthread_mutex_unlock(&q->lock);
    return n;
}

void announce_queue_describe(announce_queue *q, char *out, size_t size)
{
    size_t used = 0;
    out[0] = 0;
    pthread_mutex_lock(&q->lock);
    for (int l = 1; l >= 0; l--)
        for (announcement *a = q->level[l].head; a && used + 32 < size; a = a->next) {
            int w = snprintf(out + used, size - used, "%s%llu:%s", used ? " " : "",
                             (unsigned long long)a->id, l ? "urgent" : "normal");
            if (w > 0) used += (size_t)w;
        }
    pthread_mutex_unlock(&q->lock);
}

void announce_queue_close(announce_queue *q)
{
    pthread_mutex_lock(&q->lock);
    q->closed = 1;
    pthread_cond_broadcast(&q->ready);
    pthread_mutex_unlock(&q->lock);
}
