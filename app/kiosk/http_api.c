/* One thread per connection (bounded by max_sessions) so a speech session can block in
 * synthesis while it streams without holding up the others. */
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http_api.h"
#include "json_lite.h"
#include "request.h"

struct http_api {
    kiosk *k;
    struct MHD_Daemon *d;
};

typedef struct { /* per request: the body as it arrives */
    char *body;
    size_t n;
    int too_big;
} upload;

typedef struct { /* one /v1/audio/speech stream */
    kiosk *k;
    myna_synth *synth;
    unsigned char *pending;
    size_t pending_n, pending_at, pending_cap;
} speech;

static enum MHD_Result send_json(struct MHD_Connection *c, unsigned code, const char *json)
{
    struct MHD_Response *r =
        MHD_create_response_from_buffer(strlen(json), (void *)json, MHD_RESPMEM_MUST_COPY);
    if (!r) return MHD_NO;
    MHD_add_response_header(r, "Content-Type", "application/json");
    enum MHD_Result ok = MHD_queue_response(c, code, r);
    MHD_destroy_response(r);
    return ok;
}

static enum MHD_Result send_error(struct MHD_Connection *c, unsigned code, const char *why)
{
    char json[400], safe[300];
    size_t j = 0;
    for (const char *p = why; *p && j + 2 < sizeof safe; p++)
        if (*p != '"' && *p != '\\' && (unsigned char)*p >= 0x20) safe[j++] = *p;
    safe[j] = 0;
    snprintf(json, sizeof json, "{\"error\":\"%s\"}", safe);
    return send_json(c, code, json);
}

/* ---- POST /speak ------------------------------------------------------------------------ */
typedef struct {
    say_request r;
    char text_missing;
    char error[200];
} speak_body;

static int speak_member(const char *key, const char *value, int is_string, void *user)
{
    speak_body *b = user;
    if (!strcmp(key, "text")) {
        if (!is_string) return snprintf(b->error, sizeof b->error, "text must be a string"), 1;
        b->r.text = value;
        return 0;
    }
    if (!strcmp(key, "priority") || !strcmp(key, "voice") || !strcmp(key, "volume"))
        return say_request_option(&b->r, key, value, b->error, sizeof b->error) != 0;
    return snprintf(b->error, sizeof b->error, "unknown field"), 1;
}

static enum MHD_Result do_speak(kiosk *k, struct MHD_Connection *c, upload *u)
{
    speak_body b = {0};
    say_request_default(&b.r);
    if (json_flat_object(u->body, speak_member, &b) != 0)
        return send_error(c, 400, b.error[0] ? b.error : "body must be a flat JSON object");
    uint64_t id;
    char err[300];
    int rc = say_request_submit(k, &b.r, &id, err, sizeof err);
    if (rc == 1) return send_error(c, 503, "busy: queue full");
    if (rc != 0) return send_error(c, 400, err);
    char json[64];
    snprintf(json, sizeof json, "{\"id\":%llu}", (unsigned long long)id);
    return send_json(c, 200, json);
}

/* ---- GET /queue, /health, POST /stop ---------------------------------------------------- */
static enum MHD_Result do_queue(kiosk *k, struct MHD_Connection *c)
{
    char q[2048], json[4096];
    announce_queue_describe(k->queue, q, sizeof q);
    size_t n = (size_t)snprintf(json, sizeof json, "{\"playing\":%llu,\"queue\":[",
                                (unsigned long long)atomic_load(&k->playing_id));
    char *save = NULL;
    int first = 1;
    for (char *t = strtok_r(q, " ", &save); t && n + 64 < sizeof json;
         t = strtok_r(NULL, " ", &save)) {
        char *colon = strchr(t, ':');
        if (!colon) continue;
        *colon = 0;
        n += (size_t)snprintf(json + n, sizeof json - n, "%s{\"id\":%s,\"priority\":\"%s\"}",
                              first ? "" : ",", t, colon + 1);
        first = 0;
    }
    snprintf(json + n, sizeof json - n, "]}");
    return send_json(c, 200, json);
}

