/* Where rendered audio goes: a sound file (libsndfile, format by extension) or raw PCM. */
#ifndef MYNA_AUDIO_SINK_H
#define MYNA_AUDIO_SINK_H

#include <stddef.h>

typedef struct audio_sink audio_sink;

/* path == NULL: 16-bit little-endian PCM to standard output. Returns NULL after printing the
 * reason to stderr (unknown extension, unwritable path). */
audio_sink *audio_sink_open(const char *path, int sample_rate);
/* Clips to [-1, 1]. Returns 0 on success, -1 after printing the reason. */
int audio_sink_write(audio_sink *s, const float *samples, size_t n);
/* Finishes the file. keep == 0 removes a partly written file. Returns 0 or -1. */
int audio_sink_close(audio_sink *s, int keep);

#endif
