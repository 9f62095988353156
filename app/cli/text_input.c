/* Text input for the CLI. Files are read as bytes; validation is the library's job. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text_input.h"

static char *join_words(char **words, int n, size_t *len)
{
    size_t total = 1;
    for (int i = 0; i < n; i++) total += strlen(words[i]) + 1;
    char *t = malloc(total);
    if (!t) return NULL;
    size_t pos = 0;
    for (int i = 0; i < n; i++) {
        size_t l = strlen(words[i]);
        memcpy(t + pos, words[i], l);
        pos += l;
        if (i + 1 < n) t[pos++] = ' ';
    }
    t[pos] = '\0';
    *len = pos;
    return t;
}

static char *read_stream(FILE *f, const char *name, size_t *len)
{
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap + 1);
    if (!buf) return NULL;
    for (;;) {
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0) break;
        if (n == cap) {
            if (cap >= MYNA_MAX_TEXT_BYTES) {
                fprintf(stderr, "myna: %s: text longer than %u MB\n", name,
                        MYNA_MAX_TEXT_BYTES >> 20);
                free(buf);
                return NULL;
            }
            char *nb = realloc(buf, cap * 2 + 1);
            if (!nb) {
                free(buf);
                return NULL;
            }
            buf = nb;
            cap *= 2;
        }
    }
    if (ferror(f)) {
        fprintf(stderr, "myna: reading %s: %s\n", name, strerror(errno));
        free(buf);
        return NULL;
    }
    buf[n] = '\0';
    *len = n;
    return buf;
}

char *text_read(char **words, int n_words, const char *path, size_t *len)
{
    *len = 0;
    if (!path) {
        char *t = join_words(words, n_words, len);
        if (!t) fprintf(stderr, "myna: out of memory\n");
        return t;
    }
    if (strcmp(path, "-") == 0) return read_stream(stdin, "standard input", len);
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "myna: cannot read %s: %s\n", path, strerror(errno));
        return NULL;
    }
    char *t = read_stream(f, path, len);
    fclose(f);
    return t;
}
