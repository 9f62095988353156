#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text_area.h"
#include "theme.h"

int ta_init(text_area *ta)
{
    memset(ta, 0, sizeof *ta);
    return tb_init(&ta->tb);
}

void ta_free(text_area *ta)
{
    tb_free(&ta->tb);
    free(ta->lines);
    memset(ta, 0, sizeof *ta);
}

static int add_line(text_area *ta, size_t start, size_t end)
{
    if (ta->n_lines == ta->lines_cap) {
        size_t cap = ta->lines_cap ? ta->lines_cap * 2 : 64;
        visual_line *p = realloc(ta->lines, cap * sizeof *p);
        if (!p) return -1;
        ta->lines = p;
        ta->lines_cap = cap;
    }
    ta->lines[ta->n_lines++] = (visual_line){start, end};
    return 0;
}

/* Greedy wrapping: break after the last space that fits, or mid-word when a single word is
 * wider than the area. Cached, because a long opened file would be too slow per frame. */
void ta_layout(text_area *ta, font *f)
{
    int width = ta->rect.w - 2 * ta->pad;
    if (width < f->px) width = f->px;
    if (ta->laid_valid && ta->laid_revision == ta->tb.revision && ta->laid_width == width &&
        ta->laid_px == f->px)
        return;
    ta->n_lines = 0;
    const char *s = ta->tb.data;
    size_t len = ta->tb.len, start = 0, brk = 0, i = 0;
    int x = 0;
    while (i < len) {
        uint32_t cp;
        size_t k = utf8_decode(s, len, i, &cp);
        if (cp == '\n') {
            add_line(ta, start, i);
            start = brk = i + 1;
            x = 0;
            i += 1;
            continue;
        }
        int adv = font_advance(f, cp);
        if (x + adv > width && i > start && cp != ' ') {
            size_t end = brk > start ? brk : i;
            add_line(ta, start, end);
            start = brk = end;
            x = font_text_width(f, s + start, i - start);
        }
        x += adv;
        i += k;
        if (cp == ' ') brk = i;
    }
    add_line(ta, start, len);
    ta->laid_revision = ta->tb.revision;
    ta->laid_width = width;
    ta->laid_px = f->px;
    ta->laid_valid = 1;
}

static size_t line_of(const text_area *ta, size_t pos)
{
    /* Binary search: the last line starting at or before pos. A position at a soft wrap
     * belongs to the next line, where the caret is drawn. */
    size_t lo = 0, hi = ta->n_lines;
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if (ta->lines[mid].start <= pos) lo = mid;
        else hi = mid;
    }
    return lo;
}

static int x_of(text_area *ta, font *f, size_t line, size_t pos)
{
    const visual_line *l = &ta->lines[line];
    if (pos > l->end) pos = l->end;
    return font_text_width(f, ta->tb.data + l->start, pos - l->start);
}

/* Byte position in line nearest to pixel column x. */
static size_t pos_at_x(text_area *ta, font *f, size_t line, int x)
{
    const visual_line *l = &ta->lines[line];
    const char *s = ta->tb.data;
    size_t i = l->start;
    int cx = 0;
    while (i < l->end) {
        uint32_t cp;
        size_t k = utf8_decode(s, ta->tb.len, i, &cp);
        int adv = font_advance(f, cp);
        if (x < cx + adv / 2) break;
        cx += adv;
        i += k;
    }
    /* At a soft wrap the trailing space belongs to this line; stay before the next one. */
    if (i == l->end && line + 1 < ta->n_lines && ta->lines[line + 1].start == l->end && i > l->start)
        i = ta->tb.data[i - 1] == ' ' ? i - 1 : i;
    return i;
}

static size_t pos_at_point(text_area *ta, font *f, int px, int py)
{
    int y = py - ta->rect.y - ta->pad + ta->scroll;
    if (y < 0) return 0;
    size_t line = (size_t)(y / f->height);
    if (line >= ta->n_lines) return ta->tb.len;
    return pos_at_x(ta, f, line, px - ta->rect.x - ta->pad);
}

