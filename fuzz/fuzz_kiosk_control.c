/* libFuzzer target for the kiosk's control-socket protocol without a socket: the input is
 * a stream of bytes cut into lines as the daemon cuts them (control_line.h, pieces of a
 * size taken from the first byte), each answered by control_handle_line with the tiny
 * fixture voice. Checks: every reply is one line starting OK, ERR or BUSY. */
#include <stdlib.h>
#include <string.h>

#include "control_line.h"
#include "control_socket.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_INPUT 16384

static kiosk *instance(void)
{
    static kiosk k; /* created once: opening the voice for every input would dominate */
    static int ready;
    if (!ready) {
        kiosk_config cfg;
        kiosk_config_default(&cfg);
        snprintf(cfg.voice, sizeof cfg.voice, "%s", MYNA_FUZZ_VOICE);
        cfg.chime[0] = 0;
        cfg.queue_max = 4;
        cfg.max_line = 200; /* lines over it (+ options) are refused: reachable */
        if (kiosk_init(&k, &cfg) != 0) abort();
        ready = 1;
    }
    return &k;
}

static int answer(const char *reply, void *user)
{
    size_t n = strlen(reply);
    if (memchr(reply, '\n', n)) __builtin_trap();
    if (strncmp(reply, "OK", 2) && strncmp(reply, "ERR ", 4) && strncmp(reply, "BUSY ", 5))
        __builtin_trap();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > MAX_INPUT) return 0;
    kiosk *k = instance();
    kiosk_stop_all(k); /* each input starts from an empty queue */
    size_t piece = (size_t)data[0] + 1;
    control_line lines;
    if (control_line_init(&lines, k->cfg.max_line + CONTROL_OPTIONS_ROOM) != 0) abort();
    for (size_t at = 1; at < size; at += piece) {
        size_t n = size - at < piece ? size - at : piece;
        if (control_line_feed(&lines, k, data + at, n, answer, NULL) != 0) break;
    }
    control_line_free(&lines);
    return 0;
}
