#include <stdio.h>
#include <string.h>

#include "theme.h"
#include "widgets.h"

static int inside(SDL_Rect r, int x, int y)
{
    SDL_Point p = {x, y};
    return SDL_PointInRect(&p, &r);
}

static void set_color(SDL_Renderer *r, SDL_Color c)
{
    SDL_SetRenderDrawColor(r, c.r, c.g, c.b, c.a);
}

void draw_frame(SDL_Renderer *r, SDL_Rect rect, SDL_Color fill, SDL_Color border)
{
    set_color(r, fill);
    SDL_RenderFillRect(r, &rect);
    set_color(r, border);
    SDL_RenderDrawRect(r, &rect);
}

void draw_label(SDL_Renderer *r, font *f, const char *text, SDL_Rect rect, SDL_Color c,
                int centered)
{
    (void)r;
    int w = font_text_width(f, text, strlen(text));
    int x = centered ? rect.x + (rect.w - w) / 2 : rect.x;
    font_draw(f, text, strlen(text), x, rect.y + (rect.h - f->height) / 2, c);
}

void button_draw(SDL_Renderer *r, font *f, const button *b)
{
    SDL_Color fill = b->primary ? THEME_ACCENT : THEME_FIELD;
    SDL_Color text = b->primary ? THEME_ACCENT_TEXT : THEME_TEXT;
    if (!b->enabled) {
        fill = THEME_PANEL;
        text = THEME_MUTED;
    } else if (b->pressed) {
        fill = b->primary ? THEME_TEXT : THEME_SELECTION;
    }
    draw_frame(r, b->rect, fill, b->enabled && b->primary ? THEME_ACCENT : THEME_BORDER);
    draw_label(r, f, b->label, b->rect, text, 1);
}

int button_handle(button *b, const SDL_Event *e)
{
    if (e->type == SDL_MOUSEBUTTONDOWN && e->button.button == SDL_BUTTON_LEFT &&
        inside(b->rect, e->button.x, e->button.y)) {
        b->pressed = b->enabled;
        return 0;
    }
    if (e->type == SDL_MOUSEBUTTONUP && e->button.button == SDL_BUTTON_LEFT && b->pressed) {
        b->pressed = 0;
        return b->enabled && inside(b->rect, e->button.x, e->button.y);
    }
    return 0;
}

/* The track is the lower half of the rect; the label and value sit above it. */
static SDL_Rect track_of(const slider *s)
{
    int h = s->rect.h / 2;
    return (SDL_Rect){s->rect.x, s->rect.y + h, s->rect.w, s->rect.h - h};
}

void slider_draw(SDL_Renderer *r, font *f, const slider *s)
{
    char value[32];
    snprintf(value, sizeof value, s->format, (double)s->value);
    SDL_Rect top = {s->rect.x, s->rect.y, s->rect.w, s->rect.h / 2};
    draw_label(r, f, s->label, top, THEME_MUTED, 0);
    int vw = font_text_width(f, value, strlen(value));
    font_draw(f, value, strlen(value), top.x + top.w - vw, top.y + (top.h - f->height) / 2,
              THEME_TEXT);
    SDL_Rect t = track_of(s);
    int line = t.h / 6 > 2 ? t.h / 6 : 2;
    SDL_Rect bar = {t.x, t.y + t.h / 2 - line / 2, t.w, line};
    set_color(r, THEME_BORDER);
    SDL_RenderFillRect(r, &bar);
    float u = (s->value - s->min) / (s->max - s->min);
    bar.w = (int)(u * (float)t.w);
    set_color(r, THEME_ACCENT);
    SDL_RenderFillRect(r, &bar);
    int knob = t.h * 2 / 3;
    SDL_Rect k = {t.x + bar.w - knob / 2, t.y + (t.h - knob) / 2, knob, knob};
    draw_frame(r, k, s->dragging ? THEME_ACCENT : THEME_FIELD, THEME_ACCENT);
}

