/* See alsa_capture.h. The FIFO gives back-pressure: the ALSA file plugin's write blocks
 * while the pipe (shrunk to one page) is full, so the reader's pace is the device clock. */
#define _GNU_SOURCE /* F_SETPIPE_SZ */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "alsa_capture.h"

extern char **environ;

struct alsa_capture {
    char fifo[512], config[512], dir[400];
    int rate;
    double speed;
    int fd_read, fd_keep; /* fd_keep: our own writer, so the FIFO never reports EOF */
    pthread_t thread;
    int running;
    _Atomic int stop;
    _Atomic size_t count;
    _Atomic double last_data_t;
    pthread_mutex_t lock; /* guards data/cap */
    int16_t *data;
    size_t cap;
};

double monotonic_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void sleep_s(double s)
{
    struct timespec ts = {(time_t)s, (long)((s - (double)(time_t)s) * 1e9)};
    nanosleep(&ts, NULL);
}

int alsa_capture_configure(alsa_capture *c, alsa_config_kind kind)
{
    char tmp[600];
    snprintf(tmp, sizeof tmp, "%s.tmp", c->config);
    FILE *f = fopen(tmp, "w");
    if (!f) return -1;
    /* The distribution's base configuration first (defines the plugin types and defaults),
     * then our default PCM overriding the one it declares. */
    fprintf(f, "</usr/share/alsa/alsa.conf>\n");
    if (kind == ALSA_CONFIG_NO_DEVICE) {
        fprintf(f, "pcm.!default { type hw card 97 device 0 }\n");
    } else {
        const char *path = kind == ALSA_CONFIG_CAPTURE ? c->fifo : "/nonexistent-dir/x.raw";
        fprintf(f,
                "pcm.mynacapture { type file slave.pcm \"null\" file \"%s\" format \"raw\" }\n"
                "pcm.!default { type plug slave { pcm \"mynacapture\" format S16_LE "
                "channels 1 } }\n",
                path);
    }
    if (fclose(f) != 0) return -1;
    return rename(tmp, c->config); /* atomic swap: a reader never sees half a file */
}

alsa_capture *alsa_capture_create(const char *dir, int sample_rate, double speed)
{
    alsa_capture *c = calloc(1, sizeof *c);
    if (!c) return NULL;
    snprintf(c->dir, sizeof c->dir, "%s", dir);
    snprintf(c->fifo, sizeof c->fifo, "%s/fifo", dir);
    snprintf(c->config, sizeof c->config, "%s/asound.conf", dir);
    c->rate = sample_rate;
    c->speed = speed;
    c->fd_read = c->fd_keep = -1;
    pthread_mutex_init(&c->lock, NULL);
    unlink(c->fifo);
    if (mkfifo(c->fifo, 0600) != 0 || alsa_capture_configure(c, ALSA_CONFIG_CAPTURE) != 0) {
        alsa_capture_destroy(c);
        return NULL;
    }
    c->fd_read = open(c->fifo, O_RDONLY | O_NONBLOCK);
    c->fd_keep = open(c->fifo, O_WRONLY | O_NONBLOCK);
    if (c->fd_read < 0 || c->fd_keep < 0) {
        alsa_capture_destroy(c);
        return NULL;
    }
    fcntl(c->fd_read, F_SETPIPE_SZ, 4096);
    return c;
}

const char *alsa_capture_config_path(const alsa_capture *c)
{
    return c->config;
}

static void append(alsa_capture *c, const unsigned char *b, size_t bytes)
{
    size_t n = bytes / 2;
    pthread_mutex_lock(&c->lock);
    size_t have = atomic_load(&c->count);
    if (have + n > c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 65536;
        while (cap < have + n) cap *= 2;
        int16_t *d = realloc(c->data, cap * sizeof *d);
        if (!d) {
            pthread_mutex_unlock(&c->lock);
            return;
        }
        c->data = d;
        c->cap = cap;
    }
    for (size_t i = 0; i < n; i++)
        c->data[have + i] = (int16_t)(b[2 * i] | (b[2 * i + 1] << 8));
    atomic_store(&c->count, have + n);
    pthread_mutex_unlock(&c->lock);
}

/* Reads no faster than speed x real time, like a sound card. The pipe (one page) and the
 * ALSA buffers in front of it are the device's buffer, filled at once when a stream starts. */
