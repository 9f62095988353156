/* The application state, passed to every part of the GUI (there are no globals). */
#ifndef MYNA_GUI_APP_H
#define MYNA_GUI_APP_H

#include <SDL.h>

#include "audio_out.h"
#include "font.h"
#include "gui_options.h"
#include "layout.h"
#include "myna.h"
#include "speech_worker.h"
#include "text_area.h"
#include "widgets.h"

#define WAVE_SAMPLES 32768 /* what the waveform shows: ~1.5 s at 22,050 Hz */

typedef struct {
    gui_options opt;
    SDL_Window *window;
    SDL_Renderer *renderer;
    float scale;             /* output pixels per window pixel */
    int out_w, out_h;
    layout lay;
    const char *font_path;
    font font;

    text_area text;
    entry path;
    button speak, pause, stop, open, save;
    slider rate, pitch, volume;
    dropdown voices;
    char **voice_paths;      /* parallel to voices.items */

    myna_voice *voice;
    speech_worker player, saver;
    audio_out audio;
    int audio_ok;
    char audio_error[256];

    int speaking, paused;
    size_t spoken_base;      /* where the spoken text starts in the buffer (a selection) */
    unsigned spoken_revision;
    Uint32 drained_at;       /* when the last sample went to the device; 0 = not yet */
    size_t last_word_offset; /* for --trace: print each word once */
    int have_last_word;

    char banner[512];        /* error shown over the top of the text; empty = none */
    char status[512];
    float wave[WAVE_SAMPLES];

    int screenshot_done, running, utterances_done;
} app;

/* app_actions.c: what the buttons and shortcuts do. */
int app_load_voices(app *a);
void app_free_voices(app *a);
int app_select_voice(app *a, int index);
void app_speak(app *a);
void app_stop(app *a);
void app_toggle_pause(app *a);
void app_save(app *a);
void app_open_file(app *a, const char *path);
/* Once per frame: moves the highlight, finishes utterances and saves, reports errors. */
void app_tick(app *a);
void app_error(app *a, const char *fmt, ...);

/* view.c: drawing and screenshots. */
void app_draw(app *a);
int app_screenshot(app *a, const char *path);

#endif
