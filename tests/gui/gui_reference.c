/* Checks what myna-gui produced against the same text rendered through the API.
 *
 * usage: gui_reference VOICE TEXT_FILE RATE PITCH VOLUME THREADS CAPTURE.raw SAVED.wav TRACE
 *   CAPTURE.raw  16-bit mono PCM the ALSA file plugin recorded while the GUI spoke
 *   SAVED.wav    what the GUI's Save wrote
 *   TRACE        the GUI's --trace output (word highlights, playback summary)
 *
 * The device sees silence before the utterance starts and, if synthesis ever falls behind,
 * in gaps; so the capture must equal the reference once runs of zeros the reference does not
 * have are skipped. Everything else must match sample for sample. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sndfile.h>

#include "app/gui/pcm.h"
#include "check.h"
#include "myna.h"

typedef struct {
    int16_t *x;
    size_t n, cap;
    myna_event *words;
    size_t n_words, words_cap;
} rendering;

static void *grow(void *p, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap) return p;
    size_t c = *cap ? *cap : 1024;
    while (c < need) c *= 2;
    p = realloc(p, c * elem);
    if (!p) {
        fprintf(stderr, "out of memory\n");
        exit(1);
    }
    *cap = c;
    return p;
}

static char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    char *buf = NULL;
    size_t cap = 0, n = 0, k;
    char tmp[65536];
    while ((k = fread(tmp, 1, sizeof tmp, f)) > 0) {
        buf = grow(buf, &cap, n + k + 1, 1);
        memcpy(buf + n, tmp, k);
        n += k;
    }
    fclose(f);
    if (!buf) buf = calloc(1, 1);
    buf[n] = 0;
    *len = n;
    return buf;
}

static int render(const char *voice, const char *text, size_t len, const myna_options *o,
                  rendering *out)
{
    myna_voice *v;
    char err[256] = "", voice_path[4096];
    /* Resolved the way the GUI resolves --voice, so both use the same file. */
    myna_status st = myna_voice_resolve(voice, voice_path, sizeof voice_path);
    if (st == MYNA_OK) st = myna_voice_open(voice_path, &v, err, sizeof err);
    if (st != MYNA_OK) {
        fprintf(stderr, "%s: %s %s\n", voice, myna_strerror(st), err);
        return -1;
    }
    myna_synth *s;
    st = myna_synth_create(v, o, &s, err, sizeof err);
    if (st != MYNA_OK) {
        fprintf(stderr, "synth: %s %s\n", myna_strerror(st), err);
        myna_voice_close(v);
        return -1;
    }
    myna_chunk c;
    st = myna_synth_start(s, text, len);
    while (st == MYNA_OK && (st = myna_synth_next(s, &c)) == MYNA_OK) {
        out->x = grow(out->x, &out->cap, out->n + c.n_samples, sizeof *out->x);
        for (size_t i = 0; i < c.n_samples; i++) out->x[out->n++] = pcm_s16(c.samples[i]);
        for (size_t i = 0; i < c.n_events; i++) {
            if (c.events[i].type != MYNA_EVENT_WORD) continue;
            out->words = grow(out->words, &out->words_cap, out->n_words + 1, sizeof *out->words);
            out->words[out->n_words++] = c.events[i];
        }
    }
    int rate = myna_voice_sample_rate(v);
    myna_synth_destroy(s);
    myna_voice_close(v);
    return st == MYNA_DONE ? rate : -1;
}

/* Walks the reference; capture zeros that do not match are skipped as device silence. */
static void compare_capture(const rendering *ref, const int16_t *cap, size_t n_cap, int rate)
{
    size_t i = 0, j = 0, skipped = 0, mismatches = 0;
    while (i < ref->n && j < n_cap) {
        if (cap[j] == ref->x[i]) {
            i++;
            j++;
        } else if (cap[j] == 0) {
            j++;
            skipped++;
        } else {
            if (mismatches++ < 5)
                fprintf(stderr, "capture[%zu] = %d, reference[%zu] = %d\n", j, cap[j], i,
                        ref->x[i]);
            i++;
            j++;
        }
    }
    size_t trailing = 0;
    for (; j < n_cap; j++) trailing += cap[j] != 0;
    double rms = 0;
    for (size_t k = 0; k < n_cap; k++) rms += (double)cap[k] * cap[k];
    rms = n_cap ? sqrt(rms / (double)n_cap) / 32768.0 : 0;
    printf("capture: %zu samples (%.2f s), reference %zu samples (%.2f s), matched %zu, "
           "device silence %zu, mismatches %zu, rms %.4f\n",
           n_cap, (double)n_cap / rate, ref->n, (double)ref->n / rate, i, skipped, mismatches,
           rms);
    CHECK_MSG(i == ref->n, "only %zu of %zu reference samples found in the capture", i, ref->n);
    CHECK(mismatches == 0);
    CHECK_MSG(trailing == 0, "%zu non-zero samples after the utterance", trailing);
    CHECK(rms > 0.001);
}

