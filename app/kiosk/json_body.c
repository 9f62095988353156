/* jansson does the parsing; this file adds the daemon's shape rules and the field-naming
 * messages clients see. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "json_body.h"

int json_body_fail(json_body_error *e, const char *code, const char *param, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->message, sizeof e->message, fmt, ap);
    va_end(ap);
    snprintf(e->param, sizeof e->param, "%s", param ? param : "");
    e->code = code;
    return -1;
}

static const char *type_name(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT: return "an object";
    case JSON_ARRAY: return "an array";
    case JSON_STRING: return "a string";
    case JSON_INTEGER:
    case JSON_REAL: return "a number";
    case JSON_TRUE:
    case JSON_FALSE: return "a boolean";
    default: return "null";
    }
}

/* Keys are client text: shown only up to 40 bytes, and only when printable ASCII, so the
 * message stays short and safe to log. */
static void key_label(const char *key, char *out, size_t size)
{
    size_t i = 0;
    for (; key[i] && i < 40 && i + 1 < size; i++)
        out[i] = key[i] > 0x20 && key[i] < 0x7f ? key[i] : '?';
    out[i] = 0;
}

int json_body_parse(const char *text, size_t n, const char *const *known, json_t **out,
                    json_body_error *e)
{
    *out = NULL;
    json_error_t je;
    /* Duplicate keys are refused: which of two "input"s was meant is not ours to guess. */
    json_t *root = json_loadb(text, n, JSON_REJECT_DUPLICATES, &je);
    if (!root)
        return json_body_fail(e, "invalid_json", NULL,
                              "body is not valid JSON: %s (line %d, column %d)", je.text,
                              je.line, je.column);
    if (!json_is_object(root)) {
        json_body_fail(e, "invalid_json", NULL, "body must be a JSON object, not %s",
                       type_name(root));
        json_decref(root);
        return -1;
    }
    const char *key;
    json_t *v;
    json_object_foreach(root, key, v) {
        char label[48];
        key_label(key, label, sizeof label);
        size_t i = 0;
        while (known[i] && strcmp(known[i], key)) i++;
        if (!known[i]) {
            json_body_fail(e, "unknown_parameter", label, "unknown field '%s'", label);
            json_decref(root);
            return -1;
        }
        if (json_is_object(v) || json_is_array(v)) {
            json_body_fail(e, "invalid_type", label,
                           "'%s' must be a string, number or boolean, not %s", label,
                           type_name(v));
            json_decref(root);
            return -1;
        }
    }
    *out = root;
    return 0;
}

/* The field, or NULL when absent or null. */
static const json_t *field(const json_t *obj, const char *key)
{
    const json_t *v = json_object_get(obj, key);
    return v && !json_is_null(v) ? v : NULL;
}

int json_body_string(const json_t *obj, const char *key, const char **out, json_body_error *e)
{
    const json_t *v = field(obj, key);
    if (!v) return 0;
    if (!json_is_string(v))
        return json_body_fail(e, "invalid_type", key, "'%s' must be a string, not %s", key,
                              type_name(v));
    *out = json_string_value(v);
    return 1;
}

int json_body_number(const json_t *obj, const char *key, double *out, json_body_error *e)
{
    const json_t *v = field(obj, key);
    if (!v) return 0;
    if (!json_is_number(v))
        return json_body_fail(e, "invalid_type", key, "'%s' must be a number, not %s", key,
                              type_name(v));
    *out = json_number_value(v);
    return 1;
}

int json_body_bool(const json_t *obj, const char *key, int *out, json_body_error *e)
{
    const json_t *v = field(obj, key);
    if (!v) return 0;
    if (!json_is_boolean(v))
        return json_body_fail(e, "invalid_type", key, "'%s' must be true or false, not %s", key,
                              type_name(v));
    *out = json_is_true(v);
    return 1;
}
