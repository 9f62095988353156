/* The GUI's display-free parts: UTF-8 editing rules of the text area and the sample ring
 * between the synthesis worker and the audio callback. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "sample_ring.h"
#include "text_buffer.h"

static int text_is(const text_buffer *tb, const char *s)
{
    return tb->len == strlen(s) && memcmp(tb->data, s, tb->len) == 0 && tb->data[tb->len] == 0;
}

static void test_decode(void)
{
    uint32_t cp;
    CHECK(utf8_decode("a", 1, 0, &cp) == 1 && cp == 'a');
    CHECK(utf8_decode("\xc3\xa9", 2, 0, &cp) == 2 && cp == 0xe9);
    CHECK(utf8_decode("\xe2\x82\xac", 3, 0, &cp) == 3 && cp == 0x20ac);
    CHECK(utf8_decode("\xf0\x9f\x90\xa6", 4, 0, &cp) == 4 && cp == 0x1f426);
    /* Overlong, surrogate, truncated, stray continuation: one replacement per bad byte. */
    CHECK(utf8_decode("\xc0\xaf", 2, 0, &cp) == 1 && cp == 0xfffd);
    CHECK(utf8_decode("\xed\xa0\x80", 3, 0, &cp) == 1 && cp == 0xfffd);
    CHECK(utf8_decode("\xe2\x82", 2, 0, &cp) == 1 && cp == 0xfffd);
    CHECK(utf8_decode("\x80", 1, 0, &cp) == 1 && cp == 0xfffd);
    size_t n;
    char *s = utf8_sanitize("a\xffz\0q", 5, &n);
    CHECK(s && n == 6 && memcmp(s, "a\xef\xbf\xbdzq", 6) == 0); /* NUL dropped */
    free(s);
}

static void test_editing(void)
{
    text_buffer tb;
    CHECK(tb_init(&tb) == 0);
    CHECK(text_is(&tb, ""));
    unsigned rev = tb.revision;
    CHECK(tb_insert(&tb, "héllo wörld", strlen("héllo wörld")) == 0);
    CHECK(text_is(&tb, "héllo wörld") && tb.cursor == tb.len && tb.revision != rev);

    /* Cursor movement never lands inside a code point. */
    tb_move_to(&tb, 2, 0); /* inside é: snaps back to its start */
    CHECK(tb.cursor == 1);
    CHECK(tb_next_char(&tb, 1) == 3);
    CHECK(tb_prev_char(&tb, 3) == 1);
    tb_move_to(&tb, 3, 0);
    tb_backspace(&tb); /* removes é whole */
    CHECK(text_is(&tb, "hllo wörld") && tb.cursor == 1);
    tb_delete(&tb);
    CHECK(text_is(&tb, "hlo wörld"));

    /* Words: Ctrl+arrows stop at word ends and starts; non-ASCII letters are letters. */
    CHECK(tb_next_word(&tb, 0) == 3);
    CHECK(tb_next_word(&tb, 3) == tb.len);
    CHECK(tb_prev_word(&tb, tb.len) == 4);

    /* Shift+movement selects; typing replaces the selection; copy gives its bytes. */
    tb_move_to(&tb, 4, 0);
    tb_move_to(&tb, tb.len, 1);
    CHECK(tb_has_selection(&tb) && tb_sel_begin(&tb) == 4 && tb_sel_end(&tb) == tb.len);
    char *sel = tb_copy_selection(&tb);
    CHECK(sel && strcmp(sel, "wörld") == 0);
    free(sel);
    CHECK(tb_insert(&tb, "there", 5) == 0);
    CHECK(text_is(&tb, "hlo there") && !tb_has_selection(&tb));
    /* Selection made backwards (anchor after cursor) behaves the same. */
    tb_move_to(&tb, 3, 0);
    tb_move_to(&tb, 0, 1);
    tb_backspace(&tb);
    CHECK(text_is(&tb, " there") && tb.cursor == 0);
    tb_select_all(&tb);
    tb_delete(&tb);
    CHECK(text_is(&tb, ""));
    /* Edges: nothing to delete, movement clamped. */
    tb_backspace(&tb);
    tb_delete(&tb);
    tb_move_to(&tb, 99, 0);
    CHECK(text_is(&tb, "") && tb.cursor == 0);

    /* Pasted or loaded text is sanitized: the buffer stays valid UTF-8. */
    CHECK(tb_insert(&tb, "x\xc3", 2) == 0);
    CHECK(text_is(&tb, "x\xef\xbf\xbd"));
    CHECK(tb_set(&tb, "line one\nline two", 17) == 0);
    CHECK(text_is(&tb, "line one\nline two") && tb.cursor == 0 && tb.anchor == 0);
    /* Grows past the initial capacity. */
    for (int i = 0; i < 2000; i++) tb_insert(&tb, "ab", 2);
    CHECK(tb.len == 17 + 4000 && tb.data[tb.len] == 0 && tb.cursor == 4000);
    tb_free(&tb);
}

typedef struct {
    sample_ring *r;
    size_t n;
    int ok;
} reader_job;

/* Reads while the main thread writes: every sample arrives once, in order. */
static void *reader(void *arg)
{
    reader_job *j = arg;
    float buf[97];
    size_t next = 0;
    j->ok = 1;
    while (next < j->n) {
        size_t k = ring_read(j->r, buf, 97);
        for (size_t i = 0; i < k; i++)
            if (buf[i] != (float)(next + i)) j->ok = 0;
        next += k;
    }
    return NULL;
}

static void test_ring(void)
{
    sample_ring r;
    CHECK(ring_init(&r, 1000) == 0);
    CHECK(ring_capacity(&r) == 1024 && ring_filled(&r) == 0);
    float x[1500], y[1500];
    for (int i = 0; i < 1500; i++) x[i] = (float)i;
    CHECK(ring_write(&r, x, 1500) == 1024); /* only what fits */
    CHECK(ring_filled(&r) == 1024);
    CHECK(ring_read(&r, y, 1000) == 1000 && memcmp(x, y, 1000 * sizeof *x) == 0);
    /* Wrap-around in both directions. */
    CHECK(ring_write(&r, x + 1024, 476) == 476);
    CHECK(ring_read(&r, y, 1500) == 500);
    CHECK(memcmp(y, x + 1000, 500 * sizeof *x) == 0);
    CHECK(ring_read(&r, y, 10) == 0);
    ring_free(&r);

    /* Two threads, small ring, many wraps. */
    CHECK(ring_init(&r, 256) == 0);
    enum { N = 200000 };
    reader_job j = {&r, N, 0};
    pthread_t t;
    pthread_create(&t, NULL, reader, &j);
    float chunk[61];
    for (size_t sent = 0; sent < N;) {
        size_t m = N - sent < 61 ? N - sent : 61;
        for (size_t i = 0; i < m; i++) chunk[i] = (float)(sent + i);
        size_t k = ring_write(&r, chunk, m);
        sent += k;
    }
    pthread_join(t, NULL);
    CHECK(j.ok);
    CHECK(ring_filled(&r) == 0);
    ring_free(&r);
}

int main(void)
{
    test_decode();
    test_editing();
    test_ring();
    return check_summary("test_gui_text");
}
