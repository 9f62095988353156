/* myna-kiosk settings: defaults, then a key=value file, then command-line overrides. */
#ifndef MYNA_KIOSK_CONFIG_H
#define MYNA_KIOSK_CONFIG_H

#include <stddef.h>

typedef struct {
    char voice[256];          /* default voice name or path */
    char socket_path[256];    /* Unix control socket; "" = none */
    int socket_mode;          /* permissions of the socket file (octal in the file) */
    char http_address[64];    /* IPv4 address to bind; 127.0.0.1 unless changed */
    int http_port;            /* 0 = no HTTP endpoint */
    char audio_device[256];   /* "" = default output */
    char chime[256];          /* WAV played before urgent messages; "" = none */
    int queue_max;            /* announcements waiting; more are refused with BUSY */
    size_t max_line;          /* longest control line / announcement text, bytes */
    size_t max_body;          /* largest HTTP request body, bytes */
    size_t cache_bytes;       /* budget of the rendered-phrase cache */
    int max_sessions;         /* concurrent /v1/audio/speech sessions (synthesizers) */
    int http_max_connections; /* HTTP connections served at once (more cut the idlest) */
    int idle_timeout;         /* s: an idle HTTP connection, an unfinished control line */
    int total_timeout;        /* s: the longest an HTTP connection may stay open */
    double device_idle_close; /* seconds idle before the audio device is released */
    double retry_max;         /* longest wait between attempts to reopen the device, s */
    int use_syslog;
    int verbose;              /* --verbose (command line only): the libraries' diagnostics
                               * (ALSA, JACK, libmicrohttpd) on stderr */
    int threads;              /* synthesis threads per synthesizer */
} kiosk_config;

void kiosk_config_default(kiosk_config *c);
/* Applies one "key=value"; returns 0, or -1 with a reason in error. */
int kiosk_config_set(kiosk_config *c, const char *key, const char *value, char *error,
                     size_t error_size);
/* Reads a file of key=value lines ('#' comments, blank lines). 0 or -1 with a reason
 * ("file:line: ...") in error. */
int kiosk_config_load(kiosk_config *c, const char *path, char *error, size_t error_size);

#endif
