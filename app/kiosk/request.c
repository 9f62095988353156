/* Option parsing and validation shared by the control socket and HTTP. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "request.h"

void say_request_default(say_request *r)
{
    memset(r, 0, sizeof *r);
    r->priority = PRIORITY_NORMAL;
    r->volume = 1.0f;
}

int say_request_volume(say_request *r, double volume, char *error, size_t error_size)
{
    if (!(volume >= 0 && volume <= 4))
        return snprintf(error, error_size, "volume must be a number in [0, 4]"), -1;
    r->volume = (float)volume;
    return 0;
}

int say_request_option(say_request *r, const char *key, const char *value, char *error,
                       size_t error_size)
{
    if (!strcmp(key, "priority")) {
        if (!strcmp(value, "urgent")) r->priority = PRIORITY_URGENT;
        else if (!strcmp(value, "normal")) r->priority = PRIORITY_NORMAL;
        else return snprintf(error, error_size, "priority must be urgent or normal"), -1;
    } else if (!strcmp(key, "volume")) {
        char *end;
        errno = 0;
        double v = strtod(value, &end);
        if (errno || end == value || *end) v = -1; /* out of range: one message for both */
        return say_request_volume(r, v, error, error_size);
    } else if (!strcmp(key, "voice")) {
        if (strlen(value) >= sizeof r->voice)
            return snprintf(error, error_size, "voice name too long"), -1;
        memcpy(r->voice, value, strlen(value) + 1);
    } else {
        return snprintf(error, error_size, "unknown option '%.40s'", key), -1;
    }
    return 0;
}

int say_request_parse(say_request *r, char *args, char *error, size_t error_size)
{
    say_request_default(r);
    char *p = args;
    for (;;) {
        while (*p == ' ') p++;
        char *end = p + strcspn(p, " ");
        char *eq = memchr(p, '=', (size_t)(end - p));
        /* Only the known option names start options: "E=mc2 is famous" is text. */
        if (!eq || (strncmp(p, "priority=", 9) && strncmp(p, "volume=", 7) &&
                    strncmp(p, "voice=", 6)))
            break;
        char saved = *end;
        *end = 0;
        *eq = 0;
        int rc = say_request_option(r, p, eq + 1, error, error_size);
        *eq = '=';
        *end = saved;
        if (rc) return -1;
        p = end;
    }
    r->text = p;
    return 0;
}

static int valid_utf8(const unsigned char *s)
{
    while (*s) {
        int n = *s < 0x80 ? 0 : (*s & 0xe0) == 0xc0 ? 1 : (*s & 0xf0) == 0xe0 ? 2
                : (*s & 0xf8) == 0xf0 ? 3 : -1;
        if (n < 0 || (n == 1 && *s < 0xc2)) return 0;
        s++;
        for (int i = 0; i < n; i++, s++)
            if ((*s & 0xc0) != 0x80) return 0;
    }
    return 1;
}

int say_request_submit(kiosk *k, const say_request *r, uint64_t *id, char *error,
                       size_t error_size)
{
    const char *t = r->text ? r->text : "";
    while (*t == ' ' || *t == '\t') t++;
    if (!*t) return snprintf(error, error_size, "nothing to say"), -1;
    if (strlen(t) > k->cfg.max_line) return snprintf(error, error_size, "text too long"), -1;
    for (const char *c = t; *c; c++)
        if ((unsigned char)*c < 0x20 && *c != '\t' && *c != '\n')
            return snprintf(error, error_size, "control characters in text"), -1;
    if (!valid_utf8((const unsigned char *)t))
        return snprintf(error, error_size, "text is not valid UTF-8"), -1;
    if (!kiosk_voice(k, r->voice, error, error_size)) return -1;
    announcement *a = calloc(1, sizeof *a);
    if (!a || !(a->text = strdup(t)) || (r->voice[0] && !(a->voice = strdup(r->voice)))) {
        announcement_free(a);
        return snprintf(error, error_size, "out of memory"), -1;
    }
    a->priority = r->priority;
    a->volume = r->volume;
    return kiosk_submit(k, a, id) == 0 ? 0 : 1;
}
