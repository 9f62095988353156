/* One speech session: its own synthesizer, pulled chunk by chunk as the client reads, so the
 * first audio leaves after the first sentence is rendered. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_body.h"
#include "openai_speech.h"

static const char *const stock_names[] = {"alloy", "ash",  "ballad", "coral", "echo",  "fable",
                                          "nova",  "onyx", "sage",   "shimmer", "verse", NULL};

json_t *openai_stock_voices(void)
{
    json_t *a = json_array();
    for (int i = 0; a && stock_names[i]; i++) json_array_append_new(a, json_string(stock_names[i]));
    return a;
}

static int stock_voice(const char *v)
{
    for (int i = 0; stock_names[i]; i++)
        if (!strcmp(v, stock_names[i])) return 1;
    return 0;
}

typedef struct {
    const char *input, *voice;
    int wav;
    double speed;
} speech_params;

/* Reads and checks the body's fields into p. 0, or -1 with rp set to the error. */
static int read_params(kiosk *k, const json_t *body, speech_params *p, http_reply *rp)
{
    json_body_error e = {0};
    const char *format = NULL, *ignored;
    if (json_body_string(body, "input", &p->input, &e) < 0 ||
        json_body_string(body, "voice", &p->voice, &e) < 0 ||
        json_body_string(body, "response_format", &format, &e) < 0 ||
        json_body_number(body, "speed", &p->speed, &e) < 0 ||
        json_body_string(body, "model", &ignored, &e) < 0 ||
        json_body_string(body, "instructions", &ignored, &e) < 0) {
        http_reply_error(rp, 400, e.code, e.param, "%s", e.message);
        return -1;
    }
    if (!p->input || !*p->input) {
        http_reply_error(rp, 400, "missing_parameter", "input", "'input' is required");
        return -1;
    }
    if (strlen(p->input) > k->cfg.max_line) {
        http_reply_error(rp, 400, "invalid_value", "input",
                         "'input' is too long (at most %zu bytes)", k->cfg.max_line);
        return -1;
    }
    if (!(p->speed >= 0.25 && p->speed <= 4.0)) {
        http_reply_error(rp, 400, "invalid_value", "speed",
                         "'speed' must be between 0.25 and 4.0");
        return -1;
    }
    if (format && !strcmp(format, "wav")) p->wav = 1;
    else if (format && !strcmp(format, "pcm")) p->wav = 0;
    else if (format) {
        http_reply_error(rp, 400, "invalid_value", "response_format",
                         "response_format '%.20s' is not supported (wav, pcm)", format);
        return -1;
    }
    return 0;
}

typedef struct { /* one /v1/audio/speech stream */
    kiosk *k;
    myna_synth *synth;
    unsigned char *pending;
    size_t pending_n, pending_at, pending_cap;
} speech;

static void put_le(unsigned char *p, uint32_t v, int bytes)
{
    for (int i = 0; i < bytes; i++) p[i] = (unsigned char)(v >> (8 * i));
}

/* A streaming WAV header: sizes unknown, so the maximum, as streaming players expect. */
static void wav_header(unsigned char *h, int rate)
{
    memcpy(h, "RIFF", 4);
    put_le(h + 4, 0xffffffffu, 4);
    memcpy(h + 8, "WAVEfmt ", 8);
    put_le(h + 16, 16, 4);
    put_le(h + 20, 1, 2);
    put_le(h + 22, 1, 2);
    put_le(h + 24, (uint32_t)rate, 4);
    put_le(h + 28, (uint32_t)rate * 2, 4);
    put_le(h + 32, 2, 2);
    put_le(h + 34, 16, 2);
    memcpy(h + 36, "data", 4);
    put_le(h + 40, 0xffffffffu, 4);
}

static int reserve(speech *s, size_t bytes)
{
    if (bytes <= s->pending_cap) return 0;
    unsigned char *p = realloc(s->pending, bytes);
    if (!p) return -1;
    s->pending = p;
    s->pending_cap = bytes;
    return 0;
}

static ssize_t speech_read(void *ctx, char *buf, size_t max)
{
    speech *s = ctx;
    while (s->pending_at == s->pending_n) {
        if (atomic_load(&s->k->shutting_down)) return -1;
        myna_chunk c;
        myna_status st = myna_synth_next(s->synth, &c);
        if (st == MYNA_DONE) return 0;
        if (st != MYNA_OK || reserve(s, c.n_samples * 2) != 0) return -1;
        for (size_t i = 0; i < c.n_samples; i++) {
            float v = c.samples[i];
            v = v > 1.0f ? 1.0f : v < -1.0f ? -1.0f : v;
            put_le(s->pending + 2 * i, (uint32_t)(uint16_t)(int16_t)(v * 32767.0f), 2);
        }
        s->pending_n = c.n_samples * 2;
        s->pending_at = 0;
    }
    size_t n = s->pending_n - s->pending_at;
    if (n > max) n = max;
    memcpy(buf, s->pending + s->pending_at, n);
    s->pending_at += n;
    return (ssize_t)n;
}

static void speech_done(void *ctx)
{
    speech *s = ctx;
    myna_synth_destroy(s->synth);
    atomic_fetch_sub(&s->k->sessions, 1);
    free(s->pending);
    free(s);
}

void openai_speech(kiosk *k, const http_request *rq, http_reply *rp)
{
    static const char *const known[] = {"model",           "input", "voice", "instructions",
                                        "response_format", "speed", NULL};
    json_body_error e = {0};
    json_t *body;
    if (json_body_parse(rq->body, rq->body_n, known, &body, &e) != 0)
        return http_reply_error(rp, 400, e.code, e.param, "%s", e.message);
    speech_params p = {.wav = 1, .speed = 1.0};
    char err[300];
    myna_voice *v = NULL;
    if (read_params(k, body, &p, rp) != 0) goto out;
    v = kiosk_voice(k, p.voice && !stock_voice(p.voice) ? p.voice : NULL, err, sizeof err);
    if (!v) {
        http_reply_error(rp, 400, "invalid_value", "voice", "%s", err);
        goto out;
    }
    speech *s = calloc(1, sizeof *s);
    if (!s) {
        http_reply_error(rp, 500, NULL, NULL, "out of memory");
        goto out;
    }
    s->k = k;
    atomic_fetch_add(&k->sessions, 1);
    myna_options o;
    myna_options_default(&o);
    o.rate = (float)p.speed;
    o.threads = k->cfg.threads;
    if (myna_synth_create(v, &o, &s->synth, err, sizeof err) != MYNA_OK ||
        myna_synth_start(s->synth, p.input, strlen(p.input)) != MYNA_OK) {
        speech_done(s);
        http_reply_error(rp, 400, "invalid_value", "input", "cannot synthesize this input");
        goto out;
    }
    if (p.wav) {
        if (reserve(s, 44) != 0) {
            speech_done(s);
            http_reply_error(rp, 500, NULL, NULL, "out of memory");
            goto out;
        }
        wav_header(s->pending, myna_voice_sample_rate(v));
        s->pending_n = 44;
    }
    rp->status = 200;
    rp->content_type = p.wav ? "audio/wav" : "audio/pcm";
    rp->stream = (http_stream){s, speech_read, speech_done};
    http_reply_header(rp, "X-Sample-Rate", "%d", myna_voice_sample_rate(v));
out:
    json_decref(body); /* p.input pointed into it; myna_synth_start copied it */
}
