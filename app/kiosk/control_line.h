/* The control socket's byte stream cut into request lines, each answered with
 * control_handle_line; separate from the socket so the fuzzer can drive it from memory.
 * A line longer than the capacity is refused ("ERR line too long") and ends the
 * connection; a line holding a NUL byte gets "ERR NUL byte in line". */
#ifndef MYNA_CONTROL_LINE_H
#define MYNA_CONTROL_LINE_H

#include <stddef.h>

#include "kiosk.h"

#define CONTROL_OPTIONS_ROOM 256 /* the SAY keyword and options on top of max_line of text */

typedef struct {
    char *buf;   /* capacity + 1 bytes, allocated on the first byte */
    size_t used; /* bytes of an unfinished line */
    size_t cap;  /* longest line accepted */
} control_line;

int control_line_init(control_line *l, size_t capacity);
void control_line_free(control_line *l);

/* Takes data[n] and answers each complete line through reply(text, user) (text without
 * the newline). Returns 0 to go on, 1 when the connection must close (a line too long, after
 * its reply), -1 when out of memory, or reply's first nonzero return (the client is gone). */
int control_line_feed(control_line *l, kiosk *k, const void *data, size_t n,
                      int (*reply)(const char *text, void *user), void *user);

#endif
