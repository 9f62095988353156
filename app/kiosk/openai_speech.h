/* POST /v1/audio/speech, OpenAI-compatible: {"input", "voice", "response_format", "speed",
 * "model", "instructions", "stream_format"} plus Myna's "stream" (default true). The reply
 * is mp3 (the default), opus, flac, wav or pcm (audio_encoder.h); aac is refused. Streamed,
 * the audio goes out chunked while it is synthesized; "stream": false (or an HTTP/1.0
 * client) gets the whole file with its length and exact headers. model and instructions
 * are accepted and ignored (one engine); OpenAI's stock voice names mean the default voice. */
#ifndef MYNA_OPENAI_SPEECH_H
#define MYNA_OPENAI_SPEECH_H

#include "http_message.h"
#include "kiosk.h"

void openai_speech(kiosk *k, const http_request *rq, http_reply *rp);
/* ["alloy", "ash", ...]: the names that select the default voice. */
json_t *openai_stock_voices(void);

#endif
