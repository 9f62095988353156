#include <stdlib.h>
#include <string.h>

#include "sample_ring.h"

int ring_init(sample_ring *r, size_t capacity)
{
    size_t cap = 1;
    while (cap < capacity) cap <<= 1;
    r->buf = calloc(cap, sizeof *r->buf);
    if (!r->buf) return -1;
    r->mask = cap - 1;
    atomic_init(&r->head, 0);
    atomic_init(&r->tail, 0);
    return 0;
}

void ring_free(sample_ring *r)
{
    free(r->buf);
    r->buf = NULL;
}

size_t ring_capacity(const sample_ring *r)
{
    return r->mask + 1;
}

size_t ring_filled(const sample_ring *r)
{
    size_t tail = atomic_load_explicit(&((sample_ring *)r)->tail, memory_order_acquire);
    size_t head = atomic_load_explicit(&((sample_ring *)r)->head, memory_order_acquire);
    return head - tail;
}

/* Copies n samples between the flat array and the ring starting at absolute index pos,
 * in at most two pieces because the ring wraps. */
static void copy_in(sample_ring *r, size_t pos, const float *x, size_t n)
{
    size_t i = pos & r->mask, first = ring_capacity(r) - i;
    if (first > n) first = n;
    memcpy(r->buf + i, x, first * sizeof *x);
    memcpy(r->buf, x + first, (n - first) * sizeof *x);
}

static void copy_out(const sample_ring *r, size_t pos, float *x, size_t n)
{
    size_t i = pos & r->mask, first = ring_capacity(r) - i;
    if (first > n) first = n;
    memcpy(x, r->buf + i, first * sizeof *x);
    memcpy(x + first, r->buf, (n - first) * sizeof *x);
}

size_t ring_write(sample_ring *r, const float *x, size_t n)
{
    size_t head = atomic_load_explicit(&r->head, memory_order_relaxed);
    size_t tail = atomic_load_explicit(&r->tail, memory_order_acquire);
    size_t space = ring_capacity(r) - (head - tail);
    if (n > space) n = space;
    copy_in(r, head, x, n);
    /* Release: the reader must see the samples before it sees the new head. */
    atomic_store_explicit(&r->head, head + n, memory_order_release);
    return n;
}

size_t ring_read(sample_ring *r, float *x, size_t n)
{
    size_t tail = atomic_load_explicit(&r->tail, memory_order_relaxed);
    size_t head = atomic_load_explicit(&r->head, memory_order_acquire);
    if (n > head - tail) n = head - tail;
    copy_out(r, tail, x, n);
    atomic_store_explicit(&r->tail, tail + n, memory_order_release);
    return n;
}

void ring_reset(sample_ring *r)
{
    atomic_store(&r->head, 0);
    atomic_store(&r->tail, 0);
}
