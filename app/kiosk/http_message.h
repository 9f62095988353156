/* One HTTP exchange as the handlers see it, free of sockets and of libmicrohttpd: the glue
 * (http_api.c) fills an http_request and sends back the http_reply; the fuzzer
 * (fuzz/fuzz_http.c) does the same from memory. */
#ifndef MYNA_HTTP_MESSAGE_H
#define MYNA_HTTP_MESSAGE_H

#include <jansson.h>
#include <stddef.h>
#include <sys/types.h>

typedef struct {
    const char *method;
    const char *path;         /* without the query string */
    const char *version;      /* "HTTP/1.1", "HTTP/1.0" */
    const char *content_type; /* NULL when absent */
    const char *body;         /* NUL-terminated copy of the body; NULL when empty */
    size_t body_n;
    int body_too_big;         /* the body went over max_body (and was not kept) */
    int reserve_only;         /* let in on the reserve (http_connections.h): /health only */
} http_request;

/* A request body as it arrives in pieces. Past max bytes it is dropped and too_big set, so
 * the reply can be 413 after the client has finished sending. */
typedef struct {
    char *data; /* NUL-terminated; NULL until the first byte */
    size_t n;
    int too_big;
} http_body;

/* Appends data[n]. 0, or -1 when out of memory. */
int http_body_append(http_body *b, const char *data, size_t n, size_t max);
void http_body_free(http_body *b);

/* A body produced while it is sent (speech): read() fills buf with up to max bytes and
 * returns how many, 0 at the end, or -1 on failure (the connection is then cut, since the
 * status line is gone already). done() is called exactly once, whether or not the stream
 * was read to its end. */
typedef struct {
    void *ctx;
    ssize_t (*read)(void *ctx, char *buf, size_t max);
    void (*done)(void *ctx);
} http_stream;

#define HTTP_MAX_HEADERS 4

typedef struct {
    unsigned status;
    const char *content_type; /* static string */
    char *body;               /* malloc'd; NULL with no body or with a stream */
    size_t body_n;
    http_stream stream;       /* stream.read non-NULL: the body is streamed instead */
    int close;                /* close the connection after this reply */
    struct {
        const char *name; /* static string */
        char value[64];
    } header[HTTP_MAX_HEADERS];
    int n_headers;
} http_reply;

void http_reply_init(http_reply *r);
/* Frees what the reply owns (body; a stream that was never handed over gets done()). */
void http_reply_free(http_reply *r);
void http_reply_header(http_reply *r, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Serialises v (stolen) as the body. */
void http_reply_json(http_reply *r, unsigned status, json_t *v);
/* OpenAI's error object, used by every endpoint:
 * {"error": {"message": ..., "type": ..., "param": ... | null, "code": ... | null}};
 * type is "invalid_request_error" below 500, "server_error" from 500. */
void http_reply_error(http_reply *r, unsigned status, const char *code, const char *param,
                      const char *fmt, ...) __attribute__((format(printf, 5, 6)));

#endif