static int content_height(const text_area *ta, const font *f)
{
    return (int)ta->n_lines * f->height + 2 * ta->pad;
}

static void clamp_scroll(text_area *ta, font *f)
{
    int max = content_height(ta, f) - ta->rect.h;
    if (ta->scroll > max) ta->scroll = max;
    if (ta->scroll < 0) ta->scroll = 0;
}

void ta_reveal(text_area *ta, font *f, size_t pos)
{
    ta_layout(ta, f);
    int top = (int)line_of(ta, pos) * f->height;
    int view = ta->rect.h - 2 * ta->pad;
    if (top < ta->scroll) ta->scroll = top;
    else if (top + f->height > ta->scroll + view) ta->scroll = top + f->height - view;
    clamp_scroll(ta, f);
}

SDL_Rect ta_caret_rect(text_area *ta, font *f)
{
    ta_layout(ta, f);
    size_t line = line_of(ta, ta->tb.cursor);
    return (SDL_Rect){ta->rect.x + ta->pad + x_of(ta, f, line, ta->tb.cursor),
                      ta->rect.y + ta->pad + (int)line * f->height - ta->scroll, 2, f->height};
}

/* Fills the part of [a, b) that lies on line with color. */
static void fill_range(text_area *ta, SDL_Renderer *r, font *f, size_t line, int y, size_t a,
                       size_t b, SDL_Color c)
{
    const visual_line *l = &ta->lines[line];
    size_t lo = a > l->start ? a : l->start, hi = b < l->end ? b : l->end;
    int extra = 0;
    /* A selected newline shows as a small block, so empty selected lines are visible. */
    if (b > l->end && a <= l->end && l->end < ta->tb.len && ta->tb.data[l->end] == '\n')
        extra = f->px / 3;
    if (hi < lo || (hi == lo && !extra)) return;
    int x0 = x_of(ta, f, line, lo), x1 = x_of(ta, f, line, hi) + extra;
    SDL_SetRenderDrawColor(r, c.r, c.g, c.b, c.a);
    SDL_RenderFillRect(r, &(SDL_Rect){ta->rect.x + ta->pad + x0, y, x1 - x0, f->height});
}

void ta_draw(text_area *ta, SDL_Renderer *r, font *f)
{
    ta_layout(ta, f);
    clamp_scroll(ta, f);
    SDL_SetRenderDrawColor(r, THEME_FIELD.r, THEME_FIELD.g, THEME_FIELD.b, 255);
    SDL_RenderFillRect(r, &ta->rect);
    SDL_Color border = ta->focused ? THEME_ACCENT : THEME_BORDER;
    SDL_SetRenderDrawColor(r, border.r, border.g, border.b, 255);
    SDL_RenderDrawRect(r, &ta->rect);
    SDL_Rect clip = {ta->rect.x + 1, ta->rect.y + 1, ta->rect.w - 2, ta->rect.h - 2};
    SDL_RenderSetClipRect(r, &clip);

    size_t first = (size_t)(ta->scroll / f->height);
    size_t sel_a = tb_sel_begin(&ta->tb), sel_b = tb_sel_end(&ta->tb);
    size_t caret_line = line_of(ta, ta->tb.cursor);
    for (size_t i = first; i < ta->n_lines; i++) {
        int y = ta->rect.y + ta->pad + (int)i * f->height - ta->scroll;
        if (y > ta->rect.y + ta->rect.h) break;
        if (sel_b > sel_a) fill_range(ta, r, f, i, y, sel_a, sel_b, THEME_SELECTION);
        if (ta->highlight) fill_range(ta, r, f, i, y, ta->hl_begin, ta->hl_end, THEME_HIGHLIGHT);
        const visual_line *l = &ta->lines[i];
        int x = ta->rect.x + ta->pad;
        if (i == caret_line && ta->preedit[0]) {
            /* Composition in progress: text before the caret, the underlined preedit, the
             * rest shifted right, as IMEs expect. */
            size_t c = ta->tb.cursor;
            x = font_draw(f, ta->tb.data + l->start, c - l->start, x, y, THEME_TEXT);
            int px0 = x;
            x = font_draw(f, ta->preedit, strlen(ta->preedit), x, y, THEME_ACCENT);
            SDL_SetRenderDrawColor(r, THEME_ACCENT.r, THEME_ACCENT.g, THEME_ACCENT.b, 255);
            SDL_RenderFillRect(r, &(SDL_Rect){px0, y + f->height - 2, x - px0, 2});
            font_draw(f, ta->tb.data + c, l->end - c, x, y, THEME_TEXT);
        } else {
            font_draw(f, ta->tb.data + l->start, l->end - l->start, x, y, THEME_TEXT);
        }
    }
    /* Blinking caret; solid for a moment after each edit so it is easy to find. */
    Uint32 t = SDL_GetTicks() - ta->blink_start;
    if (ta->focused && !ta->preedit[0] && (t < 600 || (t / 500) % 2 == 0)) {
        SDL_Rect c = ta_caret_rect(ta, f);
        c.w = f->px / 12 > 1 ? f->px / 12 : 1;
        SDL_SetRenderDrawColor(r, THEME_TEXT.r, THEME_TEXT.g, THEME_TEXT.b, 255);
        SDL_RenderFillRect(r, &c);
    }
    /* Scroll bar when the text is taller than the view. */
    int total = content_height(ta, f);
    if (total > ta->rect.h) {
        int h = ta->rect.h * ta->rect.h / total, y = ta->rect.y + ta->scroll * ta->rect.h / total;
        SDL_SetRenderDrawColor(r, THEME_BORDER.r, THEME_BORDER.g, THEME_BORDER.b, 255);
        SDL_RenderFillRect(r, &(SDL_Rect){ta->rect.x + ta->rect.w - f->px / 3 - 2, y, f->px / 3,
                                          h < 8 ? 8 : h});
    }
    SDL_RenderSetClipRect(r, NULL);
}

