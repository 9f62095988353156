/* Announcement requests as both front ends receive them: options + text, validated into an
 * announcement and submitted. Text is only ever handed to the synthesizer, never a shell. */
#ifndef MYNA_KIOSK_REQUEST_H
#define MYNA_KIOSK_REQUEST_H

#include <stddef.h>

#include "kiosk.h"

typedef struct {
    announce_priority priority;
    float volume;
    char voice[129]; /* "" = default */
    const char *text;
} say_request;

void say_request_default(say_request *r);
/* Applies "key=value" (priority, volume, voice). 0 or -1 with a reason. */
int say_request_option(say_request *r, const char *key, const char *value, char *error,
                       size_t error_size);
/* Sets the volume (a number in [0, 4]). 0 or -1 with a reason. */
int say_request_volume(say_request *r, double volume, char *error, size_t error_size);
/* Parses the arguments of a SAY line in place: leading key=value words, then the text. */
int say_request_parse(say_request *r, char *args, char *error, size_t error_size);
/* Validates (text present, UTF-8, within max_line, voice exists) and queues. Returns 0 with
 * *id, 1 when the queue is full, -1 with a reason. */
int say_request_submit(kiosk *k, const say_request *r, uint64_t *id, char *error,
                       size_t error_size);

#endif
