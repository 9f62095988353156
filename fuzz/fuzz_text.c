/* libFuzzer target for the text front end: UTF-8 validation, the sentence iterator,
 * tf_normalize and tf_phonemize on bounded input. */
#include "synth/text/frontend.h"

#include <stdlib.h>

#define MAX_INPUT 4096 /* bounds libespeak-ng's time per input */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static tf_frontend *fe; /* created once: libespeak-ng initialisation is slow */
    if (!fe && tf_create("en-us", &fe) != TF_OK) return 0;
    if (size > MAX_INPUT) size = MAX_INPUT;
    const char *text = (const char *)data;
    size_t bad;
    int valid = tf_utf8_validate(text, size, &bad);
    size_t max_bytes = size ? (size_t)data[0] % 200 : 0;
    size_t pos = 0, guard = 0;
    tf_span sp;
    while (tf_next_sentence(text, size, max_bytes, &pos, &sp) == TF_OK && guard++ <= size) {
        if (sp.begin >= sp.end || sp.end > size) __builtin_trap();
        if (max_bytes && sp.end - sp.begin > max_bytes + 3) __builtin_trap();
        const char *s = text + sp.begin;
        size_t n = sp.end - sp.begin;
        char *norm = NULL;
        tf_status st = tf_normalize(fe, s, n, &norm);
        if (valid && st != TF_OK) __builtin_trap(); /* valid UTF-8 must always normalise */
        free(norm);
        tf_phonemes p;
        st = tf_phonemize(fe, s, n, &p);
        if (st == TF_OK) {
            for (size_t i = 0; i < p.n; i++)
                if (p.word[i] >= (int32_t)p.n_words) __builtin_trap();
            for (size_t w = 0; w < p.n_words; w++)
                if (p.word_spans[w].end > n) __builtin_trap();
        }
        tf_phonemes_free(&p);
    }
    return 0;
}
