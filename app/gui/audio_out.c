#include <stdio.h>
#include <string.h>

#include "audio_out.h"
#include "pcm.h"

#define DEVICE_BUFFER 1024 /* frames: ~46 ms at 22,050 Hz, small enough for a tight highlight */

/* Some sinks take data faster than real time (ALSA's file and null plugins, some network
 * sinks): the callback would then run flat out, the highlight would race ahead of what is
 * heard and a recording would fill with silence. So the callback keeps itself within a few
 * buffers of the wall clock. A real device already asks at that pace, so this never waits
 * there. */
static void pace(audio_out *a, int frames)
{
    Uint64 now = SDL_GetPerformanceCounter();
    if (a->device_frames == 0) a->t0 = now;
    a->device_frames += (uint64_t)frames;
    double elapsed = (double)(now - a->t0) / (double)SDL_GetPerformanceFrequency();
    double slack = 4.0 * a->spec.samples;
    double ahead = (double)a->device_frames - slack - elapsed * a->spec.freq;
    if (ahead > 0) SDL_Delay((Uint32)(ahead * 1000.0 / a->spec.freq));
}

static void scope_push(audio_out *a, const float *x, size_t n)
{
    uint64_t at = atomic_load_explicit(&a->played, memory_order_relaxed);
    for (size_t i = 0; i < n; i++)
        atomic_store_explicit(&a->scope[(at + i) & (SCOPE_SAMPLES - 1)], x[i],
                              memory_order_relaxed);
}

static void callback(void *user, Uint8 *stream, int len)
{
    audio_out *a = user;
    int16_t *out = (int16_t *)stream;
    int frames = len / (int)sizeof(int16_t);
    float tmp[512];
    int done = 0;
    while (done < frames) {
        int want = frames - done < 512 ? frames - done : 512;
        size_t got = 0;
        int eof = atomic_load(a->source_done);
        if (!atomic_load(&a->paused)) {
            size_t filled = ring_filled(a->ring);
            if (!a->prebuffered && (filled >= a->prebuffer || eof)) a->prebuffered = 1;
            if (a->prebuffered) got = ring_read(a->ring, tmp, (size_t)want);
            if (got == 0 && eof && filled == 0) atomic_store(&a->drained, 1);
            if (got < (size_t)want && !eof && a->prebuffered) {
                /* Synthesis fell behind: collect a cushion again instead of stuttering. */
                a->prebuffered = 0;
                atomic_fetch_add(&a->underruns, 1);
            }
        }
        for (size_t i = 0; i < got; i++) out[done + (int)i] = pcm_s16(tmp[i]);
        for (int i = (int)got; i < want; i++) out[done + i] = 0;
        scope_push(a, tmp, got);
        atomic_fetch_add(&a->played, got);
        done += want;
    }
    pace(a, frames);
}

int audio_probe(char *error, size_t size)
{
    SDL_AudioSpec want = {.freq = 22050, .format = AUDIO_S16SYS, .channels = 1,
                          .samples = DEVICE_BUFFER};
    SDL_AudioDeviceID dev = SDL_OpenAudioDevice(NULL, 0, &want, NULL, 0);
    if (!dev) {
        snprintf(error, size, "%s", SDL_GetError());
        return -1;
    }
    SDL_CloseAudioDevice(dev);
    return 0;
}

int audio_open(audio_out *a, int rate, sample_ring *ring, atomic_int *source_done,
               char *error, size_t size)
{
    memset(a, 0, sizeof *a);
    a->ring = ring;
    a->source_done = source_done;
    atomic_init(&a->paused, 0);
    a->prebuffer = (size_t)rate / 4;
    /* No allowed changes: SDL converts if the hardware differs, so the callback always
     * writes 16-bit mono at the voice's rate. */
    SDL_AudioSpec want = {.freq = rate, .format = AUDIO_S16SYS, .channels = 1,
                          .samples = DEVICE_BUFFER, .callback = callback, .userdata = a};
    a->dev = SDL_OpenAudioDevice(NULL, 0, &want, &a->spec, 0);
    if (!a->dev) {
        snprintf(error, size, "%s", SDL_GetError());
        return -1;
    }
    SDL_PauseAudioDevice(a->dev, 0);
    return 0;
}

void audio_close(audio_out *a)
{
    if (a->dev) SDL_CloseAudioDevice(a->dev);
    a->dev = 0;
}

void audio_set_paused(audio_out *a, int paused)
{
    /* Paused inside the callback (silence), not with SDL_PauseAudioDevice: that keeps the
     * pacing clock running on sinks that do not pace themselves. */
    atomic_store(&a->paused, paused);
}

void audio_snapshot(audio_out *a, audio_state *st, float *scope_out, size_t n)
{
    if (!a->dev) {
        memset(st, 0, sizeof *st);
        if (scope_out) memset(scope_out, 0, n * sizeof *scope_out);
        return;
    }
    uint64_t played = atomic_load(&a->played);
    st->played = played;
    st->drained = atomic_load(&a->drained);
    st->underruns = atomic_load(&a->underruns);
    if (scope_out) {
        if (n > SCOPE_SAMPLES) n = SCOPE_SAMPLES;
        for (size_t i = 0; i < n; i++) {
            uint64_t back = n - i;
            scope_out[i] = back > played ? 0.0f
                                         : atomic_load_explicit(
                                               &a->scope[(played - back) & (SCOPE_SAMPLES - 1)],
                                               memory_order_relaxed);
        }
    }
}

uint64_t audio_latency(const audio_out *a)
{
    return a->dev ? a->spec.samples : 0;
}
