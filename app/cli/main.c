/* `myna`: the command-line renderer. Everything here goes through include/myna.h. */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audio_sink.h"
#include "cli_options.h"
#include "myna.h"
#include "playback_cli.h"
#include "speaker_cli.h"
#include "text_input.h"
#include "word_times.h"

#define DEFAULT_VOICE "en_US-myna"

static int voice_exit(myna_status s)
{
    return s == MYNA_ERR_NO_MEMORY ? EXIT_SYNTHESIS : EXIT_VOICE;
}

static int open_voice(const cli_options *o, myna_voice **voice)
{
    const char *name = o->voice ? o->voice : getenv("MYNA_VOICE");
    if (!name || !*name) name = DEFAULT_VOICE;
    char path[PATH_MAX];
    myna_status s = myna_voice_resolve(name, path, sizeof path);
    if (s != MYNA_OK) {
        fprintf(stderr, "myna: voice '%s' not found (see --list-voices, $MYNA_VOICE_PATH)\n",
                name);
        return EXIT_VOICE;
    }
    char err[256];
    s = myna_voice_open(path, voice, err, sizeof err);
    if (s != MYNA_OK) {
        fprintf(stderr, "myna: %s: %s%s%s\n", path, myna_strerror(s), err[0] ? ": " : "", err);
        return voice_exit(s);
    }
    return EXIT_OK;
}

static void print_voice(const char *path, void *user)
{
    (void)user;
    myna_voice *v;
    if (myna_voice_open(path, &v, NULL, 0) != MYNA_OK) {
        printf("%s\t(unreadable)\n", path);
        return;
    }
    const char *name = myna_voice_info(v, "general.name");
    const char *lang = myna_voice_info(v, "general.language");
    printf("%s\t%s\t%d Hz\t%s\n", name ? name : "?", lang ? lang : "?",
           myna_voice_sample_rate(v), path);
    myna_voice_close(v);
}

static int do_voice_info(const cli_options *o)
{
    myna_voice *v;
    int rc = open_voice(o, &v);
    if (rc != EXIT_OK) return rc;
    myna_voice_describe(v, stdout);
    myna_voice_close(v);
    return EXIT_OK;
}

static void show_progress(const cli_options *o, const myna_synth *s, int final)
{
    if (!o->progress) return;
    size_t done, total;
    myna_synth_progress(s, &done, &total);
    int pct = total ? (int)(100.0 * (double)done / (double)total) : 100;
    if (final) pct = 100;
    char bar[41];
    int fill = pct * 40 / 100;
    for (int i = 0; i < 40; i++) bar[i] = i < fill ? '#' : '.';
    bar[40] = '\0';
    fprintf(stderr, "\r[%s] %3d%%%s", bar, pct, final ? "\n" : "");
}

static int word_times_exit(const cli_options *o, word_times_status st)
{
    fprintf(stderr, "myna: writing %s: %s\n", o->word_times,
            st == WORD_TIMES_ERR_NO_MEMORY ? "out of memory" : strerror(errno));
    return EXIT_OUTPUT;
}

/* The pull loop: one chunk at a time from the synthesizer to the sink (and its word events
 * to the word-times file, if any). */
static int render(const cli_options *o, myna_synth *s, const char *text, size_t len,
                  audio_sink *sink, word_times *wt, size_t *n_samples)
{
    word_times_status ws;
    myna_status st = myna_synth_start(s, text, len);
    if (st != MYNA_OK) {
        fprintf(stderr, "myna: %s: %s\n", myna_strerror(st), myna_synth_last_error(s));
        return st == MYNA_ERR_TEXT_ENCODING ? EXIT_INPUT : EXIT_SYNTHESIS;
    }
    *n_samples = 0;
    myna_chunk chunk;
    while ((st = myna_synth_next(s, &chunk)) == MYNA_OK) {
        if (audio_sink_write(sink, chunk.samples, chunk.n_samples) != 0) return EXIT_OUTPUT;
        *n_samples += chunk.n_samples;
        if ((ws = word_times_add(wt, &chunk)) != WORD_TIMES_OK) return word_times_exit(o, ws);
        show_progress(o, s, 0);
    }
    if (st != MYNA_DONE) {
        fprintf(stderr, "\nmyna: %s: %s\n", myna_strerror(st), myna_synth_last_error(s));
        return EXIT_SYNTHESIS;
    }
    if ((ws = word_times_end(wt, *n_samples)) != WORD_TIMES_OK) return word_times_exit(o, ws);
    show_progress(o, s, 1);
    return EXIT_OK;
}

/* Reports a failed myna_synth_create / myna_phonemizer_create and closes the voice. */
static int create_failed(myna_status st, const char *err, myna_voice **voice)
{
    fprintf(stderr, "myna: %s: %s\n", myna_strerror(st), err);
    myna_voice_close(*voice);
    *voice = NULL;
    if (st == MYNA_ERR_INVALID_ARGUMENT) return EXIT_USAGE;
    return st == MYNA_ERR_VOICE_FORMAT ? EXIT_VOICE : EXIT_SYNTHESIS;
}

static int make_synth(const cli_options *o, myna_voice **voice, myna_synth **synth)
{
    int rc = open_voice(o, voice);
    if (rc != EXIT_OK) return rc;
    char err[512];
    myna_status st = myna_synth_create(*voice, &o->synth, synth, err, sizeof err);
    return st == MYNA_OK ? EXIT_OK : create_failed(st, err, voice);
}

