/* Command line of `myna-gui`: the CLI's voice and speech options, plus hooks for tests. */
#ifndef MYNA_GUI_OPTIONS_H
#define MYNA_GUI_OPTIONS_H

#include "myna.h"

typedef struct {
    const char *voice;      /* name or path; NULL = $MYNA_VOICE or the default voice */
    myna_options synth;     /* backend, threads, initial rate / pitch / volume */
    const char *text;       /* initial text */
    const char *file;       /* initial text file */
    const char *font;       /* font file instead of the search list */
    int width, height;      /* initial window size, window pixels */
    /* Test hooks. */
    const char *screenshot; /* saved mid-utterance (.png, .bmp) */
    int quit_after_speech;  /* exit when the first utterance has been played */
    int trace;              /* print layout, words, and what was played on stdout */
} gui_options;

/* 0: run; 1: exit 0 (help, version printed); 2: exit 1 (usage error printed). */
int gui_parse(int argc, char **argv, gui_options *o);

#endif
