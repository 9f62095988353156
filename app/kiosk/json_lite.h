/* Just enough JSON for request bodies: one flat object whose values are strings, numbers,
 * booleans or null. Anything else (nesting, trailing garbage) is rejected. */
#ifndef MYNA_JSON_LITE_H
#define MYNA_JSON_LITE_H

#include <stddef.h>

/* Calls fn(key, value, is_string, user) for each member; string values are unescaped,
 * other values given as written. fn returns nonzero to reject. Returns 0 or -1. The input
 * is modified in place (unescaping). */
int json_flat_object(char *text, int (*fn)(const char *key, const char *value, int is_string,
                                           void *user),
                     void *user);

#endif
