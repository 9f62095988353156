/* `myna --play` against a fake ALSA card (alsa_capture.h): what reaches the device must be
 * exactly what `myna --raw` renders (same int16 conversion) and within one step of the WAV,
 * with no underruns while synthesis runs at full speed against a real-time device. Also
 * Ctrl-C, --list-devices, and devices that are missing or cannot be opened.
 * Usage: test_playback_cli MYNA_BINARY */
#include <signal.h>
#include <sndfile.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "playback/alsa_capture.h"

static const char *TEXT = "The quick brown fox jumps over the lazy dog while twenty small birds "
                          "sing softly in the warm morning light.";
static char dir[] = "/tmp/myna-playback-XXXXXX";
static char path_buf[4][600];

static const char *in_dir(int slot, const char *name)
{
    snprintf(path_buf[slot], sizeof path_buf[slot], "%s/%s", dir, name);
    return path_buf[slot];
}

static int16_t *read_wav(const char *path, size_t *n, int *rate)
{
    SF_INFO info = {0};
    SNDFILE *f = sf_open(path, SFM_READ, &info);
    if (!f) return NULL;
    int16_t *x = malloc(((size_t)info.frames + 1) * sizeof *x);
    *n = x ? (size_t)sf_readf_short(f, x, info.frames) : 0;
    *rate = info.samplerate;
    sf_close(f);
    return x;
}

static size_t first_nonzero(const int16_t *x, size_t n)
{
    size_t i = 0;
    while (i < n && x[i] == 0) i++;
    return i;
}

/* The capture must hold the reference once, aligned on the first sound, with only silence
 * around it (PortAudio may prime the device with a little silence). */
static void compare(const int16_t *cap, size_t n_cap, const int16_t *ref, size_t n_ref,
                    int tolerance)
{
    size_t a = first_nonzero(cap, n_cap), b = first_nonzero(ref, n_ref);
    CHECK_MSG(a >= b, "capture starts %zu samples early", b - a);
    if (a < b) return;
    size_t off = a - b, mismatches = 0, worst = 0;
    CHECK_MSG(off < 22050, "%zu samples of leading silence", off);
    CHECK_MSG(n_cap >= off + n_ref, "captured %zu samples, want %zu + %zu", n_cap, off, n_ref);
    for (size_t i = 0; i < n_ref && off + i < n_cap; i++) {
        int d = abs(cap[off + i] - ref[i]);
        if (d > tolerance) mismatches++;
        if ((size_t)d > worst) worst = (size_t)d;
    }
    CHECK_MSG(mismatches == 0, "%zu samples differ by more than %d (worst %zu)", mismatches,
              tolerance, worst);
    size_t trailing = 0;
    for (size_t i = off + n_ref; i < n_cap; i++) trailing += cap[i] != 0;
    CHECK_MSG(trailing == 0, "%zu non-silent samples after the end", trailing);
}

static void test_play_matches_render(const char *myna)
{
    char *raw_argv[] = {(char *)myna, (char *)TEXT, "--raw", "-q", NULL};
    char *wav_argv[] = {(char *)myna, (char *)TEXT, "-o", (char *)in_dir(0, "ref.wav"), "-q",
                        NULL};
    CHECK(child_wait(child_spawn(raw_argv, NULL, in_dir(1, "ref.raw"), NULL), 300) == 0);
    CHECK(child_wait(child_spawn(wav_argv, NULL, NULL, NULL), 300) == 0);
    size_t n_raw = 0, n_wav = 0;
    int rate = 0;
    char *raw = read_file(in_dir(1, "ref.raw"), &n_raw);
    int16_t *wav = read_wav(in_dir(0, "ref.wav"), &n_wav, &rate);
    CHECK(raw && wav && n_wav > 22050 && n_raw == 2 * n_wav);
    if (!raw || !wav || rate <= 0) goto out;
    n_raw /= 2;

    alsa_capture *cap = alsa_capture_create(dir, rate, 1.0);
    CHECK(cap != NULL);
    if (!cap) goto out;
    CHECK(alsa_capture_start(cap) == 0);
    char *play_argv[] = {(char *)myna, (char *)TEXT, "--play", "--verbose", NULL};
    double t0 = monotonic_s();
    int rc = child_wait(child_spawn(play_argv, alsa_capture_config_path(cap), NULL,
                                    in_dir(2, "play.err")),
                        300);
    double took = monotonic_s() - t0;
    size_t n_cap = 0;
    int16_t *got = alsa_capture_stop(cap, 0.5, &n_cap);
    char *err = read_file(in_dir(2, "play.err"), NULL);
    CHECK_MSG(rc == 0, "exit %d: %s", rc, err ? err : "");
    /* A real-time device: playing takes about as long as the audio lasts. */
    CHECK_MSG(took > 0.8 * (double)n_wav / rate, "played %.2f s of audio in %.2f s",
              (double)n_wav / rate, took);
    const char *stats = err ? strstr(err, "underruns") : NULL;
    CHECK_MSG(stats != NULL, "no playback statistics: %s", err ? err : "");
    int no_underruns = err && strstr(err, ", 0 underruns");
    printf("played %.2f s in %.2f s; %s", (double)n_wav / rate, took, err ? err : "\n");
    /* Sanitizer builds run several times slower than real time allows on a busy 2-core
     * machine, so there (MYNA_TEST_RELAXED_REALTIME set by CMake) an underrun is reported but
     * not a failure, and the sample comparison, which an inserted gap would misalign, runs
     * only when playback kept up. Release builds require both. */
    if (!getenv("MYNA_TEST_RELAXED_REALTIME") || no_underruns) {
        CHECK_MSG(no_underruns, "underruns reported: %s", err ? err : "");
        compare(got, n_cap, (const int16_t *)raw, n_raw, 0); /* bit-exact with --raw */
        /* libsndfile with clipping on scales by 32768 and rounds; --raw/--play scale by 32767
         * and truncate: up to |x| + 1 steps apart, so 2 for loud samples (|x| >= 0.5) */
        compare(got, n_cap, wav, n_wav, 2);
    } else {
        printf("sanitizer build fell behind real time: sample comparison skipped\n");
    }
    free(got);
    free(err);
    alsa_capture_destroy(cap);
out:
    free(raw);
    free(wav);
}

