/* Word timings from the word events of the pull loop (see word_times.h). A word's end is only
 * known once the following event arrives, so one word waits in `pending`. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "word_times.h"

struct word_times {
    FILE *file;
    char *path;
    int regular; /* a plain file, which a failure removes (never a device or a FIFO) */
    const char *text;
    size_t len;
    float sentence_silence;
    int sample_rate; /* from the chunks; 0 until the first one */
    int have_pending;
    myna_event pending; /* the last word event, not yet written */
};

word_times_status word_times_open(const char *path, const char *text, size_t len,
                                  float sentence_silence, word_times **out)
{
    *out = NULL;
    word_times *wt = calloc(1, sizeof *wt);
    if (!wt) return WORD_TIMES_ERR_NO_MEMORY;
    wt->path = strdup(path);
    if (!wt->path) {
        free(wt);
        return WORD_TIMES_ERR_NO_MEMORY;
    }
    wt->file = fopen(path, "w");
    if (!wt->file) {
        free(wt->path);
        free(wt);
        return WORD_TIMES_ERR_IO;
    }
    struct stat st;
    wt->regular = fstat(fileno(wt->file), &st) == 0 && S_ISREG(st.st_mode);
    wt->text = text;
    wt->len = len;
    wt->sentence_silence = sentence_silence;
    *out = wt;
    return WORD_TIMES_OK;
}

/* Samples of silence after each sentence, computed as the library does. */
static uint64_t silence_samples(const word_times *wt)
{
    return (uint64_t)(wt->sentence_silence * (float)wt->sample_rate + 0.5f);
}

/* Writes the pending word with the given end sample (never before its start). */
static word_times_status flush(word_times *wt, uint64_t end)
{
    if (!wt->have_pending) return WORD_TIMES_OK;
    wt->have_pending = 0;
    const myna_event *e = &wt->pending;
    if (end < e->sample) end = e->sample;
    size_t off = e->text_offset < wt->len ? e->text_offset : wt->len;
    size_t n = e->text_length < wt->len - off ? e->text_length : wt->len - off;
    double sr = (double)wt->sample_rate;
    if (fprintf(wt->file, "%.6f\t%.6f\t", (double)e->sample / sr, (double)end / sr) < 0)
        return WORD_TIMES_ERR_IO;
    for (size_t i = 0; i < n; i++) {
        char c = wt->text[off + i];
        if (c == '\t' || c == '\n' || c == '\r') c = ' ';
        if (putc(c, wt->file) == EOF) return WORD_TIMES_ERR_IO;
    }
    return putc('\n', wt->file) == EOF ? WORD_TIMES_ERR_IO : WORD_TIMES_OK;
}

word_times_status word_times_add(word_times *wt, const myna_chunk *chunk)
{
    if (!wt) return WORD_TIMES_OK;
    if (chunk->sample_rate > 0) wt->sample_rate = chunk->sample_rate;
    for (size_t i = 0; i < chunk->n_events; i++) {
        const myna_event *e = &chunk->events[i];
        word_times_status st = WORD_TIMES_OK;
        if (e->type == MYNA_EVENT_WORD) {
            st = flush(wt, e->sample);
            wt->pending = *e;
            wt->have_pending = 1;
        } else if (e->type == MYNA_EVENT_SENTENCE) {
            /* The previous sentence's audio ended one sentence silence before this start. */
            uint64_t gap = silence_samples(wt);
            st = flush(wt, e->sample > gap ? e->sample - gap : 0);
        }
        if (st != WORD_TIMES_OK) return st;
    }
    return WORD_TIMES_OK;
}

word_times_status word_times_end(word_times *wt, uint64_t n_samples)
{
    if (!wt) return WORD_TIMES_OK;
    uint64_t gap = silence_samples(wt);
    return flush(wt, n_samples > gap ? n_samples - gap : 0);
}

word_times_status word_times_close(word_times *wt, int keep)
{
    if (!wt) return WORD_TIMES_OK;
    word_times_status st = fclose(wt->file) == 0 ? WORD_TIMES_OK : WORD_TIMES_ERR_IO;
    if ((!keep || st != WORD_TIMES_OK) && wt->regular) {
        int saved = errno; /* the caller reports why fclose failed */
        unlink(wt->path);
        errno = saved;
    }
    free(wt->path);
    free(wt);
    return st;
}
