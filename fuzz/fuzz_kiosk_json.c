/* libFuzzer target for the kiosk's JSON layer: json_body_parse (jansson plus the daemon's
 * shape rules) and the typed field readers, then the error reply built from the message.
 * Checks: an accepted body is an object of known, scalar members; each reader agrees with
 * the member's type; every refusal names a code and makes an error reply that is valid JSON
 * (messages quote client bytes). */
#include <jansson.h>
#include <stdint.h>
#include <string.h>

#include "http_message.h"
#include "json_body.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const known[] = {"input", "voice", "speed", "stream", "response_format",
                                    "model", NULL};

static void check_error_reply(const json_body_error *e)
{
    if (!e->code || !e->message[0]) __builtin_trap();
    http_reply rp;
    http_reply_init(&rp);
    http_reply_error(&rp, 400, e->code, e->param, "%s", e->message);
    json_error_t je;
    json_t *v = rp.body ? json_loadb(rp.body, rp.body_n, 0, &je) : NULL;
    if (rp.body && !json_is_string(json_object_get(json_object_get(v, "error"), "message")))
        __builtin_trap();
    json_decref(v);
    http_reply_free(&rp);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 16384) return 0; /* max_body's default */
    json_body_error e = {0};
    json_t *body;
    if (json_body_parse((const char *)data, size, known, &body, &e) != 0) {
        if (body) __builtin_trap();
        check_error_reply(&e);
        return 0;
    }
    const char *key;
    json_t *v;
    json_object_foreach(body, key, v) {
        size_t i = 0;
        while (known[i] && strcmp(known[i], key)) i++;
        if (!known[i] || json_is_object(v) || json_is_array(v)) __builtin_trap();
    }
    for (size_t i = 0; known[i]; i++) {
        const json_t *m = json_object_get(body, known[i]);
        int present = m && !json_is_null(m);
        const char *s;
        double d;
        int b;
        memset(&e, 0, sizeof e);
        int rs = json_body_string(body, known[i], &s, &e);
        int rn = json_body_number(body, known[i], &d, &e);
        int rb = json_body_bool(body, known[i], &b, &e);
        if (rs != (!present ? 0 : json_is_string(m) ? 1 : -1)) __builtin_trap();
        if (rn != (!present ? 0 : json_is_number(m) ? 1 : -1)) __builtin_trap();
        if (rb != (!present ? 0 : json_is_boolean(m) ? 1 : -1)) __builtin_trap();
        if (rs == 1 && strlen(s) > size) __builtin_trap();
        if (present) check_error_reply(&e); /* at least one reader refused it */
    }
    json_decref(body);
    return 0;
}
