/* Editing rules of the text area. Everything keeps the buffer valid UTF-8 so the cursor can
 * never land inside a code point and the synthesizer never rejects what the user typed. */
#include <stdlib.h>
#include <string.h>

#include "text_buffer.h"

size_t utf8_decode(const char *str, size_t len, size_t pos, uint32_t *cp)
{
    const unsigned char *s = (const unsigned char *)str + pos;
    size_t avail = len - pos;
    unsigned char c = s[0];
    size_t n;
    uint32_t v, min;
    if (c < 0x80) {
        *cp = c;
        return 1;
    } else if (c >= 0xc2 && c <= 0xdf) {
        n = 2, v = c & 0x1f, min = 0x80;
    } else if (c >= 0xe0 && c <= 0xef) {
        n = 3, v = c & 0x0f, min = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
        n = 4, v = c & 0x07, min = 0x10000;
    } else {
        *cp = 0xfffd;
        return 1;
    }
    if (avail < n) {
        *cp = 0xfffd;
        return 1;
    }
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80) {
            *cp = 0xfffd;
            return 1;
        }
        v = (v << 6) | (s[i] & 0x3f);
    }
    /* Overlong forms, surrogates and values past U+10FFFF are as invalid as stray bytes. */
    if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) {
        *cp = 0xfffd;
        return 1;
    }
    *cp = v;
    return n;
}

char *utf8_sanitize(const char *in, size_t n, size_t *out_len)
{
    /* Worst case: every byte becomes a 3-byte U+FFFD. */
    char *out = malloc(n * 3 + 1);
    if (!out) return NULL;
    size_t o = 0;
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        size_t k = utf8_decode(in, n, i, &cp);
        if (cp == 0xfffd && k == 1) {
            memcpy(out + o, "\xef\xbf\xbd", 3);
            o += 3;
        } else if (cp == 0) {
            /* A NUL would cut the text short everywhere downstream; drop it. */
        } else {
            memcpy(out + o, in + i, k);
            o += k;
        }
        i += k;
    }
    out[o] = '\0';
    *out_len = o;
    return out;
}

static int reserve(text_buffer *tb, size_t need)
{
    if (need + 1 <= tb->cap) return 0;
    size_t cap = tb->cap ? tb->cap : 256;
    while (cap < need + 1) cap *= 2;
    char *p = realloc(tb->data, cap);
    if (!p) return -1;
    tb->data = p;
    tb->cap = cap;
    return 0;
}

int tb_init(text_buffer *tb)
{
    memset(tb, 0, sizeof *tb);
    if (reserve(tb, 0) != 0) return -1;
    tb->data[0] = '\0';
    return 0;
}

void tb_free(text_buffer *tb)
{
    free(tb->data);
    memset(tb, 0, sizeof *tb);
}

int tb_set(text_buffer *tb, const char *s, size_t n)
{
    size_t len;
    char *clean = utf8_sanitize(s, n, &len);
    if (!clean) return -1;
    free(tb->data);
    tb->data = clean;
    tb->len = len;
    tb->cap = n * 3 + 1;
    tb->cursor = tb->anchor = 0;
    tb->revision++;
    return 0;
}

size_t tb_sel_begin(const text_buffer *tb)
{
    return tb->cursor < tb->anchor ? tb->cursor : tb->anchor;
}

size_t tb_sel_end(const text_buffer *tb)
{
    return tb->cursor > tb->anchor ? tb->cursor : tb->anchor;
}

int tb_has_selection(const text_buffer *tb)
{
    return tb->cursor != tb->anchor;
}

static void remove_range(text_buffer *tb, size_t a, size_t b)
{
    if (b <= a) return;
    memmove(tb->data + a, tb->data + b, tb->len - b + 1);
    tb->len -= b - a;
    tb->cursor = tb->anchor = a;
    tb->revision++;
}

int tb_insert(text_buffer *tb, const char *s, size_t n)
{
    size_t len;
    char *clean = utf8_sanitize(s, n, &len);
    if (!clean) return -1;
    remove_range(tb, tb_sel_begin(tb), tb_sel_end(tb));
    if (reserve(tb, tb->len + len) != 0) {
        free(clean);
        return -1;
    }
    size_t at = tb->cursor;
    memmove(tb->data + at + len, tb->data + at, tb->len - at + 1);
    memcpy(tb->data + at, clean, len);
    tb->len += len;
    tb->cursor = tb->anchor = at + len;
    tb->revision++;
    free(clean);
    return 0;
}

size_t tb_next_char(const text_buffer *tb, size_t pos)
{
    if (pos >= tb->len) return tb->len;
    uint32_t cp;
    return pos + utf8_decode(tb->data, tb->len, pos, &cp);
}

size_t tb_prev_char(const text_buffer *tb, size_t pos)
{
    if (pos == 0) return 0;
    if (pos > tb->len) return tb->len;
    pos--;
    while (pos > 0 && ((unsigned char)tb->data[pos] & 0xc0) == 0x80) pos--;
    return pos;
}

void tb_backspace(text_buffer *tb)
{
    if (tb_has_selection(tb)) remove_range(tb, tb_sel_begin(tb), tb_sel_end(tb));
    else remove_range(tb, tb_prev_char(tb, tb->cursor), tb->cursor);
}

void tb_delete(text_buffer *tb)
{
    if (tb_has_selection(tb)) remove_range(tb, tb_sel_begin(tb), tb_sel_end(tb));
    else remove_range(tb, tb->cursor, tb_next_char(tb, tb->cursor));
}

void tb_move_to(text_buffer *tb, size_t pos, int extend)
{
    if (pos > tb->len) pos = tb->len;
    while (pos > 0 && pos < tb->len && ((unsigned char)tb->data[pos] & 0xc0) == 0x80) pos--;
    tb->cursor = pos;
    if (!extend) tb->anchor = pos;
}

void tb_select_all(text_buffer *tb)
{
    tb->anchor = 0;
    tb->cursor = tb->len;
}

/* Word characters for Ctrl+arrows: anything but ASCII space and punctuation, so accented
 * and non-Latin letters count as letters. */
static int is_word_byte(unsigned char c)
{
    if (c >= 0x80) return 1;
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
           c == '\'' || c == '_';
}

size_t tb_next_word(const text_buffer *tb, size_t pos)
{
    while (pos < tb->len && !is_word_byte((unsigned char)tb->data[pos])) pos++;
    while (pos < tb->len && is_word_byte((unsigned char)tb->data[pos])) pos++;
    return pos;
}

size_t tb_prev_word(const text_buffer *tb, size_t pos)
{
    if (pos > tb->len) pos = tb->len;
    while (pos > 0 && !is_word_byte((unsigned char)tb->data[pos - 1])) pos--;
    while (pos > 0 && is_word_byte((unsigned char)tb->data[pos - 1])) pos--;
    return pos;
}

char *tb_copy_selection(const text_buffer *tb)
{
    size_t a = tb_sel_begin(tb), b = tb_sel_end(tb);
    char *s = malloc(b - a + 1);
    if (!s) return NULL;
    memcpy(s, tb->data + a, b - a);
    s[b - a] = '\0';
    return s;
}
