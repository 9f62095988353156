/* Reply construction shared by every handler. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http_message.h"

int http_body_append(http_body *b, const char *data, size_t n, size_t max)
{
    if (b->too_big || n > max - b->n) { /* n > max - b->n: no overflow in b->n + n */
        b->too_big = 1;
        return 0;
    }
    char *p = realloc(b->data, b->n + n + 1);
    if (!p) return -1;
    memcpy(p + b->n, data, n);
    b->data = p;
    b->n += n;
    p[b->n] = 0;
    return 0;
}

void http_body_free(http_body *b)
{
    free(b->data);
    memset(b, 0, sizeof *b);
}

void http_reply_init(http_reply *r)
{
    memset(r, 0, sizeof *r);
    r->status = 500;
}

void http_reply_free(http_reply *r)
{
    free(r->body);
    r->body = NULL;
    if (r->stream.done) r->stream.done(r->stream.ctx);
    memset(&r->stream, 0, sizeof r->stream);
}

void http_reply_header(http_reply *r, const char *name, const char *fmt, ...)
{
    if (r->n_headers == HTTP_MAX_HEADERS) return; /* a handler bug; the reply still goes */
    va_list ap;
    va_start(ap, fmt);
    r->header[r->n_headers].name = name;
    vsnprintf(r->header[r->n_headers].value, sizeof r->header[0].value, fmt, ap);
    va_end(ap);
    r->n_headers++;
}

void http_reply_json(http_reply *r, unsigned status, json_t *v)
{
    free(r->body);
    r->body = v ? json_dumps(v, JSON_COMPACT) : NULL;
    json_decref(v);
    r->content_type = "application/json";
    if (!r->body) { /* out of memory: a status without a body is still an answer */
        r->status = 500;
        r->body_n = 0;
        return;
    }
    r->status = status;
    r->body_n = strlen(r->body);
}

void http_reply_error(http_reply *r, unsigned status, const char *code, const char *param,
                      const char *fmt, ...)
{
    char message[300];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    /* Messages can quote client bytes (jansson's "near '...'"): printable ASCII only, so the
     * string is always valid UTF-8 for json_string(). */
    for (char *p = message; *p; p++)
        if ((unsigned char)*p < 0x20 || (unsigned char)*p > 0x7e) *p = '?';
    json_t *v = json_pack("{s:{s:s, s:s, s:s?, s:s?}}", "error", "message", message, "type",
                          status >= 500 ? "server_error" : "invalid_request_error", "param",
                          param && *param ? param : NULL, "code", code);
    http_reply_json(r, status, v);
}
