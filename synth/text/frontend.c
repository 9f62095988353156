/* Front end objects and status strings. */
#include "synth/text/text_internal.h"

#include <stdlib.h>
#include <string.h>

const char *tf_strerror(tf_status s)
{
    switch (s) {
    case TF_OK: return "ok";
    case TF_DONE: return "done";
    case TF_ERR_ARG: return "invalid argument";
    case TF_ERR_NOMEM: return "out of memory";
    case TF_ERR_UTF8: return "invalid UTF-8";
    case TF_ERR_ESPEAK: return "libespeak-ng failed or lacks the language";
    case TF_ERR_IO: return "cannot read lexicon file";
    case TF_ERR_LEXICON: return "malformed lexicon entry";
    }
    return "unknown status";
}

/* Languages written in the Latin script: their voices cannot say letters of other scripts, so
 * those are dropped instead of being read as "Chinese letter" by libespeak-ng. */
static int latin_script(const char *lang)
{
    static const char *const non_latin[] = {"ar", "fa", "ur", "he", "yi", "ru", "uk", "be",
                                            "bg", "mk", "sr", "el", "hi", "bn", "ne", "mr",
                                            "pa", "gu", "ta", "te", "kn", "ml", "si", "th",
                                            "lo", "my", "km", "ka", "hy", "am", "zh", "cmn",
                                            "yue", "hak", "ja", "ko", "ky", "kk", "tt", "ba",
                                            "mn", "or", "as", "sd", "ug", "ps", "ku", "bo"};
    size_t n = strcspn(lang, "-_");
    for (size_t i = 0; i < sizeof non_latin / sizeof non_latin[0]; i++)
        if (strlen(non_latin[i]) == n && !strncmp(non_latin[i], lang, n)) return 0;
    return 1;
}

tf_status tf_create(const char *language, tf_frontend **out)
{
    if (!out) return TF_ERR_ARG;
    *out = NULL;
    if (!language || !*language) return TF_ERR_ARG;
    tf_frontend *fe = calloc(1, sizeof *fe);
    if (!fe) return TF_ERR_NOMEM;
    size_t n = strlen(language);
    for (size_t i = 0; i < n; i++) {
        char c = language[i];
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '-' || c == '_' || c == '+';
        if (!ok || n >= sizeof fe->language) {
            free(fe);
            return TF_ERR_ESPEAK;
        }
    }
    memcpy(fe->language, language, n + 1);
    fe->english = (language[0] == 'e' || language[0] == 'E') &&
                  (language[1] == 'n' || language[1] == 'N') &&
                  (language[2] == '\0' || language[2] == '-' || language[2] == '_');
    fe->latin_only = latin_script(language);
    fe->lexicon = tf_lexicon_create();
    if (!fe->lexicon) {
        free(fe);
        return TF_ERR_NOMEM;
    }
    /* Select the voice now so an unknown language fails here, not on the first sentence. */
    tf_status st = tf_espeak_acquire(fe->language);
    if (st != TF_OK) {
        tf_destroy(fe);
        return st;
    }
    tf_espeak_release();
    *out = fe;
    return TF_OK;
}

void tf_destroy(tf_frontend *fe)
{
    if (!fe) return;
    tf_lexicon_destroy(fe->lexicon);
    free(fe);
}
