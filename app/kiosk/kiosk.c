/* Shared state and the operations both front ends use. */
#include <ctype.h>
#include <limits.h>
#include <sndfile.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "kiosk.h"

void kiosk_log(const kiosk *k, int priority, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (k->cfg.use_syslog) {
        vsyslog(priority, fmt, ap);
    } else {
        char line[1024];
        vsnprintf(line, sizeof line, fmt, ap);
        fprintf(stderr, "myna-kiosk: %s\n", line);
    }
    va_end(ap);
}

/* Client-supplied voice names must not be paths. */
static int plain_name(const char *s)
{
    if (!*s || strlen(s) > 128 || s[0] == '.') return 0;
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && *s != '_' && *s != '-' && *s != '.') return 0;
    return 1;
}

static myna_voice *open_voice(kiosk *k, const char *name, int trusted, char *error,
                              size_t error_size)
{
    for (int i = 0; i < KIOSK_MAX_VOICES && k->voice_names[i]; i++)
        if (!strcmp(k->voice_names[i], name)) return k->voices[i];
    if (!trusted && !plain_name(name)) {
        snprintf(error, error_size, "bad voice name");
        return NULL;
    }
    int slot = 0;
    while (slot < KIOSK_MAX_VOICES && k->voice_names[slot]) slot++;
    if (slot == KIOSK_MAX_VOICES) {
        snprintf(error, error_size, "too many voices in use");
        return NULL;
    }
    char path[PATH_MAX], why[256] = "";
    myna_voice *v;
    if (myna_voice_resolve(name, path, sizeof path) != MYNA_OK) {
        snprintf(error, error_size, "voice '%s' not found", name);
        return NULL;
    }
    if (myna_voice_open(path, &v, why, sizeof why) != MYNA_OK) {
        snprintf(error, error_size, "voice '%s': %s", name, why);
        return NULL;
    }
    k->voice_names[slot] = strdup(name);
    if (!k->voice_names[slot]) {
        myna_voice_close(v);
        snprintf(error, error_size, "out of memory");
        return NULL;
    }
    k->voices[slot] = v;
    return v;
}

myna_voice *kiosk_voice(kiosk *k, const char *name, char *error, size_t error_size)
{
    int trusted = !name || !*name || !strcmp(name, k->default_voice_id);
    pthread_mutex_lock(&k->voice_lock);
    myna_voice *v = open_voice(k, trusted ? k->cfg.voice : name, trusted, error, error_size);
    pthread_mutex_unlock(&k->voice_lock);
    return v;
}

/* "dir/en_US-myna.myna" -> "en_US-myna" */
static void voice_id(const char *path, char *out, size_t size)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t n = strlen(base);
    if (n > 5 && !strcmp(base + n - 5, ".myna")) n -= 5;
    snprintf(out, size, "%.*s", (int)n, base);
}

typedef struct {
    void (*fn)(const char *id, int is_default, void *user);
    void *user;
    char seen[KIOSK_MAX_LISTED][129];
    int n_seen;
} voice_listing;

static void list_one(const char *path, void *user)
{
    voice_listing *l = user;
    char id[129];
    voice_id(path, id, sizeof id);
    if (!plain_name(id) || l->n_seen == KIOSK_MAX_LISTED) return;
    for (int i = 0; i < l->n_seen; i++)
        if (!strcmp(l->seen[i], id)) return; /* a name found twice resolves to the first */
    memcpy(l->seen[l->n_seen++], id, strlen(id) + 1);
    l->fn(id, 0, l->user);
}

void kiosk_list_voices(kiosk *k, void (*fn)(const char *id, int is_default, void *user),
                       void *user)
{
    voice_listing *l = calloc(1, sizeof *l);
    fn(k->default_voice_id, 1, user);
    if (!l) return;
    l->fn = fn;
    l->user = user;
    memcpy(l->seen[l->n_seen++], k->default_voice_id, strlen(k->default_voice_id) + 1);
    myna_voice_list(list_one, l);
    free(l);
}

