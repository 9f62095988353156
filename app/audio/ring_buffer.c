/* Lock-free SPSC ring: two monotonically increasing counters, each written by one side only.
 * Acquire/release ordering makes the sample copies visible before the counter that
 * publishes them. */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "ring_buffer.h"

struct ring_buffer {
    int16_t *data;
    size_t mask;
    _Atomic size_t written; /* total samples ever written (producer owns) */
    _Atomic size_t read;    /* total samples ever read (consumer owns) */
};

ring_buffer *ring_buffer_create(size_t min_capacity)
{
    size_t cap = 64;
    while (cap < min_capacity) cap *= 2;
    ring_buffer *r = calloc(1, sizeof *r);
    if (!r) return NULL;
    r->data = calloc(cap, sizeof *r->data);
    if (!r->data) {
        free(r);
        return NULL;
    }
    r->mask = cap - 1;
    atomic_init(&r->written, 0);
    atomic_init(&r->read, 0);
    return r;
}

void ring_buffer_destroy(ring_buffer *r)
{
    if (!r) return;
    free(r->data);
    free(r);
}

size_t ring_buffer_capacity(const ring_buffer *r)
{
    return r->mask + 1;
}

size_t ring_buffer_readable(const ring_buffer *r)
{
    size_t w = atomic_load_explicit(&((ring_buffer *)r)->written, memory_order_acquire);
    size_t rd = atomic_load_explicit(&((ring_buffer *)r)->read, memory_order_acquire);
    return w - rd;
}

size_t ring_buffer_writable(const ring_buffer *r)
{
    return ring_buffer_capacity(r) - ring_buffer_readable(r);
}

/* Copies n samples between linear memory and the ring at position pos, wrapping once. */
static void copy_in(ring_buffer *r, size_t pos, const int16_t *x, size_t n)
{
    size_t at = pos & r->mask, first = r->mask + 1 - at;
    if (first > n) first = n;
    memcpy(r->data + at, x, first * sizeof *x);
    memcpy(r->data, x + first, (n - first) * sizeof *x);
}

static void copy_out(const ring_buffer *r, size_t pos, int16_t *out, size_t n)
{
    size_t at = pos & r->mask, first = r->mask + 1 - at;
    if (first > n) first = n;
    memcpy(out, r->data + at, first * sizeof *out);
    memcpy(out + first, r->data, (n - first) * sizeof *out);
}

size_t ring_buffer_write(ring_buffer *r, const int16_t *x, size_t n)
{
    size_t w = atomic_load_explicit(&r->written, memory_order_relaxed);
    size_t rd = atomic_load_explicit(&r->read, memory_order_acquire);
    size_t room = r->mask + 1 - (w - rd);
    if (n > room) n = room;
    copy_in(r, w, x, n);
    atomic_store_explicit(&r->written, w + n, memory_order_release);
    return n;
}

size_t ring_buffer_read(ring_buffer *r, int16_t *out, size_t n)
{
    size_t rd = atomic_load_explicit(&r->read, memory_order_relaxed);
    size_t w = atomic_load_explicit(&r->written, memory_order_acquire);
    if (n > w - rd) n = w - rd;
    copy_out(r, rd, out, n);
    atomic_store_explicit(&r->read, rd + n, memory_order_release);
    return n;
}

void ring_buffer_reset(ring_buffer *r)
{
    size_t w = atomic_load_explicit(&r->written, memory_order_acquire);
    atomic_store_explicit(&r->read, w, memory_order_release);
}
