/* Normaliser entry points: sentence -> items (spoken words, clause punctuation, inline
 * phonemes) and the text form returned by tf_normalize. */
#include "synth/text/text_internal.h"

#include <stdlib.h>
#include <string.h>

static void push(tf_items *it, tf_item_kind kind, const char *s, size_t n, int32_t word)
{
    if (it->oom || !tf_grow((void **)&it->items, &it->cap, it->n, sizeof *it->items)) {
        it->oom = 1;
        return;
    }
    it->items[it->n++] = (tf_item){kind, it->pool.n, word};
    tf_buf_put(&it->pool, s, n);
    tf_buf_putc(&it->pool, '\0');
}

void tf_items_word(tf_items *it, const char *w, size_t n, int32_t word)
{
    if (n) push(it, TF_ITEM_WORD, w, n, word);
}

void tf_items_phonemes(tf_items *it, const char *s, size_t n, int32_t word)
{
    push(it, TF_ITEM_PHONEMES, s, n, word);
}

/* Clause punctuation: a run of marks collapses to the strongest one, and nothing precedes the
 * first word, so the same text always yields the same symbols. */
void tf_items_punct(tf_items *it, char p)
{
    static const char rank[] = ",:;.!?";
    if (!it->n) return;
    tf_item *last = &it->items[it->n - 1];
    if (last->kind == TF_ITEM_PUNCT) {
        char *q = it->pool.p + last->text;
        if (strchr(rank, p) > strchr(rank, *q)) *q = p;
        return;
    }
    push(it, TF_ITEM_PUNCT, &p, 1, -1);
}

void tf_items_words(tf_items *it, const char *s, size_t n, int32_t word)
{
    size_t i = 0;
    while (i < n) {
        while (i < n && s[i] == ' ') i++;
        size_t b = i;
        while (i < n && s[i] != ' ') i++;
        if (i - b == 1 && strchr(",.?!;:", s[b])) tf_items_punct(it, s[b]);
        else tf_items_word(it, s + b, i - b, word);
    }
}

int32_t tf_items_new_word(tf_items *it, size_t src_begin, size_t src_end)
{
    if (it->oom || !tf_grow((void **)&it->spans, &it->cap_spans, it->n_spans, sizeof *it->spans)) {
        it->oom = 1;
        return -1;
    }
    it->spans[it->n_spans] = (tf_span){src_begin, src_end};
    return (int32_t)it->n_spans++;
}

const char *tf_item_text(const tf_items *it, size_t i)
{
    return it->pool.p + it->items[i].text;
}

void tf_items_free(tf_items *it)
{
    free(it->items);
    free(it->spans);
    tf_buf_free(&it->pool);
    memset(it, 0, sizeof *it);
}

tf_status tf_normalize_items(const char *sentence, size_t n, int english, int latin_only,
                             tf_items *out)
{
    memset(out, 0, sizeof *out);
    tf_chunks chunks;
    tf_status st = tf_scan_chunks(sentence, n, &chunks);
    if (st != TF_OK) return st;
    tf_rules_apply(&chunks, english, latin_only, out);
    tf_chunks_free(&chunks);
    if (out->oom || out->pool.oom) {
        tf_items_free(out);
        return TF_ERR_NOMEM;
    }
    return TF_OK;
}

tf_status tf_normalize(tf_frontend *fe, const char *sentence, size_t n, char **out)
{
    if (!fe || !out || (!sentence && n)) return TF_ERR_ARG;
    *out = NULL;
    size_t bad;
    if (!tf_utf8_validate(sentence, n, &bad)) return TF_ERR_UTF8;
    tf_items it;
    tf_status st = tf_normalize_items(sentence, n, fe->english, fe->latin_only, &it);
    if (st != TF_OK) return st;
    tf_buf b = {0};
    tf_buf_put(&b, "", 0);
    for (size_t i = 0; i < it.n; i++) {
        const char *t = tf_item_text(&it, i);
        if (it.items[i].kind != TF_ITEM_PUNCT && b.n) tf_buf_putc(&b, ' ');
        if (it.items[i].kind == TF_ITEM_PHONEMES) {
            tf_buf_puts(&b, "[[");
            tf_buf_puts(&b, t);
            tf_buf_puts(&b, "]]");
        } else {
            tf_buf_puts(&b, t);
        }
    }
    tf_items_free(&it);
    if (b.oom) {
        tf_buf_free(&b);
        return TF_ERR_NOMEM;
    }
    *out = b.p;
    return TF_OK;
}
