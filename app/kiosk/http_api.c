/* libmicrohttpd glue: collects each request's body, hands the request to http_handle() and
 * sends its reply; keeps the connection table (http_connections.h) up to date. One thread
 * per connection, so a speech stream can block in synthesis without holding up the others,
 * and an idle connection costs a sleeping thread, not a turn in a shared loop. */
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "http_api.h"
#include "http_connections.h"
#include "http_routes.h"

#define HTTP_RESERVE 4 /* connections beyond http_max_connections, for GET /health only */

struct http_api {
    kiosk *k;
    http_conns *conns;
    struct MHD_Daemon *d;
};

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static http_conn *conn_of(struct MHD_Connection *c)
{
    const union MHD_ConnectionInfo *i =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return i ? i->socket_context : NULL;
}

static ssize_t stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
    http_stream *s = cls;
    ssize_t n = s->read(s->ctx, buf, max);
    return n > 0 ? n : n == 0 ? MHD_CONTENT_READER_END_OF_STREAM
                              : MHD_CONTENT_READER_END_WITH_ERROR;
}

static void stream_free(void *cls)
{
    http_stream *s = cls;
    s->done(s->ctx);
    free(s);
}

/* Hands a reply's body (buffer or stream) over to a libmicrohttpd response. */
static struct MHD_Response *response_for(http_reply *rp)
{
    if (!rp->stream.read) {
        struct MHD_Response *r = MHD_create_response_from_buffer(rp->body_n, rp->body,
                                                                 MHD_RESPMEM_MUST_FREE);
        if (r) rp->body = NULL; /* libmicrohttpd frees it now */
        return r;
    }
    http_stream *s = malloc(sizeof *s);
    if (!s) return NULL;
    *s = rp->stream;
    struct MHD_Response *r =
        MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 16384, stream_read, s, stream_free);
    if (!r) {
        free(s);
        return NULL;
    }
    memset(&rp->stream, 0, sizeof rp->stream); /* stream_free calls done() now */
    return r;
}

static enum MHD_Result send_reply(struct MHD_Connection *c, http_reply *rp)
{
    struct MHD_Response *r = response_for(rp);
    if (!r) {
        http_reply_free(rp);
        return MHD_NO; /* out of memory: libmicrohttpd closes the connection */
    }
    if (rp->content_type) MHD_add_response_header(r, "Content-Type", rp->content_type);
    for (int i = 0; i < rp->n_headers; i++)
        MHD_add_response_header(r, rp->header[i].name, rp->header[i].value);
    if (rp->close) MHD_add_response_header(r, "Connection", "close");
    enum MHD_Result ok = MHD_queue_response(c, rp->status, r);
    MHD_destroy_response(r);
    http_reply_free(rp);
    return ok;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version,
                                  const char *data, size_t *data_size, void **con_cls)
{
    http_api *h = cls;
    kiosk *k = h->k;
    http_body *u = *con_cls;
    if (!u) { /* first call: headers only */
        u = calloc(1, sizeof *u);
        if (!u) return MHD_NO;
        *con_cls = u;
        return MHD_YES;
    }
    if (*data_size) { /* body arriving */
        if (http_body_append(u, data, *data_size, k->cfg.max_body) != 0) return MHD_NO;
        *data_size = 0;
        return MHD_YES;
    }
    http_request rq = {
        .method = method,
        .path = url,
        .version = version,
        .content_type = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type"),
        .body = u->data,
        .body_n = u->n,
        .body_too_big = u->too_big,
    };
    http_conn *conn = conn_of(c);
    /* No record: the table was full, which libmicrohttpd's limit should prevent. */
    rq.reserve_only = !conn || http_conns_reserve(h->conns, conn);
    http_conns_busy(h->conns, conn, 1, now_s());
    http_reply rp;
    http_handle(k, &rq, &rp);
    return send_reply(c, &rp);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode why)
{
    http_api *h = cls;
    http_body *u = *con_cls;
    if (!u) return;
    http_conns_busy(h->conns, conn_of(c), 0, now_s());
    http_body_free(u);
    free(u);
    *con_cls = NULL;
}

static void on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
                          enum MHD_ConnectionNotificationCode what)
{
    http_api *h = cls;
    if (what == MHD_CONNECTION_NOTIFY_STARTED) {
        const union MHD_ConnectionInfo *i =
            MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
        *socket_context = i ? http_conns_open(h->conns, i->connect_fd, now_s()) : NULL;
    } else {
        http_conns_close(h->conns, *socket_context);
        *socket_context = NULL;
    }
}

http_api *http_api_start(kiosk *k, char *error, size_t error_size)
{
    struct sockaddr_in addr = {0};
    addr.sin_family = AF_INET;
    addr.sin_port = htons((uint16_t)k->cfg.http_port);
    if (inet_pton(AF_INET, k->cfg.http_address, &addr.sin_addr) != 1) {
        snprintf(error, error_size, "http_address '%s' is not an IPv4 address",
                 k->cfg.http_address);
        return NULL;
    }
    http_api *h = calloc(1, sizeof *h);
    if (!h) return NULL;
    h->k = k;
    h->conns = http_conns_create(k->cfg.http_max_connections, HTTP_RESERVE,
                                 (double)k->cfg.total_timeout);
    if (!h->conns) {
        free(h);
        snprintf(error, error_size, "out of memory");
        return NULL;
    }
    /* libmicrohttpd's limit is the table's size, so every connection gets a record. Its
     * log is about clients ("closed by remote side with incomplete request", which is also
     * what a cut looks like to it): on stderr only with --verbose. */
    unsigned log = k->cfg.verbose ? MHD_USE_ERROR_LOG : 0;
    h->d = MHD_start_daemon(
        MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD | log,
        (uint16_t)k->cfg.http_port, NULL, NULL, on_request, h, MHD_OPTION_SOCK_ADDR, &addr,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned)(k->cfg.http_max_connections + HTTP_RESERVE),
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)k->cfg.idle_timeout,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, h, MHD_OPTION_NOTIFY_CONNECTION,
        on_connection, h, MHD_OPTION_END);
    if (!h->d) {
        snprintf(error, error_size, "cannot listen on %s:%d", k->cfg.http_address,
                 k->cfg.http_port);
        http_conns_destroy(h->conns);
        free(h);
        return NULL;
    }
    return h;
}

void http_api_tick(http_api *h)
{
    if (h) http_conns_reap(h->conns, now_s());
}

void http_api_stop(http_api *h)
{
    if (!h) return;
    MHD_stop_daemon(h->d);
    http_conns_destroy(h->conns);
    free(h);
}
