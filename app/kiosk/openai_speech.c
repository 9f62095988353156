/* One speech session: its own synthesizer and encoder. Streamed, both are pulled chunk by
 * chunk as the client reads, so the first audio leaves after the first sentence is
 * rendered; buffered, the whole file is made first and sent with its length. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audio_encoder.h"
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

#define BUFFERED_MAX_SECONDS 600 /* a buffered reply holds the whole file in memory */

typedef struct {
    const char *input, *voice;
    audio_format format;
    double speed;
    int stream;
} speech_params;

static int refuse(http_reply *rp, const char *code, const char *param, const char *message)
{
    http_reply_error(rp, 400, code, param, "%s", message);
    return -1;
}

/* The format and how it is sent. 0, or -1 with rp set to the error. */
static int read_delivery(const json_t *body, const http_request *rq, speech_params *p,
                         http_reply *rp)
{
    json_body_error e = {0};
    const char *format = NULL, *stream_format = NULL;
    if (json_body_string(body, "response_format", &format, &e) < 0 ||
        json_body_string(body, "stream_format", &stream_format, &e) < 0 ||
        json_body_bool(body, "stream", &p->stream, &e) < 0)
        return refuse(rp, e.code, e.param, e.message);
    int rc = format ? audio_format_parse(format, &p->format) : AUDIO_ENC_OK;
    if (rc == AUDIO_ENC_UNSUPPORTED)
        return refuse(rp, "unsupported_value", "response_format",
                      "response_format 'aac' is not supported here (mp3, opus, flac, wav, pcm)");
    if (rc != AUDIO_ENC_OK)
        return refuse(rp, "invalid_value", "response_format",
                      "response_format must be one of mp3, opus, flac, wav, pcm");
    /* OpenAI's "sse" wraps base64 audio in events; only the plain audio stream is offered. */
    if (stream_format && strcmp(stream_format, "audio"))
        return refuse(rp, "unsupported_value", "stream_format",
                      "stream_format must be 'audio' ('sse' is not supported)");
    /* An HTTP/1.0 client cannot take a chunked body: it gets the whole file with its length. */
    if (rq->version && !strcmp(rq->version, "HTTP/1.0")) p->stream = 0;
    return 0;
}

/* Reads and checks the body's fields into p. 0, or -1 with rp set to the error. */
static int read_params(kiosk *k, const json_t *body, const http_request *rq, speech_params *p,
                       http_reply *rp)
{
    json_body_error e = {0};
    const char *ignored;
    if (json_body_string(body, "input", &p->input, &e) < 0 ||
        json_body_string(body, "voice", &p->voice, &e) < 0 ||
        json_body_number(body, "speed", &p->speed, &e) < 0 ||
        json_body_string(body, "model", &ignored, &e) < 0 ||
        json_body_string(body, "instructions", &ignored, &e) < 0)
        return refuse(rp, e.code, e.param, e.message);
    if (!p->input || !*p->input)
        return refuse(rp, "missing_parameter", "input", "'input' is required");
    if (strlen(p->input) > k->cfg.max_line) {
        http_reply_error(rp, 400, "invalid_value", "input",
                         "'input' is too long (at most %zu bytes)", k->cfg.max_line);
        return -1;
    }
    if (!(p->speed >= 0.25 && p->speed <= 4.0))
        return refuse(rp, "invalid_value", "speed", "'speed' must be between 0.25 and 4.0");
    return read_delivery(body, rq, p, rp);
}

typedef struct { /* one /v1/audio/speech session */
    kiosk *k;
    myna_synth *synth;
    audio_encoder *enc;
    uint64_t samples; /* synthesized so far */
    int finished;     /* the synthesizer is done and the encoder completed */
} speech;

/* Synthesizes the next chunk into the encoder. 1 = more to come, 0 = complete, -1 = failed. */
static int step(speech *s)
{
    if (atomic_load(&s->k->shutting_down)) return -1;
    myna_chunk c;
    myna_status st = myna_synth_next(s->synth, &c);
    if (st == MYNA_DONE) {
        s->finished = 1;
        return audio_encoder_finish(s->enc) == AUDIO_ENC_OK ? 0 : -1;
    }
    if (st != MYNA_OK) return -1;
    s->samples += c.n_samples;
    return audio_encoder_write(s->enc, c.samples, c.n_samples) == AUDIO_ENC_OK ? 1 : -1;
}

static ssize_t speech_read(void *ctx, char *buf, size_t max)
{
    speech *s = ctx;
    for (;;) {
        size_t n;
        const unsigned char *b = audio_encoder_bytes(s->enc, &n);
        if (n) {
            if (n > max) n = max;
            memcpy(buf, b, n);
            audio_encoder_take(s->enc, n);
            return (ssize_t)n;
        }
        if (s->finished) return 0;
        if (step(s) < 0) return -1;
    }
}

