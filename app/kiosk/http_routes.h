/* The HTTP endpoints, driven from memory (no sockets):
 *   POST /speak    {"text", "priority": "urgent"|"normal", "volume", "voice"} -> {"id": N}
 *   POST /stop     -> {"dropped": N}
 *   GET  /queue    -> {"playing": ID, "queue": [{"id": N, "priority": "normal"}, ...]}
 *   GET  /health   -> 200 {"status": "ok"} or 503 {"status": "audio device down"}
 *   GET  /v1/models, /v1/models/ID, /v1/audio/voices   (discovery for OpenAI clients)
 *   POST /v1/audio/speech   (openai_speech.h)
 * Every error reply is OpenAI's error object (http_reply_error). */
#ifndef MYNA_HTTP_ROUTES_H
#define MYNA_HTTP_ROUTES_H

#include "http_message.h"
#include "kiosk.h"

/* Answers rq into rp (always: rp->status is set). The caller frees rp. */
void http_handle(kiosk *k, const http_request *rq, http_reply *rp);

#endif
