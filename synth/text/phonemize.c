/* Sentence -> phoneme tokens. Normalised words go to libespeak-ng in runs (whole clauses, so
 * function words get their weak forms: "a" is "ɐ" in context but "ˈeɪ" alone); lexicon words
 * and inline [[phonemes]] bypass it. Tokens: ^ phonemes (# between words) punctuation $. */
#include "synth/text/text_internal.h"

#include <espeak-ng/speak_lib.h>
#include <stdlib.h>
#include <string.h>

#define RUN_WORDS 64  /* words per libespeak-ng call: bounds the alignment work */
#define SEPARATOR '|' /* between phoneme names in libespeak-ng output; not an IPA symbol */

typedef struct {
    tf_buf pool;    /* token strings, NUL separated */
    size_t *offset; /* token i starts at pool.p + offset[i] */
    int32_t *word;
    size_t n, cap, cap_w;
    int oom, any_word;
} builder;

static void token(builder *b, const char *s, size_t n, int32_t word)
{
    if (b->oom || !tf_grow((void **)&b->offset, &b->cap, b->n, sizeof *b->offset) ||
        !tf_grow((void **)&b->word, &b->cap_w, b->n, sizeof *b->word)) {
        b->oom = 1;
        return;
    }
    b->offset[b->n] = b->pool.n;
    b->word[b->n++] = word;
    tf_buf_put(&b->pool, s, n);
    tf_buf_putc(&b->pool, '\0');
}

#define MAX_SHARED 8 /* input words one libespeak-ng word may stand for (align.c joins <= 3) */

/* Adds one output word given as canonical space-separated symbols, spoken for the input words
 * words[0..count). When libespeak-ng joined several input words into it ("that the" ->
 * "ðætðə"), its symbols are shared out in proportion to weight[] (each word's own symbol
 * count), so every word keeps phonemes and a word event of its own. No "#" goes between them:
 * the phonemes stay exactly libespeak-ng's. */
static void word_symbols_shared(builder *b, const char *sym, size_t n, const int32_t *words,
                                const size_t *weight, size_t count)
{
    size_t n_sym = 0;
    for (size_t i = 0; i < n; i++)
        if (sym[i] != ' ' && (i == 0 || sym[i - 1] == ' ')) n_sym++;
    double total = 0, cum = 0;
    for (size_t q = 0; q < count; q++)
        total += (double)weight[q];
    if (count > MAX_SHARED || total <= 0) count = 1;
    size_t end[MAX_SHARED]; /* word q owns symbols [end[q-1], end[q]) */
    for (size_t q = 0; q < count; q++) {
        cum += (double)weight[q];
        size_t prev = q ? end[q - 1] : 0;
        size_t e = q + 1 == count ? n_sym : (size_t)((double)n_sym * cum / total + 0.5);
        size_t left = count - 1 - q; /* words after q: one symbol each where there are enough */
        if (e < prev + 1) e = prev + 1;
        if (n_sym >= left && e > n_sym - left) e = n_sym - left;
        end[q] = e < prev ? prev : e > n_sym ? n_sym : e;
    }
    size_t i = 0, index = 0, q = 0;
    int first = 1;
    while (i < n) {
        while (i < n && sym[i] == ' ')
            i++;
        size_t s = i;
        while (i < n && sym[i] != ' ')
            i++;
        if (i == s) continue;
        while (q + 1 < count && index >= end[q])
            q++;
        size_t owner = q;
        /* a stress mark at the end of a share belongs to the next word's first syllable */
        if (q + 1 < count && index + 1 == end[q] && i - s == 2 && tf_is_stress(sym + s, 2))
            owner = q + 1;
        if (first && b->any_word) token(b, "#", 1, -1);
        first = 0;
        token(b, sym + s, i - s, words[owner]);
        index++;
    }
    if (!first) b->any_word = 1;
}

/* Adds one word given as canonical space-separated symbols. */
static void word_symbols(builder *b, const char *sym, size_t n, int32_t word)
{
    size_t one = 1;
    word_symbols_shared(b, sym, n, &word, &one, 1);
}