static int set_value(slider *s, float v)
{
    if (v < s->min) v = s->min;
    if (v > s->max) v = s->max;
    if (s->step > 0) v = s->min + s->step * SDL_roundf((v - s->min) / s->step);
    if (v == s->value) return 0;
    s->value = v;
    return 1;
}

static int value_at(slider *s, int x)
{
    SDL_Rect t = track_of(s);
    float u = (float)(x - t.x) / (float)(t.w > 1 ? t.w : 1);
    return set_value(s, s->min + u * (s->max - s->min));
}

int slider_handle(slider *s, const SDL_Event *e)
{
    switch (e->type) {
    case SDL_MOUSEBUTTONDOWN:
        if (e->button.button != SDL_BUTTON_LEFT || !inside(s->rect, e->button.x, e->button.y))
            return 0;
        s->dragging = 1;
        return value_at(s, e->button.x);
    case SDL_MOUSEMOTION: return s->dragging ? value_at(s, e->motion.x) : 0;
    case SDL_MOUSEBUTTONUP: s->dragging = 0; return 0;
    case SDL_MOUSEWHEEL: { /* the caller sends it only while the pointer is over it */
        float step = s->step > 0 ? s->step : (s->max - s->min) / 50;
        return set_value(s, s->value + step * (float)e->wheel.y);
    }
    default: return 0;
    }
}

int entry_init(entry *en, const char *placeholder)
{
    memset(en, 0, sizeof *en);
    en->placeholder = placeholder;
    return tb_init(&en->tb);
}

void entry_free(entry *en)
{
    tb_free(&en->tb);
}

void entry_draw(SDL_Renderer *r, font *f, entry *en)
{
    draw_frame(r, en->rect, THEME_FIELD, en->focused ? THEME_ACCENT : THEME_BORDER);
    int pad = f->px / 3;
    SDL_Rect clip = {en->rect.x + 1, en->rect.y + 1, en->rect.w - 2, en->rect.h - 2};
    SDL_RenderSetClipRect(r, &clip);
    int y = en->rect.y + (en->rect.h - f->height) / 2;
    int cx = font_text_width(f, en->tb.data, en->tb.cursor);
    /* Keep the caret in view for long paths. */
    int view = en->rect.w - 2 * pad;
    if (cx - en->scroll_x > view) en->scroll_x = cx - view;
    if (cx < en->scroll_x) en->scroll_x = cx;
    int x0 = en->rect.x + pad - en->scroll_x;
    if (en->tb.len == 0 && !en->focused) {
        font_draw(f, en->placeholder, strlen(en->placeholder), x0, y, THEME_MUTED);
    } else {
        if (tb_has_selection(&en->tb)) {
            int a = font_text_width(f, en->tb.data, tb_sel_begin(&en->tb));
            int b = font_text_width(f, en->tb.data, tb_sel_end(&en->tb));
            set_color(r, THEME_SELECTION);
            SDL_RenderFillRect(r, &(SDL_Rect){x0 + a, y, b - a, f->height});
        }
        font_draw(f, en->tb.data, en->tb.len, x0, y, THEME_TEXT);
    }
    if (en->focused) {
        set_color(r, THEME_TEXT);
        SDL_RenderFillRect(r, &(SDL_Rect){x0 + cx, y, f->px / 12 > 1 ? f->px / 12 : 1, f->height});
    }
    SDL_RenderSetClipRect(r, NULL);
}

