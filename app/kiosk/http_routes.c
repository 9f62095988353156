/* Dispatch by method and path, and the small endpoints. Handlers only read the request and
 * fill the reply, so the same code runs behind libmicrohttpd and under the fuzzer. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http_routes.h"
#include "json_body.h"
#include "openai_speech.h"
#include "request.h"

/* ---- POST /speak ------------------------------------------------------------------------ */
static void do_speak(kiosk *k, const http_request *rq, http_reply *rp)
{
    static const char *const known[] = {"text", "priority", "volume", "voice", NULL};
    json_body_error e = {0};
    json_t *body;
    if (json_body_parse(rq->body, rq->body_n, known, &body, &e) != 0)
        return http_reply_error(rp, 400, e.code, e.param, "%s", e.message);
    say_request r;
    say_request_default(&r);
    const char *priority = NULL, *voice = NULL;
    double volume;
    char err[300] = "";
    const char *bad = NULL; /* the field at fault */
    int got;
    if (json_body_string(body, "text", &r.text, &e) < 0 ||
        json_body_string(body, "priority", &priority, &e) < 0 ||
        json_body_string(body, "voice", &voice, &e) < 0 ||
        (got = json_body_number(body, "volume", &volume, &e)) < 0) {
        json_decref(body);
        return http_reply_error(rp, 400, e.code, e.param, "%s", e.message);
    }
    if (priority && say_request_option(&r, "priority", priority, err, sizeof err) != 0)
        bad = "priority";
    else if (voice && say_request_option(&r, "voice", voice, err, sizeof err) != 0)
        bad = "voice";
    else if (got && say_request_volume(&r, volume, err, sizeof err) != 0)
        bad = "volume";
    if (bad) {
        json_decref(body);
        return http_reply_error(rp, 400, "invalid_value", bad, "%s", err);
    }
    uint64_t id;
    int rc = say_request_submit(k, &r, &id, err, sizeof err);
    json_decref(body); /* r.text pointed into it; submit copied it */
    if (rc == 1) {
        http_reply_header(rp, "Retry-After", "1");
        return http_reply_error(rp, 503, "busy", NULL, "busy: queue full, try again later");
    }
    if (rc != 0)
        return http_reply_error(rp, 400, "invalid_value", r.text ? NULL : "text", "%s", err);
    http_reply_json(rp, 200, json_pack("{s:I}", "id", (json_int_t)id));
}

/* ---- GET /queue, /health, POST /stop ---------------------------------------------------- */
static void do_queue(kiosk *k, const http_request *rq, http_reply *rp)
{
    char q[2048];
    announce_queue_describe(k->queue, q, sizeof q);
    json_t *list = json_array();
    char *save = NULL;
    for (char *t = strtok_r(q, " ", &save); t && list; t = strtok_r(NULL, " ", &save)) {
        unsigned long long id;
        char priority[8];
        if (sscanf(t, "%llu:%7s", &id, priority) == 2)
            json_array_append_new(list, json_pack("{s:I, s:s}", "id", (json_int_t)id,
                                                  "priority", priority));
    }
    http_reply_json(rp, 200, json_pack("{s:I, s:o}", "playing",
                                       (json_int_t)atomic_load(&k->playing_id), "queue", list));
}

static void do_stop(kiosk *k, const http_request *rq, http_reply *rp)
{
    http_reply_json(rp, 200, json_pack("{s:i}", "dropped", kiosk_stop_all(k)));
}

static void do_health(kiosk *k, const http_request *rq, http_reply *rp)
{
    int up = atomic_load(&k->device_up);
    http_reply_json(rp, up ? 200 : 503,
                    json_pack("{s:s}", "status", up ? "ok" : "audio device down"));
}

/* ---- discovery: GET /v1/models, /v1/models/ID, /v1/audio/voices ------------------------- */
/* `model` is not used for anything (one engine); these are the ids OpenAI's clients send by
 * default, listed so that a client which checks the model first finds it. */
static const char *const model_ids[] = {"myna", "tts-1", "tts-1-hd", "gpt-4o-mini-tts", NULL};

static json_t *model_object(const char *id)
{
    return json_pack("{s:s, s:s, s:i, s:s}", "id", id, "object", "model", "created", 0,
                     "owned_by", "myna");
}

static void do_models(kiosk *k, const http_request *rq, http_reply *rp)
{
    json_t *data = json_array();
    for (int i = 0; model_ids[i] && data; i++)
        json_array_append_new(data, model_object(model_ids[i]));
    http_reply_json(rp, 200, json_pack("{s:s, s:o}", "object", "list", "data", data));
}

