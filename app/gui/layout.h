/* Where everything goes, from the drawable size and the HiDPI scale. Pure arithmetic: the
 * same window always gets the same rects, which the --print-layout test hook relies on. */
#ifndef MYNA_GUI_LAYOUT_H
#define MYNA_GUI_LAYOUT_H

#include <SDL.h>

typedef struct {
    SDL_Rect voice_label, voice, speak, pause, stop;
    SDL_Rect rate, pitch, volume;
    SDL_Rect path, open, save;
    SDL_Rect text;
    SDL_Rect wave;
    SDL_Rect status;
    SDL_Rect banner;
    int pad, row_h, font_px;
} layout;

/* w, h: output pixels; scale: output pixels per window pixel (2 on a HiDPI screen). */
void layout_compute(layout *l, int w, int h, float scale);

#endif
