/* `myna-gui`: start-up, the event loop and the routing of events to widgets. All synthesis
 * happens on worker threads (speech_worker.c); this thread only draws and reacts. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <SDL.h>
#include <SDL_ttf.h>

#include "app.h"

static void print_rect(const app *a, const char *name, SDL_Rect r)
{
    /* In window coordinates, which is what xdotool and other input tools use. */
    printf("layout %s %d %d %d %d\n", name, (int)(r.x / a->scale), (int)(r.y / a->scale),
           (int)(r.w / a->scale), (int)(r.h / a->scale));
}

static void trace_layout(const app *a)
{
    const layout *l = &a->lay;
    print_rect(a, "voice", l->voice);
    print_rect(a, "speak", l->speak);
    print_rect(a, "pause", l->pause);
    print_rect(a, "stop", l->stop);
    print_rect(a, "rate", l->rate);
    print_rect(a, "pitch", l->pitch);
    print_rect(a, "volume", l->volume);
    print_rect(a, "path", l->path);
    print_rect(a, "open", l->open);
    print_rect(a, "save", l->save);
    print_rect(a, "text", l->text);
    print_rect(a, "wave", l->wave);
    printf("scale %.2f\n", (double)a->scale);
}

/* Re-derives the scale and rects after a resize or a move to a screen of another density;
 * reopens the font when its pixel size changes. */
static int relayout(app *a)
{
    int ww, wh;
    SDL_GetWindowSize(a->window, &ww, &wh);
    SDL_GetRendererOutputSize(a->renderer, &a->out_w, &a->out_h);
    a->scale = ww > 0 ? (float)a->out_w / (float)ww : 1.0f;
    layout_compute(&a->lay, a->out_w, a->out_h, a->scale);
    if (a->font.px != a->lay.font_px) {
        char err[512];
        font_close(&a->font);
        if (font_open(&a->font, a->renderer, a->font_path, a->lay.font_px, err, sizeof err)) {
            SDL_ShowSimpleMessageBox(SDL_MESSAGEBOX_ERROR, "Myna", err, a->window);
            return -1;
        }
    }
    a->voices.rect = a->lay.voice;
    a->voices.item_h = a->lay.row_h;
    a->speak.rect = a->lay.speak;
    a->pause.rect = a->lay.pause;
    a->stop.rect = a->lay.stop;
    a->rate.rect = a->lay.rate;
    a->pitch.rect = a->lay.pitch;
    a->volume.rect = a->lay.volume;
    a->path.rect = a->lay.path;
    a->open.rect = a->lay.open;
    a->save.rect = a->lay.save;
    a->text.rect = a->lay.text;
    a->text.pad = a->lay.pad;
    if (a->opt.trace) trace_layout(a);
    return 0;
}

/* Mouse coordinates come in window pixels; everything is drawn in output pixels. */
static void to_output_pixels(const app *a, SDL_Event *e)
{
    if (e->type == SDL_MOUSEBUTTONDOWN || e->type == SDL_MOUSEBUTTONUP) {
        e->button.x = (int)(e->button.x * a->scale);
        e->button.y = (int)(e->button.y * a->scale);
    } else if (e->type == SDL_MOUSEMOTION) {
        e->motion.x = (int)(e->motion.x * a->scale);
        e->motion.y = (int)(e->motion.y * a->scale);
    }
}

static int pointer_in(const app *a, SDL_Rect r)
{
    int x, y;
    SDL_GetMouseState(&x, &y);
    SDL_Point p = {(int)(x * a->scale), (int)(y * a->scale)};
    return SDL_PointInRect(&p, &r);
}

static int shortcut(app *a, const SDL_KeyboardEvent *k)
{
    int ctrl = (k->keysym.mod & (KMOD_CTRL | KMOD_GUI)) != 0;
    switch (k->keysym.sym) {
    case SDLK_RETURN:
    case SDLK_KP_ENTER:
        if (!ctrl) return 0;
        app_speak(a);
        return 1;
    case SDLK_ESCAPE:
        if (a->voices.open) a->voices.open = 0;
        else if (a->banner[0] && !a->speaking) a->banner[0] = '\0';
        else app_stop(a);
        return 1;
    case SDLK_s:
        if (!ctrl) return 0;
        app_save(a);
        return 1;
    case SDLK_o:
        if (!ctrl) return 0;
        if (a->path.tb.len) app_open_file(a, a->path.tb.data);
        else app_error(a, "Type the path of a .txt file in the path field (or drop the file "
                          "on the window), then Open.");
        return 1;
    case SDLK_p:
        if (!ctrl) return 0;
        app_toggle_pause(a);
        return 1;
    case SDLK_q:
        if (!ctrl) return 0;
        a->running = 0;
        return 1;
    default: return 0;
    }
}

