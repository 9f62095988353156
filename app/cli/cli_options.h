/* Command-line options of `myna` and their parsing. */
#ifndef MYNA_CLI_OPTIONS_H
#define MYNA_CLI_OPTIONS_H

#include "myna.h"

/* Documented exit codes (see --help and README). */
enum {
    EXIT_OK = 0,
    EXIT_USAGE = 1,     /* bad option or value */
    EXIT_INPUT = 2,     /* text unreadable, not UTF-8, or nothing to speak */
    EXIT_VOICE = 3,     /* voice not found, corrupt or unsupported */
    EXIT_OUTPUT = 4,    /* output cannot be written */
    EXIT_SYNTHESIS = 5, /* backend or model failure */
    EXIT_AUDIO = 6,     /* an audio file given as input is unreadable or unusable */
    EXIT_INTERRUPTED = 130, /* --play stopped by Ctrl-C (SIGINT) or SIGTERM, shell style */
};

typedef enum { ACTION_SPEAK, ACTION_LIST_VOICES, ACTION_VOICE_INFO, ACTION_PHONEMES,
               ACTION_PHONEME_IDS, ACTION_HELP, ACTION_VERSION,
               ACTION_LIST_DEVICES, ACTION_SPEAKER_EMBEDDING } cli_action;

typedef struct {
    cli_action action;
    const char *voice;       /* name or path; NULL = default voice */
    const char *text_file;   /* -f; "-" = stdin */
    const char *output;      /* -o */
    const char *word_times;  /* --word-times FILE: word timings (see word_times.h) */
    const char *language;    /* --language, for --phonemes without a voice */
    const char *speaker_encoder; /* --speaker-encoder FILE; NULL = the default encoder */
    int raw;                 /* --raw: s16le PCM on stdout */
    int play;                /* --play: speak on the audio device */
    const char *audio_device; /* --audio-device N|NAME; NULL = default output */
    int verbose;             /* --verbose: playback statistics on stderr */
    int progress;            /* -1 auto (stderr is a terminal), 0 off, 1 on */
    int quiet;
    myna_options synth;
    char **words;            /* text given as arguments */
    int n_words;
} cli_options;

/* Returns EXIT_OK or EXIT_USAGE (after printing the reason to stderr). */
int cli_parse(int argc, char **argv, cli_options *o);
void cli_print_help(FILE *out);

#endif
