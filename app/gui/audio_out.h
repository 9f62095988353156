/* The audio device: opened for one utterance, fed from the worker's sample ring by SDL's
 * callback, closed when the utterance has been played. It counts the utterance samples
 * played (the clock for the word highlight) and keeps the latest ones for the waveform. */
#ifndef MYNA_GUI_AUDIO_OUT_H
#define MYNA_GUI_AUDIO_OUT_H

#include <SDL.h>
#include <stdatomic.h>
#include <stdint.h>

#include "sample_ring.h"

#define SCOPE_SAMPLES 65536 /* power of two */

typedef struct {
    SDL_AudioDeviceID dev;
    SDL_AudioSpec spec;
    /* Set before the device starts; read by the callback. */
    sample_ring *ring;
    atomic_int *source_done; /* the worker's "finished" flag */
    atomic_int paused;
    size_t prebuffer;        /* samples to collect before (re)starting after an underrun */
    /* Owned by the callback. */
    int prebuffered;
    uint64_t device_frames;  /* all frames, silence included, for the pacing clock */
    Uint64 t0;
    /* Written by the callback, read by the UI without SDL_LockAudioDevice: the callback runs
     * with that lock held and may sleep to pace itself, which would stall the UI's frames
     * (and the word highlight) behind it. A torn waveform frame is harmless. */
    atomic_int drained;         /* source finished and everything played */
    _Atomic uint64_t played;    /* utterance samples handed to the device */
    _Atomic uint64_t underruns;
    _Atomic float scope[SCOPE_SAMPLES];
} audio_out;

/* Checks that an output device can be opened at all (for an early, clear error). */
int audio_probe(char *error, size_t size);
/* Opens and starts the device at rate. 0, or -1 with SDL's reason in error. */
int audio_open(audio_out *a, int rate, sample_ring *ring, atomic_int *source_done,
               char *error, size_t size);
void audio_close(audio_out *a);
void audio_set_paused(audio_out *a, int paused);

typedef struct {
    uint64_t played;
    int drained;
    uint64_t underruns;
} audio_state;

/* Snapshot for the UI; scope_out (if non-NULL) gets the last n played samples, oldest
 * first, zeros before the utterance started. */
void audio_snapshot(audio_out *a, audio_state *st, float *scope_out, size_t n);
/* Samples between "handed to the device" and "heard": the device buffer. */
uint64_t audio_latency(const audio_out *a);

#endif