static void handle(app *a, SDL_Event *e)
{
    to_output_pixels(a, e);
    switch (e->type) {
    case SDL_QUIT: a->running = 0; return;
    case SDL_WINDOWEVENT:
        if (e->window.event == SDL_WINDOWEVENT_SIZE_CHANGED ||
            e->window.event == SDL_WINDOWEVENT_DISPLAY_CHANGED)
            relayout(a);
        return;
    case SDL_DROPFILE:
        app_open_file(a, e->drop.file);
        SDL_free(e->drop.file);
        return;
    case SDL_KEYDOWN:
        if (shortcut(a, &e->key)) return;
        break;
    default: break;
    }
    /* The open voice list sits over everything: it gets clicks first. */
    if (a->voices.open || e->type == SDL_MOUSEBUTTONDOWN) {
        int was_open = a->voices.open;
        if (dropdown_handle(&a->voices, e)) app_select_voice(a, a->voices.selected);
        if (was_open || a->voices.open) return;
    }
    if (button_handle(&a->speak, e)) app_speak(a);
    if (button_handle(&a->pause, e)) app_toggle_pause(a);
    if (button_handle(&a->stop, e)) app_stop(a);
    if (button_handle(&a->save, e)) app_save(a);
    if (button_handle(&a->open, e)) {
        if (a->path.tb.len) app_open_file(a, a->path.tb.data);
        else app_error(a, "Type the path of a .txt file in the path field first.");
    }
    slider *sl[3] = {&a->rate, &a->pitch, &a->volume};
    for (int i = 0; i < 3; i++) {
        if (e->type == SDL_MOUSEWHEEL && !pointer_in(a, sl[i]->rect)) continue;
        if (slider_handle(sl[i], e) && a->speaking)
            snprintf(a->status, sizeof a->status, "New settings apply from the next Speak.");
    }
    if (e->type == SDL_MOUSEBUTTONDOWN) {
        /* Clicks on buttons and sliders leave the keyboard focus where it was. */
        SDL_Point p = {e->button.x, e->button.y};
        if (!SDL_PointInRect(&p, &a->text.rect) && !SDL_PointInRect(&p, &a->path.rect)) return;
    }
    int enter = 0;
    entry_handle(&a->path, e, &enter);
    if (enter) {
        /* Return in the path field: open a text file, save to a sound file. */
        const char *p = a->path.tb.data, *dot = strrchr(p, '.');
        if (dot && (!SDL_strcasecmp(dot, ".wav") || !SDL_strcasecmp(dot, ".flac"))) app_save(a);
        else app_open_file(a, p);
    }
    if (e->type == SDL_MOUSEWHEEL && !pointer_in(a, a->text.rect)) return;
    if (e->type == SDL_MOUSEBUTTONDOWN && a->path.focused) {
        a->text.focused = 0;
        return;
    }
    ta_handle(&a->text, &a->font, e);
    if (a->text.focused) a->path.focused = 0;
}

static int init_widgets(app *a)
{
    if (ta_init(&a->text) || entry_init(&a->path, "file.txt to open, or file.wav / .flac to save"))
        return -1;
    a->text.focused = 1;
    a->speak = (button){.label = "Speak", .primary = 1};
    a->pause = (button){.label = "Pause"};
    a->stop = (button){.label = "Stop"};
    a->open = (button){.label = "Open", .enabled = 1};
    a->save = (button){.label = "Save"};
    const myna_options *o = &a->opt.synth;
    a->rate = (slider){.label = "Rate", .format = "%.2fx", .min = 0.5f, .max = 2.0f,
                       .value = o->rate, .step = 0.05f};
    a->pitch = (slider){.label = "Pitch", .format = "%+.1f st", .min = -12, .max = 12,
                        .value = o->pitch_semitones, .step = 0.5f};
    a->volume = (slider){.label = "Volume", .format = "%.2f", .min = 0, .max = 2,
                         .value = o->volume, .step = 0.05f};
    /* A value given on the command line may lie outside the slider: widen the slider. */
    if (o->rate < a->rate.min) a->rate.min = o->rate;
    if (o->rate > a->rate.max) a->rate.max = o->rate;
    if (o->volume > a->volume.max) a->volume.max = o->volume;
    if (a->opt.file) app_open_file(a, a->opt.file);
    else if (a->opt.text) tb_set(&a->text.tb, a->opt.text, strlen(a->opt.text));
    a->text.tb.cursor = a->text.tb.anchor = a->text.tb.len;
    return 0;
}

