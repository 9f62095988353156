/* libFuzzer target for the kiosk's HTTP request handling, without sockets: the input is
 *
 *   byte 0      announcements already queued (bits 0-1), body piece size (bits 2-6), the
 *               connection let in on the reserve (bit 7: /health only)
 *   line 1      METHOD PATH VERSION
 *   lines       "Name: value" headers (Content-Type is the one the handlers read)
 *   blank line, then the body
 *
 * fed through the same body collection (http_body_append, max_body), dispatch and handlers
 * as libmicrohttpd's requests, with the tiny fixture voice. Checks: every reply has a status
 * a handler may give; a JSON reply parses, and an error reply is OpenAI's error object; a
 * streamed body reads to its end or fails cleanly. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http_routes.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_INPUT 8192
#define MAX_STREAM_READS 64 /* a valid speech request renders a few chunks, not all of it */

static kiosk *instance(void)
{
    static kiosk k; /* created once: opening the voice for every input would dominate */
    static int ready;
    if (!ready) {
        kiosk_config cfg;
        kiosk_config_default(&cfg);
        snprintf(cfg.voice, sizeof cfg.voice, "%s", MYNA_FUZZ_VOICE);
        cfg.chime[0] = 0;
        cfg.queue_max = 4;
        cfg.max_line = 200;  /* short inputs: synthesis time per input stays small */
        cfg.max_body = 2048; /* small enough that the fuzzer reaches 413 */
        if (kiosk_init(&k, &cfg) != 0) abort();
        ready = 1;
    }
    return &k;
}

/* Cuts the next line ("\n" or "\r\n") from [*p, end) into a NUL-terminated copy. */
static char *next_line(const char **p, const char *end)
{
    const char *nl = memchr(*p, '\n', (size_t)(end - *p));
    const char *stop = nl ? nl : end;
    size_t n = (size_t)(stop - *p);
    if (n && (*p)[n - 1] == '\r') n--;
    char *line = malloc(n + 1);
    if (!line) abort();
    memcpy(line, *p, n);
    line[n] = 0;
    *p = nl ? nl + 1 : end;
    return line;
}

static int valid_status(unsigned s)
{
    static const unsigned ok[] = {200, 400, 404, 405, 413, 415, 500, 503};
    for (size_t i = 0; i < sizeof ok / sizeof *ok; i++)
        if (s == ok[i]) return 1;
    return 0;
}

static void check_reply(http_reply *rp)
{
    if (!valid_status(rp->status)) __builtin_trap();
    if (rp->stream.read) {
        char buf[4096];
        int i = 0;
        ssize_t n;
        while (i++ < MAX_STREAM_READS && (n = rp->stream.read(rp->stream.ctx, buf, sizeof buf)))
            if (n < 0 || (size_t)n > sizeof buf) break;
        return; /* http_reply_free calls done() */
    }
    if (!rp->content_type || strcmp(rp->content_type, "application/json")) return;
    if (!rp->body) { /* only out of memory leaves a JSON reply empty */
        if (rp->status != 500) __builtin_trap();
        return;
    }
    json_error_t je;
    json_t *v = json_loadb(rp->body, rp->body_n, 0, &je);
    if (!v) __builtin_trap();
    if (rp->status >= 400 && rp->status != 503) {
        json_t *e = json_object_get(v, "error");
        if (!json_is_string(json_object_get(e, "message")) ||
            !json_is_string(json_object_get(e, "type")) || !json_object_get(e, "param") ||
            !json_object_get(e, "code"))
            __builtin_trap();
    }
    json_decref(v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > MAX_INPUT) return 0;
    kiosk *k = instance();
    kiosk_stop_all(k);
    for (int i = 0; i < (data[0] & 3); i++) { /* something for GET /queue to list */
        announcement *a = calloc(1, sizeof *a);
        if (!a || !(a->text = strdup("queued"))) abort();
        uint64_t id;
        kiosk_submit(k, a, &id);
    }
    size_t piece = (size_t)((data[0] >> 2) & 31) + 1; /* the body arrives in such pieces */
    const char *p = (const char *)data + 1, *end = (const char *)data + size;
    char *first = next_line(&p, end);
    char *method = first, *path = strchr(first, ' ');
    char *version = NULL, *content_type = NULL;
    if (path) {
        *path++ = 0;
        version = strchr(path, ' ');
        if (version) *version++ = 0;
    }
    while (p < end) { /* headers, up to the blank line */
        char *h = next_line(&p, end);
        int blank = !*h;
        if (!content_type && !strncasecmp(h, "Content-Type:", 13)) {
            const char *v = h + 13;
            while (*v == ' ') v++;
            if (!(content_type = strdup(v))) abort();
        }
        free(h);
        if (blank) break;
    }
    http_body body = {0};
    for (const char *b = p; b < end; b += piece)
        if (http_body_append(&body, b, end - b < (long)piece ? (size_t)(end - b) : piece,
                             k->cfg.max_body) != 0)
            abort();
    http_request rq = {.method = method,
                       .path = path ? path : "",
                       .version = version ? version : "HTTP/1.1",
                       .content_type = content_type,
                       .body = body.data,
                       .body_n = body.n,
                       .body_too_big = body.too_big,
                       .reserve_only = data[0] >> 7};
    http_reply rp;
    http_handle(k, &rq, &rp);
    check_reply(&rp);
    http_reply_free(&rp);
    http_body_free(&body);
    free(content_type);
    free(first);
    return 0;
}
