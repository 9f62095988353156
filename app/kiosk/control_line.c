/* Line assembly with a fixed buffer: a client can make the daemon hold at most one line of
 * capacity bytes, whatever it sends. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "control_line.h"
#include "control_socket.h"

int control_line_init(control_line *l, size_t capacity)
{
    memset(l, 0, sizeof *l);
    l->cap = capacity;
    return 0;
}

void control_line_free(control_line *l)
{
    free(l->buf);
    memset(l, 0, sizeof *l);
}

/* Answers every complete line in the buffer. 0, or reply's nonzero return. */
static int answer_lines(control_line *l, kiosk *k, int (*reply)(const char *, void *),
                        void *user)
{
    char *nl;
    while ((nl = memchr(l->buf, '\n', l->used))) {
        *nl = 0;
        char out[600];
        if (memchr(l->buf, 0, (size_t)(nl - l->buf)))
            snprintf(out, sizeof out, "ERR NUL byte in line");
        else
            control_handle_line(k, l->buf, out, sizeof out);
        size_t rest = l->used - (size_t)(nl + 1 - l->buf);
        memmove(l->buf, nl + 1, rest);
        l->used = rest;
        int rc = reply(out, user);
        if (rc) return rc;
    }
    return 0;
}

int control_line_feed(control_line *l, kiosk *k, const void *data, size_t n,
                      int (*reply)(const char *, void *), void *user)
{
    const char *p = data;
    if (n && !l->buf && !(l->buf = malloc(l->cap + 1))) return -1;
    while (n) {
        /* One byte over the capacity is room to see that a line is too long. */
        size_t m = l->cap + 1 - l->used;
        if (m > n) m = n;
        memcpy(l->buf + l->used, p, m);
        l->used += m;
        p += m;
        n -= m;
        int rc = answer_lines(l, k, reply, user);
        if (rc) return rc;
        if (l->used > l->cap) {
            rc = reply("ERR line too long", user);
            return rc ? rc : 1;
        }
    }
    return 0;
}
