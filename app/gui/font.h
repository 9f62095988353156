/* Text drawing with a glyph cache: each code point is rendered once by SDL_ttf into a
 * texture. Glyph-by-glyph drawing (no kerning) keeps measuring, wrapping and hit-testing
 * exact and cheap, which an editor needs more than typographic polish. */
#ifndef MYNA_GUI_FONT_H
#define MYNA_GUI_FONT_H

#include <SDL.h>
#include <SDL_ttf.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint32_t cp;
    SDL_Texture *tex; /* NULL for glyphs without ink (space) */
    int w, h, advance;
} glyph;

typedef struct {
    TTF_Font *ttf;
    SDL_Renderer *renderer;
    int px, height, ascent;
    glyph *slots;
    glyph blank; /* stand-in for line breaks and when the cache cannot grow */
    size_t n_slots, used;
} font;

/* The first existing file among $MYNA_GUI_FONT, DejaVu Sans at its Debian path and a few
 * other common locations; NULL if none. */
const char *font_find(void);
/* Opens path at px pixels (already scaled for HiDPI). 0, or -1 with a reason in error. */
int font_open(font *f, SDL_Renderer *r, const char *path, int px, char *error, size_t size);
void font_close(font *f);

int font_advance(font *f, uint32_t cp);
int font_text_width(font *f, const char *s, size_t n);
/* Draws n bytes of UTF-8 at (x, y = top of the line); returns the x after the text. */
int font_draw(font *f, const char *s, size_t n, int x, int y, SDL_Color color);

#endif
