/* The multi-line editor: wraps the text buffer into visual lines, draws it with selection,
 * the spoken-word highlight and the IME composition, and turns mouse and keys into edits. */
#ifndef MYNA_GUI_TEXT_AREA_H
#define MYNA_GUI_TEXT_AREA_H

#include <SDL.h>

#include "font.h"
#include "text_buffer.h"

typedef struct {
    size_t start, end; /* bytes; end excludes the line's newline */
} visual_line;

typedef struct {
    text_buffer tb;
    SDL_Rect rect;       /* output pixels */
    int pad;
    int scroll;          /* pixels scrolled down */
    int focused, dragging;
    int want_x;          /* remembered column (pixels) for up/down */
    char preedit[128];   /* IME composition, shown at the cursor, not yet in the text */
    int highlight;       /* draw [hl_begin, hl_end) as the spoken word */
    size_t hl_begin, hl_end;
    Uint32 blink_start;

    visual_line *lines;
    size_t n_lines, lines_cap;
    unsigned laid_revision; /* text revision, width and font the lines were made for */
    int laid_width, laid_px, laid_valid;
} text_area;

int ta_init(text_area *ta);
void ta_free(text_area *ta);
/* Re-wraps if text, width or font changed. */
void ta_layout(text_area *ta, font *f);
void ta_draw(text_area *ta, SDL_Renderer *r, font *f);
/* Mouse, wheel, keys and text input; returns 1 if the event was used. Keyboard events are
 * taken only when focused. Mouse positions are in output pixels (see main.c). */
int ta_handle(text_area *ta, font *f, const SDL_Event *e);
/* Scrolls so that byte position pos is visible. */
void ta_reveal(text_area *ta, font *f, size_t pos);
/* Caret rectangle in output pixels (for SDL_SetTextInputRect). */
SDL_Rect ta_caret_rect(text_area *ta, font *f);

#endif
