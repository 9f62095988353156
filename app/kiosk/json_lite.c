/* In-place JSON parsing of a flat object: strings are unescaped into their own storage, so
 * no allocation is needed. */
#include <string.h>

#include "json_lite.h"

static char *skip_ws(char *p)
{
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') p++;
    return p;
}

static int hex4(const char *p, unsigned *out)
{
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        char c = p[i];
        v <<= 4;
        if (c >= '0' && c <= '9') v |= (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f') v |= (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F') v |= (unsigned)(c - 'A' + 10);
        else return -1;
    }
    *out = v;
    return 0;
}

static char *put_utf8(char *o, unsigned cp)
{
    if (cp < 0x80) *o++ = (char)cp;
    else if (cp < 0x800) *o++ = (char)(0xc0 | cp >> 6), *o++ = (char)(0x80 | (cp & 0x3f));
    else if (cp < 0x10000)
        *o++ = (char)(0xe0 | cp >> 12), *o++ = (char)(0x80 | ((cp >> 6) & 0x3f)),
        *o++ = (char)(0x80 | (cp & 0x3f));
    else
        *o++ = (char)(0xf0 | cp >> 18), *o++ = (char)(0x80 | ((cp >> 12) & 0x3f)),
        *o++ = (char)(0x80 | ((cp >> 6) & 0x3f)), *o++ = (char)(0x80 | (cp & 0x3f));
    return o;
}

/* p at the opening quote; unescapes in place, returns the position after the closing quote,
 * with *start the NUL-terminated string. NULL if malformed. */
static char *string(char *p, char **start)
{
    char *o = ++p;
    *start = o;
    while (*p != '"') {
        if (!*p || (unsigned char)*p < 0x20) return NULL;
        if (*p != '\\') {
            *o++ = *p++;
            continue;
        }
        p++;
        const char *esc = "\"\\/bfnrt", *rep = "\"\\/\b\f\n\r\t";
        const char *e = *p ? strchr(esc, *p) : NULL;
        if (e) {
            *o++ = rep[e - esc];
            p++;
        } else if (*p == 'u') {
            unsigned cp, lo;
            if (hex4(p + 1, &cp)) return NULL;
            p += 5;
            if (cp >= 0xd800 && cp < 0xdc00) { /* surrogate pair */
                if (p[0] != '\\' || p[1] != 'u' || hex4(p + 2, &lo) || lo < 0xdc00 ||
                    lo > 0xdfff)
                    return NULL;
                cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
                p += 6;
            } else if (cp >= 0xdc00 && cp < 0xe000) {
                return NULL;
            }
            if (cp == 0) return NULL; /* no NUL inside C strings */
            o = put_utf8(o, cp);
        } else {
            return NULL;
        }
    }
    *o = 0;
    return p + 1;
}

int json_flat_object(char *text, int (*fn)(const char *, const char *, int, void *), void *user)
{
    char *p = skip_ws(text);
    if (*p++ != '{') return -1;
    p = skip_ws(p);
    if (*p == '}') return *skip_ws(p + 1) ? -1 : 0;
    for (;;) {
        char *key, *value;
        if (*p != '"' || !(p = string(p, &key))) return -1;
        p = skip_ws(p);
        if (*p++ != ':') return -1;
        p = skip_ws(p);
        int is_string = *p == '"';
        char saved = 0, *end;
        if (is_string) {
            char *q = string(p, &value);
            if (!q) return -1;
            end = p = q;
        } else {
            value = p;
            while (*p && strchr("0123456789+-.eEtruefalsn", *p)) p++;
            if (p == value) return -1;
            end = p;
            saved = *end;
            *end = 0;
        }
        /* A scalar's terminator was overwritten; look at it via saved. */
        int rc = fn(key, value, is_string, user);
        if (!is_string) *end = saved;
        if (rc) return -1;
        p = skip_ws(p);
        if (*p == ',') {
            p = skip_ws(p + 1);
            continue;
        }
        if (*p != '}') return -1;
        return *skip_ws(p + 1) ? -1 : 0;
    }
}
