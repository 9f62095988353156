#include <string.h>

#include "theme.h"
#include "waveform.h"

void waveform_draw(SDL_Renderer *r, font *f, SDL_Rect rect, const float *x, size_t n,
                   const char *label)
{
    SDL_SetRenderDrawColor(r, THEME_WAVE_BG.r, THEME_WAVE_BG.g, THEME_WAVE_BG.b, 255);
    SDL_RenderFillRect(r, &rect);
    int mid = rect.y + rect.h / 2, half = rect.h / 2 - 2;
    SDL_SetRenderDrawColor(r, 0x3a, 0x48, 0x50, 255);
    SDL_RenderDrawLine(r, rect.x, mid, rect.x + rect.w - 1, mid);
    SDL_SetRenderDrawColor(r, THEME_WAVE.r, THEME_WAVE.g, THEME_WAVE.b, 255);
    if (n > 0 && rect.w > 0) {
        for (int c = 0; c < rect.w; c++) {
            size_t a = (size_t)c * n / (size_t)rect.w, b = (size_t)(c + 1) * n / (size_t)rect.w;
            if (b <= a) b = a + 1;
            float lo = 0, hi = 0;
            for (size_t i = a; i < b && i < n; i++) {
                if (x[i] < lo) lo = x[i];
                if (x[i] > hi) hi = x[i];
            }
            /* Speech rarely reaches full scale: a gentle boost keeps quiet voices visible. */
            int y0 = mid - (int)(SDL_min(hi * 1.5f, 1.0f) * (float)half);
            int y1 = mid - (int)(SDL_max(lo * 1.5f, -1.0f) * (float)half);
            SDL_RenderDrawLine(r, rect.x + c, y0, rect.x + c, y1);
        }
    }
    if (label && *label)
        font_draw(f, label, strlen(label), rect.x + f->px / 2, rect.y + f->px / 4,
                  (SDL_Color){0xa8, 0xb8, 0xc0, 255});
}
