/* First pass of the normaliser: splits a sentence into whitespace-separated chunks, removing
 * markup on the way. Tags (<speak>, <break time="1s"/>) disappear (a break becomes a pause),
 * character references (&amp; &#8364;) are decoded, control characters and NUL bytes act as
 * whitespace, and [[...]] inline phonemes become a chunk of their own. Every chunk remembers
 * its byte span in the original sentence for word events. */
#include "synth/text/text_internal.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_TAG 512      /* longer "<..." is text, not a tag */
#define MAX_ENTITY 12
#define MAX_INLINE 4096  /* longest [[phonemes]] */

static int is_ascii_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_separator(uint32_t cp)
{
    return cp <= 0x20 || (cp >= 0x7F && cp <= 0xA0) || (cp >= 0x2000 && cp <= 0x200C) ||
           cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000 ||
           cp == 0xFEFF || cp == 0x1680 || tf_is_junk(cp);
}

/* Decodes a character reference at s ("&amp;"); returns its length or 0 if it is not one. */
static size_t entity(const char *s, size_t n, uint32_t *cp)
{
    static const struct {
        const char *name;
        uint32_t cp;
    } named[] = {{"amp", '&'},     {"lt", '<'},      {"gt", '>'},     {"quot", '"'},
                 {"apos", '\''},   {"nbsp", 0xA0},   {"euro", 0x20AC}, {"pound", 0xA3},
                 {"mdash", 0x2014}, {"ndash", 0x2013}, {"hellip", 0x2026}, {"copy", 0xA9}};
    size_t end = 1;
    while (end < n && end < MAX_ENTITY && s[end] != ';') end++;
    if (end >= n || s[end] != ';' || end < 2) return 0;
    if (s[1] == '#') {
        uint32_t v = 0;
        int hex = end > 2 && (s[2] == 'x' || s[2] == 'X');
        size_t i = hex ? 3 : 2;
        if (i >= end) return 0;
        for (; i < end; i++) {
            char c = s[i];
            int d = c >= '0' && c <= '9'   ? c - '0'
                    : hex && c >= 'a' && c <= 'f' ? c - 'a' + 10
                    : hex && c >= 'A' && c <= 'F' ? c - 'A' + 10
                                                  : -1;
            if (d < 0) return 0;
            v = v * (hex ? 16 : 10) + (uint32_t)d;
            if (v > 0x10FFFF) return 0;
        }
        *cp = (v >= 0xD800 && v <= 0xDFFF) ? 0xFFFD : v;
        return end + 1;
    }
    for (size_t k = 0; k < sizeof named / sizeof named[0]; k++) {
        if (strlen(named[k].name) == end - 1 && !strncmp(named[k].name, s + 1, end - 1)) {
            *cp = named[k].cp;
            return end + 1;
        }
    }
    return 0;
}

/* Length of a markup tag at s ("<...>"), 0 if '<' here is ordinary text. *is_break is set for
 * <break .../> (and <p>, which also separates clauses). */
static size_t tag(const char *s, size_t n, int *is_break)
{
    if (n < 3 || !(is_ascii_alpha(s[1]) || s[1] == '/' || s[1] == '!' || s[1] == '?')) return 0;
    size_t lim = n < MAX_TAG ? n : MAX_TAG;
    for (size_t i = 1; i < lim; i++) {
        if (s[i] == '<') return 0;
        if (s[i] == '>') {
            *is_break = (i >= 6 && !strncasecmp(s + 1, "break", 5)) ||
                        (i >= 2 && (s[1] == 'p' || s[1] == 'P') && (s[2] == '>' || s[2] == ' '));
            return i + 1;
        }
    }
    return 0;
}

static void add_chunk(tf_chunks *c, tf_chunk_kind kind, size_t b, size_t e, size_t text,
                      size_t len)
{
    if (c->oom || !tf_grow((void **)&c->chunks, &c->cap, c->n, sizeof *c->chunks)) {
        c->oom = 1;
        return;
    }
    c->chunks[c->n++] = (tf_chunk){kind, b, e, text, len};
    tf_buf_putc(&c->text, '\0');
}

tf_status tf_scan_chunks(const char *s, size_t n, tf_chunks *c)
{
    memset(c, 0, sizeof *c);
    size_t i = 0, start = 0, text0 = 0;
    int open = 0; /* a text chunk is being collected */
#define CLOSE()                                                                                   \
    do {                                                                                          \
        if (open) add_chunk(c, TF_CHUNK_TEXT, start, i, text0, c->text.n - text0);                \
        open = 0;                                                                                 \
    } while (0)
    while (i < n && !c->oom && !c->text.oom) {
        int brk = 0;
        size_t len;
        uint32_t cp;
        if (s[i] == '<' && (len = tag(s + i, n - i, &brk))) {
            CLOSE();
            if (brk) {
                size_t t = c->text.n;
                tf_buf_putc(&c->text, ',');
                add_chunk(c, TF_CHUNK_BREAK, i, i + len, t, 1);
            }
            i += len;
            continue;
        }
        if (s[i] == '[' && i + 1 < n && s[i + 1] == '[') {
            size_t lim = n - i < MAX_INLINE ? n - i : MAX_INLINE, j;
            for (j = 2; j + 1 < lim; j++)
                if (s[i + j] == ']' && s[i + j + 1] == ']') break;
            if (j + 1 < lim) {
                CLOSE();
                size_t t = c->text.n;
                for (size_t k = i + 2; k < i + j; k++) /* controls inside become spaces */
                    tf_buf_putc(&c->text, (unsigned char)s[k] < 0x20 ? ' ' : s[k]);
                add_chunk(c, TF_CHUNK_PHONEMES, i, i + j + 2, t, c->text.n - t);
                i += j + 2;
                continue;
            }
        }
        if (s[i] == '&' && (len = entity(s + i, n - i, &cp))) {
            /* decoded below like any character */
        } else {
            len = tf_utf8_decode(s + i, n - i, &cp);
        }
        if (is_separator(cp)) {
            CLOSE();
        } else {
            if (!open) {
                open = 1;
                start = i;
                text0 = c->text.n;
            }
            if (cp == 0x2019 || cp == 0x2018) cp = '\''; /* one spelling for "don't" */
            char enc[4];
            tf_buf_put(&c->text, enc, tf_utf8_encode(cp, enc));
        }
        i += len;
    }
    CLOSE();
#undef CLOSE
    if (c->oom || c->text.oom) {
        tf_chunks_free(c);
        return TF_ERR_NOMEM;
    }
    return TF_OK;
}

void tf_chunks_free(tf_chunks *c)
{
    free(c->chunks);
    tf_buf_free(&c->text);
    memset(c, 0, sizeof *c);
}
