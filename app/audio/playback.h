/* Real-time playback through PortAudio. The caller (synthesis loop) pushes float samples;
 * they are converted to 16-bit and queued in a lock-free ring that the PortAudio callback
 * drains. One utterance at a time: write ... drain (or abort), then the next one. */
#ifndef MYNA_PLAYBACK_H
#define MYNA_PLAYBACK_H

#include <stdint.h>
#include <stdio.h>

typedef struct playback playback;

typedef enum {
    PLAYBACK_OK = 0,
    PLAYBACK_CANCELLED = 1,     /* the cancel callback asked to stop */
    PLAYBACK_NO_DEVICE = -1,    /* no audio output device, or the named one does not exist */
    PLAYBACK_DEVICE_ERROR = -2, /* opening, starting or feeding the device failed */
    PLAYBACK_NO_MEMORY = -3,
} playback_status;

typedef struct {
    const char *device;  /* NULL: default output; "N": device index; otherwise a name */
    int sample_rate;     /* rate of the samples given to playback_write */
    double buffer_s;     /* ring capacity in seconds (0: 2 s) */
    double prebuffer_s;  /* audio queued before the stream starts (0: 0.3 s; at least four
                          * times the device's latency) */
    /* Polled while waiting for room or for the device to finish; nonzero = stop now. May be
     * NULL. Lets a signal flag (CLI) or a preemption flag (daemon) interrupt a wait. */
    int (*cancelled)(void *user);
    void *user;
} playback_config;

typedef struct {
    uint64_t frames_played;     /* samples handed to the device */
    uint64_t underruns;         /* callbacks that found the ring short mid-utterance */
    uint64_t silent_frames;     /* silence inserted by those underruns */
    uint64_t device_underflows; /* underflows PortAudio reported below us */
} playback_stats;

/* Lists output devices as "index<TAB>name<TAB>channels<TAB>default rate", '*' marks the
 * default. Returns the number listed, or a negative playback_status. */
int playback_list_devices(FILE *out, char *error, size_t error_size);

/* Opens the device (the stream starts on the first write that fills the prebuffer). On
 * failure a one-line reason goes to error. */
playback_status playback_open(const playback_config *config, playback **out, char *error,
                              size_t error_size);
/* Queues n samples scaled by gain, waiting for room as needed. */
playback_status playback_write(playback *p, const float *x, size_t n, float gain);
/* Waits until everything queued has been played, then stops the stream. */
playback_status playback_drain(playback *p);
/* Stops at once and discards whatever is queued (preemption, Ctrl-C). */
void playback_abort(playback *p);
void playback_get_stats(const playback *p, playback_stats *stats);
/* Details of the last device error (never NULL). */
const char *playback_last_error(const playback *p);
void playback_close(playback *p);

#endif
