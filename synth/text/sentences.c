/* Sentence iterator: cuts long text into sentences, and sentences longer than max_bytes into
 * clauses, without allocating. Runs in time linear in the text: each byte is looked at a
 * bounded number of times. */
#include "synth/text/text_internal.h"

#include <ctype.h>

/* Whitespace for splitting purposes: ASCII space and every control byte (NUL included). */
static int is_space(unsigned char c)
{
    return c <= 0x20 || c == 0x7F;
}

static int is_closer(unsigned char c)
{
    return c == '"' || c == '\'' || c == ')' || c == ']' || c == '}';
}

/* Length of a multi-byte closing quote at s (’ ” »), else 0. */
static size_t closer_utf8(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    if (n >= 3 && u[0] == 0xE2 && u[1] == 0x80 && (u[2] == 0x99 || u[2] == 0x9D)) return 3;
    if (n >= 2 && u[0] == 0xC2 && u[1] == 0xBB) return 2;
    return 0;
}

/* Length of a sentence terminator at s: . ! ? … and the CJK full stops. */
static size_t terminator(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    if (u[0] == '.' || u[0] == '!' || u[0] == '?') return 1;
    if (n >= 3 && u[0] == 0xE2 && u[1] == 0x80 && u[2] == 0xA6) return 3; /* … */
    if (n >= 3 && u[0] == 0xE3 && u[1] == 0x80 && u[2] == 0x82) return 3; /* 。 */
    if (n >= 3 && u[0] == 0xEF && u[1] == 0xBC && (u[2] == 0x81 || u[2] == 0x9F)) return 3;
    return 0;
}

/* Is the '.' at text[dot] the end of an abbreviation or an initial that must not end the
 * sentence? `next` is the offset of the following word (or len). */
static int period_continues(const char *text, size_t len, size_t begin, size_t dot, size_t next)
{
    size_t w = dot;
    /* The word before the period; bounded look-back keeps the scan linear. */
    while (w > begin && dot - w < 16 && !is_space((unsigned char)text[w - 1]) &&
           text[w - 1] != '(' && text[w - 1] != '"')
        w--;
    if (w == dot) return 0;
    int title = 0;
    if (!tf_abbreviation(text + w, dot - w, &title)) {
        /* A single upper-case initial ("J. Smith") or dotted initials ("U.S.") continue. */
        return dot - w == 1 && isupper((unsigned char)text[w]) && next < len;
    }
    if (title) return 1;
    /* "etc." / "Inc." end the sentence only when a capitalised word follows. */
    return next < len && !isupper((unsigned char)text[next]);
}

/* Back from limit to a character boundary, preferring clause punctuation, then whitespace. */
static size_t cut_point(const char *text, size_t len, size_t begin, size_t limit)
{
    size_t best_space = 0;
    for (size_t i = limit; i > begin + 1; i--) {
        unsigned char c = (unsigned char)text[i - 1];
        if ((c == ',' || c == ';' || c == ':' || c == '.' || c == '!' || c == '?') &&
            is_space((unsigned char)text[i]))
            return i;
        if (!best_space && is_space(c)) best_space = i - 1;
    }
    if (best_space > begin) return best_space;
    size_t i = limit;
    while (i > begin && limit - i < 3 && ((unsigned char)text[i] & 0xC0) == 0x80) i--;
    if (i == begin) { /* limit smaller than one character: take that whole character */
        /* At most three continuation bytes, even in invalid input. */
        i = begin + 1;
        while (i < len && i < begin + 4 && ((unsigned char)text[i] & 0xC0) == 0x80) i++;
    }
    return i;
}

tf_status tf_next_sentence(const char *text, size_t len, size_t max_bytes, size_t *pos,
                           tf_span *out)
{
    if (!pos || !out || (!text && len)) return TF_ERR_ARG;
    size_t i = *pos;
    while (i < len && is_space((unsigned char)text[i])) i++;
    if (i >= len) {
        *pos = len;
        return TF_DONE;
    }
    size_t begin = i;
    size_t stop = max_bytes && len - begin > max_bytes ? begin + max_bytes : len;
    size_t end = 0, resume = 0;
    while (i < stop) {
        unsigned char c = (unsigned char)text[i];
        if (c == '\n') { /* a blank line separates paragraphs */
            size_t j = i + 1;
            while (j < len && is_space((unsigned char)text[j]) && text[j] != '\n') j++;
            if (j < len && text[j] == '\n') {
                end = i, resume = j;
                break;
            }
            i = j;
            continue;
        }
        size_t t = terminator(text + i, len - i);
        if (!t) {
            i++;
            continue;
        }
        size_t j = i + t;
        for (;;) { /* runs like "?!", "...", and closing quotes belong to the sentence */
            size_t k;
            if (j < len && (k = terminator(text + j, len - j))) j += k;
            else if (j < len && is_closer((unsigned char)text[j])) j++;
            else if (j < len && (k = closer_utf8(text + j, len - j))) j += k;
            else break;
        }
        if (j < len && !is_space((unsigned char)text[j]) && !(t == 3 && text[i] != '\xE2')) {
            i = j; /* "3.14", "e.g.x", "a.b": not a boundary */
            continue;
        }
        size_t next = j;
        while (next < len && is_space((unsigned char)text[next])) next++;
        if (text[i] == '.' && t == 1 && j == i + 1 && period_continues(text, len, begin, i, next)) {
            i = j;
            continue;
        }
        end = j, resume = j;
        break;
    }
    if (end > stop) end = 0; /* a run like "!!!!!!" crossed the limit: cut instead */
    if (!end) {
        if (stop < len) {
            end = cut_point(text, len, begin, stop);
        } else {
            end = len;
        }
        resume = end;
    }
    while (end > begin && is_space((unsigned char)text[end - 1])) end--;
    *pos = resume;
    out->begin = begin;
    out->end = end;
    if (end == begin) return tf_next_sentence(text, len, max_bytes, pos, out);
    return TF_OK;
}
