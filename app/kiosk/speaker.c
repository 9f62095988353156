/* The speaker thread: takes announcements off the queue and plays them, from the phrase
 * cache or streaming from the synthesizer. It owns the audio device: opened on demand,
 * released after a quiet spell (so an unplugged and replugged device is found again), and
 * reopened with exponential backoff after a failure, keeping the announcement. */
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include "kiosk.h"
#include "phrase_cache.h"
#include "playback.h"

#define CACHE_MAX_SECONDS 20 /* longer announcements are not worth keeping */

typedef struct {
    kiosk *k;
    playback *dev;
    const myna_voice *dev_voice; /* voice whose rate the device was opened at */
    myna_synth *synth;
    const myna_voice *synth_voice;
    phrase_cache *cache;
    float *collect; /* the announcement being rendered, for the cache */
    size_t collect_n, collect_cap;
    double last_used, backoff;
} speaker;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int interrupted(void *user)
{
    kiosk *k = user;
    return atomic_load(&k->preempt) != PREEMPT_NONE || atomic_load(&k->shutting_down);
}

static void close_device(speaker *s)
{
    if (!s->dev) return;
    playback_stats st = {0};
    playback_get_stats(s->dev, &st);
    unsigned long long underruns = st.underruns, silent = st.silent_frames;
    if (underruns)
        kiosk_log(s->k, LOG_WARNING, "%llu underruns (%llu samples of silence)", underruns,
                  silent);
    playback_close(s->dev);
    s->dev = NULL;
}

static int open_device(speaker *s, const myna_voice *v)
{
    if (s->dev && s->dev_voice && myna_voice_sample_rate(s->dev_voice) ==
                                      myna_voice_sample_rate(v))
        return 0;
    close_device(s);
    playback_config cfg = {0};
    cfg.device = s->k->cfg.audio_device[0] ? s->k->cfg.audio_device : NULL;
    cfg.sample_rate = myna_voice_sample_rate(v);
    cfg.cancelled = interrupted;
    cfg.user = s->k;
    char err[256] = "";
    if (playback_open(&cfg, &s->dev, err, sizeof err) != PLAYBACK_OK) {
        if (atomic_exchange(&s->k->device_up, 0))
            kiosk_log(s->k, LOG_ERR, "audio device unavailable: %s", err);
        return -1;
    }
    if (!atomic_exchange(&s->k->device_up, 1)) kiosk_log(s->k, LOG_NOTICE, "audio device back");
    s->dev_voice = v;
    s->backoff = 0;
    return 0;
}

/* Sleeps for the backoff, in short steps so shutdown is not delayed. */
static void back_off(speaker *s)
{
    s->backoff = s->backoff <= 0 ? 0.1 : s->backoff * 2;
    if (s->backoff > s->k->cfg.retry_max) s->backoff = s->k->cfg.retry_max;
    double until = now_s() + s->backoff;
    struct timespec step = {0, 20000000L};
    while (now_s() < until && !atomic_load(&s->k->shutting_down)) nanosleep(&step, NULL);
}

static void collect(speaker *s, const float *x, size_t n, size_t limit)
{
    if (!s->collect_cap && limit) {
        s->collect = malloc(limit * sizeof *s->collect);
        s->collect_cap = s->collect ? limit : 0;
    }
    if (s->collect_n + n > s->collect_cap) {
        s->collect_n = s->collect_cap + 1; /* too long: mark as not cacheable */
        return;
    }
    memcpy(s->collect + s->collect_n, x, n * sizeof *x);
    s->collect_n += n;
}

static int synth_for(speaker *s, const myna_voice *v)
{
    if (s->synth && s->synth_voice == v) return 0;
    myna_synth_destroy(s->synth);
    s->synth = NULL;
    myna_options o;
    myna_options_default(&o);
    o.threads = s->k->cfg.threads;
    char err[256] = "";
    if (myna_synth_create(v, &o, &s->synth, err, sizeof err) != MYNA_OK) {
        kiosk_log(s->k, LOG_ERR, "synthesizer: %s", err);
        return -1;
    }
    s->synth_voice = v;
    return 0;
}

/* Renders a into the device. PLAYBACK_* status; synthesis failures count as PLAYBACK_OK
 * after logging (the device is fine, the announcement is dropped). */
