/* Helpers shared by the text front end tests. */
#ifndef MYNA_TEST_TEXT_UTIL_H
#define MYNA_TEST_TEXT_UTIL_H

#include "synth/text/frontend.h"

#include <stdlib.h>
#include <string.h>

/* Tokens of text as one space-separated string (malloc'ed), or NULL on error. */
static inline char *phonemes_of(tf_frontend *fe, const char *text)
{
    tf_phonemes p;
    if (tf_phonemize(fe, text, strlen(text), &p) != TF_OK) return NULL;
    size_t len = 1;
    for (size_t i = 0; i < p.n; i++) len += strlen(p.tokens[i]) + 1;
    char *s = malloc(len);
    if (s) {
        s[0] = '\0';
        for (size_t i = 0; i < p.n; i++) {
            if (i) strcat(s, " ");
            strcat(s, p.tokens[i]);
        }
    }
    tf_phonemes_free(&p);
    return s;
}

static inline char *normalized_of(tf_frontend *fe, const char *text)
{
    char *s = NULL;
    if (tf_normalize(fe, text, strlen(text), &s) != TF_OK) return NULL;
    return s;
}

#endif