/* ---- POST /v1/audio/speech -------------------------------------------------------------- */
typedef struct {
    const char *input, *voice;
    int wav;
    float speed;
    char error[200];
} speech_body;

static int speech_member(const char *key, const char *value, int is_string, void *user)
{
    speech_body *b = user;
    if (!strcmp(key, "input") && is_string) b->input = value;
    else if (!strcmp(key, "voice") && is_string) b->voice = value;
    else if (!strcmp(key, "model") || !strcmp(key, "instructions")) return 0; /* ignored */
    else if (!strcmp(key, "response_format") && is_string) {
        if (!strcmp(value, "wav")) b->wav = 1;
        else if (!strcmp(value, "pcm")) b->wav = 0;
        else return snprintf(b->error, sizeof b->error, "response_format: wav or pcm"), 1;
    } else if (!strcmp(key, "speed") && !is_string) {
        char *end;
        double v = strtod(value, &end);
        if (*end || !(v >= 0.25 && v <= 4.0))
            return snprintf(b->error, sizeof b->error, "speed must be in [0.25, 4]"), 1;
        b->speed = (float)v;
    } else {
        return snprintf(b->error, sizeof b->error, "unexpected field '%.40s'", key), 1;
    }
    return 0;
}

/* OpenAI's stock voice names: clients send one by default; they get the kiosk voice. */
static int stock_voice(const char *v)
{
    static const char *const names[] = {"alloy", "ash",  "ballad", "coral",   "echo",
                                        "fable", "nova", "onyx",   "sage",    "shimmer",
                                        "verse"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (!strcmp(v, names[i])) return 1;
    return 0;
}

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

static ssize_t speech_read(void *cls, uint64_t pos, char *buf, size_t max)
{
    speech *s = cls;
    while (s->pending_at == s->pending_n) {
        if (atomic_load(&s->k->shutting_down)) return MHD_CONTENT_READER_END_WITH_ERROR;
        myna_chunk c;
        myna_status st = myna_synth_next(s->synth, &c);
        if (st == MYNA_DONE) return MHD_CONTENT_READER_END_OF_STREAM;
        if (st != MYNA_OK || reserve(s, c.n_samples * 2) != 0)
            return MHD_CONTENT_READER_END_WITH_ERROR;
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

static void speech_free(void *cls)
{
    speech *s = cls;
    myna_synth_destroy(s->synth);
    atomic_fetch_sub(&s->k->sessions, 1);
    free(s->pending);
    free(s);
}

static enum MHD_Result do_speech(kiosk *k, struct MHD_Connection *c, upload *u)
{
    speech_body b = {0};
    b.wav = 1;
    b.speed = 1.0f;
    if (json_flat_object(u->body, speech_member, &b) != 0)
        return send_error(c, 400, b.error[0] ? b.error : "body must be a flat JSON object");
    if (!b.input || !*b.input) return send_error(c, 400, "input is required");
    if (strlen(b.input) > k->cfg.max_line) return send_error(c, 400, "input too long");
    char err[300];
    const char *voice = b.voice && !stock_voice(b.voice) ? b.voice : NULL;
    myna_voice *v = kiosk_voice(k, voice, err, sizeof err);
    if (!v) return send_error(c, 400, err);
    speech *s = calloc(1, sizeof *s);
    if (!s) return send_error(c, 500, "out of memory");
    s->k = k;
    atomic_fetch_add(&k->sessions, 1);
    myna_options o;
    myna_options_default(&o);
    o.rate = b.speed;
    o.threads = k->cfg.threads;
    if (myna_synth_create(v, &o, &s->synth, err, sizeof err) != MYNA_OK ||
        myna_synth_start(s->synth, b.input, strlen(b.input)) != MYNA_OK) {
        speech_free(s);
        return send_error(c, 400, "cannot synthesize this input");
    }
    if (b.wav) {
        if (reserve(s, 44) != 0) {
            speech_free(s);
            return send_error(c, 500, "out of memory");
        }
        wav_header(s->pending, myna_voice_sample_rate(v));
        s->pending_n = 44;
    }
    struct MHD_Response *r =
        MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 16384, speech_read, s, speech_free);
    if (!r) {
        speech_free(s);
        return MHD_NO;
    }
    char rate[32];
    snprintf(rate, sizeof rate, "%d", myna_voice_sample_rate(v));
    MHD_add_response_header(r, "Content-Type", b.wav ? "audio/wav" : "audio/pcm");
    MHD_add_response_header(r, "X-Sample-Rate", rate);
    enum MHD_Result ok = MHD_queue_response(c, 200, r);
    MHD_destroy_response(r);
    return ok;
}

/* ---- dispatch --------------------------------------------------------------------------- */
static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version,
                                  const char *data, size_t *data_size, void **con_cls)
{
    kiosk *k = cls;
    upload *u = *con_cls;
    if (!u) { /* first call: headers only */
        u = calloc(1, sizeof *u);
        if (!u) return MHD_NO;
        *con_cls = u;
        return MHD_YES;
    }
    if (*data_size) { /* body arriving */
        if (!u->too_big && u->n + *data_size <= k->cfg.max_body) {
            char *b = realloc(u->body, u->n + *data_size + 1);
            if (!b) return MHD_NO;
            memcpy(b + u->n, data, *data_size);
            u->body = b;
            u->n += *data_size;
            b[u->n] = 0;
        } else {
            u->too_big = 1;
        }
        *data_size = 0;
        return MHD_YES;
    }
    int post = !strcmp(method, "POST"), get = !strcmp(method, "GET");
    if (u->too_big) return send_error(c, 413, "body too large");
    if (post && !u->body && (!strcmp(url, "/speak") || !strcmp(url, "/v1/audio/speech")))
        return send_error(c, 400, "a JSON body is required");
    if (post && !strcmp(url, "/speak")) return do_speak(k, c, u);
    if (post && !strcmp(url, "/v1/audio/speech")) return do_speech(k, c, u);
    if (post && !strcmp(url, "/stop")) {
        char json[64];
        snprintf(json, sizeof json, "{\"dropped\":%d}", kiosk_stop_all(k));
        return send_json(c, 200, json);
    }
    if (get && !strcmp(url, "/queue")) return do_queue(k, c);
    if (get && !strcmp(url, "/health")) {
        if (atomic_load(&k->device_up)) return send_json(c, 200, "{\"status\":\"ok\"}");
        return send_json(c, 503, "{\"status\":\"audio device down\"}");
    }
    if (!strcmp(url, "/speak") || !strcmp(url, "/stop") || !strcmp(url, "/queue") ||
        !strcmp(url, "/health") || !strcmp(url, "/v1/audio/speech"))
        return send_error(c, 405, "method not allowed");
    return send_error(c, 404, "not found");
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode why)
{
    upload *u = *con_cls;
    if (!u) return;
    free(u->body);
    free(u);
    *con_cls = NULL;
}

http_api *http_api_start(kiosk *k, char *error, size_t error_size)
{
    struct sockaddr_in addr = {0};
    addr.sin_family = AF_INET;
    addr.sin_port = htons((uint16_t)k->cfg.http_port);
    if (inet_pton(AF_INET, k->cfg.http_address, &addr.sin_addr) != 1) {
        snprintf(error, error_size, "http_address '%s' is not an IPv4 address",
                 k->cfg.http_address);
        return NULL;
    }
    http_api *h = calloc(1, sizeof *h);
    if (!h) return NULL;
    h->k = k;
    h->d = MHD_start_daemon(
        MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG,
        (uint16_t)k->cfg.http_port, NULL, NULL, on_request, k, MHD_OPTION_SOCK_ADDR, &addr,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned)k->cfg.max_sessions,
        MHD_OPTION_CONNECTION_TIMEOUT, 30u, MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
        MHD_OPTION_END);
    if (!h->d) {
        snprintf(error, error_size, "cannot listen on %s:%d", k->cfg.http_address,
                 k->cfg.http_port);
        free(h);
        return NULL;
    }
    return h;
}

void http_api_stop(http_api *h)
{
    if (!h) return;
    MHD_stop_daemon(h->d);
    free(h);
}
