/* The text front end of a voice, and the front-end-only entry points: what the models will
 * see for a text. Training uses myna_text_phonemes (through `myna --phonemes`) so it never
 * reimplements the front end. A myna_phonemizer is a voice's front end without the compute
 * backend and the models, so front-end-only work pays for neither. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "synth_internal.h"

struct myna_phonemizer {
    text_front front;
};

myna_status text_front_open(text_front *f, const myna_voice *voice, const char *lexicon_path,
                            char *err, size_t err_size)
{
    memset(f, 0, sizeof *f);
    tf_status ts = tf_create(voice->language, &f->tf);
    if (ts != TF_OK)
        return api_fail(err, err_size, MYNA_ERR_PHONEMIZER, "libespeak-ng language '%s': %s",
                        voice->language, tf_strerror(ts));
    if (lexicon_path) ts = tf_lexicon_load(f->tf, lexicon_path);
    if (ts != TF_OK) {
        text_front_close(f);
        return api_fail(err, err_size, ts == TF_ERR_IO ? MYNA_ERR_IO : MYNA_ERR_INVALID_ARGUMENT,
                        "lexicon %s: %s", lexicon_path, tf_strerror(ts));
    }
    if (tf_inventory_create(voice->symbols, voice->n_symbols, &f->inventory) != TF_OK) {
        text_front_close(f);
        return api_fail(err, err_size, MYNA_ERR_VOICE_FORMAT, "phoneme inventory invalid");
    }
    return MYNA_OK;
}

void text_front_close(text_front *f)
{
    tf_inventory_destroy(f->inventory);
    tf_destroy(f->tf);
    memset(f, 0, sizeof *f);
}

typedef struct {
    char *data;
    size_t len, cap;
} strbuf;

static int sb_append(strbuf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t nc = b->cap ? b->cap : 256;
        while (nc < b->len + n + 1) nc *= 2;
        char *p = realloc(b->data, nc);
        if (!p) return 0;
        b->data = p;
        b->cap = nc;
    }
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
    return 1;
}

/* Appends one sentence as symbols (inv == NULL) or inventory ids. */
static int append_sentence(strbuf *b, const tf_phonemes *ph, const tf_inventory *inv)
{
    if (!inv) {
        for (size_t i = 0; i < ph->n; i++)
            if ((i && !sb_append(b, " ", 1)) ||
                !sb_append(b, ph->tokens[i], strlen(ph->tokens[i])))
                return 0;
        return sb_append(b, "\n", 1);
    }
    int32_t *ids = malloc((ph->n ? ph->n : 1) * sizeof *ids);
    size_t n_ids = 0, n_unknown = 0;
    if (!ids) return 0;
    tf_inventory_map(inv, ph, ids, &n_ids, &n_unknown);
    int ok = 1;
    for (size_t i = 0; ok && i < n_ids; i++) {
        char num[16];
        int w = snprintf(num, sizeof num, i ? " %d" : "%d", (int)ids[i]);
        ok = sb_append(b, num, (size_t)w);
    }
    free(ids);
    return ok && sb_append(b, "\n", 1);
}

static myna_status phonemize_text(tf_frontend *fe, const tf_inventory *inv, const char *text,
                                  size_t len, char **out)
{
    if (!out) return MYNA_ERR_INVALID_ARGUMENT;
    *out = NULL;
    if (!text && len) return MYNA_ERR_INVALID_ARGUMENT;
    size_t bad;
    if (len && !tf_utf8_validate(text, len, &bad)) return MYNA_ERR_TEXT_ENCODING;
    strbuf b = {0};
    if (!sb_append(&b, "", 0)) return MYNA_ERR_NO_MEMORY;
    size_t pos = 0;
    tf_span span;
    while (tf_next_sentence(text, len, MAX_SENTENCE_BYTES, &pos, &span) == TF_OK) {
        tf_phonemes ph;
        tf_status ts = tf_phonemize(fe, text + span.begin, span.end - span.begin, &ph);
        if (ts != TF_OK) {
            free(b.data);
            return ts == TF_ERR_NOMEM ? MYNA_ERR_NO_MEMORY : MYNA_ERR_PHONEMIZER;
        }
        int ok = ph.n == 0 || append_sentence(&b, &ph, inv);
        tf_phonemes_free(&ph);
        if (!ok) {
            free(b.data);
            return MYNA_ERR_NO_MEMORY;
        }
    }
    *out = b.data;
    return MYNA_OK;
}

myna_status myna_synth_phonemes(myna_synth *s, const char *text, size_t len, char **out)
{
    if (!s) return MYNA_ERR_INVALID_ARGUMENT;
    return phonemize_text(s->front.tf, NULL, text, len, out);
}

myna_status myna_synth_phoneme_ids(myna_synth *s, const char *text, size_t len, char **out)
{
    if (!s) return MYNA_ERR_INVALID_ARGUMENT;
    return phonemize_text(s->front.tf, s->front.inventory, text, len, out);
}

myna_status myna_phonemizer_create(const myna_voice *voice, const myna_options *options,
                                   myna_phonemizer **out, char *error, size_t error_size)
{
    if (error && error_size) error[0] = '\0';
    if (!out) return MYNA_ERR_INVALID_ARGUMENT;
    *out = NULL;
    if (!voice) return MYNA_ERR_INVALID_ARGUMENT;
    myna_options opt;
    myna_status st = api_take_options(voice, options, &opt, error, error_size);
    if (st != MYNA_OK) return st;
    myna_phonemizer *p = calloc(1, sizeof *p);
    if (!p) return MYNA_ERR_NO_MEMORY;
    st = text_front_open(&p->front, voice, opt.lexicon_path, error, error_size);
    if (st != MYNA_OK) {
        free(p);
        return st;
    }
    *out = p;
    return MYNA_OK;
}

void myna_phonemizer_destroy(myna_phonemizer *p)
{
    if (!p) return;
    text_front_close(&p->front);
    free(p);
}

myna_status myna_phonemizer_phonemes(myna_phonemizer *p, const char *text, size_t len, char **out)
{
    if (!p) return MYNA_ERR_INVALID_ARGUMENT;
    return phonemize_text(p->front.tf, NULL, text, len, out);
}

myna_status myna_phonemizer_phoneme_ids(myna_phonemizer *p, const char *text, size_t len,
                                        char **out)
{
    if (!p) return MYNA_ERR_INVALID_ARGUMENT;
    return phonemize_text(p->front.tf, p->front.inventory, text, len, out);
}

myna_status myna_text_phonemes(const char *language, const char *lexicon_path, const char *text,
                               size_t len, char **out)
{
    if (!language || !out) return MYNA_ERR_INVALID_ARGUMENT;
    tf_frontend *fe;
    if (tf_create(language, &fe) != TF_OK) return MYNA_ERR_PHONEMIZER;
    myna_status st = MYNA_OK;
    if (lexicon_path) {
        tf_status ts = tf_lexicon_load(fe, lexicon_path);
        if (ts != TF_OK) st = ts == TF_ERR_IO ? MYNA_ERR_IO : MYNA_ERR_INVALID_ARGUMENT;
    }
    if (st == MYNA_OK) st = phonemize_text(fe, NULL, text, len, out);
    tf_destroy(fe);
    return st;
}

void myna_free(void *p)
{
    free(p);
}