/* The chime, mono, resampled (linear) to rate. */
static int load_chime(kiosk *k, int rate)
{
    SF_INFO info = {0};
    SNDFILE *f = sf_open(k->cfg.chime, SFM_READ, &info);
    if (!f) {
        kiosk_log(k, LOG_ERR, "chime %s: %s", k->cfg.chime, sf_strerror(NULL));
        return -1;
    }
    size_t n = (size_t)info.frames;
    float *x = malloc((n * (size_t)info.channels + 1) * sizeof *x);
    if (!x || n > (size_t)info.samplerate * 10) {
        free(x);
        sf_close(f);
        kiosk_log(k, LOG_ERR, "chime %s: too long (10 s at most)", k->cfg.chime);
        return -1;
    }
    n = (size_t)sf_readf_float(f, x, (sf_count_t)n);
    sf_close(f);
    for (size_t i = 0; i < n; i++) x[i] = x[i * (size_t)info.channels]; /* first channel */
    size_t m = (size_t)((double)n * rate / info.samplerate);
    k->chime = malloc((m + 1) * sizeof *k->chime);
    for (size_t i = 0; k->chime && i < m; i++) {
        double t = (double)i * info.samplerate / rate;
        size_t j = (size_t)t;
        double u = t - (double)j;
        float b = j + 1 < n ? x[j + 1] : x[j];
        k->chime[i] = (float)((1 - u) * x[j] + u * b);
    }
    k->chime_n = k->chime ? m : 0;
    free(x);
    return k->chime ? 0 : -1;
}

int kiosk_init(kiosk *k, const kiosk_config *cfg)
{
    memset(k, 0, sizeof *k);
    k->cfg = *cfg;
    atomic_store(&k->device_up, 1); /* until an attempt to open it fails */
    pthread_mutex_init(&k->voice_lock, NULL);
    voice_id(cfg->voice, k->default_voice_id, sizeof k->default_voice_id);
    k->queue = announce_queue_create(cfg->queue_max);
    if (!k->queue) return -1;
    char err[300];
    myna_voice *v = kiosk_voice(k, NULL, err, sizeof err);
    if (!v) {
        kiosk_log(k, LOG_ERR, "%s", err);
        return -1;
    }
    if (cfg->chime[0] && load_chime(k, myna_voice_sample_rate(v)) != 0) return -1;
    return 0;
}

void kiosk_free(kiosk *k)
{
    announce_queue_destroy(k->queue);
    for (int i = 0; i < KIOSK_MAX_VOICES; i++) {
        free(k->voice_names[i]);
        myna_voice_close(k->voices[i]);
    }
    free(k->chime);
    pthread_mutex_destroy(&k->voice_lock);
}

int kiosk_submit(kiosk *k, announcement *a, uint64_t *id)
{
    announce_priority pr = a->priority;
    if (announce_queue_push(k->queue, a, id) != 0) {
        announcement_free(a);
        atomic_fetch_add(&k->busy, 1);
        return -1;
    }
    if (pr == PRIORITY_URGENT && atomic_load(&k->playing_id) &&
        atomic_load(&k->playing_priority) == PRIORITY_NORMAL) {
        int none = PREEMPT_NONE;
        atomic_compare_exchange_strong(&k->preempt, &none, PREEMPT_URGENT);
    }
    return 0;
}

int kiosk_stop_all(kiosk *k)
{
    int n = announce_queue_clear(k->queue);
    if (atomic_load(&k->playing_id)) atomic_store(&k->preempt, PREEMPT_STOP);
    return n;
}

void kiosk_status(kiosk *k, char *out, size_t size)
{
    snprintf(out, size,
             "playing=%llu queued=%d played=%llu preempted=%llu failed=%llu busy=%llu "
             "cache_hits=%llu device=%s",
             (unsigned long long)atomic_load(&k->playing_id), announce_queue_length(k->queue),
             (unsigned long long)atomic_load(&k->played),
             (unsigned long long)atomic_load(&k->preempted),
             (unsigned long long)atomic_load(&k->failed),
             (unsigned long long)atomic_load(&k->busy),
             (unsigned long long)atomic_load(&k->cache_hits),
             atomic_load(&k->device_up) ? "up" : "down");
}
