/* Growable buffers. Failures are sticky (tf_buf.oom) so long builders check once at the end. */
#include "synth/text/text_internal.h"

#include <stdlib.h>
#include <string.h>

int tf_grow(void **arr, size_t *cap, size_t n, size_t elem)
{
    if (n < *cap) return 1;
    size_t nc = *cap ? *cap : 16;
    while (nc <= n) {
        if (nc > ((size_t)-1 / 2) / elem) return 0;
        nc *= 2;
    }
    void *p = realloc(*arr, nc * elem);
    if (!p) return 0;
    *arr = p;
    *cap = nc;
    return 1;
}

void tf_buf_put(tf_buf *b, const char *s, size_t n)
{
    if (b->oom) return;
    /* +1 keeps room for a terminating NUL that callers may add with tf_buf_putc. */
    if (!tf_grow((void **)&b->p, &b->cap, b->n + n + 1, 1)) {
        b->oom = 1;
        return;
    }
    if (n) memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = '\0';
}

void tf_buf_puts(tf_buf *b, const char *s)
{
    tf_buf_put(b, s, strlen(s));
}

void tf_buf_putc(tf_buf *b, char c)
{
    tf_buf_put(b, &c, 1);
}

void tf_buf_free(tf_buf *b)
{
    free(b->p);
    b->p = NULL;
    b->n = b->cap = 0;
    b->oom = 0;
}
