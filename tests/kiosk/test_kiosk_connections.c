/* The HTTP connection table on its own (app/kiosk/http_connections.c), with socket pairs for
 * the connections: who is cut to make room, when the reserve is used, the total timeout. A
 * cut connection's peer reads end-of-file. */
#include <sys/socket.h>
#include <unistd.h>

#include "app/kiosk/http_connections.h"
#include "check.h"

typedef struct {
    int ours, peer; /* ours is the "server" end the table shuts down */
    http_conn *c;
} conn;

static int is_cut(const conn *x)
{
    char b;
    return recv(x->peer, &b, 1, MSG_DONTWAIT) == 0; /* EOF, not EAGAIN */
}

static void open_conn(http_conns *t, conn *x, double now)
{
    int sv[2];
    CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    x->ours = sv[0];
    x->peer = sv[1];
    x->c = http_conns_open(t, x->ours, now);
    CHECK(x->c != NULL);
}

static void close_conn(http_conns *t, conn *x)
{
    http_conns_close(t, x->c);
    close(x->ours);
    close(x->peer);
}

int main(void)
{
    http_conns *t = http_conns_create(3, 1, 10.0);
    CHECK(t != NULL);
    conn a, b, c, d, e;
    open_conn(t, &a, 0.0);
    open_conn(t, &b, 1.0);
    open_conn(t, &c, 2.0);
    CHECK(http_conns_count(t) == 3 && !is_cut(&a) && !is_cut(&b) && !is_cut(&c));
    /* b answered a request at 2.5: a is now the one idle the longest. */
    http_conns_busy(t, b.c, 1, 2.5);
    http_conns_busy(t, b.c, 0, 2.5);
    open_conn(t, &d, 3.0);
    CHECK_MSG(is_cut(&a) && !is_cut(&b) && !is_cut(&c) && !is_cut(&d), "a made room");
    CHECK(http_conns_count(t) == 3 && !http_conns_reserve(t, d.c));
    close_conn(t, &a); /* libmicrohttpd reports it closed */
    /* Everyone busy: the next one is let in on the reserve, and nobody is cut. */
    http_conns_busy(t, b.c, 1, 4.0);
    http_conns_busy(t, c.c, 1, 4.0);
    http_conns_busy(t, d.c, 1, 4.0);
    open_conn(t, &e, 4.0);
    CHECK(http_conns_reserve(t, e.c));
    CHECK(!is_cut(&b) && !is_cut(&c) && !is_cut(&d) && !is_cut(&e));
    /* Table full (3 + 1 reserve): libmicrohttpd's own limit refuses before this. */
    CHECK(http_conns_open(t, -1, 4.0) == NULL);
    /* Total timeout: b, c (opened at 1, 2) are past 10 s at 12.5, busy or not; d, e are not. */
    http_conns_reap(t, 12.5);
    CHECK(is_cut(&b) && is_cut(&c) && !is_cut(&d) && !is_cut(&e));
    CHECK(http_conns_count(t) == 2);
    close_conn(t, &b);
    close_conn(t, &c);
    close_conn(t, &d);
    close_conn(t, &e);
    CHECK(http_conns_count(t) == 0);
    http_conns_destroy(t);
    return check_summary("test_kiosk_connections");
}
