/* The live oscilloscope under the text: the last couple of seconds of what was played, as
 * one min/max bar per pixel column, scrolling as the audio clock advances. */
#ifndef MYNA_GUI_WAVEFORM_H
#define MYNA_GUI_WAVEFORM_H

#include <SDL.h>

#include "font.h"

/* samples: the most recent n played samples, oldest first. label goes at the top left. */
void waveform_draw(SDL_Renderer *r, font *f, SDL_Rect rect, const float *samples, size_t n,
                   const char *label);

#endif