int entry_handle(entry *en, const SDL_Event *e, int *enter)
{
    text_buffer *tb = &en->tb;
    *enter = 0;
    if (e->type == SDL_MOUSEBUTTONDOWN) {
        en->focused = inside(en->rect, e->button.x, e->button.y);
        if (en->focused) tb_select_all(tb);
        return en->focused;
    }
    if (!en->focused) return 0;
    if (e->type == SDL_TEXTINPUT) {
        tb_insert(tb, e->text.text, strlen(e->text.text));
        return 1;
    }
    if (e->type != SDL_KEYDOWN) return 0;
    int ctrl = (e->key.keysym.mod & (KMOD_CTRL | KMOD_GUI)) != 0;
    int shift = (e->key.keysym.mod & KMOD_SHIFT) != 0;
    switch (e->key.keysym.sym) {
    case SDLK_LEFT: tb_move_to(tb, tb_prev_char(tb, tb->cursor), shift); return 1;
    case SDLK_RIGHT: tb_move_to(tb, tb_next_char(tb, tb->cursor), shift); return 1;
    case SDLK_HOME: tb_move_to(tb, 0, shift); return 1;
    case SDLK_END: tb_move_to(tb, tb->len, shift); return 1;
    case SDLK_BACKSPACE: tb_backspace(tb); return 1;
    case SDLK_DELETE: tb_delete(tb); return 1;
    case SDLK_RETURN:
    case SDLK_KP_ENTER: *enter = 1; return 1;
    case SDLK_a:
        if (!ctrl) return 0;
        tb_select_all(tb);
        return 1;
    case SDLK_v:
        if (!ctrl) return 0;
        {
            char *clip = SDL_GetClipboardText();
            /* A path is one line: keep only the first. */
            if (clip) tb_insert(tb, clip, strcspn(clip, "\r\n"));
            SDL_free(clip);
        }
        return 1;
    default: return 0;
    }
}

void dropdown_draw(SDL_Renderer *r, font *f, const dropdown *d)
{
    draw_frame(r, d->rect, THEME_FIELD, d->open ? THEME_ACCENT : THEME_BORDER);
    int pad = f->px / 2;
    SDL_Rect text = {d->rect.x + pad, d->rect.y, d->rect.w - 3 * pad, d->rect.h};
    const char *name = d->n_items ? d->items[d->selected] : "(no voices installed)";
    SDL_RenderSetClipRect(r, &text);
    draw_label(r, f, name, text, d->n_items ? THEME_TEXT : THEME_ERROR, 0);
    SDL_RenderSetClipRect(r, NULL);
    /* A small down-pointing triangle, drawn as shrinking lines. */
    int s = f->px / 3, cx = d->rect.x + d->rect.w - pad - s, cy = d->rect.y + d->rect.h / 2 - s / 2;
    set_color(r, THEME_MUTED);
    for (int i = 0; i < s; i++) SDL_RenderDrawLine(r, cx - s + i, cy + i, cx + s - i, cy + i);
}

static SDL_Rect item_rect(const dropdown *d, int i)
{
    return (SDL_Rect){d->rect.x, d->rect.y + d->rect.h + i * d->item_h, d->rect.w, d->item_h};
}

void dropdown_draw_list(SDL_Renderer *r, font *f, const dropdown *d)
{
    if (!d->open) return;
    for (int i = 0; i < d->n_items; i++) {
        SDL_Rect it = item_rect(d, i);
        draw_frame(r, it, i == d->selected ? THEME_SELECTION : THEME_FIELD, THEME_BORDER);
        it.x += f->px / 2;
        draw_label(r, f, d->items[i], it, THEME_TEXT, 0);
    }
}

int dropdown_handle(dropdown *d, const SDL_Event *e)
{
    if (e->type != SDL_MOUSEBUTTONDOWN || e->button.button != SDL_BUTTON_LEFT) return 0;
    if (d->open) {
        d->open = 0;
        for (int i = 0; i < d->n_items; i++) {
            if (inside(item_rect(d, i), e->button.x, e->button.y)) {
                int changed = i != d->selected;
                d->selected = i;
                return changed;
            }
        }
        return 0;
    }
    if (inside(d->rect, e->button.x, e->button.y) && d->n_items > 0) d->open = 1;
    return 0;
}