/* Symbols of one word phonemised on its own (0 if libespeak-ng gives nothing). Call with the
 * libespeak-ng lock held. */
static size_t alone_symbol_count(const char *word, tf_buf *scratch)
{
    const void *p = word;
    size_t count = 0;
    while (p) {
        const char *ph = espeak_TextToPhonemes(&p, espeakCHARS_UTF8, 0x02 | (SEPARATOR << 8));
        if (!ph) break;
        scratch->n = 0;
        count += tf_symbols_canonical(ph, strlen(ph), SEPARATOR, scratch);
    }
    return count;
}

/* Phonemises items[from, to) (all plain words) with libespeak-ng. */
static tf_status espeak_run(const tf_frontend *fe, const tf_items *it, size_t from, size_t to,
                            builder *b)
{
    tf_buf text = {0}, out = {0}, canon = {0};
    size_t k = to - from, m = 0;
    size_t in_len[RUN_WORDS];
    for (size_t i = from; i < to; i++) {
        if (i > from) tf_buf_putc(&text, ' ');
        tf_buf_puts(&text, tf_item_text(it, i));
        in_len[i - from] = strlen(tf_item_text(it, i));
    }
    if (text.oom) return TF_ERR_NOMEM;
    tf_status st = tf_espeak_acquire(fe->language);
    if (st != TF_OK) {
        tf_buf_free(&text);
        return st;
    }
    const void *p = text.p;
    while (p) { /* one clause per call; words of all clauses separated by spaces */
        const char *ph = espeak_TextToPhonemes(&p, espeakCHARS_UTF8, 0x02 | (SEPARATOR << 8));
        if (!ph) break;
        tf_buf_putc(&out, ' ');
        tf_buf_puts(&out, ph);
    }
    tf_espeak_release();
    tf_buf_free(&text);

    /* Canonical symbols per output word, one line each. */
    size_t *out_len = NULL, cap = 0, i = 0;
    while (i < out.n && !out.oom) {
        while (i < out.n && out.p[i] == ' ')
            i++;
        size_t s = i;
        while (i < out.n && out.p[i] != ' ')
            i++;
        size_t count = tf_symbols_canonical(out.p + s, i - s, SEPARATOR, &canon);
        if (!count) continue;
        tf_buf_putc(&canon, '\n');
        if (!tf_grow((void **)&out_len, &cap, m, sizeof *out_len)) {
            canon.oom = 1;
            break;
        }
        out_len[m++] = count;
    }
    /* libespeak-ng joins short words ("that the" -> one word) and splits others. Where the
     * word counts differ, the grouping is found by lengths: each input word's own symbol count
     * (phonemised alone) predicts its share far better than its letters do, so "ðætðə" goes
     * to "that the" and not to "that" plus part of the next word. */
    if (m != k && !out.oom && !canon.oom && tf_espeak_acquire(fe->language) == TF_OK) {
        tf_buf scratch = {0};
        for (size_t w = from; w < to; w++) {
            size_t c = alone_symbol_count(tf_item_text(it, w), &scratch);
            if (c) in_len[w - from] = c;
        }
        tf_espeak_release();
        tf_buf_free(&scratch);
    }
    size_t *owner = m ? malloc(m * sizeof *owner) : NULL;
    if (out.oom || canon.oom || (m && !owner)) {
        free(out_len);
        free(owner);
        tf_buf_free(&out);
        tf_buf_free(&canon);
        return TF_ERR_NOMEM;
    }
    if (m == k) {
        for (size_t j = 0; j < m; j++)
            owner[j] = j;
    } else {
        tf_align_words(in_len, k, out_len, m, owner);
    }
    const char *line = canon.p;
    for (size_t j = 0; j < m; j++) {
        while (*line == ' ' || *line == '\n')
            line++;
        const char *end = strchr(line, '\n');
        /* input words owner[j] .. owner[j+1]-1 were joined into this output word */
        size_t next = j + 1 < m ? owner[j + 1] : k;
        size_t count = next > owner[j] && next - owner[j] <= MAX_SHARED ? next - owner[j] : 1;
        int32_t words[MAX_SHARED];
        for (size_t q = 0; q < count; q++)
            words[q] = it->items[from + owner[j] + q].word;
        word_symbols_shared(b, line, (size_t)(end - line), words, in_len + owner[j], count);
        line = end + 1;
    }
    free(out_len);
    free(owner);
    tf_buf_free(&out);
    tf_buf_free(&canon);
    return TF_OK;
}

