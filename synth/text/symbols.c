/* Canonical phoneme symbols. libespeak-ng glues stress marks to the following vowel ("ˈoʊ")
 * and lexicon authors may or may not; splitting them off here in one place keeps the
 * tokens for the same pronunciation identical whatever their source. */
#include "synth/text/text_internal.h"

#include <string.h>

#define PRIMARY "\xCB\x88"   /* ˈ U+02C8 */
#define SECONDARY "\xCB\x8C" /* ˌ U+02CC */

int tf_is_stress(const char *s, size_t n)
{
    return n >= 2 && (!memcmp(s, PRIMARY, 2) || !memcmp(s, SECONDARY, 2));
}

static void emit(tf_buf *out, const char *s, size_t n, size_t *count)
{
    if (!n) return;
    if (out->n) tf_buf_putc(out, ' ');
    tf_buf_put(out, s, n);
    (*count)++;
}

size_t tf_symbols_canonical(const char *s, size_t n, char sep, tf_buf *out)
{
    size_t count = 0, i = 0;
    while (i < n) {
        while (i < n && (s[i] == sep || s[i] == ' '))
            i++;
        size_t b = i;
        while (i < n && s[i] != sep && s[i] != ' ')
            i++;
        /* Stress marks anywhere in the symbol become symbols of their own, in order. */
        size_t k = b;
        for (size_t j = b; j < i;) {
            if (tf_is_stress(s + j, i - j)) {
                emit(out, s + k, j - k, &count);
                emit(out, s + j, 2, &count);
                j += 2;
                k = j;
            } else {
                j++;
            }
        }
        emit(out, s + k, i - k, &count);
    }
    return count;
}
