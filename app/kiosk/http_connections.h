/* The HTTP connections open at once, so that none of them can starve the others:
 *
 *  - at most max_connections are served normally. When one more arrives, the connection
 *    idle the longest (no request being handled) is cut to make room, so idle keep-alive
 *    clients cannot lock others out;
 *  - when every one of them is busy, up to `reserve` more are let in, which may only ask
 *    GET /health (anything else gets 503): health checks always get an answer;
 *  - a connection open for more than total_timeout seconds is cut, whatever it does (a
 *    client trickling a byte at a time is never idle).
 *
 * Idle time itself is libmicrohttpd's connection timeout (idle_timeout). Cutting is
 * shutdown() on the socket: the connection's own thread sees the end and closes it, so the
 * descriptor is never closed under libmicrohttpd. Times are seconds on any monotonic clock,
 * given by the caller. Thread-safe. */
#ifndef MYNA_HTTP_CONNECTIONS_H
#define MYNA_HTTP_CONNECTIONS_H

typedef struct http_conn http_conn;
typedef struct http_conns http_conns;

http_conns *http_conns_create(int max_connections, int reserve, double total_timeout);
void http_conns_destroy(http_conns *t);

/* A connection on socket fd was accepted. Returns its record (NULL when all max_connections
 * + reserve are taken, which libmicrohttpd's own limit prevents). */
http_conn *http_conns_open(http_conns *t, int fd, double now);
/* Called before its descriptor is closed. */
void http_conns_close(http_conns *t, http_conn *c);
/* A request is being handled (busy = 1) or has been answered (0). */
void http_conns_busy(http_conns *t, http_conn *c, int busy, double now);
/* Whether c was let in on the reserve (serve only GET /health). */
int http_conns_reserve(http_conns *t, const http_conn *c);
/* Cuts the connections open longer than total_timeout. */
void http_conns_reap(http_conns *t, double now);
/* Connections open (and not yet cut), for tests and logs. */
int http_conns_count(http_conns *t);

#endif
