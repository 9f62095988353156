/* myna-kiosk: speaks announcements from a local control socket and a loopback HTTP
 * endpoint. See README ("Kiosk daemon") for the protocol and the configuration keys. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "control_socket.h"
#include "http_api.h"
#include "kiosk.h"
#include "quiet_probe.h"

/* Set by SIGTERM/SIGINT, polled by the main loop: a handler can touch nothing else. */
static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
    (void)sig;
    stop_requested = 1;
}

static void usage(FILE *out)
{
    fputs("usage: myna-kiosk [-c FILE] [--set KEY=VALUE]... [-v]\n"
          "Speaks announcements sent to a Unix socket or a loopback HTTP endpoint.\n"
          "  -c, --config FILE   key=value settings (see README, 'Kiosk daemon')\n"
          "  --set KEY=VALUE     one setting, after the file (e.g. --set http_port=8080)\n"
          "  -v, --verbose       let ALSA, JACK and libmicrohttpd report on stderr\n"
          "  -h, --help\n"
          "Exit status: 0 after SIGTERM/SIGINT, 1 bad usage or configuration, 2 start-up\n"
          "failure (voice, socket, port).\n",
          out);
}

static int parse_args(int argc, char **argv, kiosk_config *cfg, int *verbose)
{
    char err[512];
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            usage(stdout);
            exit(0);
        }
        if (!strcmp(a, "-v") || !strcmp(a, "--verbose")) {
            *verbose = 1;
            continue;
        }
        if (i + 1 >= argc) {
            usage(stderr);
            return -1;
        }
        const char *v = argv[++i];
        if (!strcmp(a, "-c") || !strcmp(a, "--config")) {
            if (kiosk_config_load(cfg, v, err, sizeof err) != 0) {
                fprintf(stderr, "myna-kiosk: %s\n", err);
                return -1;
            }
        } else if (!strcmp(a, "--set")) {
            char key[64];
            const char *eq = strchr(v, '=');
            if (!eq || (size_t)(eq - v) >= sizeof key) {
                fprintf(stderr, "myna-kiosk: --set wants KEY=VALUE\n");
                return -1;
            }
            memcpy(key, v, (size_t)(eq - v));
            key[eq - v] = 0;
            if (kiosk_config_set(cfg, key, eq + 1, err, sizeof err) != 0) {
                fprintf(stderr, "myna-kiosk: %s\n", err);
                return -1;
            }
        } else {
            usage(stderr);
            return -1;
        }
    }
    return 0;
}

int main(int argc, char **argv)
{
    kiosk_config cfg;
    kiosk_config_default(&cfg);
    if (parse_args(argc, argv, &cfg, &cfg.verbose) != 0) return 1;
    /* Host-API probing noise at every device open, unless asked for. */
    if (!cfg.verbose) playback_quiet_probe();
    if (cfg.use_syslog) openlog("myna-kiosk", LOG_PID, LOG_DAEMON);

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    static kiosk k; /* large; lives for the whole run */
    int rc = 0;
    control_socket *sock = NULL;
    http_api *http = NULL;
    char err[512] = "";
    if (kiosk_init(&k, &cfg) != 0 || speaker_start(&k) != 0) rc = 2;
    if (!rc && cfg.socket_path[0] && !(sock = control_socket_open(&k, err, sizeof err))) rc = 2;
    if (!rc && cfg.http_port && !(http = http_api_start(&k, err, sizeof err))) rc = 2;
    if (err[0]) kiosk_log(&k, LOG_ERR, "%s", err);
    if (!rc)
        kiosk_log(&k, LOG_NOTICE, "ready: socket %s, http %s:%d", cfg.socket_path[0] ?
                  cfg.socket_path : "(none)", cfg.http_address, cfg.http_port);
    while (!rc && !stop_requested) {
        http_api_tick(http);
        if (sock) control_socket_serve(sock, 100);
        else {
            struct timespec ts = {0, 100000000L};
            nanosleep(&ts, NULL);
        }
    }
    /* Graceful: stop taking requests, silence the speaker, finish HTTP sessions. */
    control_socket_close(sock);
    atomic_store(&k.shutting_down, 1);
    http_api_stop(http);
    speaker_join(&k);
    if (!rc) kiosk_log(&k, LOG_NOTICE, "stopped");
    kiosk_free(&k);
    if (cfg.use_syslog) closelog();
    return rc;
}
