/* Internal declarations shared by the files of the text front end (not a public interface). */
#ifndef MYNA_TEXT_INTERNAL_H
#define MYNA_TEXT_INTERNAL_H

#include "synth/text/frontend.h"

#include <stddef.h>
#include <stdint.h>

/* ---- utf8.c ---- */
/* Decodes one code point at s[0..n). Returns its length (1..4); an invalid sequence yields
 * *cp = 0xFFFD and length 1 so scanners always make progress. n must be > 0. */
size_t tf_utf8_decode(const char *s, size_t n, uint32_t *cp);
/* Writes cp as UTF-8 into out (room for 4 bytes); returns the length. */
size_t tf_utf8_encode(uint32_t cp, char *out);

/* ---- buf.c: growable byte buffer; an allocation failure is sticky so callers check once ---- */
typedef struct {
    char *p;
    size_t n, cap;
    int oom;
} tf_buf;
void tf_buf_put(tf_buf *b, const char *s, size_t n);
void tf_buf_puts(tf_buf *b, const char *s);
void tf_buf_putc(tf_buf *b, char c);
void tf_buf_free(tf_buf *b);
/* Grows an array of elem-sized entries so that index *n fits; returns 0 on failure. */
int tf_grow(void **arr, size_t *cap, size_t n, size_t elem);

/* ---- abbreviations.c ---- */
/* Abbreviations that end with '.', e.g. "Mr" or "e.g" (word without the final period).
 * Returns the expansion (NULL if unknown); *title is set when the abbreviation precedes a
 * name and so never ends a sentence. */
const char *tf_abbreviation(const char *word, size_t n, int *title);
/* Month by name or abbreviation ("January", "jan"), 1..12, 0 if none. */
int tf_month(const char *word, size_t n);
const char *tf_month_name(int month);

/* ---- numbers.c: English number words, appended to b separated by single spaces ---- */
void tf_num_cardinal(tf_buf *b, uint64_t v);
void tf_num_ordinal(tf_buf *b, uint64_t v);
void tf_num_year(tf_buf *b, unsigned year);
/* Reads digits one by one, with a "," clause mark after every group of `group` digits
 * (0 = no grouping) so absurdly long numbers get pauses. */
void tf_num_digits(tf_buf *b, const char *digits, size_t n, size_t group);
/* A digit string (no separators, leading zeros allowed) as a cardinal when it fits in 18
 * digits, else digit by digit in groups of three. */
void tf_num_digit_string(tf_buf *b, const char *digits, size_t n);
/* Roman numeral value (1..3999) of an upper-case canonical numeral, 0 if not one. */
unsigned tf_roman_value(const char *s, size_t n);

/* ---- normalize_*.c: sentence -> items (spoken words, punctuation, inline phonemes) ---- */
typedef enum { TF_ITEM_WORD, TF_ITEM_PUNCT, TF_ITEM_PHONEMES } tf_item_kind;
typedef struct {
    tf_item_kind kind;
    size_t text;  /* offset of the NUL-terminated text in tf_items.pool */
    int32_t word; /* source word index, -1 for punctuation */
} tf_item;
typedef struct {
    tf_item *items;
    size_t n, cap;
    tf_buf pool;
    tf_span *spans; /* source span of each word index */
    size_t n_spans, cap_spans;
    int oom;
} tf_items;

/* Splits `sentence` into items. english: apply the English number/abbreviation rules;
 * latin_only: drop letters of non-Latin scripts (voice cannot say them). */
tf_status tf_normalize_items(const char *sentence, size_t n, int english, int latin_only,
                             tf_items *out);
void tf_items_free(tf_items *it);
const char *tf_item_text(const tf_items *it, size_t i);

