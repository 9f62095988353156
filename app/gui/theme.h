/* Colours, in one place so the screens stay consistent. */
#ifndef MYNA_GUI_THEME_H
#define MYNA_GUI_THEME_H

#include <SDL.h>

#define THEME_BG ((SDL_Color){0xf3, 0xf1, 0xec, 255})
#define THEME_PANEL ((SDL_Color){0xe6, 0xe2, 0xda, 255})
#define THEME_FIELD ((SDL_Color){0xff, 0xff, 0xff, 255})
#define THEME_BORDER ((SDL_Color){0xb4, 0xac, 0x9f, 255})
#define THEME_TEXT ((SDL_Color){0x26, 0x23, 0x1f, 255})
#define THEME_MUTED ((SDL_Color){0x7a, 0x72, 0x66, 255})
#define THEME_ACCENT ((SDL_Color){0x1f, 0x6f, 0x8b, 255})
#define THEME_ACCENT_TEXT ((SDL_Color){0xff, 0xff, 0xff, 255})
#define THEME_SELECTION ((SDL_Color){0xb8, 0xd8, 0xe6, 255})
#define THEME_HIGHLIGHT ((SDL_Color){0xff, 0xd3, 0x5c, 255})
#define THEME_WAVE_BG ((SDL_Color){0x1d, 0x26, 0x2b, 255})
#define THEME_WAVE ((SDL_Color){0x5c, 0xd0, 0xb0, 255})
#define THEME_ERROR ((SDL_Color){0xb3, 0x26, 0x1e, 255})

#endif
