/* Config file parsing: every value is range-checked here so the daemon sees valid settings. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kiosk_config.h"

void kiosk_config_default(kiosk_config *c)
{
    memset(c, 0, sizeof *c);
    snprintf(c->voice, sizeof c->voice, "en_US-myna");
    snprintf(c->socket_path, sizeof c->socket_path, "/run/myna-kiosk/kiosk.sock");
    c->socket_mode = 0600;
    snprintf(c->http_address, sizeof c->http_address, "127.0.0.1");
    c->http_port = 0;
    c->queue_max = 32;
    c->max_line = 4096;
    c->max_body = 16384;
    c->cache_bytes = 16u << 20;
    c->max_sessions = 8;
    c->http_max_connections = 64;
    c->idle_timeout = 5;
    c->total_timeout = 600;
    c->device_idle_close = 5.0;
    c->retry_max = 10.0;
    c->threads = 1;
}

static int num(const char *v, double lo, double hi, double *out)
{
    char *end;
    errno = 0;
    double x = strtod(v, &end);
    if (errno || end == v || *end || !(x >= lo && x <= hi)) return -1;
    *out = x;
    return 0;
}

static int copy(char *dst, size_t size, const char *v)
{
    if (strlen(v) >= size) return -1;
    memcpy(dst, v, strlen(v) + 1);
    return 0;
}

int kiosk_config_set(kiosk_config *c, const char *key, const char *value, char *error,
                     size_t error_size)
{
    double x = 0;
    int bad = 0;
    if (!strcmp(key, "voice")) bad = copy(c->voice, sizeof c->voice, value);
    else if (!strcmp(key, "socket")) bad = copy(c->socket_path, sizeof c->socket_path, value);
    else if (!strcmp(key, "socket_mode")) {
        char *end;
        long m = strtol(value, &end, 8);
        bad = *end || end == value || m < 0 || m > 0777;
        if (!bad) c->socket_mode = (int)m;
    } else if (!strcmp(key, "http_address"))
        bad = copy(c->http_address, sizeof c->http_address, value);
    else if (!strcmp(key, "http_port")) {
        bad = num(value, 0, 65535, &x);
        c->http_port = (int)x;
    } else if (!strcmp(key, "audio_device"))
        bad = copy(c->audio_device, sizeof c->audio_device, value);
    else if (!strcmp(key, "chime")) bad = copy(c->chime, sizeof c->chime, value);
    else if (!strcmp(key, "queue_max")) {
        bad = num(value, 1, 10000, &x);
        c->queue_max = (int)x;
    } else if (!strcmp(key, "max_line")) {
        bad = num(value, 64, 1 << 20, &x);
        c->max_line = (size_t)x;
    } else if (!strcmp(key, "max_body")) {
        bad = num(value, 64, 1 << 24, &x);
        c->max_body = (size_t)x;
    } else if (!strcmp(key, "cache_bytes")) {
        bad = num(value, 0, 1e10, &x);
        c->cache_bytes = (size_t)x;
    } else if (!strcmp(key, "max_sessions")) {
        bad = num(value, 1, 256, &x);
        c->max_sessions = (int)x;
    } else if (!strcmp(key, "http_max_connections")) {
        bad = num(value, 1, 1024, &x) || x != (int)x;
        c->http_max_connections = (int)x;
    } else if (!strcmp(key, "idle_timeout")) {
        bad = num(value, 1, 3600, &x) || x != (int)x;
        c->idle_timeout = (int)x;
    } else if (!strcmp(key, "total_timeout")) {
        bad = num(value, 1, 86400, &x) || x != (int)x;
        c->total_timeout = (int)x;
    } else if (!strcmp(key, "device_idle_close")) bad = num(value, 0, 3600, &c->device_idle_close);
    else if (!strcmp(key, "retry_max")) bad = num(value, 0.01, 3600, &c->retry_max);
    else if (!strcmp(key, "syslog")) {
        bad = num(value, 0, 1, &x);
        c->use_syslog = (int)x;
    } else if (!strcmp(key, "threads")) {
        bad = num(value, 0, 64, &x);
        c->threads = (int)x;
    } else {
        snprintf(error, error_size, "unknown setting '%s'", key);
        return -1;
    }
    if (bad) snprintf(error, error_size, "bad value '%s' for %s", value, key);
    return bad ? -1 : 0;
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t') s++;
    char *e = s + strlen(s);
    while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r')) *--e = 0;
    return s;
}

int kiosk_config_load(kiosk_config *c, const char *path, char *error, size_t error_size)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(error, error_size, "%s: %s", path, strerror(errno));
        return -1;
    }
    char line[1024], why[256];
    int n = 0, rc = 0;
    while (rc == 0 && fgets(line, sizeof line, f)) {
        n++;
        char *s = trim(line);
        if (!*s || *s == '#') continue;
        char *eq = strchr(s, '=');
        if (!eq) {
            snprintf(error, error_size, "%s:%d: expected key=value", path, n);
            rc = -1;
            break;
        }
        *eq = 0;
        if (kiosk_config_set(c, trim(s), trim(eq + 1), why, sizeof why) != 0) {
            snprintf(error, error_size, "%s:%d: %s", path, n, why);
            rc = -1;
        }
    }
    fclose(f);
    return rc;
}
