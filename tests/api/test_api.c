/* Public API: options, errors, pull streaming, events and determinism across threads, with
 * the shipped default voice. Nothing here depends on how good the voice sounds. */
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "myna.h"

static const char *SENTENCES = "The quick brown fox jumps over the lazy dog. "
                               "It was the best of times, it was the worst of times.";

typedef struct {
    float *x;
    size_t n, cap;
    size_t n_sentence_events, n_word_events;
    int events_monotonic;
    int contiguous;
} audio;

static int collect(myna_synth *s, const char *text, audio *a)
{
    memset(a, 0, sizeof *a);
    a->events_monotonic = a->contiguous = 1;
    if (myna_synth_start(s, text, strlen(text)) != MYNA_OK) return -1;
    myna_chunk c;
    myna_status st;
    uint64_t last_event = 0;
    while ((st = myna_synth_next(s, &c)) == MYNA_OK) {
        if (c.first_sample != a->n) a->contiguous = 0;
        if (a->n + c.n_samples > a->cap) {
            a->cap = (a->n + c.n_samples) * 2;
            a->x = realloc(a->x, a->cap * sizeof *a->x);
        }
        memcpy(a->x + a->n, c.samples, c.n_samples * sizeof *c.samples);
        for (size_t i = 0; i < c.n_events; i++) {
            const myna_event *e = &c.events[i];
            if (e->sample < last_event || e->sample < c.first_sample ||
                e->sample >= c.first_sample + c.n_samples)
                a->events_monotonic = 0;
            last_event = e->sample;
            if (e->type == MYNA_EVENT_SENTENCE) a->n_sentence_events++;
            else a->n_word_events++;
        }
        a->n += c.n_samples;
    }
    return st == MYNA_DONE ? 0 : -1;
}

static double rms(const float *x, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; i++) s += (double)x[i] * x[i];
    return n ? sqrt(s / n) : 0;
}

typedef struct {
    const myna_voice *voice;
    audio out;
    int rc;
} job;

static void *run_job(void *p)
{
    job *j = p;
    myna_options o;
    myna_options_default(&o);
    o.threads = 1;
    myna_synth *s;
    j->rc = myna_synth_create(j->voice, &o, &s, NULL, 0);
    if (j->rc == MYNA_OK) {
        j->rc = collect(s, SENTENCES, &j->out);
        myna_synth_destroy(s);
    }
    return NULL;
}

static void test_errors(const myna_voice *v)
{
    CHECK(strcmp(myna_strerror(MYNA_ERR_TEXT_ENCODING), "unknown status") != 0);
    CHECK(strcmp(myna_strerror((myna_status)12345), "unknown status") == 0);
    myna_voice *none;
    char err[256];
    CHECK(myna_voice_open("/nonexistent.myna", &none, err, sizeof err) == MYNA_ERR_VOICE_NOT_FOUND);
    CHECK(none == NULL);
    CHECK(myna_voice_open(NULL, &none, NULL, 0) == MYNA_ERR_INVALID_ARGUMENT);

    myna_options o;
    myna_options_default(&o);
    CHECK(o.size == sizeof o && o.rate == 1.0f);
    myna_synth *s = NULL;
    o.rate = 0.0f;
    CHECK(myna_synth_create(v, &o, &s, err, sizeof err) == MYNA_ERR_INVALID_ARGUMENT);
    CHECK_MSG(strstr(err, "rate") != NULL, "message: %s", err);
    myna_options_default(&o);
    o.pitch_semitones = NAN;
    CHECK(myna_synth_create(v, &o, &s, NULL, 0) == MYNA_ERR_INVALID_ARGUMENT);
    myna_options_default(&o);
    o.speaker = 99;
    CHECK(myna_synth_create(v, &o, &s, NULL, 0) == MYNA_ERR_INVALID_ARGUMENT);
    myna_options_default(&o);
    o.size = 3;
    CHECK(myna_synth_create(v, &o, &s, NULL, 0) == MYNA_ERR_INVALID_ARGUMENT);

    /* An older caller's shorter options struct still works (fields after it are defaults). */
    myna_options_default(&o);
    o.size = offsetof(myna_options, volume);
    o.volume = 123.0f; /* beyond the caller's size: must be ignored */
    CHECK(myna_synth_create(v, &o, &s, NULL, 0) == MYNA_OK);

    myna_chunk c;
    CHECK(myna_synth_next(s, &c) == MYNA_ERR_STATE);
    CHECK(myna_synth_start(s, "bad \xc3\x28 utf8", 12) == MYNA_ERR_TEXT_ENCODING);
    CHECK(strstr(myna_synth_last_error(s), "byte 4") != NULL);
    CHECK(myna_synth_next(s, &c) == MYNA_ERR_STATE);
    CHECK(myna_synth_start(s, "", 0) == MYNA_OK);
    CHECK(myna_synth_next(s, &c) == MYNA_DONE);
    CHECK(myna_synth_start(s, " \n\t ", 4) == MYNA_OK);
    CHECK(myna_synth_next(s, &c) == MYNA_DONE);
    myna_synth_destroy(s);
}

