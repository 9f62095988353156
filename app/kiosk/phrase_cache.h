/* Rendered audio of recent announcements, so a phrase repeated all day ("Doors closing")
 * is synthesized once. Least recently used entries go first when the byte budget is
 * exceeded. Used by the speaker thread only (no locking). */
#ifndef MYNA_PHRASE_CACHE_H
#define MYNA_PHRASE_CACHE_H

#include <stddef.h>

typedef struct phrase_cache phrase_cache;

phrase_cache *phrase_cache_create(size_t max_bytes);
void phrase_cache_destroy(phrase_cache *c);
/* Samples for (voice, text), or NULL. Marks the entry as recently used. */
const float *phrase_cache_get(phrase_cache *c, const char *voice, const char *text, size_t *n);
/* Copies the samples in; entries larger than the whole budget are not kept. */
void phrase_cache_put(phrase_cache *c, const char *voice, const char *text, const float *x,
                      size_t n);
size_t phrase_cache_bytes(const phrase_cache *c);
size_t phrase_cache_count(const phrase_cache *c);

#endif
