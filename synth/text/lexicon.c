/* User lexicon: word -> phoneme symbols, overriding libespeak-ng. An open-addressing hash
 * table keyed by the lower-cased word; values are stored in canonical symbol form. */
#include "synth/text/text_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    char *word;     /* lower-cased */
    char *phonemes; /* canonical, space separated */
} entry;

struct tf_lexicon {
    entry *slots;
    size_t cap, n; /* cap is a power of two */
};

tf_lexicon *tf_lexicon_create(void)
{
    return calloc(1, sizeof(tf_lexicon));
}

void tf_lexicon_destroy(tf_lexicon *lx)
{
    if (!lx) return;
    for (size_t i = 0; i < lx->cap; i++) {
        free(lx->slots[i].word);
        free(lx->slots[i].phonemes);
    }
    free(lx->slots);
    free(lx);
}

static char lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
}

static uint64_t hash(const char *w, size_t n)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)lower(w[i])) * 1099511628211ull;
    return h;
}

static int same(const char *key, const char *w, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (key[i] != lower(w[i])) return 0;
    return key[n] == '\0';
}

static entry *find(const tf_lexicon *lx, const char *w, size_t n)
{
    if (!lx->cap) return NULL;
    for (size_t i = hash(w, n) & (lx->cap - 1);; i = (i + 1) & (lx->cap - 1))
        if (!lx->slots[i].word || same(lx->slots[i].word, w, n)) return &lx->slots[i];
}

static int rehash(tf_lexicon *lx)
{
    size_t cap = lx->cap ? lx->cap * 2 : 64;
    entry *old = lx->slots;
    size_t old_cap = lx->cap;
    lx->slots = calloc(cap, sizeof(entry));
    if (!lx->slots) {
        lx->slots = old;
        return 0;
    }
    lx->cap = cap;
    for (size_t i = 0; i < old_cap; i++)
        if (old[i].word) *find(lx, old[i].word, strlen(old[i].word)) = old[i];
    free(old);
    return 1;
}

const char *tf_lexicon_get(const tf_lexicon *lx, const char *word, size_t n)
{
    const entry *e = lx ? find(lx, word, n) : NULL;
    return e && e->word ? e->phonemes : NULL;
}

tf_status tf_lexicon_put(tf_lexicon *lx, const char *word, size_t wn, const char *ph, size_t pn)
{
    if (!wn || !tf_utf8_validate(word, wn, NULL) || !tf_utf8_validate(ph, pn, NULL))
        return TF_ERR_LEXICON;
    for (size_t i = 0; i < wn; i++)
        if ((unsigned char)word[i] <= ' ') return TF_ERR_LEXICON;
    tf_buf canon = {0};
    if (!tf_symbols_canonical(ph, pn, ' ', &canon)) {
        tf_status st = canon.oom ? TF_ERR_NOMEM : TF_ERR_LEXICON;
        tf_buf_free(&canon);
        return st;
    }
    if (canon.oom || ((lx->n + 1) * 4 > lx->cap * 3 && !rehash(lx))) {
        tf_buf_free(&canon);
        return TF_ERR_NOMEM;
    }
    entry *e = find(lx, word, wn);
    if (!e->word) {
        char *w = malloc(wn + 1);
        if (!w) {
            tf_buf_free(&canon);
            return TF_ERR_NOMEM;
        }
        for (size_t i = 0; i < wn; i++) w[i] = lower(word[i]);
        w[wn] = '\0';
        e->word = w;
        lx->n++;
    }
    free(e->phonemes);
    e->phonemes = canon.p; /* a later entry replaces an earlier one */
    return TF_OK;
}

tf_status tf_lexicon_add(tf_frontend *fe, const char *word, const char *phonemes)
{
    if (!fe || !word || !phonemes) return TF_ERR_ARG;
    return tf_lexicon_put(fe->lexicon, word, strlen(word), phonemes, strlen(phonemes));
}

static int blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

tf_status tf_lexicon_load(tf_frontend *fe, const char *path)
{
    if (!fe || !path) return TF_ERR_ARG;
    FILE *f = fopen(path, "rb");
    if (!f) return TF_ERR_IO;
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    tf_status st = TF_OK;
    while (st == TF_OK && (len = getline(&line, &cap, f)) >= 0) {
        size_t n = (size_t)len;
        char *hash_at = memchr(line, '#', n);
        if (hash_at) n = (size_t)(hash_at - line);
        size_t b = 0;
        while (b < n && blank(line[b])) b++;
        while (n > b && blank(line[n - 1])) n--;
        if (b == n) continue; /* blank or comment line */
        size_t w = b;
        while (w < n && !blank(line[w])) w++;
        size_t p = w;
        while (p < n && blank(line[p])) p++;
        if (p == n || memchr(line + b, '\0', n - b)) {
            st = TF_ERR_LEXICON; /* a word without phonemes */
            break;
        }
        for (size_t k = p; k < n; k++)
            if (line[k] == '\t') line[k] = ' ';
        st = tf_lexicon_put(fe->lexicon, line + b, w - b, line + p, n - p);
    }
    if (st == TF_OK && ferror(f)) st = TF_ERR_IO;
    free(line);
    fclose(f);
    return st;
}