/* Creates a phonemizer and a synthesizer with the same options: both must give the same
 * status and, on failure, the same message. */
static myna_status create_both(const myna_voice *v, const myna_options *o, myna_phonemizer **p)
{
    char perr[512], serr[512];
    myna_synth *s = NULL;
    myna_status ps = myna_phonemizer_create(v, o, p, perr, sizeof perr);
    myna_status ss = myna_synth_create(v, o, &s, serr, sizeof serr);
    CHECK_MSG(ps == ss, "phonemizer %d, synth %d", ps, ss);
    if (ps != MYNA_OK) CHECK_MSG(strcmp(perr, serr) == 0, "'%s' vs '%s'", perr, serr);
    if (ps != MYNA_OK) CHECK(*p == NULL);
    myna_synth_destroy(s);
    return ps;
}

/* The front end without a synthesizer: same checks of options, same phonemes and ids. */
static void test_phonemizer(const myna_voice *v)
{
    myna_options o;
    myna_options_default(&o);
    o.backend = MYNA_BACKEND_CPU; /* the reference synth: no Vulkan probe needed */
    myna_phonemizer *p = NULL;
    CHECK(create_both(v, &o, &p) == MYNA_OK && p != NULL);
    myna_synth *s = NULL;
    CHECK(myna_synth_create(v, &o, &s, NULL, 0) == MYNA_OK);
    const char *text = "Dr. Smith paid $500. Then he left!";
    char *a = NULL, *b = NULL, *ia = NULL, *ib = NULL;
    CHECK(myna_phonemizer_phonemes(p, text, strlen(text), &a) == MYNA_OK);
    CHECK(myna_synth_phonemes(s, text, strlen(text), &b) == MYNA_OK);
    CHECK(myna_phonemizer_phoneme_ids(p, text, strlen(text), &ia) == MYNA_OK);
    CHECK(myna_synth_phoneme_ids(s, text, strlen(text), &ib) == MYNA_OK);
    CHECK(a && b && strcmp(a, b) == 0 && strchr(a, '\n') != strrchr(a, '\n'));
    CHECK(ia && ib && strcmp(ia, ib) == 0 && strcmp(a, ia) != 0);
    myna_free(a), myna_free(b), myna_free(ia), myna_free(ib);
    char *bad = NULL;
    CHECK(myna_phonemizer_phonemes(p, "bad \xc3\x28", 6, &bad) == MYNA_ERR_TEXT_ENCODING);
    CHECK(bad == NULL);
    CHECK(myna_phonemizer_phonemes(NULL, "a", 1, &bad) == MYNA_ERR_INVALID_ARGUMENT);
    CHECK(myna_phonemizer_phoneme_ids(p, "a", 1, NULL) == MYNA_ERR_INVALID_ARGUMENT);
    myna_synth_destroy(s);
    myna_phonemizer_destroy(p);
    myna_phonemizer_destroy(NULL);

    o.rate = 0.0f;
    CHECK(create_both(v, &o, &p) == MYNA_ERR_INVALID_ARGUMENT);
    myna_options_default(&o);
    o.speaker = 99;
    CHECK(create_both(v, &o, &p) == MYNA_ERR_INVALID_ARGUMENT);
    myna_options_default(&o);
    o.size = 3;
    CHECK(create_both(v, &o, &p) == MYNA_ERR_INVALID_ARGUMENT);
    myna_options_default(&o);
    o.backend = MYNA_BACKEND_CPU;
    o.lexicon_path = "/nonexistent-lexicon.txt";
    CHECK(create_both(v, &o, &p) == MYNA_ERR_IO);
    CHECK(myna_phonemizer_create(v, NULL, NULL, NULL, 0) == MYNA_ERR_INVALID_ARGUMENT);
    CHECK(myna_phonemizer_create(NULL, NULL, &p, NULL, 0) == MYNA_ERR_INVALID_ARGUMENT);
    CHECK(p == NULL);
}