static int run(app *a)
{
    a->running = 1;
    Uint32 frame = 0;
    while (a->running) {
        SDL_Event e;
        /* Wait for input when idle; while speaking, redraw at ~60 Hz for the highlight. */
        int busy = a->speaking || worker_running(&a->saver);
        if (SDL_WaitEventTimeout(&e, busy ? 16 : 250)) {
            handle(a, &e);
            while (SDL_PollEvent(&e)) handle(a, &e);
        }
        app_tick(a);
        SDL_Rect caret = ta_caret_rect(&a->text, &a->font);
        caret.x = (int)(caret.x / a->scale);
        caret.y = (int)(caret.y / a->scale);
        SDL_SetTextInputRect(&caret);
        app_draw(a);
        /* Halfway through the first utterance (or 3 s into a long one): text, highlight and
         * waveform all visible. */
        if (a->opt.screenshot && !a->screenshot_done && a->speaking) {
            audio_state st;
            audio_snapshot(&a->audio, &st, NULL, 0);
            if ((worker_finished(&a->player) && st.played * 2 >= atomic_load(&a->player.produced)) ||
                st.played >= 3 * (uint64_t)a->audio.spec.freq) {
                a->screenshot_done = 1;
                if (app_screenshot(a, a->opt.screenshot) == 0 && a->opt.trace)
                    printf("screenshot %s\n", a->opt.screenshot);
            }
        }
        SDL_RenderPresent(a->renderer);
        if (frame++ == 0 && a->opt.trace) printf("ready\n");
        if (a->opt.quit_after_speech && a->utterances_done > 0) a->running = 0;
        fflush(stdout);
    }
    if (a->opt.screenshot && !a->screenshot_done) app_screenshot(a, a->opt.screenshot);
    return 0;
}

int main(int argc, char **argv)
{
    app *a = calloc(1, sizeof *a);
    if (!a) return 1;
    int rc = gui_parse(argc, argv, &a->opt);
    if (rc) {
        free(a);
        return rc == 1 ? 0 : 1;
    }
    if (SDL_Init(SDL_INIT_VIDEO | SDL_INIT_EVENTS) != 0 || TTF_Init() != 0) {
        fprintf(stderr, "myna-gui: cannot start SDL: %s\n", SDL_GetError());
        free(a);
        return 1;
    }
    a->window = SDL_CreateWindow("Myna", SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED,
                                 a->opt.width, a->opt.height,
                                 SDL_WINDOW_RESIZABLE | SDL_WINDOW_ALLOW_HIGHDPI);
    a->renderer = a->window ? SDL_CreateRenderer(a->window, -1, 0) : NULL;
    a->font_path = a->opt.font ? a->opt.font : font_find();
    rc = 1;
    if (!a->renderer) {
        fprintf(stderr, "myna-gui: cannot open a window: %s\n", SDL_GetError());
        goto out;
    }
    SDL_SetWindowMinimumSize(a->window, 480, 360);
    if (!a->font_path) {
        const char *msg = "No font found. Install fonts-dejavu-core, or pass --font FILE.ttf "
                          "(or set $MYNA_GUI_FONT).";
        fprintf(stderr, "myna-gui: %s\n", msg);
        SDL_ShowSimpleMessageBox(SDL_MESSAGEBOX_ERROR, "Myna", msg, a->window);
        goto out;
    }
    if (init_widgets(a) != 0 || relayout(a) != 0) goto out;
    /* Audio is optional: without a device, saving to files still works. */
    a->audio_ok = SDL_InitSubSystem(SDL_INIT_AUDIO) == 0 &&
                  audio_probe(a->audio_error, sizeof a->audio_error) == 0;
    if (!a->audio_ok) {
        if (!a->audio_error[0]) snprintf(a->audio_error, sizeof a->audio_error, "%s", SDL_GetError());
        app_error(a, "No audio device: %s. Saving to a file (Ctrl+S) still works.",
                  a->audio_error);
    }
    if (app_load_voices(a) != 0 && a->opt.trace) printf("voice missing\n");
    SDL_StartTextInput();
    rc = run(a);
out:
    app_stop(a);
    worker_stop(&a->saver);
    app_free_voices(a);
    ta_free(&a->text);
    entry_free(&a->path);
    font_close(&a->font);
    if (a->renderer) SDL_DestroyRenderer(a->renderer);
    if (a->window) SDL_DestroyWindow(a->window);
    TTF_Quit();
    SDL_Quit();
    free(a);
    return rc;
}
