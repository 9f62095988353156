/* Parsing of `myna`'s command line: every value is checked here so the rest of the program
 * sees only valid options. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_options.h"

void cli_print_help(FILE *out)
{
    fputs("usage: myna [OPTIONS] [TEXT...]\n"
          "Speaks TEXT (or -f FILE, or standard input) with a Myna voice.\n\n"
          "Input and output:\n"
          "  -f, --file FILE          read the text from FILE ('-' = standard input)\n"
          "  -o, --output FILE        write audio; format from the extension: .wav .flac .ogg\n"
          "      --raw                write 16-bit little-endian mono PCM to standard output\n"
          "      --play               speak on the audio device (PortAudio) while rendering\n"
          "      --audio-device DEV   device for --play: index or name from --list-devices\n"
          "      --list-devices       list audio output devices ('*' = default)\n"
          "      --word-times FILE    also write 'start<TAB>end<TAB>word' per word,\n"
          "                           seconds of the output audio (with -o, --raw, --play)\n"
          "Voice:\n"
          "  -v, --voice NAME|PATH    voice to use (default: the default voice)\n"
          "      --list-voices        list the voices found on the search path\n"
          "      --voice-info [FILE]  describe a voice file (or the --voice)\n"
          "      --speaker N          speaker of a multi-speaker voice\n"
          "      --lexicon FILE       user pronunciations: 'word  p h o n e m e s' per line\n"
          "Speakers:\n"
          "      --speaker-embedding AUDIO...  print 'FILE<TAB>embedding' per audio file\n"
          "      --speaker-encoder FILE       encoder to use (default: the shipped one)\n"
          "Front end:\n"
          "      --phonemes           print the phoneme symbols, one line per sentence\n"
          "      --phoneme-ids        print the voice's phoneme ids, one line per sentence\n"
          "      --language LANG      espeak-ng language for --phonemes without a voice\n"
          "Speech:\n"
          "  -r, --rate X             speaking rate, 0.25..4 (1 = normal)\n"
          "  -p, --pitch SEMITONES    pitch shift, -12..12\n"
          "      --volume X           gain, 0..4\n"
          "      --sentence-silence S seconds of silence after each sentence, 0..10\n"
          "Compute:\n"
          "  -t, --threads N          compute threads (0 = all cores)\n"
          "      --backend B          cpu | vulkan | auto\n"
          "      --device N           Vulkan device index\n"
          "      --vocoder V          neural | griffin-lim (debugging)\n"
          "Other:\n"
          "      --progress, --no-progress   progress bar on stderr (default: when a terminal)\n"
          "  -q, --quiet              no messages except errors\n"
          "      --verbose            with --play: report underruns even when there are none\n"
          "  -h, --help, --version\n\n"
          "Voices are searched in $MYNA_VOICE_PATH, in 'voices' folders beside the program\n"
          "and in the install prefix's share/myna/voices.\n"
          "One of -o, --raw or --play is required to speak.\n"
          "Exit status: 0 ok, 1 usage, 2 bad input text, 3 voice problem, 4 output not\n"
          "writable or no usable audio device, 5 synthesis failure, 6 audio input unreadable\n"
          "or unusable (empty, too short, silent, clipped, non-finite), 130 --play interrupted.\n",
          out);
}

static int parse_float(const char *name, const char *s, float lo, float hi, float *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end || !(v >= lo && v <= hi)) {
        fprintf(stderr, "myna: %s: '%s' is not a number in [%g, %g]\n", name, s, lo, hi);
        return 0;
    }
    *out = (float)v;
    return 1;
}

static int parse_int(const char *name, const char *s, long lo, long hi, int *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi) {
        fprintf(stderr, "myna: %s: '%s' is not an integer in [%ld, %ld]\n", name, s, lo, hi);
        return 0;
    }
    *out = (int)v;
    return 1;
}

/* Options that take a value: returns the value, advancing *i, or NULL after an error. */
static const char *value_of(int argc, char **argv, int *i)
{
    if (*i + 1 >= argc) {
        fprintf(stderr, "myna: %s needs a value\n", argv[*i]);
        return NULL;
    }
    return argv[++*i];
}

static int is(const char *a, const char *s, const char *l)
{
    return (s && strcmp(a, s) == 0) || strcmp(a, l) == 0;
}

static int parse_choice(const char *a, const char *v, cli_options *o)
{
    if (strcmp(a, "--backend") == 0) {
        if (strcmp(v, "cpu") == 0) o->synth.backend = MYNA_BACKEND_CPU;
        else if (strcmp(v, "vulkan") == 0) o->synth.backend = MYNA_BACKEND_VULKAN;
        else if (strcmp(v, "auto") == 0) o->synth.backend = MYNA_BACKEND_AUTO;
        else return fprintf(stderr, "myna: --backend: '%s' is not cpu, vulkan or auto\n", v), 0;
        return 1;
    }
    if (strcmp(v, "neural") == 0) o->synth.vocoder = MYNA_VOCODER_NEURAL;
    else if (strcmp(v, "griffin-lim") == 0) o->synth.vocoder = MYNA_VOCODER_GRIFFIN_LIM;
    else return fprintf(stderr, "myna: --vocoder: '%s' is not neural or griffin-lim\n", v), 0;
    return 1;
}

