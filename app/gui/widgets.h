/* Small retained widgets: the layout sets each one's rect, the app draws them and feeds them
 * events (mouse positions already in output pixels). */
#ifndef MYNA_GUI_WIDGETS_H
#define MYNA_GUI_WIDGETS_H

#include <SDL.h>

#include "font.h"
#include "text_buffer.h"

typedef struct {
    SDL_Rect rect;
    const char *label;
    int enabled, pressed, primary;
} button;

typedef struct {
    SDL_Rect rect;
    const char *label, *format; /* format prints the value, e.g. "%.2fx" */
    float min, max, value, step;
    int dragging;
} slider;

typedef struct {
    SDL_Rect rect;
    text_buffer tb;
    const char *placeholder;
    int focused, scroll_x;
} entry;

typedef struct {
    SDL_Rect rect;
    char **items; /* display names */
    int n_items, selected, open;
    int item_h;
} dropdown;

void draw_frame(SDL_Renderer *r, SDL_Rect rect, SDL_Color fill, SDL_Color border);
void draw_label(SDL_Renderer *r, font *f, const char *text, SDL_Rect rect, SDL_Color c,
                int centered);

void button_draw(SDL_Renderer *r, font *f, const button *b);
/* 1 when the button was clicked (press and release inside, enabled). */
int button_handle(button *b, const SDL_Event *e);

void slider_draw(SDL_Renderer *r, font *f, const slider *s);
/* 1 when the value changed (drag, click, wheel, arrow keys while hovered). */
int slider_handle(slider *s, const SDL_Event *e);

int entry_init(entry *en, const char *placeholder);
void entry_free(entry *en);
void entry_draw(SDL_Renderer *r, font *f, entry *en);
/* 1 if used; *enter is set when Return was pressed in it. */
int entry_handle(entry *en, const SDL_Event *e, int *enter);

void dropdown_draw(SDL_Renderer *r, font *f, const dropdown *d);
/* The open list is drawn last, over everything else. */
void dropdown_draw_list(SDL_Renderer *r, font *f, const dropdown *d);
/* 1 when a new item was chosen. Consumes clicks while open. */
int dropdown_handle(dropdown *d, const SDL_Event *e);

#endif
