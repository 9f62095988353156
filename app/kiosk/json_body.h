/* Request bodies (jansson): one JSON object of scalar members, read field by field with a
 * reason that names the field when something is wrong. The limits are the ones the daemon
 * always had: the HTTP layer caps the size (max_body), members may not nest (no objects or
 * arrays as values), keys appear once, strings are valid UTF-8 without NUL or lone
 * surrogates (jansson refuses both). */
#ifndef MYNA_JSON_BODY_H
#define MYNA_JSON_BODY_H

#include <jansson.h>
#include <stddef.h>

/* Why a body was refused, in the terms of OpenAI's error object. */
typedef struct {
    char message[256];
    char param[64];   /* the field at fault; "" for the body as a whole */
    const char *code; /* "invalid_json", "invalid_type", "unknown_parameter",
                       * "missing_parameter", "invalid_value"; NULL when unset */
} json_body_error;

/* Sets e (message formatted like printf) and returns -1, so callers can `return` it. */
int json_body_fail(json_body_error *e, const char *code, const char *param, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Parses text[n] into *out (caller json_decref()s): an object whose members are strings,
 * numbers, booleans or null, each named in known (NULL-terminated). 0 or -1 with e set. */
int json_body_parse(const char *text, size_t n, const char *const *known, json_t **out,
                    json_body_error *e);

/* Field access. Each returns 1 when the field is present and of the type, 0 when absent (or
 * null: OpenAI's clients send null for "not given"), -1 with e set when of another type. */
int json_body_string(const json_t *obj, const char *key, const char **out, json_body_error *e);
int json_body_number(const json_t *obj, const char *key, double *out, json_body_error *e);
int json_body_bool(const json_t *obj, const char *key, int *out, json_body_error *e);

#endif