/* Phonemes need only the front end: no backend (no Vulkan probe), no models. */
static int make_phonemizer(const cli_options *o, myna_voice **voice, myna_phonemizer **ph)
{
    int rc = open_voice(o, voice);
    if (rc != EXIT_OK) return rc;
    char err[512];
    myna_status st = myna_phonemizer_create(*voice, &o->synth, ph, err, sizeof err);
    return st == MYNA_OK ? EXIT_OK : create_failed(st, err, voice);
}

static int do_phonemes(const cli_options *o, const char *text, size_t len)
{
    char *out = NULL;
    myna_status st;
    myna_voice *voice = NULL;
    myna_phonemizer *ph = NULL;
    if (o->language && o->action == ACTION_PHONEMES) {
        st = myna_text_phonemes(o->language, o->synth.lexicon_path, text, len, &out);
    } else {
        int rc = make_phonemizer(o, &voice, &ph);
        if (rc != EXIT_OK) return rc;
        st = o->action == ACTION_PHONEMES ? myna_phonemizer_phonemes(ph, text, len, &out)
                                          : myna_phonemizer_phoneme_ids(ph, text, len, &out);
    }
    myna_phonemizer_destroy(ph);
    myna_voice_close(voice);
    if (st != MYNA_OK) {
        fprintf(stderr, "myna: %s\n", myna_strerror(st));
        return st == MYNA_ERR_TEXT_ENCODING ? EXIT_INPUT : EXIT_SYNTHESIS;
    }
    fputs(out, stdout);
    myna_free(out);
    return EXIT_OK;
}

static int speak_with(const cli_options *o, const char *text, size_t len, word_times *wt)
{
    myna_voice *voice;
    myna_synth *synth;
    int rc = make_synth(o, &voice, &synth);
    if (rc != EXIT_OK) return rc;
    if (o->play) {
        rc = cli_play(o, synth, myna_voice_sample_rate(voice), text, len, wt);
        myna_synth_destroy(synth);
        myna_voice_close(voice);
        return rc;
    }
    audio_sink *sink = audio_sink_open(o->output, myna_voice_sample_rate(voice));
    size_t n = 0;
    if (!sink) rc = EXIT_OUTPUT;
    else rc = render(o, synth, text, len, sink, wt, &n);
    if (rc == EXIT_OK && n == 0) {
        fprintf(stderr, "myna: the text contains nothing to speak\n");
        rc = EXIT_INPUT;
    }
    if (sink && audio_sink_close(sink, rc == EXIT_OK) != 0 && rc == EXIT_OK) rc = EXIT_OUTPUT;
    if (rc == EXIT_OK && !o->quiet && o->output)
        fprintf(stderr, "myna: wrote %s (%.2f s, %s)\n", o->output,
                (double)n / myna_voice_sample_rate(voice), myna_synth_backend_name(synth));
    myna_synth_destroy(synth);
    myna_voice_close(voice);
    return rc;
}

/* The word-times file is created before any synthesis, so an unwritable path fails at once;
 * it is removed again when speaking fails. */
static int do_speak(const cli_options *o, const char *text, size_t len)
{
    word_times *wt = NULL;
    word_times_status ws = WORD_TIMES_OK;
    if (o->word_times)
        ws = word_times_open(o->word_times, text, len, o->synth.sentence_silence, &wt);
    if (ws != WORD_TIMES_OK) {
        fprintf(stderr, "myna: cannot write %s: %s\n", o->word_times,
                ws == WORD_TIMES_ERR_NO_MEMORY ? "out of memory" : strerror(errno));
        return EXIT_OUTPUT;
    }
    int rc = speak_with(o, text, len, wt);
    ws = word_times_close(wt, rc == EXIT_OK);
    if (ws != WORD_TIMES_OK && rc == EXIT_OK) rc = word_times_exit(o, ws);
    return rc;
}

int main(int argc, char **argv)
{
    /* A closed pipe on --raw must end in an error status, not a signal. */
    signal(SIGPIPE, SIG_IGN);
    cli_options o;
    int rc = cli_parse(argc, argv, &o);
    if (rc == EXIT_OK) {
        switch (o.action) {
        case ACTION_HELP: cli_print_help(stdout); break;
        case ACTION_VERSION: printf("myna %s\n", myna_version()); break;
        case ACTION_LIST_VOICES: rc = myna_voice_list(print_voice, NULL) ? EXIT_VOICE : 0; break;
        case ACTION_VOICE_INFO: rc = do_voice_info(&o); break;
        case ACTION_LIST_DEVICES: rc = cli_list_devices(); break;
        case ACTION_SPEAKER_EMBEDDING: rc = cli_speaker_embedding(&o); break;
        default: {
            if (o.n_words == 0 && !o.text_file) o.text_file = "-";
            if (o.progress < 0) o.progress = !o.quiet && isatty(STDERR_FILENO);
            size_t len;
            char *text = text_read(o.words, o.n_words, o.text_file, &len);
            if (!text) {
                rc = EXIT_INPUT;
                break;
            }
            rc = o.action == ACTION_SPEAK ? do_speak(&o, text, len) : do_phonemes(&o, text, len);
            free(text);
        }
        }
    }
    free(o.words);
    return rc;
}