/* Chunk: one whitespace-separated piece of the sentence after markup and entity decoding. */
typedef enum { TF_CHUNK_TEXT, TF_CHUNK_PHONEMES, TF_CHUNK_BREAK } tf_chunk_kind;
typedef struct {
    tf_chunk_kind kind;
    size_t src_begin, src_end; /* bytes in the sentence */
    size_t text, len;          /* decoded text in the scan buffer */
} tf_chunk;
typedef struct {
    tf_chunk *chunks;
    size_t n, cap;
    tf_buf text;
    int oom;
} tf_chunks;
tf_status tf_scan_chunks(const char *s, size_t n, tf_chunks *out);
void tf_chunks_free(tf_chunks *c);

/* Item builder used by the rules. */
void tf_items_word(tf_items *it, const char *w, size_t n, int32_t word);
void tf_items_punct(tf_items *it, char p);
void tf_items_phonemes(tf_items *it, const char *s, size_t n, int32_t word);
/* Splits space-separated text into word items (single ", . ? ! ; :" become punctuation). */
void tf_items_words(tf_items *it, const char *s, size_t n, int32_t word);
int32_t tf_items_new_word(tf_items *it, size_t src_begin, size_t src_end);

/* normalize_amounts.c: a number-led expression ("$3.50", "-5", "3:30pm", "21st", "50%",
 * "2024-01-15", "5km") -> words appended to b; returns the bytes consumed, 0 if none. */
typedef struct {
    const char *next; /* core of the following chunk, for "$1.2 million" and "10 pm" */
    size_t next_n;
    int day;             /* in: read a plain 1..31 as an ordinal (after a month name) */
    const char *pending; /* out: words to say after the next chunk ("dollars") */
    int number;          /* out: a plain number was read (a unit or "pm" may follow) */
    int singular;        /* out: that number was exactly 1 */
} tf_numctx;
size_t tf_read_number(const char *s, size_t n, tf_numctx *nc, tf_buf *b);
/* Spoken unit for an abbreviation after a number ("km" -> "kilometers"), NULL if none. */
const char *tf_unit(const char *s, size_t n, int singular);
/* Length of a currency sign at s ($ £ € ¥), 0 if none; *which gets its index. */
size_t tf_currency(const char *s, size_t n, int *which);

/* normalize_rules.c: applies the English rules to the chunks. */
void tf_rules_apply(const tf_chunks *c, int english, int latin_only, tf_items *out);
/* normalize_chars.c */
int tf_is_letter(uint32_t cp, int latin_only);
int tf_is_junk(uint32_t cp);

/* ---- espeak_lock.c: the only process-global state of the module ---- */
tf_status tf_espeak_acquire(const char *language);
void tf_espeak_release(void);

/* ---- lexicon.c ---- */
typedef struct tf_lexicon tf_lexicon;
tf_lexicon *tf_lexicon_create(void);
void tf_lexicon_destroy(tf_lexicon *lx);
tf_status tf_lexicon_put(tf_lexicon *lx, const char *word, size_t wn, const char *ph, size_t pn);
/* Phonemes (space separated symbols) of word, case-insensitive, NULL if absent. */
const char *tf_lexicon_get(const tf_lexicon *lx, const char *word, size_t n);

/* ---- symbols.c ---- */
/* Appends the phoneme symbols in s (separated by sep or spaces) to out, space separated, with
 * stress marks split off as symbols of their own. Returns the number of symbols. */
size_t tf_symbols_canonical(const char *s, size_t n, char sep, tf_buf *out);
/* Whether s (n bytes available) starts with a stress mark (ˈ or ˌ). */
int tf_is_stress(const char *s, size_t n);

/* ---- align.c ---- */
/* Assigns each of m output words (phoneme counts out_len) to one of k input words (letter
 * counts in_len), monotonically; used when espeak-ng merged or split words. */
void tf_align_words(const size_t *in_len, size_t k, const size_t *out_len, size_t m,
                    size_t *out_to_in);

struct tf_frontend {
    char language[64];
    int english, latin_only;
    tf_lexicon *lexicon;
};

#endif
