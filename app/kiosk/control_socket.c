/* A single poll() loop over the listening socket and at most MAX_CLIENTS connections: no
 * thread per client, so a flood of connections costs bounded memory, and nothing a client
 * does (or fails to do) makes the loop wait. Two rules keep slots from being held: a line
 * must be finished within idle_timeout of its first byte, and when every slot is taken the
 * client quiet the longest makes room for a new one. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "control_line.h"
#include "control_socket.h"
#include "request.h"

#define MAX_CLIENTS 32

typedef struct {
    int fd;
    control_line lines;
    double last_active; /* when it last sent something (or connected) */
    double line_since;  /* when the unfinished line began; 0 when there is none */
} client;

struct control_socket {
    kiosk *k;
    int fd;
    size_t cap; /* longest line accepted */
    client clients[MAX_CLIENTS];
};

control_socket *control_socket_open(kiosk *k, char *error, size_t error_size)
{
    struct sockaddr_un addr = {0};
    addr.sun_family = AF_UNIX;
    if (strlen(k->cfg.socket_path) >= sizeof addr.sun_path) {
        snprintf(error, error_size, "socket path too long");
        return NULL;
    }
    memcpy(addr.sun_path, k->cfg.socket_path, strlen(k->cfg.socket_path) + 1);
    control_socket *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    s->k = k;
    s->cap = k->cfg.max_line + CONTROL_OPTIONS_ROOM;
    for (int i = 0; i < MAX_CLIENTS; i++) s->clients[i].fd = -1;
    s->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    unlink(addr.sun_path); /* a stale socket of a previous run */
    /* Created with the final permissions: no window where others could connect. */
    mode_t old = umask((mode_t)(0777 & ~k->cfg.socket_mode));
    int rc = s->fd < 0 ? -1 : bind(s->fd, (struct sockaddr *)&addr, sizeof addr);
    umask(old);
    if (rc != 0 || chmod(addr.sun_path, (mode_t)k->cfg.socket_mode) != 0 ||
        listen(s->fd, 2 * MAX_CLIENTS) != 0) {
        snprintf(error, error_size, "%s: %s", addr.sun_path, strerror(errno));
        if (s->fd >= 0) close(s->fd);
        free(s);
        return NULL;
    }
    return s;
}

static void drop_client(client *c)
{
    close(c->fd);
    control_line_free(&c->lines);
    c->fd = -1;
}

/* One reply line. A client that does not read its replies loses its connection, not our
 * time: nonzero tells control_line_feed to stop. */
static int reply(const char *text, void *user)
{
    client *c = user;
    char line[600];
    int n = snprintf(line, sizeof line, "%s\n", text);
    if (n >= (int)sizeof line) n = (int)sizeof line - 1, line[n - 1] = '\n';
    return send(c->fd, line, (size_t)n, MSG_NOSIGNAL | MSG_DONTWAIT) == n ? 0 : -1;
}

