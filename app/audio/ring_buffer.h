/* Single-producer single-consumer ring of 16-bit samples. The synthesis thread writes, the
 * audio callback reads; neither ever blocks or locks, so the callback stays real-time safe. */
#ifndef MYNA_RING_BUFFER_H
#define MYNA_RING_BUFFER_H

#include <stddef.h>
#include <stdint.h>

typedef struct ring_buffer ring_buffer;

/* Capacity is rounded up to a power of two. NULL when out of memory. */
ring_buffer *ring_buffer_create(size_t min_capacity);
void ring_buffer_destroy(ring_buffer *r);

size_t ring_buffer_capacity(const ring_buffer *r);
/* Samples waiting to be read / room left for writing (a snapshot; the other side may move). */
size_t ring_buffer_readable(const ring_buffer *r);
size_t ring_buffer_writable(const ring_buffer *r);

/* Producer side: copies up to n samples, returns how many fit. */
size_t ring_buffer_write(ring_buffer *r, const int16_t *x, size_t n);
/* Consumer side: copies up to n samples, returns how many there were. */
size_t ring_buffer_read(ring_buffer *r, int16_t *out, size_t n);
/* Empties the ring. Only while the consumer is stopped (no concurrent read). */
void ring_buffer_reset(ring_buffer *r);

#endif
