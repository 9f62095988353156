/* A single poll() loop over the listening socket and at most MAX_CLIENTS connections: no
 * thread per client, so a flood of connections costs bounded memory. */
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
#include <unistd.h>

#include "control_line.h"
#include "control_socket.h"
#include "request.h"

#define MAX_CLIENTS 32

typedef struct {
    int fd;
    control_line lines;
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
        listen(s->fd, 16) != 0) {
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

/* Reads what is there and answers every complete line. */
static void serve_client(control_socket *s, client *c)
{
    char buf[4096];
    ssize_t r = recv(c->fd, buf, sizeof buf, MSG_DONTWAIT);
    if (r <= 0) {
        if (r == 0 || (errno != EAGAIN && errno != EINTR)) drop_client(c);
        return;
    }
    if (control_line_feed(&c->lines, s->k, buf, (size_t)r, reply, c) != 0) drop_client(c);
}

static void accept_clients(control_socket *s)
{
    for (;;) {
        int fd = accept(s->fd, NULL, NULL);
        if (fd < 0) return;
        fcntl(fd, F_SETFD, FD_CLOEXEC);
        fcntl(fd, F_SETFL, O_NONBLOCK);
        int i = 0;
        while (i < MAX_CLIENTS && s->clients[i].fd >= 0) i++;
        if (i == MAX_CLIENTS) {
            const char busy[] = "BUSY too many connections\n";
            send(fd, busy, sizeof busy - 1, MSG_NOSIGNAL | MSG_DONTWAIT);
            close(fd);
            continue;
        }
        s->clients[i].fd = fd;
        control_line_init(&s->clients[i].lines, s->cap);
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
    if (poll(pf, (nfds_t)n, timeout_ms) <= 0) return;
    for (int j = 1; j < n; j++)
        if (pf[j].revents) serve_client(s, &s->clients[map[j]]);
    if (pf[0].revents & POLLIN) accept_clients(s);
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