void control_handle_line(kiosk *k, char *line, char *out, size_t size)
{
    size_t len = strlen(line);
    if (len && line[len - 1] == '\r') line[--len] = 0;
    char err[300] = "";
    if (!strncmp(line, "SAY ", 4) || !strcmp(line, "SAY")) {
        say_request r;
        uint64_t id = 0;
        int rc = say_request_parse(&r, line + 3, err, sizeof err);
        if (rc == 0) rc = say_request_submit(k, &r, &id, err, sizeof err);
        if (rc == 0) snprintf(out, size, "OK id=%llu", (unsigned long long)id);
        else if (rc == 1) snprintf(out, size, "BUSY queue full, try again later");
        else snprintf(out, size, "ERR %s", err);
    } else if (!strcmp(line, "STOP")) {
        snprintf(out, size, "OK dropped=%d", kiosk_stop_all(k));
    } else if (!strcmp(line, "STATUS")) {
        char st[400];
        kiosk_status(k, st, sizeof st);
        snprintf(out, size, "OK %s", st);
    } else if (!strcmp(line, "HEALTH")) {
        snprintf(out, size, atomic_load(&k->device_up) ? "OK" : "ERR audio device down");
    } else if (!strcmp(line, "QUEUE")) {
        char q[500];
        announce_queue_describe(k->queue, q, sizeof q);
        snprintf(out, size, "OK %s", q);
    } else {
        snprintf(out, size, "ERR unknown command (SAY, STOP, STATUS, HEALTH, QUEUE)");
    }
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Reads what is there and answers every complete line. */
static void serve_client(control_socket *s, client *c, double now)
{
    char buf[4096];
    ssize_t r = recv(c->fd, buf, sizeof buf, MSG_DONTWAIT);
    if (r <= 0) {
        if (r == 0 || (errno != EAGAIN && errno != EINTR)) drop_client(c);
        return;
    }
    c->last_active = now;
    if (control_line_feed(&c->lines, s->k, buf, (size_t)r, reply, c) != 0) {
        drop_client(c);
        return;
    }
    /* A line left unfinished starts its clock when it starts: now, if a line ended in
     * these bytes or none was pending. */
    if (!c->lines.used) c->line_since = 0;
    else if (!c->line_since || memchr(buf, '\n', (size_t)r)) c->line_since = now;
}

/* Drops the clients whose unfinished line is older than idle_timeout. */
static void expire_lines(control_socket *s, double now)
{
    for (int i = 0; i < MAX_CLIENTS; i++) {
        client *c = &s->clients[i];
        if (c->fd >= 0 && c->line_since && now - c->line_since > s->k->cfg.idle_timeout) {
            char why[80];
            snprintf(why, sizeof why, "ERR line not finished within %d s",
                     s->k->cfg.idle_timeout);
            reply(why, c);
            drop_client(c);
        }
    }
}

/* A free slot, made by dropping the client quiet the longest when all are taken. */
static client *free_slot(control_socket *s)
{
    client *quietest = NULL;
    for (int i = 0; i < MAX_CLIENTS; i++) {
        client *c = &s->clients[i];
        if (c->fd < 0) return c;
        if (!quietest || c->last_active < quietest->last_active) quietest = c;
    }
    reply("ERR closed to make room: too many connections", quietest);
    drop_client(quietest);
    return quietest;
}

static void accept_clients(control_socket *s, double now)
{
    for (;;) {
        int fd = accept(s->fd, NULL, NULL);
        if (fd < 0) return;
        fcntl(fd, F_SETFD, FD_CLOEXEC);
        fcntl(fd, F_SETFL, O_NONBLOCK);
        client *c = free_slot(s);
        c->fd = fd;
        c->last_active = now;
        c->line_since = 0;
        control_line_init(&c->lines, s->cap);
    }
}

void control_socket_serve(control_socket *s, int timeout_ms)
{
    struct pollfd pf[MAX_CLIENTS + 1];
    int map[MAX_CLIENTS + 1], n = 0;
    pf[n].fd = s->fd;
    pf[n].events = POLLIN;
    map[n++] = -1;
    for (int i = 0; i < MAX_CLIENTS; i++)
        if (s->clients[i].fd >= 0) {
            pf[n].fd = s->clients[i].fd;
            pf[n].events = POLLIN;
            map[n++] = i;
        }
    int ready = poll(pf, (nfds_t)n, timeout_ms);
    double now = now_s();
    for (int j = 1; j < n && ready > 0; j++)
        if (pf[j].revents) serve_client(s, &s->clients[map[j]], now);
    expire_lines(s, now);
    if (ready > 0 && (pf[0].revents & POLLIN)) accept_clients(s, now);
}

void control_socket_close(control_socket *s)
{
    if (!s) return;
    for (int i = 0; i < MAX_CLIENTS; i++)
        if (s->clients[i].fd >= 0) drop_client(&s->clients[i]);
    close(s->fd);
    unlink(s->k->cfg.socket_path);
    free(s);
}