static int parse_valued(const char *a, const char *v, cli_options *o)
{
    myna_options *s = &o->synth;
    if (is(a, "-f", "--file")) o->text_file = v;
    else if (is(a, "-o", "--output")) o->output = v;
    else if (is(a, NULL, "--word-times")) o->word_times = v;
    else if (is(a, "-v", "--voice")) o->voice = v;
    else if (is(a, NULL, "--language")) o->language = v;
    else if (is(a, NULL, "--speaker-encoder")) o->speaker_encoder = v;
    else if (is(a, NULL, "--lexicon")) s->lexicon_path = v;
    else if (is(a, NULL, "--audio-device")) o->audio_device = v;
    else if (is(a, "-r", "--rate")) return parse_float(a, v, 0.25f, 4.0f, &s->rate);
    else if (is(a, "-p", "--pitch")) return parse_float(a, v, -12.0f, 12.0f, &s->pitch_semitones);
    else if (is(a, NULL, "--volume")) return parse_float(a, v, 0.0f, 4.0f, &s->volume);
    else if (is(a, NULL, "--sentence-silence"))
        return parse_float(a, v, 0.0f, 10.0f, &s->sentence_silence);
    else if (is(a, NULL, "--speaker")) return parse_int(a, v, 0, 65535, &s->speaker);
    else if (is(a, "-t", "--threads")) return parse_int(a, v, 0, 256, &s->threads);
    else if (is(a, NULL, "--device")) return parse_int(a, v, -1, 64, &s->device_index);
    else return parse_choice(a, v, o);
    return 1;
}

static int takes_value(const char *a)
{
    static const char *const valued[] = {
        "-f", "--file", "-o", "--output", "-v", "--voice", "--language", "--lexicon", "-r",
        "--rate", "-p", "--pitch", "--volume", "--sentence-silence", "--speaker", "-t",
        "--threads", "--device", "--backend", "--vocoder", "--audio-device", "--word-times",
        "--speaker-encoder"};
    for (size_t i = 0; i < sizeof valued / sizeof *valued; i++)
        if (strcmp(a, valued[i]) == 0) return 1;
    return 0;
}

static int parse_flag(const char *a, cli_options *o)
{
    if (is(a, "-h", "--help")) o->action = ACTION_HELP;
    else if (is(a, NULL, "--version")) o->action = ACTION_VERSION;
    else if (is(a, NULL, "--list-voices")) o->action = ACTION_LIST_VOICES;
    else if (is(a, NULL, "--phonemes")) o->action = ACTION_PHONEMES;
    else if (is(a, NULL, "--phoneme-ids")) o->action = ACTION_PHONEME_IDS;
    else if (is(a, NULL, "--speaker-embedding")) o->action = ACTION_SPEAKER_EMBEDDING;
    else if (is(a, NULL, "--raw")) o->raw = 1;
    else if (is(a, NULL, "--play")) o->play = 1;
    else if (is(a, NULL, "--list-devices")) o->action = ACTION_LIST_DEVICES;
    else if (is(a, NULL, "--verbose")) o->verbose = 1;
    else if (is(a, NULL, "--progress")) o->progress = 1;
    else if (is(a, NULL, "--no-progress")) o->progress = 0;
    else if (is(a, "-q", "--quiet")) o->quiet = 1;
    else return 0;
    return 1;
}

int cli_parse(int argc, char **argv, cli_options *o)
{
    memset(o, 0, sizeof *o);
    o->action = ACTION_SPEAK;
    o->progress = -1;
    myna_options_default(&o->synth);
    o->words = calloc((size_t)argc + 1, sizeof *o->words);
    if (!o->words) return fprintf(stderr, "myna: out of memory\n"), EXIT_USAGE;
    int only_words = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (only_words || a[0] != '-' || a[1] == '\0') {
            o->words[o->n_words++] = argv[i];
        } else if (strcmp(a, "--") == 0) {
            only_words = 1;
        } else if (strcmp(a, "--voice-info") == 0) {
            o->action = ACTION_VOICE_INFO;
            if (i + 1 < argc && argv[i + 1][0] != '-') o->voice = argv[++i];
        } else if (takes_value(a)) {
            const char *v = value_of(argc, argv, &i);
            if (!v || !parse_valued(a, v, o)) return EXIT_USAGE;
        } else if (!parse_flag(a, o)) {
            fprintf(stderr, "myna: unknown option '%s' (see --help)\n", a);
            return EXIT_USAGE;
        }
    }
    if (o->action == ACTION_SPEAK && !o->output && !o->raw && !o->play) {
        fprintf(stderr, "myna: no output: give -o FILE (.wav .flac .ogg), --raw or --play\n");
        return EXIT_USAGE;
    }
    if (!!o->output + o->raw + o->play > 1) {
        fprintf(stderr, "myna: -o, --raw and --play exclude each other\n");
        return EXIT_USAGE;
    }
    if (o->word_times && strcmp(o->word_times, "-") == 0) {
        fprintf(stderr, "myna: --word-times needs a file path ('-' is not supported: --raw "
                        "uses standard output)\n");
        return EXIT_USAGE;
    }
    if (o->word_times && o->output && strcmp(o->word_times, o->output) == 0) {
        fprintf(stderr, "myna: --word-times and -o name the same file\n");
        return EXIT_USAGE;
    }
    if (o->text_file && o->n_words) {
        fprintf(stderr, "myna: give the text either as arguments or with -f, not both\n");
        return EXIT_USAGE;
    }
    return EXIT_OK;
}
