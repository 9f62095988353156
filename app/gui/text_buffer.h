/* The text being edited: UTF-8 bytes, a cursor and a selection anchor. No SDL here, so the
 * editing rules can be unit-tested without a display. Positions are byte offsets that always
 * sit on a code point boundary. */
#ifndef MYNA_GUI_TEXT_BUFFER_H
#define MYNA_GUI_TEXT_BUFFER_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    char *data; /* NUL-terminated, valid UTF-8 */
    size_t len, cap;
    size_t cursor, anchor; /* selection is [min, max) of the two */
    unsigned revision;     /* bumped on every change, so spoken offsets can be trusted */
} text_buffer;

/* Decodes the code point at pos (len bytes in s); returns its byte length (1 for a bad byte,
 * which then decodes as U+FFFD). */
size_t utf8_decode(const char *s, size_t len, size_t pos, uint32_t *cp);
/* Copies in to a malloc'ed, NUL-terminated string where every invalid sequence is replaced by
 * U+FFFD; *out_len gets the byte count. NULL when out of memory. */
char *utf8_sanitize(const char *in, size_t n, size_t *out_len);

int tb_init(text_buffer *tb);
void tb_free(text_buffer *tb);
/* Replaces the whole text (sanitized); cursor at the start. 0 or -1 (out of memory). */
int tb_set(text_buffer *tb, const char *s, size_t n);
/* Inserts at the cursor (sanitized), replacing the selection. 0 or -1. */
int tb_insert(text_buffer *tb, const char *s, size_t n);
/* Backspace / Delete: remove the selection, or one code point before / after the cursor. */
void tb_backspace(text_buffer *tb);
void tb_delete(text_buffer *tb);

size_t tb_sel_begin(const text_buffer *tb);
size_t tb_sel_end(const text_buffer *tb);
int tb_has_selection(const text_buffer *tb);
/* Moves the cursor to pos (clamped, snapped back to a code point start); extend keeps the
 * anchor (shift+movement), otherwise the selection collapses. */
void tb_move_to(text_buffer *tb, size_t pos, int extend);
void tb_select_all(text_buffer *tb);

/* Boundaries for cursor movement. */
size_t tb_next_char(const text_buffer *tb, size_t pos);
size_t tb_prev_char(const text_buffer *tb, size_t pos);
size_t tb_next_word(const text_buffer *tb, size_t pos); /* Ctrl+Right: end of next word */
size_t tb_prev_word(const text_buffer *tb, size_t pos); /* Ctrl+Left: start of word */

/* The selected text, malloc'ed and NUL-terminated (empty string if none); NULL when out of
 * memory. */
char *tb_copy_selection(const text_buffer *tb);

#endif