static void test_ctrl_c(const char *myna)
{
    alsa_capture *cap = alsa_capture_create(dir, 22050, 1.0);
    CHECK(cap && alsa_capture_start(cap) == 0);
    if (!cap) return;
    char *argv[] = {(char *)myna, "A long announcement. It goes on for several sentences so "
                                  "that it is still playing when the interrupt arrives. "
                                  "One more sentence. And another one after that.",
                    "--play", NULL};
    int pid = child_spawn(argv, alsa_capture_config_path(cap), NULL, in_dir(2, "int.err"));
    CHECK(pid > 0);
    double deadline = monotonic_s() + 120;
    while (alsa_capture_count(cap) < 11025 && monotonic_s() < deadline) usleep(10000);
    CHECK_MSG(alsa_capture_count(cap) >= 11025, "playback never started");
    double t0 = monotonic_s();
    kill(pid, SIGINT);
    int rc = child_wait(pid, 20);
    char *err = read_file(in_dir(2, "int.err"), NULL);
    CHECK_MSG(rc == 130, "exit %d after SIGINT: %s", rc, err ? err : "");
    CHECK_MSG(monotonic_s() - t0 < 3, "took %.2f s to stop", monotonic_s() - t0);
    CHECK(err && strstr(err, "interrupted"));
    free(err);
    size_t n;
    free(alsa_capture_stop(cap, 0.2, &n));
    alsa_capture_destroy(cap);
}

static void test_devices(const char *myna)
{
    alsa_capture *cap = alsa_capture_create(dir, 22050, 1.0);
    CHECK(cap != NULL);
    if (!cap) return;
    char *list[] = {(char *)myna, "--list-devices", NULL};
    int rc = child_wait(child_spawn(list, alsa_capture_config_path(cap), in_dir(1, "list.out"),
                                    NULL),
                        60);
    char *out = read_file(in_dir(1, "list.out"), NULL);
    CHECK_MSG(rc == 0 && out && strstr(out, "default"), "exit %d, devices: %s", rc,
              out ? out : "");
    free(out);

    /* No usable device: a clean, documented failure (exit 4), never a crash or a hang. */
    const alsa_config_kind broken[] = {ALSA_CONFIG_NO_DEVICE, ALSA_CONFIG_UNWRITABLE};
    for (int i = 0; i < 2; i++) {
        CHECK(alsa_capture_configure(cap, broken[i]) == 0);
        char *argv[] = {(char *)myna, "Nobody will hear this.", "--play", NULL};
        rc = child_wait(child_spawn(argv, alsa_capture_config_path(cap), NULL,
                                    in_dir(2, "nodev.err")),
                        120);
        char *err = read_file(in_dir(2, "nodev.err"), NULL);
        CHECK_MSG(rc == 4, "config %d: exit %d: %s", i, rc, err ? err : "");
        CHECK_MSG(err && strstr(err, "myna: audio: "), "config %d: %s", i, err ? err : "");
        free(err);
    }
    char *bad[] = {(char *)myna, "Text.", "--play", "--audio-device", "no such device", NULL};
    rc = child_wait(child_spawn(bad, alsa_capture_config_path(cap), NULL, NULL), 120);
    CHECK_MSG(rc == 4, "unknown device name: exit %d", rc);
    char *both[] = {(char *)myna, "Text.", "--play", "--raw", NULL};
    CHECK(child_wait(child_spawn(both, NULL, NULL, NULL), 60) == 1);
    alsa_capture_destroy(cap);
}

int main(int argc, char **argv)
{
    if (argc < 2 || !mkdtemp(dir)) {
        fprintf(stderr, "usage: test_playback_cli MYNA_BINARY\n");
        return 2;
    }
    test_play_matches_render(argv[1]);
    test_ctrl_c(argv[1]);
    test_devices(argv[1]);
    unlink(in_dir(0, "ref.wav"));
    const char *files[] = {"ref.raw", "play.err", "int.err", "list.out", "nodev.err"};
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) unlink(in_dir(1, files[i]));
    rmdir(dir);
    return check_summary("test_playback_cli");
}
