#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "font.h"
#include "text_buffer.h"

const char *font_find(void)
{
    static const char *const candidates[] = {
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", /* Debian, Ubuntu: fonts-dejavu-core */
        "/usr/share/fonts/TTF/DejaVuSans.ttf",              /* Arch */
        "/usr/share/fonts/dejavu/DejaVuSans.ttf",           /* Fedora (older) */
        "/usr/share/fonts/dejavu-sans-fonts/DejaVuSans.ttf", /* Fedora */
        "/usr/local/share/fonts/dejavu/DejaVuSans.ttf",     /* FreeBSD */
        "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
        "/usr/share/fonts/truetype/freefont/FreeSans.ttf",
        "/System/Library/Fonts/Supplemental/Arial.ttf",
        "/Library/Fonts/Arial.ttf",
    };
    const char *env = getenv("MYNA_GUI_FONT");
    if (env && *env && access(env, R_OK) == 0) return env;
    for (size_t i = 0; i < sizeof candidates / sizeof *candidates; i++)
        if (access(candidates[i], R_OK) == 0) return candidates[i];
    return NULL;
}

int font_open(font *f, SDL_Renderer *r, const char *path, int px, char *error, size_t size)
{
    memset(f, 0, sizeof *f);
    f->ttf = TTF_OpenFont(path, px);
    if (!f->ttf) {
        snprintf(error, size, "cannot open font %s: %s", path, TTF_GetError());
        return -1;
    }
    f->renderer = r;
    f->px = px;
    f->height = TTF_FontLineSkip(f->ttf);
    f->ascent = TTF_FontAscent(f->ttf);
    f->n_slots = 512;
    f->slots = calloc(f->n_slots, sizeof *f->slots);
    if (!f->slots) {
        snprintf(error, size, "out of memory");
        TTF_CloseFont(f->ttf);
        f->ttf = NULL;
        return -1;
    }
    return 0;
}

void font_close(font *f)
{
    for (size_t i = 0; i < f->n_slots; i++)
        if (f->slots[i].tex) SDL_DestroyTexture(f->slots[i].tex);
    free(f->slots);
    if (f->ttf) TTF_CloseFont(f->ttf);
    memset(f, 0, sizeof *f);
}

/* Open addressing on the code point; slot cp == 0 is empty (NUL is never drawn). */
static glyph *slot_for(glyph *slots, size_t n, uint32_t cp)
{
    size_t i = (cp * 2654435761u) & (n - 1);
    while (slots[i].cp != 0 && slots[i].cp != cp) i = (i + 1) & (n - 1);
    return &slots[i];
}

static int grow(font *f)
{
    size_t n = f->n_slots * 2;
    glyph *s = calloc(n, sizeof *s);
    if (!s) return -1;
    for (size_t i = 0; i < f->n_slots; i++)
        if (f->slots[i].cp) *slot_for(s, n, f->slots[i].cp) = f->slots[i];
    free(f->slots);
    f->slots = s;
    f->n_slots = n;
    return 0;
}

static glyph *get(font *f, uint32_t cp)
{
    if (cp == 0 || cp == '\n' || cp == '\r') {
        f->blank.advance = 0;
        return &f->blank;
    }
    glyph *g = slot_for(f->slots, f->n_slots, cp);
    if (g->cp == cp) return g;
    if ((f->used + 1) * 4 > f->n_slots * 3) {
        if (grow(f) != 0) {
            f->blank.advance = f->px / 2;
            return &f->blank;
        }
        g = slot_for(f->slots, f->n_slots, cp);
    }
    uint32_t draw = cp;
    if (cp == '\t') draw = ' ';
    else if (!TTF_GlyphIsProvided32(f->ttf, draw)) draw = 0xfffd;
    if (!TTF_GlyphIsProvided32(f->ttf, draw)) draw = '?';
    int minx, maxx, miny, maxy, adv = 0;
    TTF_GlyphMetrics32(f->ttf, draw, &minx, &maxx, &miny, &maxy, &adv);
    g->cp = cp;
    g->advance = cp == '\t' ? adv * 4 : adv;
    g->tex = NULL;
    if (draw != ' ') {
        /* White glyph, tinted at draw time by the texture's color mod. */
        SDL_Surface *s = TTF_RenderGlyph32_Blended(f->ttf, draw, (SDL_Color){255, 255, 255, 255});
        if (s) {
            g->tex = SDL_CreateTextureFromSurface(f->renderer, s);
            g->w = s->w;
            g->h = s->h;
            SDL_FreeSurface(s);
        }
    }
    f->used++;
    return g;
}

int font_advance(font *f, uint32_t cp)
{
    return get(f, cp)->advance;
}

int font_text_width(font *f, const char *s, size_t n)
{
    int w = 0;
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        i += utf8_decode(s, n, i, &cp);
        w += font_advance(f, cp);
    }
    return w;
}

int font_draw(font *f, const char *s, size_t n, int x, int y, SDL_Color c)
{
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        i += utf8_decode(s, n, i, &cp);
        glyph *g = get(f, cp);
        if (g->tex) {
            SDL_SetTextureColorMod(g->tex, c.r, c.g, c.b);
            SDL_SetTextureAlphaMod(g->tex, c.a);
            SDL_Rect dst = {x, y, g->w, g->h};
            SDL_RenderCopy(f->renderer, g->tex, NULL, &dst);
        }
        x += g->advance;
    }
    return x;
}