static playback_status render(speaker *s, const announcement *a, const myna_voice *v,
                              const char *voice_key, int *failed)
{
    size_t n;
    const float *hit = phrase_cache_get(s->cache, voice_key, a->text, &n);
    if (hit) {
        atomic_fetch_add(&s->k->cache_hits, 1);
        return playback_write(s->dev, hit, n, a->volume);
    }
    if (synth_for(s, v) != 0 || myna_synth_start(s->synth, a->text, strlen(a->text))) {
        *failed = 1;
        return PLAYBACK_OK;
    }
    size_t limit = (size_t)myna_voice_sample_rate(v) * CACHE_MAX_SECONDS;
    s->collect_n = 0;
    myna_chunk c;
    myna_status st;
    while ((st = myna_synth_next(s->synth, &c)) == MYNA_OK) {
        collect(s, c.samples, c.n_samples, limit);
        playback_status ps = playback_write(s->dev, c.samples, c.n_samples, a->volume);
        if (ps != PLAYBACK_OK) return ps;
    }
    if (st != MYNA_DONE) {
        kiosk_log(s->k, LOG_ERR, "id=%llu: %s", (unsigned long long)a->id,
                  myna_synth_last_error(s->synth));
        *failed = 1;
        return PLAYBACK_OK;
    }
    if (s->collect_n <= s->collect_cap)
        phrase_cache_put(s->cache, voice_key, a->text, s->collect, s->collect_n);
    return PLAYBACK_OK;
}

/* Speaks one announcement; keeps it (requeues) when it was preempted by an urgent one or
 * the device failed. */
static void speak(speaker *s, announcement *a)
{
    kiosk *k = s->k;
    char err[300];
    myna_voice *v = kiosk_voice(k, a->voice, err, sizeof err);
    if (!v) { /* checked on submission; a voice cannot vanish, but be safe */
        kiosk_log(k, LOG_ERR, "id=%llu: %s", (unsigned long long)a->id, err);
        announcement_free(a);
        return;
    }
    if (open_device(s, v) != 0) {
        announce_queue_push_front(k->queue, a);
        back_off(s);
        return;
    }
    atomic_store(&k->playing_priority, (int)a->priority);
    atomic_store(&k->playing_id, a->id);
    int failed = 0;
    playback_status ps = PLAYBACK_OK;
    if (a->priority == PRIORITY_URGENT && k->chime_n)
        ps = playback_write(s->dev, k->chime, k->chime_n, a->volume);
    if (ps == PLAYBACK_OK) ps = render(s, a, v, a->voice ? a->voice : "", &failed);
    if (ps == PLAYBACK_OK) ps = playback_drain(s->dev);
    atomic_store(&k->playing_id, 0);
    int why = atomic_exchange(&k->preempt, PREEMPT_NONE);
    s->last_used = now_s();
    if (ps == PLAYBACK_OK && failed) {
        atomic_fetch_add(&k->failed, 1);
        kiosk_log(k, LOG_WARNING, "failed id=%llu", (unsigned long long)a->id);
    } else if (ps == PLAYBACK_OK) {
        atomic_fetch_add(&k->played, 1);
        kiosk_log(k, LOG_INFO, "played id=%llu", (unsigned long long)a->id);
    } else if (ps == PLAYBACK_CANCELLED) {
        playback_abort(s->dev);
        if (why == PREEMPT_URGENT && !atomic_load(&k->shutting_down)) {
            atomic_fetch_add(&k->preempted, 1);
            kiosk_log(k, LOG_INFO, "preempted id=%llu", (unsigned long long)a->id);
            announce_queue_push_front(k->queue, a); /* said again after the urgent one */
            return;
        }
        kiosk_log(k, LOG_INFO, "stopped id=%llu", (unsigned long long)a->id);
    } else {
        kiosk_log(k, LOG_ERR, "audio device failed: %s", playback_last_error(s->dev));
        atomic_store(&k->device_up, 0);
        close_device(s);
        announce_queue_push_front(k->queue, a);
        back_off(s);
        return;
    }
    announcement_free(a);
}

static void *run(void *arg)
{
    speaker s = {0};
    s.k = arg;
    s.cache = phrase_cache_create(s.k->cfg.cache_bytes);
    while (!atomic_load(&s.k->shutting_down)) {
        announcement *a = announce_queue_pop(s.k->queue, 0.1);
        if (a) {
            atomic_store(&s.k->preempt, PREEMPT_NONE); /* a STOP for an older one is void */
            speak(&s, a);
        } else if (s.dev && now_s() - s.last_used > s.k->cfg.device_idle_close) {
            close_device(&s);
        }
    }
    close_device(&s);
    myna_synth_destroy(s.synth);
    phrase_cache_destroy(s.cache);
    free(s.collect);
    return NULL;
}

int speaker_start(kiosk *k)
{
    if (pthread_create(&k->speaker, NULL, run, k) != 0) return -1;
    k->speaker_running = 1;
    return 0;
}

void speaker_join(kiosk *k)
{
    if (!k->speaker_running) return;
    atomic_store(&k->shutting_down, 1);
    announce_queue_close(k->queue);
    pthread_join(k->speaker, NULL);
    k->speaker_running = 0;
}
