/* The SPSC ring: capacity, wrap-around, and a producer/consumer pair on two threads that
 * must see every sample exactly once and in order. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "app/audio/ring_buffer.h"
#include "check.h"

#define TOTAL 2000000

static void *consumer(void *arg)
{
    ring_buffer *r = arg;
    int16_t buf[97];
    size_t seen = 0, errors = 0;
    while (seen < TOTAL) {
        size_t n = ring_buffer_read(r, buf, sizeof buf / sizeof *buf);
        for (size_t i = 0; i < n; i++)
            if (buf[i] != (int16_t)(seen + i)) errors++;
        seen += n;
    }
    return (void *)errors;
}

int main(void)
{
    ring_buffer *r = ring_buffer_create(100);
    CHECK(r != NULL);
    CHECK(ring_buffer_capacity(r) == 128);
    int16_t in[200], out[200];
    for (int i = 0; i < 200; i++) in[i] = (int16_t)(i * 3 - 100);
    CHECK(ring_buffer_write(r, in, 200) == 128); /* only what fits */
    CHECK(ring_buffer_writable(r) == 0);
    CHECK(ring_buffer_read(r, out, 100) == 100);
    CHECK(memcmp(in, out, 100 * sizeof *in) == 0);
    /* Wrap-around: 28 left, write 90 more across the end. */
    CHECK(ring_buffer_write(r, in + 128, 72) == 72);
    CHECK(ring_buffer_readable(r) == 100);
    CHECK(ring_buffer_read(r, out, 200) == 100);
    CHECK(memcmp(in + 100, out, 100 * sizeof *in) == 0);
    CHECK(ring_buffer_read(r, out, 10) == 0);
    CHECK(ring_buffer_write(r, in, 50) == 50);
    ring_buffer_reset(r);
    CHECK(ring_buffer_readable(r) == 0);
    ring_buffer_destroy(r);

    /* Two threads, odd block sizes on both sides so every wrap offset occurs. */
    r = ring_buffer_create(1000);
    pthread_t t;
    CHECK(pthread_create(&t, NULL, consumer, r) == 0);
    int16_t block[61];
    for (size_t sent = 0; sent < TOTAL;) {
        size_t m = TOTAL - sent < 61 ? TOTAL - sent : 61;
        for (size_t i = 0; i < m; i++) block[i] = (int16_t)(sent + i);
        size_t done = 0;
        while (done < m) done += ring_buffer_write(r, block + done, m - done);
        sent += m;
    }
    void *errors;
    pthread_join(t, &errors);
    CHECK_MSG(errors == NULL, "%zu samples out of order", (size_t)errors);
    ring_buffer_destroy(r);
    return check_summary("test_ring_buffer");
}
