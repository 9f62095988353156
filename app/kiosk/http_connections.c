/* A fixed table of records under one lock. Cutting a connection only marks it and shuts its
 * socket down; the record is freed when libmicrohttpd reports the connection closed, which
 * happens before it closes the descriptor, so a cut never reaches a reused descriptor. */
#include <pthread.h>
#include <stdlib.h>
#include <sys/socket.h>

#include "http_connections.h"

struct http_conn {
    int used, fd;
    double opened, last_active;
    int busy, cut, reserve;
};

struct http_conns {
    pthread_mutex_t lock;
    int max, n_slots;
    double total_timeout;
    http_conn *slot;
};

http_conns *http_conns_create(int max_connections, int reserve, double total_timeout)
{
    http_conns *t = calloc(1, sizeof *t);
    if (!t) return NULL;
    t->max = max_connections;
    t->n_slots = max_connections + reserve;
    t->total_timeout = total_timeout;
    t->slot = calloc((size_t)t->n_slots, sizeof *t->slot);
    if (!t->slot) {
        free(t);
        return NULL;
    }
    pthread_mutex_init(&t->lock, NULL);
    return t;
}

void http_conns_destroy(http_conns *t)
{
    if (!t) return;
    pthread_mutex_destroy(&t->lock);
    free(t->slot);
    free(t);
}

static void cut(http_conn *c)
{
    c->cut = 1;
    shutdown(c->fd, SHUT_RDWR);
}

/* Open and not cut; with the lock held. */
static int live(const http_conns *t)
{
    int n = 0;
    for (int i = 0; i < t->n_slots; i++) n += t->slot[i].used && !t->slot[i].cut;
    return n;
}

http_conn *http_conns_open(http_conns *t, int fd, double now)
{
    pthread_mutex_lock(&t->lock);
    http_conn *c = NULL;
    for (int i = 0; i < t->n_slots && !c; i++)
        if (!t->slot[i].used) c = &t->slot[i];
    if (c) {
        *c = (http_conn){.used = 1, .fd = fd, .opened = now, .last_active = now};
        if (live(t) > t->max) { /* make room: the one idle the longest goes */
            http_conn *victim = NULL;
            for (int i = 0; i < t->n_slots; i++) {
                http_conn *o = &t->slot[i];
                if (o != c && o->used && !o->cut && !o->busy &&
                    (!victim || o->last_active < victim->last_active))
                    victim = o;
            }
            if (victim) cut(victim);
            else c->reserve = 1; /* all busy: this one may only ask for /health */
        }
    }
    pthread_mutex_unlock(&t->lock);
    return c;
}

void http_conns_close(http_conns *t, http_conn *c)
{
    if (!c) return;
    pthread_mutex_lock(&t->lock);
    c->used = 0;
    pthread_mutex_unlock(&t->lock);
}

void http_conns_busy(http_conns *t, http_conn *c, int busy, double now)
{
    if (!c) return;
    pthread_mutex_lock(&t->lock);
    c->busy = busy;
    c->last_active = now;
    pthread_mutex_unlock(&t->lock);
}

int http_conns_reserve(http_conns *t, const http_conn *c)
{
    if (!c) return 0;
    pthread_mutex_lock(&t->lock);
    int r = c->reserve;
    pthread_mutex_unlock(&t->lock);
    return r;
}

void http_conns_reap(http_conns *t, double now)
{
    pthread_mutex_lock(&t->lock);
    for (int i = 0; i < t->n_slots; i++) {
        http_conn *c = &t->slot[i];
        if (c->used && !c->cut && now - c->opened > t->total_timeout) cut(c);
    }
    pthread_mutex_unlock(&t->lock);
}

int http_conns_count(http_conns *t)
{
    pthread_mutex_lock(&t->lock);
    int n = live(t);
    pthread_mutex_unlock(&t->lock);
    return n;
}