static void edited(text_area *ta, font *f)
{
    ta->blink_start = SDL_GetTicks();
    ta_reveal(ta, f, ta->tb.cursor);
    ta->want_x = -1;
}

static void paste(text_area *ta, font *f)
{
    char *clip = SDL_GetClipboardText();
    if (clip && *clip) {
        /* Windows clipboards bring \r\n; keep one line break. */
        size_t n = 0;
        for (size_t i = 0; clip[i]; i++)
            if (clip[i] != '\r') clip[n++] = clip[i];
        tb_insert(&ta->tb, clip, n);
    }
    SDL_free(clip);
    edited(ta, f);
}

static void copy(text_area *ta)
{
    char *s = tb_copy_selection(&ta->tb);
    if (s && *s) SDL_SetClipboardText(s);
    free(s);
}

/* Up/down by visual lines, keeping the pixel column the movement started from. */
static void move_vertical(text_area *ta, font *f, int lines, int extend)
{
    size_t line = line_of(ta, ta->tb.cursor);
    if (ta->want_x < 0) ta->want_x = x_of(ta, f, line, ta->tb.cursor);
    long target = (long)line + lines;
    size_t pos;
    if (target < 0) pos = 0;
    else if (target >= (long)ta->n_lines) pos = ta->tb.len;
    else pos = pos_at_x(ta, f, (size_t)target, ta->want_x);
    int keep = ta->want_x;
    tb_move_to(&ta->tb, pos, extend);
    edited(ta, f);
    ta->want_x = keep;
}

