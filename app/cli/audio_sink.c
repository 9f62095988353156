/* Audio output for the CLI. Files go through libsndfile; --raw writes s16le to stdout. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <sndfile.h>

#include "audio_sink.h"

struct audio_sink {
    SNDFILE *file; /* NULL for raw output */
    char *path;
    int16_t pcm[4096];
};

static int format_for(const char *path)
{
    const char *dot = strrchr(path, '.');
    if (!dot) return 0;
    if (strcasecmp(dot, ".wav") == 0) return SF_FORMAT_WAV | SF_FORMAT_PCM_16;
    if (strcasecmp(dot, ".flac") == 0) return SF_FORMAT_FLAC | SF_FORMAT_PCM_16;
    if (strcasecmp(dot, ".ogg") == 0) return SF_FORMAT_OGG | SF_FORMAT_VORBIS;
    return 0;
}

audio_sink *audio_sink_open(const char *path, int sample_rate)
{
    audio_sink *s = calloc(1, sizeof *s);
    if (!s) {
        fprintf(stderr, "myna: out of memory\n");
        return NULL;
    }
    if (!path) return s;
    int format = format_for(path);
    if (!format) {
        fprintf(stderr, "myna: %s: unknown output format (use .wav, .flac or .ogg)\n", path);
        free(s);
        return NULL;
    }
    SF_INFO info = {.samplerate = sample_rate, .channels = 1, .format = format};
    s->file = sf_open(path, SFM_WRITE, &info);
    s->path = strdup(path);
    if (!s->file || !s->path) {
        fprintf(stderr, "myna: cannot write %s: %s\n", path, sf_strerror(NULL));
        if (s->file) sf_close(s->file);
        free(s->path);
        free(s);
        return NULL;
    }
    /* libsndfile clips float -> int16 itself when asked to (instead of wrapping around). */
    sf_command(s->file, SFC_SET_CLIPPING, NULL, SF_TRUE);
    return s;
}

static int write_raw(audio_sink *s, const float *x, size_t n)
{
    while (n > 0) {
        size_t m = n < 4096 ? n : 4096;
        for (size_t i = 0; i < m; i++) {
            float v = x[i] > 1.0f ? 1.0f : (x[i] < -1.0f ? -1.0f : x[i]);
            int16_t q = (int16_t)(v * 32767.0f);
            unsigned char *b = (unsigned char *)&s->pcm[i];
            b[0] = (unsigned char)(q & 0xff); /* little-endian on every host */
            b[1] = (unsigned char)((q >> 8) & 0xff);
        }
        if (fwrite(s->pcm, sizeof(int16_t), m, stdout) != m) {
            if (errno != EPIPE) fprintf(stderr, "myna: writing to stdout: %s\n", strerror(errno));
            return -1;
        }
        x += m;
        n -= m;
    }
    return 0;
}

int audio_sink_write(audio_sink *s, const float *x, size_t n)
{
    if (!s->file) return write_raw(s, x, n);
    if (sf_writef_float(s->file, x, (sf_count_t)n) != (sf_count_t)n) {
        fprintf(stderr, "myna: writing %s: %s\n", s->path, sf_strerror(s->file));
        return -1;
    }
    return 0;
}

int audio_sink_close(audio_sink *s, int keep)
{
    if (!s) return 0;
    int rc = 0;
    if (s->file) {
        if (sf_close(s->file) != 0) {
            fprintf(stderr, "myna: closing %s failed\n", s->path);
            rc = -1;
        }
        if (!keep || rc) unlink(s->path);
    } else if (fflush(stdout) != 0) {
        rc = -1;
    }
    free(s->path);
    free(s);
    return rc;
}