static void do_model(kiosk *k, const http_request *rq, http_reply *rp)
{
    const char *id = rq->path + strlen("/v1/models/");
    for (int i = 0; model_ids[i]; i++)
        if (!strcmp(id, model_ids[i])) return http_reply_json(rp, 200, model_object(id));
    http_reply_error(rp, 404, "model_not_found", "model", "The model '%.60s' does not exist",
                     id);
}

static void add_voice(const char *id, int is_default, void *user)
{
    json_t *v = json_pack("{s:s, s:s, s:b}", "id", id, "object", "voice", "default", is_default);
    /* OpenAI's stock names are accepted and mean the default voice. */
    if (v && is_default) json_object_set_new(v, "aliases", openai_stock_voices());
    json_array_append_new(user, v);
}

static void do_voices(kiosk *k, const http_request *rq, http_reply *rp)
{
    json_t *data = json_array();
    if (data) kiosk_list_voices(k, add_voice, data);
    http_reply_json(rp, 200, json_pack("{s:s, s:o}", "object", "list", "data", data));
}

/* ---- dispatch --------------------------------------------------------------------------- */
typedef struct {
    const char *method, *path;
    int prefix; /* path is a prefix ("/v1/models/" + id) */
    int body;   /* takes a JSON body */
    void (*fn)(kiosk *, const http_request *, http_reply *);
} route;

static const route routes[] = {
    {"POST", "/speak", 0, 1, do_speak},
    {"POST", "/stop", 0, 0, do_stop},
    {"GET", "/queue", 0, 0, do_queue},
    {"GET", "/health", 0, 0, do_health},
    {"GET", "/v1/models", 0, 0, do_models},
    {"GET", "/v1/models/", 1, 0, do_model},
    {"GET", "/v1/audio/voices", 0, 0, do_voices},
    {"POST", "/v1/audio/speech", 0, 1, openai_speech},
};

static int path_matches(const route *r, const char *path)
{
    size_t n = strlen(r->path);
    return r->prefix ? !strncmp(path, r->path, n) && path[n] : !strcmp(path, r->path);
}

/* Bodies are JSON; a client that declares something else (a form upload) is told so rather
 * than getting a parse error. Absent, text/plain and curl's default -d type are let through:
 * the body decides. */
static int json_content_type(const char *type)
{
    if (!type) return 1;
    static const char *const ok[] = {"application/json", "text/plain",
                                     "application/x-www-form-urlencoded"};
    size_t n = strcspn(type, "; \t");
    for (size_t i = 0; i < sizeof ok / sizeof *ok; i++)
        if (n == strlen(ok[i]) && !strncasecmp(type, ok[i], n)) return 1;
    return 0;
}

void http_handle(kiosk *k, const http_request *rq, http_reply *rp)
{
    http_reply_init(rp);
    const route *found = NULL;
    const char *allow = NULL;
    for (size_t i = 0; i < sizeof routes / sizeof *routes && !found; i++) {
        if (!path_matches(&routes[i], rq->path)) continue;
        if (!strcmp(rq->method, routes[i].method)) found = &routes[i];
        else allow = routes[i].method;
    }
    if (!found && allow) {
        http_reply_header(rp, "Allow", "%s", allow);
        return http_reply_error(rp, 405, "method_not_allowed", NULL,
                                "Method %.10s is not allowed on %.60s (use %s)", rq->method,
                                rq->path, allow);
    }
    if (!found)
        return http_reply_error(rp, 404, "not_found", NULL, "Invalid URL (%.10s %.60s)",
                                rq->method, rq->path);
    if (rq->reserve_only && found->fn != do_health) {
        rp->close = 1;
        http_reply_header(rp, "Retry-After", "1");
        return http_reply_error(rp, 503, "busy", NULL,
                                "busy: every connection is in use, try again later");
    }
    if (rq->body_too_big)
        return http_reply_error(rp, 413, "body_too_large", NULL,
                                "body too large (at most %zu bytes)", k->cfg.max_body);
    if (found->body && !rq->body)
        return http_reply_error(rp, 400, "invalid_json", NULL, "a JSON body is required");
    if (found->body && !json_content_type(rq->content_type))
        return http_reply_error(rp, 415, "unsupported_media_type", NULL,
                                "Content-Type must be application/json");
    found->fn(k, rq, rp);
}