static tf_status build(const tf_frontend *fe, const tf_items *it, builder *b)
{
    token(b, "^", 1, -1);
    size_t i = 0;
    while (i < it->n) {
        const tf_item *x = &it->items[i];
        const char *t = tf_item_text(it, i);
        if (x->kind == TF_ITEM_PUNCT) {
            if (b->any_word) token(b, t, 1, -1);
            i++;
            continue;
        }
        const char *lex =
            x->kind == TF_ITEM_WORD ? tf_lexicon_get(fe->lexicon, t, strlen(t)) : NULL;
        if (x->kind == TF_ITEM_PHONEMES) {
            tf_buf canon = {0};
            tf_symbols_canonical(t, strlen(t), ' ', &canon);
            if (canon.oom) return TF_ERR_NOMEM;
            if (canon.n) word_symbols(b, canon.p, canon.n, x->word);
            tf_buf_free(&canon);
            i++;
            continue;
        }
        if (lex) {
            word_symbols(b, lex, strlen(lex), x->word);
            i++;
            continue;
        }
        size_t j = i;
        while (j < it->n && j - i < RUN_WORDS && it->items[j].kind == TF_ITEM_WORD &&
               !tf_lexicon_get(fe->lexicon, tf_item_text(it, j), strlen(tf_item_text(it, j))))
            j++;
        tf_status st = espeak_run(fe, it, i, j, b);
        if (st != TF_OK) return st;
        i = j;
    }
    token(b, "$", 1, -1);
    return b->oom || b->pool.oom ? TF_ERR_NOMEM : TF_OK;
}

tf_status tf_phonemize(tf_frontend *fe, const char *sentence, size_t n, tf_phonemes *out)
{
    if (!out) return TF_ERR_ARG;
    memset(out, 0, sizeof *out);
    if (!fe || (!sentence && n)) return TF_ERR_ARG;
    if (!tf_utf8_validate(sentence, n, NULL)) return TF_ERR_UTF8;
    tf_items it;
    tf_status st = tf_normalize_items(sentence, n, fe->english, fe->latin_only, &it);
    if (st != TF_OK) return st;
    builder b = {0};
    st = build(fe, &it, &b);
    if (st == TF_OK && b.any_word) { /* nothing to say -> n = 0, no "^ $" */
        char **tokens = malloc(b.n * sizeof(char *) + b.pool.n);
        tf_span *spans = malloc((it.n_spans ? it.n_spans : 1) * sizeof *spans);
        if (!tokens || !spans) {
            free(tokens);
            free(spans);
            st = TF_ERR_NOMEM;
        } else {
            /* One block: the pointer array followed by the strings. */
            char *strings = (char *)(tokens + b.n);
            memcpy(strings, b.pool.p, b.pool.n);
            for (size_t i = 0; i < b.n; i++)
                tokens[i] = strings + b.offset[i];
            memcpy(spans, it.spans, it.n_spans * sizeof *spans);
            out->n = b.n;
            out->tokens = tokens;
            out->word = b.word;
            b.word = NULL;
            out->n_words = it.n_spans;
            out->word_spans = spans;
        }
    }
    free(b.offset);
    free(b.word);
    tf_buf_free(&b.pool);
    tf_items_free(&it);
    return st;
}

void tf_phonemes_free(tf_phonemes *p)
{
    if (!p) return;
    free(p->tokens);
    free(p->word);
    free(p->word_spans);
    memset(p, 0, sizeof *p);
}
