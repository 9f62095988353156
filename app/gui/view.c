/* Drawing the whole window, and reading it back for --screenshot. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#ifdef MYNA_GUI_HAVE_SDL_IMAGE
#include <SDL_image.h>
#endif

#include "app.h"
#include "theme.h"
#include "waveform.h"

static void draw_banner(app *a)
{
    if (!a->banner[0]) return;
    SDL_Rect r = a->lay.banner;
    draw_frame(a->renderer, r, THEME_ERROR, THEME_ERROR);
    SDL_Rect t = {r.x + a->lay.pad, r.y, r.w - 2 * a->lay.pad, r.h};
    SDL_RenderSetClipRect(a->renderer, &t);
    draw_label(a->renderer, &a->font, a->banner, t, THEME_ACCENT_TEXT, 0);
    SDL_RenderSetClipRect(a->renderer, NULL);
}

void app_draw(app *a)
{
    SDL_Renderer *r = a->renderer;
    SDL_SetRenderDrawColor(r, THEME_BG.r, THEME_BG.g, THEME_BG.b, 255);
    SDL_RenderClear(r);
    font *f = &a->font;
    draw_label(r, f, "Voice", a->lay.voice_label, THEME_MUTED, 0);
    dropdown_draw(r, f, &a->voices);
    button_draw(r, f, &a->speak);
    button_draw(r, f, &a->pause);
    button_draw(r, f, &a->stop);
    slider_draw(r, f, &a->rate);
    slider_draw(r, f, &a->pitch);
    slider_draw(r, f, &a->volume);
    entry_draw(r, f, &a->path);
    button_draw(r, f, &a->open);
    button_draw(r, f, &a->save);
    /* The error banner pushes the text down rather than hiding its first lines. */
    a->text.rect = a->lay.text;
    if (a->banner[0]) {
        int shift = a->lay.banner.h + a->lay.pad / 2;
        a->text.rect.y += shift;
        a->text.rect.h -= shift;
    }
    ta_draw(&a->text, r, f);

    char label[64] = "";
    if (a->speaking) {
        size_t done, total = a->player.len;
        done = a->text.highlight && a->text.hl_begin >= a->spoken_base
                   ? a->text.hl_begin - a->spoken_base
                   : 0;
        snprintf(label, sizeof label, "%s  %d%%", a->paused ? "paused" : "output",
                 total ? (int)(100.0 * (double)done / (double)total) : 0);
    }
    size_t n = a->audio.spec.freq ? (size_t)a->audio.spec.freq * 3 / 2 : 0;
    if (n > WAVE_SAMPLES) n = WAVE_SAMPLES;
    waveform_draw(r, f, a->lay.wave, a->wave + (WAVE_SAMPLES - n), n, label);
    draw_label(r, f, a->status, a->lay.status, THEME_MUTED, 0);
    draw_banner(a);
    dropdown_draw_list(r, f, &a->voices);
}

int app_screenshot(app *a, const char *path)
{
    SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, a->out_w, a->out_h, 32,
                                                    SDL_PIXELFORMAT_ARGB8888);
    if (!s) return -1;
    int rc = SDL_RenderReadPixels(a->renderer, NULL, SDL_PIXELFORMAT_ARGB8888, s->pixels,
                                  s->pitch);
    const char *dot = strrchr(path, '.');
    int png = dot && !strcasecmp(dot, ".png");
    if (rc == 0) {
#ifdef MYNA_GUI_HAVE_SDL_IMAGE
        rc = png ? IMG_SavePNG(s, path) : SDL_SaveBMP(s, path);
#else
        if (png) {
            SDL_SetError("built without SDL2_image: use a .bmp name");
            rc = -1;
        } else {
            rc = SDL_SaveBMP(s, path);
        }
#endif
    }
    SDL_FreeSurface(s);
    if (rc != 0) fprintf(stderr, "myna-gui: screenshot %s: %s\n", path, SDL_GetError());
    return rc;
}
