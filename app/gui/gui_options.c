#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gui_options.h"

static void help(void)
{
    puts("usage: myna-gui [OPTIONS] [TEXT]\n"
         "Type or open text, hear it spoken, follow the highlighted word.\n\n"
         "  -v, --voice NAME|PATH   voice to start with (default: $MYNA_VOICE or en_US-myna)\n"
         "  -f, --file FILE         open a text file\n"
         "  -r, --rate X            speaking rate, 0.25..4\n"
         "  -p, --pitch SEMITONES   pitch shift, -12..12\n"
         "      --volume X          gain, 0..4\n"
         "  -t, --threads N         compute threads (0 = all cores)\n"
         "      --backend B         cpu | vulkan | auto\n"
         "      --font FILE         TrueType font (default: DejaVu Sans, see README)\n"
         "      --size WxH          window size\n"
         "Test hooks:\n"
         "      --screenshot FILE   save the window (.png or .bmp) halfway through speaking\n"
         "      --quit-after-speech exit once the first utterance has been played\n"
         "      --trace             print widget rects, spoken words and playback on stdout\n"
         "  -h, --help, --version\n\n"
         "Keys: Ctrl+Enter speak, Esc stop, Ctrl+P pause, Ctrl+S save, Ctrl+O open, Ctrl+Q quit.");
}

static int num(const char *name, const char *s, double lo, double hi, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end || !(v >= lo && v <= hi)) {
        fprintf(stderr, "myna-gui: %s: '%s' is not a number in [%g, %g]\n", name, s, lo, hi);
        return 0;
    }
    *out = v;
    return 1;
}

int gui_parse(int argc, char **argv, gui_options *o)
{
    memset(o, 0, sizeof *o);
    myna_options_default(&o->synth);
    o->width = 960;
    o->height = 640;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        double d;
#define TAKES_VALUE                                                                            \
    if (!v) {                                                                                  \
        fprintf(stderr, "myna-gui: %s needs a value\n", a);                                    \
        return 2;                                                                              \
    }                                                                                          \
    i++
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            help();
            return 1;
        } else if (!strcmp(a, "--version")) {
            printf("myna-gui %s\n", myna_version());
            return 1;
        } else if (!strcmp(a, "-v") || !strcmp(a, "--voice")) {
            TAKES_VALUE;
            o->voice = v;
        } else if (!strcmp(a, "-f") || !strcmp(a, "--file")) {
            TAKES_VALUE;
            o->file = v;
        } else if (!strcmp(a, "--font")) {
            TAKES_VALUE;
            o->font = v;
        } else if (!strcmp(a, "--screenshot")) {
            TAKES_VALUE;
            o->screenshot = v;
        } else if (!strcmp(a, "-r") || !strcmp(a, "--rate")) {
            TAKES_VALUE;
            if (!num(a, v, 0.25, 4, &d)) return 2;
            o->synth.rate = (float)d;
        } else if (!strcmp(a, "-p") || !strcmp(a, "--pitch")) {
            TAKES_VALUE;
            if (!num(a, v, -12, 12, &d)) return 2;
            o->synth.pitch_semitones = (float)d;
        } else if (!strcmp(a, "--volume")) {
            TAKES_VALUE;
            if (!num(a, v, 0, 4, &d)) return 2;
            o->synth.volume = (float)d;
        } else if (!strcmp(a, "-t") || !strcmp(a, "--threads")) {
            TAKES_VALUE;
            if (!num(a, v, 0, 256, &d) || d != (int)d) return 2;
            o->synth.threads = (int)d;
        } else if (!strcmp(a, "--backend")) {
            TAKES_VALUE;
            if (!strcmp(v, "cpu")) o->synth.backend = MYNA_BACKEND_CPU;
            else if (!strcmp(v, "vulkan")) o->synth.backend = MYNA_BACKEND_VULKAN;
            else if (!strcmp(v, "auto")) o->synth.backend = MYNA_BACKEND_AUTO;
            else {
                fprintf(stderr, "myna-gui: --backend: '%s' is not cpu, vulkan or auto\n", v);
                return 2;
            }
        } else if (!strcmp(a, "--size")) {
            TAKES_VALUE;
            if (sscanf(v, "%dx%d", &o->width, &o->height) != 2 || o->width < 320 ||
                o->height < 240 || o->width > 16384 || o->height > 16384) {
                fprintf(stderr, "myna-gui: --size: '%s' is not WxH (at least 320x240)\n", v);
                return 2;
            }
        } else if (!strcmp(a, "--quit-after-speech")) {
            o->quit_after_speech = 1;
        } else if (!strcmp(a, "--trace")) {
            o->trace = 1;
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "myna-gui: unknown option %s (see --help)\n", a);
            return 2;
        } else if (!o->text) {
            o->text = a;
        } else {
            fprintf(stderr, "myna-gui: give the text as one argument (quote it)\n");
            return 2;
        }
#undef TAKES_VALUE
    }
    return 0;
}
