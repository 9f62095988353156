/* Reading an audio file (WAV, FLAC, Ogg, MP3 and whatever else libsndfile reads) into float
 * samples, for front ends that take recordings: speaker references, audio to convert. */
#ifndef MYNA_AUDIO_FILE_H
#define MYNA_AUDIO_FILE_H

#include <stddef.h>

typedef struct {
    float *samples; /* frames * channels, interleaved, full scale +-1 */
    size_t frames;
    int channels;
    int sample_rate;
} audio_clip;

/* Files longer than this are refused rather than read into memory. */
#define AUDIO_FILE_MAX_SECONDS 3600

/* 0, or -1 with a one-line reason in err (unreadable, not audio, too long, out of memory).
 * "-" reads standard input. On success the caller frees clip->samples. */
int audio_file_read(const char *path, audio_clip *clip, char *err, size_t err_len);
/* The same from a file image in memory (an upload, a fuzzer's input). */
int audio_file_read_memory(const void *data, size_t size, audio_clip *clip, char *err,
                           size_t err_len);

#endif
