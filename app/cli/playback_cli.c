/* Playback from the command line: chunks from myna_synth_next() go straight into the
 * playback ring, so audio starts after the first chunk instead of after the whole text. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "playback.h"
#include "playback_cli.h"

/* Set by the SIGINT/SIGTERM handler, read by the synthesis loop and by playback's waits.
 * The only global state of the program: a handler can reach nothing else. */
static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
    (void)sig;
    stop_requested = 1;
}

static int stop_polled(void *user)
{
    (void)user;
    return stop_requested != 0;
}

static void install_handlers(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

static void report(const cli_options *o, const playback *p, int sample_rate)
{
    playback_stats st;
    playback_get_stats(p, &st);
    if (o->verbose || st.underruns || st.device_underflows)
        fprintf(stderr, "myna: played %.2f s, %llu underruns (%.3f s of silence inserted), "
                        "%llu device underflows\n",
                (double)st.frames_played / sample_rate, (unsigned long long)st.underruns,
                (double)st.silent_frames / sample_rate, (unsigned long long)st.device_underflows);
}

static int play_exit(playback_status s, const playback *p)
{
    if (s == PLAYBACK_CANCELLED) return EXIT_OK;
    fprintf(stderr, "myna: audio: %s\n", playback_last_error(p));
    return EXIT_OUTPUT;
}

static int word_times_exit(const cli_options *o, word_times_status st)
{
    fprintf(stderr, "myna: writing %s: %s\n", o->word_times,
            st == WORD_TIMES_ERR_NO_MEMORY ? "out of memory" : strerror(errno));
    return EXIT_OUTPUT;
}

/* The pull loop: start, then next() until done, each chunk into the ring and its word events
 * to wt (may be NULL). */
static int speak(const cli_options *o, myna_synth *synth, playback *p, const char *text,
                 size_t len, float gain, word_times *wt, size_t *n)
{
    word_times_status ws;
    myna_status st = myna_synth_start(synth, text, len);
    if (st != MYNA_OK) {
        fprintf(stderr, "myna: %s: %s\n", myna_strerror(st), myna_synth_last_error(synth));
        return st == MYNA_ERR_TEXT_ENCODING ? EXIT_INPUT : EXIT_SYNTHESIS;
    }
    myna_chunk c;
    while (!stop_requested && (st = myna_synth_next(synth, &c)) == MYNA_OK) {
        playback_status ps = playback_write(p, c.samples, c.n_samples, gain);
        if (ps != PLAYBACK_OK) return play_exit(ps, p);
        *n += c.n_samples;
        if ((ws = word_times_add(wt, &c)) != WORD_TIMES_OK) return word_times_exit(o, ws);
    }
    if (stop_requested) return EXIT_OK;
    if (st != MYNA_DONE) {
        fprintf(stderr, "myna: %s: %s\n", myna_strerror(st), myna_synth_last_error(synth));
        return EXIT_SYNTHESIS;
    }
    if (*n == 0) {
        fprintf(stderr, "myna: the text contains nothing to speak\n");
        return EXIT_INPUT;
    }
    if ((ws = word_times_end(wt, *n)) != WORD_TIMES_OK) return word_times_exit(o, ws);
    playback_status ps = playback_drain(p);
    return ps == PLAYBACK_OK ? EXIT_OK : play_exit(ps, p);
}

int cli_play(const cli_options *o, myna_synth *synth, int sample_rate, const char *text,
             size_t len, word_times *wt)
{
    install_handlers();
    playback_config cfg = {0};
    cfg.device = o->audio_device;
    cfg.sample_rate = sample_rate;
    cfg.cancelled = stop_polled;
    playback *p;
    char err[256] = "";
    playback_status s = playback_open(&cfg, &p, err, sizeof err);
    if (s != PLAYBACK_OK) {
        fprintf(stderr, "myna: audio: %s\n", s == PLAYBACK_NO_MEMORY ? "out of memory" : err);
        return s == PLAYBACK_NO_MEMORY ? EXIT_SYNTHESIS : EXIT_OUTPUT;
    }
    size_t n = 0;
    /* Volume is already applied by the synthesizer (myna_options.volume). */
    int rc = speak(o, synth, p, text, len, 1.0f, wt, &n);
    if (stop_requested) {
        playback_abort(p);
        if (!o->quiet) fprintf(stderr, "myna: interrupted\n");
        rc = EXIT_INTERRUPTED;
    }
    report(o, p, sample_rate);
    playback_close(p);
    return rc;
}

int cli_list_devices(void)
{
    char err[256] = "";
    int n = playback_list_devices(stdout, err, sizeof err);
    if (n < 0) {
        fprintf(stderr, "myna: audio: %s\n", err);
        return EXIT_OUTPUT;
    }
    if (n == 0) fprintf(stderr, "myna: no audio output devices\n");
    return EXIT_OK;
}
