/* PortAudio output fed from a ring buffer. The callback only copies samples and bumps
 * atomic counters: no locks, allocation or I/O, so it cannot stall the audio thread. All
 * waiting happens on the producer side, by polling with short sleeps. */
#include <ctype.h>
#include <portaudio.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "playback.h"
#include "ring_buffer.h"

#define POLL_NS 2000000L         /* producer wait granularity: 2 ms */
#define STALL_S 5.0              /* device consumed nothing for this long: treat as lost */
#define CONVERT_BLOCK 1024

struct playback {
    playback_config cfg;
    PaStream *stream;
    ring_buffer *ring;
    size_t prebuffer;
    int started; /* producer-side view: stream running */
    _Atomic int draining;
    _Atomic uint64_t frames_played, underruns, silent_frames, device_underflows;
    char error[256];
};

static void set_error(char *dst, size_t size, const char *what, PaError e)
{
    if (dst && size) snprintf(dst, size, "%s: %s", what, Pa_GetErrorText(e));
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void nap(void)
{
    struct timespec ts = {0, POLL_NS};
    nanosleep(&ts, NULL);
}

static int on_audio(const void *in, void *out, unsigned long frames,
                    const PaStreamCallbackTimeInfo *timing, PaStreamCallbackFlags flags, void *user)
{
    playback *p = user;
    int16_t *o = out;
    if (flags & paOutputUnderflow) atomic_fetch_add(&p->device_underflows, 1);
    size_t got = ring_buffer_read(p->ring, o, frames);
    if (got < frames) {
        memset(o + got, 0, (frames - got) * sizeof *o);
        /* Padding after the last sample of an utterance is expected, not an underrun. */
        if (!atomic_load(&p->draining)) {
            atomic_fetch_add(&p->underruns, 1);
            atomic_fetch_add(&p->silent_frames, frames - got);
        }
    }
    atomic_fetch_add(&p->frames_played, got);
    return paContinue;
}

static int is_number(const char *s)
{
    if (!*s) return 0;
    for (; *s; s++)
        if (!isdigit((unsigned char)*s)) return 0;
    return 1;
}

/* Device by index, exact name, or a name fragment matching exactly one output device. */
static PaDeviceIndex find_device(const char *spec, char *error, size_t error_size)
{
    int n = Pa_GetDeviceCount();
    if (!spec) {
        PaDeviceIndex d = Pa_GetDefaultOutputDevice();
        if (d == paNoDevice) snprintf(error, error_size, "no audio output device");
        return d;
    }
    if (is_number(spec)) {
        long i = strtol(spec, NULL, 10);
        const PaDeviceInfo *info = i < n ? Pa_GetDeviceInfo((PaDeviceIndex)i) : NULL;
        if (info && info->maxOutputChannels > 0) return (PaDeviceIndex)i;
        snprintf(error, error_size, "no audio output device %s (see --list-devices)", spec);
        return paNoDevice;
    }
    PaDeviceIndex found = paNoDevice;
    int matches = 0;
    for (int i = 0; i < n; i++) {
        const PaDeviceInfo *info = Pa_GetDeviceInfo(i);
        if (!info || info->maxOutputChannels <= 0) continue;
        if (strcmp(info->name, spec) == 0) return i;
        if (strstr(info->name, spec)) found = i, matches++;
    }
    if (matches == 1) return found;
    snprintf(error, error_size, matches ? "audio device name '%s' is ambiguous"
                                        : "no audio output device named '%s'", spec);
    return paNoDevice;
}

int playback_list_devices(FILE *out, char *error, size_t error_size)
{
    PaError e = Pa_Initialize();
    if (e != paNoError) {
        set_error(error, error_size, "audio system", e);
        return PLAYBACK_DEVICE_ERROR;
    }
    int listed = 0;
    PaDeviceIndex def = Pa_GetDefaultOutputDevice();
    for (int i = 0; i < Pa_GetDeviceCount(); i++) {
        const PaDeviceInfo *info = Pa_GetDeviceInfo(i);
        if (!info || info->maxOutputChannels <= 0) continue;
        fprintf(out, "%d%s\t%s\t%d\t%.0f Hz\n", i, i == def ? "*" : "", info->name,
                info->maxOutputChannels, info->defaultSampleRate);
        listed++;
    }
    Pa_Terminate();
    return listed;
}

playback_status playback_open(const playback_config *config, playback **out, char *error,
                              size_t error_size)
{
    *out = NULL;
    playback *p = calloc(1, sizeof *p);
    if (!p) return PLAYBACK_NO_MEMORY;
    p->cfg = *config;
    double buffer_s = config->buffer_s > 0 ? config->buffer_s : 2.0;
    p->ring = ring_buffer_create((size_t)(buffer_s * config->sample_rate));
    if (!p->ring) {
        free(p);
        return PLAYBACK_NO_MEMORY;
    }
    PaError e = Pa_Initialize();
    if (e != paNoError) {
        set_error(error, error_size, "audio system", e);
        ring_buffer_destroy(p->ring);
        free(p);
        return PLAYBACK_DEVICE_ERROR;
    }
    PaStreamParameters par = {0};
    par.device = find_device(config->device, error, error_size);
    if (par.device == paNoDevice) {
        playback_close(p);
        return PLAYBACK_NO_DEVICE;
    }
    par.channelCount = 1;
    par.sampleFormat = paInt16;
    par.suggestedLatency = Pa_GetDeviceInfo(par.device)->defaultHighOutputLatency;
    /* The voice's own rate: no resampling on our side (ALSA's plug layer converts if the
     * hardware cannot). */
    e = Pa_OpenStream(&p->stream, NULL, &par, config->sample_rate,
                      paFramesPerBufferUnspecified, paNoFlag, on_audio, p);
    if (e != paNoError) {
        p->stream = NULL;
        char what[160];
        snprintf(what, sizeof what, "cannot open audio device '%s' at %d Hz",
                 Pa_GetDeviceInfo(par.device)->name, config->sample_rate);
        set_error(error, error_size, what, e);
        playback_close(p);
        return PLAYBACK_DEVICE_ERROR;
    }
    /* A starting stream first fills the whole device buffer at once; the ring must hold
     * more than that or the first callbacks already come up short. */
    double pre_s = config->prebuffer_s > 0 ? config->prebuffer_s : 0.3;
    double device_s = Pa_GetStreamInfo(p->stream)->outputLatency;
    if (pre_s < 4 * device_s) pre_s = 4 * device_s;
    if (pre_s > buffer_s / 2) pre_s = buffer_s / 2;
    p->prebuffer = (size_t)(pre_s * config->sample_rate);
    *out = p;
    return PLAYBACK_OK;
}

static playback_status start(playback *p)
{
    if (p->started) return PLAYBACK_OK;
    PaError e = Pa_StartStream(p->stream);
    if (e != paNoError) {
        set_error(p->error, sizeof p->error, "starting the audio stream", e);
        return PLAYBACK_DEVICE_ERROR;
    }
    p->started = 1;
    return PLAYBACK_OK;
}

static int cancelled(const playback *p)
{
    return p->cfg.cancelled && p->cfg.cancelled(p->cfg.user);
}

/* One wait step while the device should be consuming: PLAYBACK_OK to keep waiting. *last_t
 * and *last_played track progress so a device that stopped consuming is noticed. */
static playback_status wait_step(playback *p, double *last_t, uint64_t *last_played)
{
    if (cancelled(p)) return PLAYBACK_CANCELLED;
    uint64_t played = atomic_load(&p->frames_played);
    double t = now_s();
    if (played != *last_played) {
        *last_played = played;
        *last_t = t;
    } else if (t - *last_t > STALL_S || Pa_IsStreamActive(p->stream) != 1) {
        snprintf(p->error, sizeof p->error, "the audio device stopped taking samples");
        return PLAYBACK_DEVICE_ERROR;
    }
    nap();
    return PLAYBACK_OK;
}

/* Pushes all of x into the ring, starting the stream once the prebuffer is full. */
static playback_status push(playback *p, const int16_t *x, size_t n)
{
    double last_t = now_s();
    uint64_t last_played = atomic_load(&p->frames_played);
    for (;;) {
        size_t w = ring_buffer_write(p->ring, x, n);
        x += w;
        n -= w;
        if (!p->started && ring_buffer_readable(p->ring) >= p->prebuffer) {
            playback_status s = start(p);
            if (s != PLAYBACK_OK) return s;
        }
        if (n == 0) return PLAYBACK_OK;
        if (!p->started) { /* ring full before the prebuffer: start anyway */
            playback_status s = start(p);
            if (s != PLAYBACK_OK) return s;
        }
        playback_status s = wait_step(p, &last_t, &last_played);
        if (s != PLAYBACK_OK) return s;
    }
}

playback_status playback_write(playback *p, const float *x, size_t n, float gain)
{
    int16_t block[CONVERT_BLOCK];
    atomic_store(&p->draining, 0);
    while (n > 0) {
        size_t m = n < CONVERT_BLOCK ? n : CONVERT_BLOCK;
        for (size_t i = 0; i < m; i++) {
            float v = x[i] * gain;
            v = v > 1.0f ? 1.0f : v < -1.0f ? -1.0f : v;
            block[i] = (int16_t)(v * 32767.0f); /* same conversion as `myna --raw` */
        }
        playback_status s = push(p, block, m);
        if (s != PLAYBACK_OK) return s;
        x += m;
        n -= m;
    }
    return PLAYBACK_OK;
}

playback_status playback_drain(playback *p)
{
    atomic_store(&p->draining, 1);
    if (!p->started && ring_buffer_readable(p->ring) == 0) return PLAYBACK_OK;
    playback_status s = start(p);
    double last_t = now_s();
    uint64_t last_played = atomic_load(&p->frames_played);
    while (s == PLAYBACK_OK && ring_buffer_readable(p->ring) > 0)
        s = wait_step(p, &last_t, &last_played);
    if (s != PLAYBACK_OK) {
        playback_abort(p);
        return s;
    }
    /* Blocks until the device's own buffers have been played out. */
    PaError e = Pa_StopStream(p->stream);
    p->started = 0;
    if (e != paNoError) {
        set_error(p->error, sizeof p->error, "stopping the audio stream", e);
        return PLAYBACK_DEVICE_ERROR;
    }
    return PLAYBACK_OK;
}

void playback_abort(playback *p)
{
    if (p->started) Pa_AbortStream(p->stream);
    p->started = 0;
    ring_buffer_reset(p->ring); /* safe: the callback no longer runs */
    atomic_store(&p->draining, 0);
}

void playback_get_stats(const playback *p, playback_stats *s)
{
    playback *q = (playback *)p; /* atomic loads only */
    s->frames_played = atomic_load(&q->frames_played);
    s->underruns = atomic_load(&q->underruns);
    s->silent_frames = atomic_load(&q->silent_frames);
    s->device_underflows = atomic_load(&q->device_underflows);
}

const char *playback_last_error(const playback *p)
{
    return p->error;
}

void playback_close(playback *p)
{
    if (!p) return;
    if (p->stream) {
        playback_abort(p);
        Pa_CloseStream(p->stream);
    }
    Pa_Terminate();
    ring_buffer_destroy(p->ring);
    free(p);
}