static void *reader(void *arg)
{
    alsa_capture *c = arg;
    unsigned char buf[4096];
    size_t carry = 0; /* an odd byte split across reads */
    double t0 = monotonic_s();
    size_t bytes_total = 0;
    while (!atomic_load(&c->stop)) {
        double allowed = (monotonic_s() - t0) * c->rate * 2 * c->speed + 64;
        if ((double)bytes_total >= allowed) {
            sleep_s(0.002);
            continue;
        }
        struct pollfd pfd = {c->fd_read, POLLIN, 0};
        if (poll(&pfd, 1, 10) <= 0) {
            /* An idle device does not accumulate credit: restart the clock. */
            t0 = monotonic_s() - (double)bytes_total / (c->rate * 2 * c->speed);
            continue;
        }
        size_t want = sizeof buf - carry;
        if ((double)want > allowed - (double)bytes_total) want = (size_t)(allowed - bytes_total);
        ssize_t r = read(c->fd_read, buf + carry, want);
        if (r <= 0) continue;
        bytes_total += (size_t)r;
        size_t have = carry + (size_t)r;
        append(c, buf, have & ~(size_t)1);
        carry = have & 1;
        if (carry) buf[0] = buf[have - 1];
        atomic_store(&c->last_data_t, monotonic_s());
    }
    return NULL;
}

int alsa_capture_start(alsa_capture *c)
{
    atomic_store(&c->stop, 0);
    atomic_store(&c->last_data_t, monotonic_s());
    if (pthread_create(&c->thread, NULL, reader, c) != 0) return -1;
    c->running = 1;
    return 0;
}

size_t alsa_capture_count(alsa_capture *c)
{
    return atomic_load(&c->count);
}

int16_t *alsa_capture_stop(alsa_capture *c, double idle_s, size_t *n)
{
    double deadline = monotonic_s() + 60;
    while (c->running && monotonic_s() - atomic_load(&c->last_data_t) < idle_s &&
           monotonic_s() < deadline)
        sleep_s(0.01);
    if (c->running) {
        atomic_store(&c->stop, 1);
        pthread_join(c->thread, NULL);
        c->running = 0;
    }
    pthread_mutex_lock(&c->lock);
    *n = atomic_load(&c->count);
    int16_t *out = malloc((*n + 1) * sizeof *out);
    if (out && *n) memcpy(out, c->data, *n * sizeof *out);
    free(c->data);
    c->data = NULL;
    c->cap = 0;
    atomic_store(&c->count, 0);
    pthread_mutex_unlock(&c->lock);
    return out;
}

void alsa_capture_destroy(alsa_capture *c)
{
    if (!c) return;
    if (c->running) {
        size_t n;
        free(alsa_capture_stop(c, 0, &n));
    }
    if (c->fd_read >= 0) close(c->fd_read);
    if (c->fd_keep >= 0) close(c->fd_keep);
    unlink(c->fifo);
    unlink(c->config);
    free(c->data);
    pthread_mutex_destroy(&c->lock);
    free(c);
}

int child_spawn(char *const argv[], const char *alsa_config, const char *out_path,
                const char *err_path)
{
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, out_path ? out_path : "/dev/null",
                                     O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_addopen(&fa, 2, err_path ? err_path : "/dev/null",
                                     O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (alsa_config) setenv("ALSA_CONFIG_PATH", alsa_config, 1);
    pid_t pid;
    int rc = posix_spawn(&pid, argv[0], &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    return rc == 0 ? (int)pid : -1;
}

int child_wait(int pid, double timeout_s)
{
    double deadline = monotonic_s() + timeout_s;
    int status;
    for (;;) {
        pid_t r = waitpid(pid, &status, WNOHANG);
        if (r == pid) break;
        if (r < 0) return -1;
        if (monotonic_s() > deadline) {
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            return -1;
        }
        sleep_s(0.01);
    }
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    return 128 + WTERMSIG(status);
}

char *read_file(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap + 1);
    size_t r;
    while (buf && (r = fread(buf + n, 1, cap - n, f)) > 0) {
        n += r;
        if (n == cap) {
            char *b = realloc(buf, cap * 2 + 1);
            if (!b) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = b;
            cap *= 2;
        }
    }
    fclose(f);
    if (!buf) return NULL;
    buf[n] = '\0';
    if (size) *size = n;
    return buf;
}
