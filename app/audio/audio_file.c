/* See audio_file.h. */
#include "audio_file.h"

#include <sndfile.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Reads every frame of an open file into clip (and closes it). */
static int read_all(SNDFILE *f, const SF_INFO *info, audio_clip *clip, char *err, size_t err_len)
{
    int rc = -1;
    if (info->channels < 1 || info->samplerate < 1) {
        snprintf(err, err_len, "no audio channels or sample rate in the file");
    } else if (info->frames > (sf_count_t)AUDIO_FILE_MAX_SECONDS * info->samplerate) {
        snprintf(err, err_len, "longer than %d s", AUDIO_FILE_MAX_SECONDS);
    } else {
        /* frames may be unknown (a pipe): read in blocks until the end */
        size_t ch = (size_t)info->channels;
        size_t limit = (size_t)AUDIO_FILE_MAX_SECONDS * info->samplerate, n = 0;
        size_t cap = info->frames > 0 ? (size_t)info->frames : 4096;
        float *x = malloc(cap * ch * sizeof *x);
        while (x) {
            if (n == cap) {
                if (cap >= limit) break;
                float *y = realloc(x, cap * 2 * ch * sizeof *x);
                if (!y) {
                    free(x);
                    x = NULL;
                    break;
                }
                x = y, cap *= 2;
            }
            sf_count_t got = sf_readf_float(f, x + n * ch, (sf_count_t)(cap - n));
            if (got <= 0) break;
            n += (size_t)got;
        }
        if (!x) {
            snprintf(err, err_len, "out of memory");
        } else if (n >= limit) {
            free(x);
            snprintf(err, err_len, "longer than %d s", AUDIO_FILE_MAX_SECONDS);
        } else {
            clip->samples = x, clip->frames = n;
            clip->channels = info->channels, clip->sample_rate = info->samplerate;
            rc = 0;
        }
    }
    sf_close(f);
    return rc;
}

int audio_file_read(const char *path, audio_clip *clip, char *err, size_t err_len)
{
    memset(clip, 0, sizeof *clip);
    SF_INFO info;
    memset(&info, 0, sizeof info);
    SNDFILE *f = strcmp(path, "-") == 0 ? sf_open_fd(STDIN_FILENO, SFM_READ, &info, 0)
                                        : sf_open(path, SFM_READ, &info);
    if (!f) {
        snprintf(err, err_len, "%s", sf_strerror(NULL));
        return -1;
    }
    return read_all(f, &info, clip, err, err_len);
}

/* libsndfile's virtual I/O over a memory image. */
typedef struct {
    const unsigned char *data;
    sf_count_t size, pos;
} mem_io;

static sf_count_t mem_length(void *u) { return ((mem_io *)u)->size; }
static sf_count_t mem_tell(void *u) { return ((mem_io *)u)->pos; }

static sf_count_t mem_seek(sf_count_t offset, int whence, void *u)
{
    mem_io *m = u;
    sf_count_t base = whence == SEEK_SET ? 0 : whence == SEEK_CUR ? m->pos : m->size;
    if (offset < -base || offset > m->size - base) return -1;
    m->pos = base + offset;
    return m->pos;
}

static sf_count_t mem_read(void *ptr, sf_count_t count, void *u)
{
    mem_io *m = u;
    sf_count_t n = count < m->size - m->pos ? count : m->size - m->pos;
    if (n <= 0) return 0;
    memcpy(ptr, m->data + m->pos, (size_t)n);
    m->pos += n;
    return n;
}

static sf_count_t mem_write(const void *ptr, sf_count_t count, void *u)
{
    (void)ptr, (void)count, (void)u;
    return 0;
}

int audio_file_read_memory(const void *data, size_t size, audio_clip *clip, char *err,
                           size_t err_len)
{
    memset(clip, 0, sizeof *clip);
    mem_io m = {data, (sf_count_t)size, 0};
    SF_VIRTUAL_IO io = {mem_length, mem_seek, mem_read, mem_write, mem_tell};
    SF_INFO info;
    memset(&info, 0, sizeof info);
    SNDFILE *f = data ? sf_open_virtual(&io, SFM_READ, &info, &m) : NULL;
    if (!f) {
        snprintf(err, err_len, "%s", data ? sf_strerror(NULL) : "no data");
        return -1;
    }
    return read_all(f, &info, clip, err, err_len);
}
