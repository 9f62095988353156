/* POST /v1/audio/speech, OpenAI-compatible: {"input", "voice", "response_format", "speed",
 * "model", "instructions"} -> audio streamed while it is synthesized. model and instructions
 * are accepted and ignored (one engine); OpenAI's stock voice names mean the default voice. */
#ifndef MYNA_OPENAI_SPEECH_H
#define MYNA_OPENAI_SPEECH_H

#include "http_message.h"
#include "kiosk.h"

void openai_speech(kiosk *k, const http_request *rq, http_reply *rp);
/* ["alloy", "ash", ...]: the names that select the default voice. */
json_t *openai_stock_voices(void);

#endif
