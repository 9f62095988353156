/* Text front end: UTF-8 text -> sentences -> normalised words -> phoneme symbols -> ids.
 *
 * Stages (each usable alone, so tests and training can call them):
 *   tf_utf8_validate     reject invalid UTF-8 with the byte offset of the first bad sequence
 *   tf_next_sentence     split long text into sentences / bounded clauses (no allocation)
 *   tf_normalize         numbers, ordinals, dates, times, currency, abbreviations, acronyms
 *                        -> spoken words; control characters, emoji, markup made harmless
 *   tf_phonemize         words -> phoneme symbols via libespeak-ng, user lexicon and inline
 *                        [[phonemes]] override
 *   tf_inventory_lookup  symbols -> ids of a voice's phoneme inventory
 *
 * libespeak-ng keeps process-wide state; this module is the only one that touches it and
 * serialises every call behind one lock, so tf_frontend objects may be used from several
 * threads (each object by one thread at a time).
 */
#ifndef MYNA_FRONTEND_H
#define MYNA_FRONTEND_H

#include <stddef.h>
#include <stdint.h>

typedef enum {
    TF_OK = 0,
    TF_DONE = 1,           /* iterator finished */
    TF_ERR_ARG = -1,
    TF_ERR_NOMEM = -2,
    TF_ERR_UTF8 = -3,      /* invalid UTF-8 */
    TF_ERR_ESPEAK = -4,    /* libespeak-ng failed to initialise or has no such language */
    TF_ERR_IO = -5,        /* lexicon file unreadable */
    TF_ERR_LEXICON = -6,   /* malformed lexicon line */
} tf_status;

const char *tf_strerror(tf_status s);

/* Returns 1 if valid; else 0 and *bad_offset = byte offset of the first invalid sequence.
 * Overlong encodings, surrogates and code points > U+10FFFF are invalid. */
int tf_utf8_validate(const char *s, size_t n, size_t *bad_offset);

/* Sentence iterator over valid UTF-8. *pos starts at 0. Returns TF_OK with [begin, end) of the
 * next sentence, skipping empty ones, or TF_DONE. A sentence longer than max_bytes is cut at
 * the last clause punctuation or whitespace before the limit (never inside a UTF-8 sequence). */
typedef struct {
    size_t begin, end;
} tf_span;
tf_status tf_next_sentence(const char *text, size_t len, size_t max_bytes, size_t *pos,
                           tf_span *out);

typedef struct tf_frontend tf_frontend;

/* language: espeak-ng voice name, e.g. "en-us". */
tf_status tf_create(const char *language, tf_frontend **out);
void tf_destroy(tf_frontend *fe);

/* User lexicon: lines "word<TAB or spaces>phonemes", phonemes written as IPA symbols
 * separated by spaces (the inventory's symbols); '#' starts a comment. Case-insensitive words.
 * A later entry for the same word replaces the earlier one. */
tf_status tf_lexicon_load(tf_frontend *fe, const char *path);
tf_status tf_lexicon_add(tf_frontend *fe, const char *word, const char *phonemes);

/* Normalised text: spoken words separated by single spaces, clause punctuation kept.
 * Returns a malloc'ed NUL-terminated string in *out (caller frees). */
tf_status tf_normalize(tf_frontend *fe, const char *sentence, size_t n, char **out);

/* One phonemised sentence. tokens[i] are symbol strings: "^" first, "$" last, "#" between
 * words, stress marks "ˈ" "ˌ" and length marks as their own symbols where espeak-ng emits
 * them, punctuation ", . ? ! ; :" as symbols. word[i] is the index of the source word (for
 * word events), -1 for symbols that belong to no word. */
typedef struct {
    size_t n;
    char **tokens;
    int32_t *word;
    size_t n_words;
    tf_span *word_spans; /* byte spans of each word in the sentence given to tf_phonemize */
} tf_phonemes;

/* Normalises then phonemises one sentence (as returned by tf_next_sentence). */
tf_status tf_phonemize(tf_frontend *fe, const char *sentence, size_t n, tf_phonemes *out);
void tf_phonemes_free(tf_phonemes *p);

/* Phoneme inventory of a voice: symbol strings -> ids (index in the array). */
typedef struct tf_inventory tf_inventory;
tf_status tf_inventory_create(const char *const *symbols, size_t n, tf_inventory **out);
void tf_inventory_destroy(tf_inventory *inv);
/* Maps p to ids (ids has room for p->n); unknown symbols are skipped and counted. */
tf_status tf_inventory_map(const tf_inventory *inv, const tf_phonemes *p, int32_t *ids,
                           size_t *n_ids, size_t *n_unknown);

#endif
