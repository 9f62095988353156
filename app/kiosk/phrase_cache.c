/* A doubly linked list in recency order; lookups are linear, which is fine for the few
 * hundred phrases a budget of megabytes holds next to the cost of synthesis. */
#include <stdlib.h>
#include <string.h>

#include "phrase_cache.h"

typedef struct entry {
    char *key; /* voice, '\n', text */
    float *samples;
    size_t n, bytes;
    struct entry *prev, *next;
} entry;

struct phrase_cache {
    entry *head, *tail; /* head = most recent */
    size_t bytes, max_bytes, count;
};

phrase_cache *phrase_cache_create(size_t max_bytes)
{
    phrase_cache *c = calloc(1, sizeof *c);
    if (c) c->max_bytes = max_bytes;
    return c;
}

static void unlink_entry(phrase_cache *c, entry *e)
{
    if (e->prev) e->prev->next = e->next;
    else c->head = e->next;
    if (e->next) e->next->prev = e->prev;
    else c->tail = e->prev;
    e->prev = e->next = NULL;
}

static void push_head(phrase_cache *c, entry *e)
{
    e->next = c->head;
    e->prev = NULL;
    if (c->head) c->head->prev = e;
    c->head = e;
    if (!c->tail) c->tail = e;
}

static void drop(phrase_cache *c, entry *e)
{
    unlink_entry(c, e);
    c->bytes -= e->bytes;
    c->count--;
    free(e->key);
    free(e->samples);
    free(e);
}

void phrase_cache_destroy(phrase_cache *c)
{
    if (!c) return;
    while (c->head) drop(c, c->head);
    free(c);
}

static char *make_key(const char *voice, const char *text)
{
    size_t a = strlen(voice), b = strlen(text);
    char *k = malloc(a + b + 2);
    if (!k) return NULL;
    memcpy(k, voice, a);
    k[a] = '\n';
    memcpy(k + a + 1, text, b + 1);
    return k;
}

static entry *find(phrase_cache *c, const char *voice, const char *text)
{
    size_t a = strlen(voice);
    for (entry *e = c->head; e; e = e->next)
        if (!strncmp(e->key, voice, a) && e->key[a] == '\n' && !strcmp(e->key + a + 1, text))
            return e;
    return NULL;
}

const float *phrase_cache_get(phrase_cache *c, const char *voice, const char *text, size_t *n)
{
    entry *e = find(c, voice, text);
    if (!e) return NULL;
    unlink_entry(c, e);
    push_head(c, e);
    *n = e->n;
    return e->samples;
}

void phrase_cache_put(phrase_cache *c, const char *voice, const char *text, const float *x,
                      size_t n)
{
    size_t bytes = n * sizeof *x + strlen(voice) + strlen(text) + sizeof(entry);
    if (bytes > c->max_bytes || find(c, voice, text)) return;
    entry *e = calloc(1, sizeof *e);
    if (!e) return;
    e->key = make_key(voice, text);
    e->samples = malloc(n * sizeof *x + 1);
    if (!e->key || !e->samples) {
        free(e->key);
        free(e->samples);
        free(e);
        return;
    }
    memcpy(e->samples, x, n * sizeof *x);
    e->n = n;
    e->bytes = bytes;
    while (c->tail && c->bytes + bytes > c->max_bytes) drop(c, c->tail);
    push_head(c, e);
    c->bytes += bytes;
    c->count++;
}

size_t phrase_cache_bytes(const phrase_cache *c)
{
    return c->bytes;
}

size_t phrase_cache_count(const phrase_cache *c)
{
    return c->count;
}