static int handle_key(text_area *ta, font *f, const SDL_KeyboardEvent *k)
{
    text_buffer *tb = &ta->tb;
    int ctrl = (k->keysym.mod & (KMOD_CTRL | KMOD_GUI)) != 0;
    int shift = (k->keysym.mod & KMOD_SHIFT) != 0;
    size_t line = line_of(ta, tb->cursor);
    int page = (ta->rect.h - 2 * ta->pad) / f->height - 1;
    if (page < 1) page = 1;
    switch (k->keysym.sym) {
    case SDLK_LEFT:
        if (!shift && tb_has_selection(tb)) tb_move_to(tb, tb_sel_begin(tb), 0);
        else tb_move_to(tb, ctrl ? tb_prev_word(tb, tb->cursor) : tb_prev_char(tb, tb->cursor), shift);
        break;
    case SDLK_RIGHT:
        if (!shift && tb_has_selection(tb)) tb_move_to(tb, tb_sel_end(tb), 0);
        else tb_move_to(tb, ctrl ? tb_next_word(tb, tb->cursor) : tb_next_char(tb, tb->cursor), shift);
        break;
    case SDLK_UP: move_vertical(ta, f, -1, shift); return 1;
    case SDLK_DOWN: move_vertical(ta, f, 1, shift); return 1;
    case SDLK_PAGEUP: move_vertical(ta, f, -page, shift); return 1;
    case SDLK_PAGEDOWN: move_vertical(ta, f, page, shift); return 1;
    case SDLK_HOME: tb_move_to(tb, ctrl ? 0 : ta->lines[line].start, shift); break;
    case SDLK_END: tb_move_to(tb, ctrl ? tb->len : ta->lines[line].end, shift); break;
    case SDLK_BACKSPACE: tb_backspace(tb); break;
    case SDLK_DELETE: tb_delete(tb); break;
    case SDLK_RETURN:
    case SDLK_KP_ENTER:
        if (ctrl) return 0; /* Ctrl+Enter is Speak */
        tb_insert(tb, "\n", 1);
        break;
    case SDLK_a:
        if (!ctrl) return 0;
        tb_select_all(tb);
        break;
    case SDLK_c:
        if (!ctrl) return 0;
        copy(ta);
        return 1;
    case SDLK_x:
        if (!ctrl) return 0;
        copy(ta);
        tb_delete(tb);
        break;
    case SDLK_v:
        if (!ctrl) return 0;
        paste(ta, f);
        return 1;
    default: return 0;
    }
    edited(ta, f);
    return 1;
}

int ta_handle(text_area *ta, font *f, const SDL_Event *e)
{
    ta_layout(ta, f);
    switch (e->type) {
    case SDL_MOUSEBUTTONDOWN: {
        SDL_Point p = {e->button.x, e->button.y};
        ta->focused = SDL_PointInRect(&p, &ta->rect);
        if (!ta->focused || e->button.button != SDL_BUTTON_LEFT) return ta->focused;
        size_t pos = pos_at_point(ta, f, p.x, p.y);
        int shift = (SDL_GetModState() & KMOD_SHIFT) != 0;
        if (e->button.clicks == 2) {
            tb_move_to(&ta->tb, tb_prev_word(&ta->tb, tb_next_char(&ta->tb, pos)), 0);
            tb_move_to(&ta->tb, tb_next_word(&ta->tb, pos), 1);
        } else {
            tb_move_to(&ta->tb, pos, shift);
            ta->dragging = 1;
        }
        edited(ta, f);
        return 1;
    }
    case SDL_MOUSEMOTION:
        if (!ta->dragging) return 0;
        tb_move_to(&ta->tb, pos_at_point(ta, f, e->motion.x, e->motion.y), 1);
        edited(ta, f);
        return 1;
    case SDL_MOUSEBUTTONUP:
        if (!ta->dragging) return 0;
        ta->dragging = 0;
        return 1;
    case SDL_MOUSEWHEEL: /* the caller sends it only while the pointer is over the area */
        ta->scroll -= e->wheel.y * 3 * f->height;
        clamp_scroll(ta, f);
        return 1;
    case SDL_TEXTINPUT:
        if (!ta->focused) return 0;
        ta->preedit[0] = '\0';
        tb_insert(&ta->tb, e->text.text, strlen(e->text.text));
        edited(ta, f);
        return 1;
    case SDL_TEXTEDITING:
        if (!ta->focused) return 0;
        snprintf(ta->preedit, sizeof ta->preedit, "%s", e->edit.text);
        return 1;
    case SDL_KEYDOWN:
        if (!ta->focused) return 0;
        return handle_key(ta, f, &e->key);
    default: return 0;
    }
}