static void speech_done(void *ctx)
{
    speech *s = ctx;
    myna_synth_destroy(s->synth);
    audio_encoder_close(s->enc);
    atomic_fetch_sub(&s->k->sessions, 1);
    free(s);
}

/* Buffered: the whole file, then the reply with its length. 0, or -1 with rp set. */
static int render_whole(speech *s, int rate, http_reply *rp)
{
    int rc;
    while ((rc = step(s)) > 0)
        if (s->samples > (uint64_t)rate * BUFFERED_MAX_SECONDS) {
            http_reply_error(rp, 400, "invalid_value", "input",
                             "too long to send in one piece (over %d s of audio): stream it",
                             BUFFERED_MAX_SECONDS);
            return -1;
        }
    if (rc < 0) {
        http_reply_error(rp, 500, NULL, NULL, "synthesis or encoding failed");
        return -1;
    }
    rp->body = (char *)audio_encoder_release(s->enc, &rp->body_n);
    return 0;
}

/* Sets up the session; s is filled or the reply holds the error. */
static speech *start(kiosk *k, const speech_params *p, const myna_voice *v, http_reply *rp)
{
    char err[300];
    /* Synthesizers are the heavy part: their number is bounded apart from connections. */
    if (atomic_fetch_add(&k->sessions, 1) >= (uint64_t)k->cfg.max_sessions) {
        atomic_fetch_sub(&k->sessions, 1);
        http_reply_header(rp, "Retry-After", "1");
        http_reply_error(rp, 503, "busy", NULL,
                         "busy: %d speech sessions are running, try again later",
                         k->cfg.max_sessions);
        return NULL;
    }
    speech *s = calloc(1, sizeof *s);
    if (!s) {
        atomic_fetch_sub(&k->sessions, 1);
        http_reply_error(rp, 500, NULL, NULL, "out of memory");
        return NULL;
    }
    s->k = k;
    myna_options o;
    myna_options_default(&o);
    o.rate = (float)p->speed;
    o.threads = k->cfg.threads;
    int rate = myna_voice_sample_rate(v);
    if (audio_encoder_open(p->format, rate, p->stream, &s->enc, err, sizeof err) != 0) {
        http_reply_error(rp, 500, NULL, "response_format", "%s", err);
    } else if (myna_synth_create(v, &o, &s->synth, err, sizeof err) != MYNA_OK) {
        http_reply_error(rp, 500, NULL, NULL, "synthesizer: %s", err);
    } else if (myna_synth_start(s->synth, p->input, strlen(p->input)) != MYNA_OK) {
        http_reply_error(rp, 400, "invalid_value", "input", "cannot synthesize this input");
    } else {
        return s;
    }
    speech_done(s);
    return NULL;
}

/* Answers a parsed body. */
static void answer(kiosk *k, const http_request *rq, const json_t *body, http_reply *rp)
{
    /* OpenAI's default format is mp3; streaming is ours (a client reading the reply as it
     * comes gets the audio as it is made). */
    speech_params p = {.format = AUDIO_MP3, .speed = 1.0, .stream = 1};
    char err[300];
    if (read_params(k, body, rq, &p, rp) != 0) return;
    myna_voice *v =
        kiosk_voice(k, p.voice && !stock_voice(p.voice) ? p.voice : NULL, err, sizeof err);
    if (!v) return http_reply_error(rp, 400, "invalid_value", "voice", "%s", err);
    speech *s = start(k, &p, v, rp);
    if (!s) return;
    int rate = myna_voice_sample_rate(v);
    if (p.stream) {
        rp->stream = (http_stream){s, speech_read, speech_done};
    } else {
        int rc = render_whole(s, rate, rp);
        speech_done(s);
        if (rc != 0) return;
    }
    rp->status = 200;
    rp->content_type = audio_format_mime(p.format);
    http_reply_header(rp, "X-Sample-Rate", "%d", audio_format_rate(p.format, rate));
}

void openai_speech(kiosk *k, const http_request *rq, http_reply *rp)
{
    static const char *const known[] = {"model", "input", "voice", "instructions",
                                        "response_format", "speed", "stream_format", "stream",
                                        NULL};
    json_body_error e = {0};
    json_t *body;
    if (json_body_parse(rq->body, rq->body_n, known, &body, &e) != 0)
        return http_reply_error(rp, 400, e.code, e.param, "%s", e.message);
    answer(k, rq, body, rp);
    json_decref(body); /* p.input pointed into it; myna_synth_start copied it */
}