static void compare_saved(const rendering *ref, const char *path, int rate)
{
    SF_INFO info = {0};
    SNDFILE *f = sf_open(path, SFM_READ, &info);
    CHECK_MSG(f != NULL, "%s: %s", path, sf_strerror(NULL));
    if (!f) return;
    CHECK(info.channels == 1 && info.samplerate == rate);
    CHECK((info.format & SF_FORMAT_TYPEMASK) == SF_FORMAT_WAV);
    short *x = malloc((size_t)(info.frames ? info.frames : 1) * sizeof *x);
    sf_count_t n = x ? sf_read_short(f, x, info.frames) : 0;
    sf_close(f);
    printf("saved: %lld samples\n", (long long)n);
    CHECK((size_t)n == ref->n);
    CHECK(n > 0 && (size_t)n == ref->n && memcmp(x, ref->x, ref->n * sizeof *x) == 0);
    free(x);
}

/* Highlights: each one a word the synthesizer reported, in order, never shown before its
 * audio was heard and not long after. */
static void check_trace(const rendering *ref, const char *path, int rate)
{
    FILE *f = fopen(path, "r");
    CHECK(f != NULL);
    if (!f) return;
    char line[512];
    size_t shown = 0, next = 0, unknown = 0, late = 0, early = 0;
    unsigned long long played = 0, underruns = 0;
    int ended = 0, dev_rate = 0;
    double max_lag = 0;
    while (fgets(line, sizeof line, f)) {
        size_t off, len;
        unsigned long long sample, heard;
        if (sscanf(line, "word %zu %zu sample %llu heard %llu", &off, &len, &sample, &heard) == 4) {
            shown++;
            size_t k = next;
            while (k < ref->n_words &&
                   !(ref->words[k].text_offset == off && ref->words[k].text_length == len))
                k++;
            if (k == ref->n_words || ref->words[k].sample != sample) {
                unknown++;
                continue;
            }
            next = k + 1;
            if (heard < sample) early++;
            double lag = (double)(heard - sample) / rate;
            if (heard >= sample && lag > max_lag) max_lag = lag;
            if (heard >= sample && lag > 1.0) late++;
        } else if (sscanf(line, "speak end played %llu rate %d underruns %llu", &played,
                          &dev_rate, &underruns) == 3) {
            ended = 1;
        }
    }
    fclose(f);
    printf("highlight: %zu of %zu words shown, max lag %.3f s, %llu underruns\n", shown,
           ref->n_words, max_lag, underruns);
    CHECK(ref->n_words > 0);
    CHECK_MSG(unknown == 0, "%zu highlights not matching a word event in order", unknown);
    CHECK(early == 0);
    CHECK(late == 0);
    /* A word may only be skipped when two start within one frame of the UI. */
    CHECK_MSG(shown * 10 >= ref->n_words * 9, "%zu of %zu", shown, ref->n_words);
    CHECK(ended && played == ref->n && dev_rate == rate);
}

int main(int argc, char **argv)
{
    if (argc != 10) {
        fprintf(stderr, "usage: gui_reference VOICE TEXT_FILE RATE PITCH VOLUME THREADS "
                        "CAPTURE.raw SAVED.wav TRACE\n");
        return 2;
    }
    size_t len, cap_bytes;
    char *text = read_all(argv[2], &len);
    CHECK(text != NULL);
    if (!text) return check_summary("gui_reference");
    myna_options o;
    myna_options_default(&o);
    o.rate = strtof(argv[3], NULL);
    o.pitch_semitones = strtof(argv[4], NULL);
    o.volume = strtof(argv[5], NULL);
    o.threads = atoi(argv[6]);
    rendering ref = {0};
    int rate = render(argv[1], text, len, &o, &ref);
    CHECK(rate > 0);
    if (rate > 0) {
        printf("reference: %zu samples at %d Hz (%.2f s), %zu words\n", ref.n, rate,
               (double)ref.n / rate, ref.n_words);
        /* Plausible for the text: 2 to 30 characters a second at normal rate. */
        double cps = (double)len / ((double)ref.n / rate * o.rate);
        CHECK_MSG(cps >= 2 && cps <= 30, "%.1f characters per second", cps);
        char *cap = read_all(argv[7], &cap_bytes);
        CHECK_MSG(cap && cap_bytes % 2 == 0, "capture %s", argv[7]);
        if (cap) compare_capture(&ref, (const int16_t *)cap, cap_bytes / 2, rate);
        free(cap);
        compare_saved(&ref, argv[8], rate);
        check_trace(&ref, argv[9], rate);
    }
    free(ref.x);
    free(ref.words);
    free(text);
    return check_summary("gui_reference");
}