int main(void)
{
    char path[PATH_MAX];
    CHECK(myna_voice_resolve("en_US-myna", path, sizeof path) == MYNA_OK);
    myna_voice *v;
    char err[256];
    myna_status st = myna_voice_open(path, &v, err, sizeof err);
    CHECK_MSG(st == MYNA_OK, "%s: %s", myna_strerror(st), err);
    if (st != MYNA_OK) return check_summary("test_api");
    CHECK(myna_voice_sample_rate(v) > 0);
    CHECK(myna_voice_info(v, "general.name") != NULL);
    CHECK(myna_voice_info(v, "no.such.key") == NULL);

    test_errors(v);
    test_phonemizer(v);

    /* Two synthesizers sharing one voice on two threads give the same audio. */
    job jobs[2] = {{v, {0}, 0}, {v, {0}, 0}};
    pthread_t th[2];
    for (int i = 0; i < 2; i++) pthread_create(&th[i], NULL, run_job, &jobs[i]);
    for (int i = 0; i < 2; i++) pthread_join(th[i], NULL);
    CHECK(jobs[0].rc == 0 && jobs[1].rc == 0);
    audio *a = &jobs[0].out;
    int sr = myna_voice_sample_rate(v);
    double secs = (double)a->n / sr;
    printf("two sentences: %.2f s of audio, rms %.4f, %zu sentence / %zu word events\n", secs,
           rms(a->x, a->n), a->n_sentence_events, a->n_word_events);
    CHECK(secs > 1.5 && secs < 20);
    CHECK(rms(a->x, a->n) > 0.005);
    CHECK(a->contiguous && a->events_monotonic);
    CHECK(a->n_sentence_events == 2);
    CHECK(a->n_word_events >= 15);
    CHECK(jobs[1].out.n == a->n && memcmp(jobs[1].out.x, a->x, a->n * sizeof(float)) == 0);

    /* Volume scales the samples exactly; silence between sentences is what was asked. */
    myna_options o;
    myna_options_default(&o);
    o.threads = 1;
    o.volume = 0.5f;
    myna_synth *s;
    CHECK(myna_synth_create(v, &o, &s, NULL, 0) == MYNA_OK);
    audio half;
    CHECK(collect(s, SENTENCES, &half) == 0);
    CHECK(half.n == a->n);
    double max_diff = 0;
    for (size_t i = 0; i < half.n && i < a->n; i++)
        max_diff = fmax(max_diff, fabs(half.x[i] - 0.5 * a->x[i]));
    CHECK_NEAR(max_diff, 0, 1e-6);
    myna_synth_destroy(s);

    free(half.x);
    free(jobs[0].out.x);
    free(jobs[1].out.x);
    myna_voice_close(v);
    return check_summary("test_api");
}
