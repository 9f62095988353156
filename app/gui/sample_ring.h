/* Single-producer single-consumer ring of float samples between the synthesis worker (writes)
 * and the audio callback (reads). Lock-free so the audio thread never waits on the worker. */
#ifndef MYNA_GUI_SAMPLE_RING_H
#define MYNA_GUI_SAMPLE_RING_H

#include <stdatomic.h>
#include <stddef.h>

typedef struct {
    float *buf;
    size_t mask;              /* capacity - 1; capacity is a power of two */
    atomic_size_t head, tail; /* total samples written / read; head - tail = filled */
} sample_ring;

/* capacity is rounded up to a power of two. 0 or -1 (out of memory). */
int ring_init(sample_ring *r, size_t capacity);
void ring_free(sample_ring *r);
size_t ring_capacity(const sample_ring *r);
size_t ring_filled(const sample_ring *r);
/* Producer side: writes up to n samples, returns how many fit. */
size_t ring_write(sample_ring *r, const float *x, size_t n);
/* Consumer side: reads up to n samples, returns how many were there. */
size_t ring_read(sample_ring *r, float *x, size_t n);
/* Only while neither side runs: empties the ring. */
void ring_reset(sample_ring *r);

#endif
