#include "layout.h"

void layout_compute(layout *l, int w, int h, float scale)
{
    /* Everything derives from one unit so the window looks the same at any scale. */
    int u = (int)(8 * scale + 0.5f);
    l->pad = u;
    l->font_px = (int)(15 * scale + 0.5f);
    l->row_h = 4 * u;
    int x = u, y = u, right = w - u;

    /* Row 1: voice picker, then the transport buttons at the right. */
    int bw = 11 * u;
    l->stop = (SDL_Rect){right - bw, y, bw, l->row_h};
    l->pause = (SDL_Rect){l->stop.x - u - bw, y, bw, l->row_h};
    l->speak = (SDL_Rect){l->pause.x - u - bw, y, bw, l->row_h};
    l->voice_label = (SDL_Rect){x, y, 6 * u, l->row_h};
    int vx = x + 6 * u;
    l->voice = (SDL_Rect){vx, y, l->speak.x - 2 * u - vx, l->row_h};
    y += l->row_h + u;

    /* Row 2: three sliders sharing the width. */
    int sw = (right - x - 4 * u) / 3, sh = 5 * u;
    l->rate = (SDL_Rect){x, y, sw, sh};
    l->pitch = (SDL_Rect){x + sw + 2 * u, y, sw, sh};
    l->volume = (SDL_Rect){x + 2 * (sw + 2 * u), y, right - x - 2 * (sw + 2 * u), sh};
    y += sh + u;

    /* Row 3: a path for Open (.txt) and Save (.wav, .flac). */
    int ow = 9 * u;
    l->save = (SDL_Rect){right - ow, y, ow, l->row_h};
    l->open = (SDL_Rect){l->save.x - u - ow, y, ow, l->row_h};
    l->path = (SDL_Rect){x, y, l->open.x - u - x, l->row_h};
    y += l->row_h + u;

    /* Bottom: status line, above it the waveform; the text takes what is left. */
    int status_h = 3 * u;
    int wave_h = h / 5 > 12 * u ? h / 5 : 12 * u;
    l->status = (SDL_Rect){x, h - u - status_h, right - x, status_h};
    l->wave = (SDL_Rect){x, l->status.y - u / 2 - wave_h, right - x, wave_h};
    int text_h = l->wave.y - u - y;
    if (text_h < 4 * u) text_h = 4 * u;
    l->text = (SDL_Rect){x, y, right - x, text_h};
    l->banner = (SDL_Rect){x, l->text.y, right - x, 4 * u};
}
