/* Test rig: a fake ALSA sound card. A generated ALSA configuration (ALSA_CONFIG_PATH) makes
 * the default PCM a `file` plugin writing raw S16_LE into a FIFO that a reader thread here
 * drains at a set pace, so the program under test sees a device that plays in real time, and
 * the test gets every sample it played. */
#ifndef MYNA_TEST_ALSA_CAPTURE_H
#define MYNA_TEST_ALSA_CAPTURE_H

#include <stddef.h>
#include <stdint.h>

typedef struct alsa_capture alsa_capture;

typedef enum {
    ALSA_CONFIG_CAPTURE,   /* default = file plugin into the capture FIFO */
    ALSA_CONFIG_NO_DEVICE, /* default = a sound card that does not exist */
    ALSA_CONFIG_UNWRITABLE /* default = file plugin into a path that cannot be created */
} alsa_config_kind;

/* Makes dir/fifo and writes dir/asound.conf of the given kind. speed: 1 = real time. */
alsa_capture *alsa_capture_create(const char *dir, int sample_rate, double speed);
/* Rewrites the configuration (same path), e.g. to pull the device away and restore it. */
int alsa_capture_configure(alsa_capture *c, alsa_config_kind kind);
const char *alsa_capture_config_path(const alsa_capture *c);
/* Starts the reader thread. */
int alsa_capture_start(alsa_capture *c);
/* Samples captured so far (a snapshot). */
size_t alsa_capture_count(alsa_capture *c);
/* Waits until nothing arrived for idle_s, stops the reader, hands out the samples (malloc'ed;
 * the caller frees). */
int16_t *alsa_capture_stop(alsa_capture *c, double idle_s, size_t *n);
void alsa_capture_destroy(alsa_capture *c);

/* Runs argv with ALSA_CONFIG_PATH=alsa_config, stdout/stderr to files (NULL: /dev/null).
 * Returns the pid or -1. */
int child_spawn(char *const argv[], const char *alsa_config, const char *out_path,
                const char *err_path);
/* Waits up to timeout_s; kills the child after that. Returns the exit status, 128+signal,
 * or -1 on timeout. */
int child_wait(int pid, double timeout_s);

/* Whole file into memory (malloc'ed, NUL-terminated); NULL if unreadable. */
char *read_file(const char *path, size_t *size);
double monotonic_s(void);

#endif
