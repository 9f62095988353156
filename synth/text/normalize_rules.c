/* Second pass of the normaliser: each chunk -> spoken words and clause punctuation.
 * Handles what libespeak-ng gets wrong or cannot know: numbers in context, abbreviations
 * with their sentence context (St. Paul / Main St.), Roman numerals after names and
 * keywords, symbols, and punctuation glued to words. Plain words are left as written (case
 * kept) so that libespeak-ng decides between acronyms read as words (NASA) or letters (FBI). */
#include "synth/text/text_internal.h"

#include <string.h>
#include <strings.h>

typedef struct {
    const tf_chunks *c;
    size_t i; /* current chunk */
    tf_items *out;
    int english, latin_only;
    int32_t word;      /* source word of the current chunk, -1 until something is said */
    tf_numctx num;     /* state carried between chunks */
    int prev_number;   /* previous chunk ended in a plain number */
    int prev_singular;
    tf_buf tmp;
} ctx;

static const char *chunk_text(const ctx *x, size_t i)
{
    return x->c->text.p + x->c->chunks[i].text;
}

static int32_t cur_word(ctx *x)
{
    if (x->word < 0) {
        const tf_chunk *k = &x->c->chunks[x->i];
        x->word = tf_items_new_word(x->out, k->src_begin, k->src_end);
    }
    return x->word;
}

static void say(ctx *x, const char *words)
{
    tf_items_words(x->out, words, strlen(words), cur_word(x));
}

static int is_upper(char c)
{
    return c >= 'A' && c <= 'Z';
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Opening and closing characters stripped from a chunk's ends (quotes, brackets, markdown). */
static int is_wrapper(uint32_t cp)
{
    return cp == '"' || cp == '\'' || cp == '(' || cp == ')' || cp == '[' || cp == ']' ||
           cp == '{' || cp == '}' || cp == '*' || cp == '_' || cp == '`' || cp == '~' ||
           cp == '|' || cp == '\\' || cp == '<' || cp == '>' || cp == 0x2018 || cp == 0x2019 ||
           cp == 0x201C || cp == 0x201D || cp == 0x201E || cp == 0xAB || cp == 0xBB ||
           cp == 0xBF || cp == 0xA1;
}

/* Clause mark for a punctuation character, 0 if none. */
static char clause_mark(uint32_t cp)
{
    switch (cp) {
    case ',': case 0x3001: case 0xFF0C: case 0x060C: return ',';
    case ';': case 0x061B: return ';';
    case ':': return ':';
    case '.': case 0x2026: case 0x3002: case 0x06D4: case 0x0964: return '.';
    case '!': case 0xFF01: return '!';
    case '?': case 0xFF1F: case 0x061F: return '?';
    default: return 0;
    }
}

static size_t prev_cp(const char *s, size_t end, uint32_t *cp)
{
    size_t b = end - 1;
    while (b > 0 && end - b < 4 && ((unsigned char)s[b] & 0xC0) == 0x80) b--;
    tf_utf8_decode(s + b, end - b, cp);
    return end - b;
}

/* "U.S" or "J": upper-case letters separated by periods. */
static int is_initials(const char *s, size_t n)
{
    if (n % 2 == 0) return 0;
    for (size_t i = 0; i < n; i++)
        if (i % 2 ? s[i] != '.' : !is_upper(s[i])) return 0;
    return 1;
}

/* The core of a chunk without wrappers and trailing punctuation, which goes to *mark. */
static void strip(const char *s, size_t n, size_t *b, size_t *e, char *mark)
{
    static const char rank[] = ",:;.!?";
    uint32_t cp;
    *mark = 0;
    while (*b < n) {
        size_t len = tf_utf8_decode(s + *b, n - *b, &cp);
        if (!is_wrapper(cp)) break;
        *b += len;
    }
    while (*e > *b) {
        size_t len = prev_cp(s, *e, &cp);
        char m = clause_mark(cp);
        if (m == '.' && cp == '.') {
            /* "Mr." and "U.S." keep their period; it ends the clause only at the end. */
            int title;
            size_t w = *e - 1 - *b;
            if (tf_abbreviation(s + *b, w, &title) || is_initials(s + *b, w)) break;
        }
        if (!m && !is_wrapper(cp)) break;
        if (m && (!*mark || strchr(rank, m) > strchr(rank, *mark))) *mark = m;
        *e -= len;
    }
}

static int is_keyword_before_numeral(const char *w, size_t n)
{
    static const char *const kw[] = {"war",   "chapter", "part",    "volume", "book",
                                     "act",   "scene",   "section", "phase",  "round",
                                     "level", "episode", "season",  "stage",  "article",
                                     "type",  "class",   "grade",   "bowl",   "appendix"};
    for (size_t i = 0; i < sizeof kw / sizeof kw[0]; i++)
        if (strlen(kw[i]) == n && !strncasecmp(kw[i], w, n)) return 1;
    return 0;
}

/* Roman numerals: "World War II" -> "two", "Henry VIII" -> "the eighth". */
static int roman(ctx *x, const char *s, size_t n)
{
    unsigned v = tf_roman_value(s, n);
    if (!v || x->i == 0) return 0;
    const char *p = chunk_text(x, x->i - 1);
    size_t pb = 0, pe = x->c->chunks[x->i - 1].len;
    char mark;
    strip(p, pe, &pb, &pe, &mark);
    if (mark || pe - pb < 2) return 0;
    x->tmp.n = 0;
    if (is_keyword_before_numeral(p + pb, pe - pb)) {
        tf_num_cardinal(&x->tmp, v);
    } else {
        static const char *const not_numerals[] = {"CD", "DC", "MD", "CV", "MC", "XL", "MM",
                                                   "CC", "DL", "CL", "LI", "MI", "DI", "CI",
                                                   "MIX", "MID", "DIV", "CIV", "LIV", "MIL"};
        if (n == 1 && s[0] == 'I') return 0; /* "Henry I went": the pronoun wins */
        for (size_t i = 0; i < sizeof not_numerals / sizeof not_numerals[0]; i++)
            if (strlen(not_numerals[i]) == n && !memcmp(not_numerals[i], s, n)) return 0;
        if (!is_upper(p[pb]) || is_upper(p[pb + 1])) return 0; /* after a name: "Henry" */
        tf_buf_puts(&x->tmp, "the ");
        tf_num_ordinal(&x->tmp, v);
    }
    say(x, x->tmp.p);
    return 1;
}

/* Abbreviation with or without its period; "St."/"Dr." after a name mean street/drive. */
static int abbreviation(ctx *x, const char *s, size_t n)
{
    int dotted = n > 1 && s[n - 1] == '.';
    size_t w = dotted ? n - 1 : n;
    int title = 0;
    const char *spoken = tf_abbreviation(s, w, &title);
    if (!spoken) return 0;
    int next_upper = 0, next_digit = 0, last = x->i + 1 >= x->c->n;
    if (!last) {
        const char *t = chunk_text(x, x->i + 1);
        size_t tb = 0, te = x->c->chunks[x->i + 1].len;
        char mark;
        strip(t, te, &tb, &te, &mark);
        next_upper = tb < te && is_upper(t[tb]);
        next_digit = tb < te && is_digit(t[tb]);
    }
    if (!dotted && !title) return 0;                    /* "Co", "Inc" only with a period */
    if (!dotted && strchr(spoken, ' ') == NULL && !next_upper && w <= 3 && is_upper(s[0]))
        return 0;                                       /* "Dr" alone is not "doctor" */
    if (w == 2 && !strncmp(s, "No", 2) && !next_digit) return 0;
    if ((!strncmp(s, "St", 2) || !strncmp(s, "Dr", 2)) && w == 2 && !next_upper && x->i > 0 &&
        is_upper(chunk_text(x, x->i - 1)[0]))
        spoken = s[0] == 'S' ? "street" : "drive";
    say(x, spoken);
    return 1;
}

static void letters(ctx *x, const char *s, size_t n)
{
    const char *unit = x->prev_number ? tf_unit(s, n, x->prev_singular) : NULL;
    int pm;
    if (x->english && x->prev_number && n == 2 && (s[1] | 0x20) == 'm' &&
        (((pm = (s[0] | 0x20) == 'p')) || (s[0] | 0x20) == 'a')) {
        say(x, pm ? "PM" : "AM");
    } else if (x->english && unit) {
        say(x, unit);
    } else {
        tf_items_word(x->out, s, n, cur_word(x));
    }
}

/* Generic pass over a core: runs of letters, numbers and symbols. */
static void generic(ctx *x, const char *s, size_t n)
{
    size_t i = 0;
    while (i < n && !x->out->oom) {
        uint32_t cp;
        size_t len = tf_utf8_decode(s + i, n - i, &cp);
        int cur;
        if (x->english && (is_digit(s[i]) || ((s[i] == '-' || s[i] == '+' || s[i] == '.' ||
                                                tf_currency(s + i, n - i, &cur) ||
                                                (n - i >= 3 && !memcmp(s + i, "\xE2\x88\x92", 3))) &&
                                               (i == 0 || s[i] == '.')))) {
            x->tmp.n = 0;
            tf_buf_put(&x->tmp, "", 0);
            size_t used = tf_read_number(s + i, n - i, &x->num, &x->tmp);
            if (used) {
                say(x, x->tmp.p);
                x->prev_number = x->num.number, x->prev_singular = x->num.singular;
                x->num.day = 0;
                i += used;
                continue;
            }
        }
        if (tf_is_letter(cp, x->latin_only) || (!x->english && is_digit(s[i]))) {
            size_t b = i;
            while (i < n) {
                len = tf_utf8_decode(s + i, n - i, &cp);
                int apos = cp == '\'' && i > b && i + len < n;
                if (!(tf_is_letter(cp, x->latin_only) || (!x->english && is_digit(s[i])) ||
                      (apos && tf_is_letter((unsigned char)s[i + len], 1))))
                    break;
                i += len;
            }
            letters(x, s + b, i - b);
            x->prev_number = 0;
            continue;
        }
        const char *name = NULL;
        char mark = clause_mark(cp);
        switch (cp) {
        case '&': name = "and"; break;
        case '@': name = "at"; break;
        case '+': name = "plus"; break;
        case '=': name = "equals"; break;
        case '%': name = "percent"; break;
        case 0xD7: name = "times"; break;
        case '#': name = i + 1 < n && is_digit(s[i + 1]) ? "number" : NULL; break;
        case '-': case 0x2013: case 0x2014: mark = (i == 0 && len == n) || cp != '-' ? ',' : 0;
        }
        if (x->english && name) say(x, name);
        else if (mark && mark != '.' && x->word >= 0) tf_items_punct(x->out, mark);
        i += len;
    }
}

static void chunk(ctx *x)
{
    const tf_chunk *k = &x->c->chunks[x->i];
    const char *s = chunk_text(x, x->i);
    if (k->kind == TF_CHUNK_PHONEMES) {
        tf_items_phonemes(x->out, s, k->len, cur_word(x));
        return;
    }
    if (k->kind == TF_CHUNK_BREAK) {
        tf_items_punct(x->out, ',');
        return;
    }
    size_t b = 0, e = k->len;
    char mark;
    strip(s, k->len, &b, &e, &mark);
    const char *core = s + b;
    size_t n = e - b;
    if (x->i + 1 < x->c->n) {
        x->num.next = chunk_text(x, x->i + 1);
        x->num.next_n = x->c->chunks[x->i + 1].len;
    } else {
        x->num.next = NULL, x->num.next_n = 0;
    }
    const char *pending = x->num.pending;
    x->num.pending = NULL;
    int handled = 0;
    if (x->english && n) {
        int month = tf_month(core, n - (core[n - 1] == '.'));
        if (month && (n > 3 || core[0] != 'M') && x->num.next && is_digit(x->num.next[0])) {
            say(x, tf_month_name(month)); /* "Jan 5" -> "January fifth" */
            x->num.day = 1;
            handled = 1;
        } else {
            handled = abbreviation(x, core, n) || roman(x, core, n);
        }
        if (!handled && n > 2 && core[n - 1] == '.') { /* dotted initials: "U.S." */
            size_t j = 0;
            while (j + 1 < n && is_upper(core[j]) && core[j + 1] == '.') j += 2;
            if (j == n) {
                for (j = 0; j < n; j += 2) tf_items_word(x->out, core + j, 1, cur_word(x));
                handled = 1;
            }
        }
    }
    if (!handled) generic(x, core, n);
    else x->prev_number = 0;
    if (pending) say(x, pending);
    if (n && core[n - 1] == '.' && x->i + 1 == x->c->n && !mark) mark = '.';
    if (mark) {
        x->prev_number = 0;
        if (x->out->n) tf_items_punct(x->out, mark);
    }
}

void tf_rules_apply(const tf_chunks *c, int english, int latin_only, tf_items *out)
{
    ctx x = {.c = c, .out = out, .english = english, .latin_only = latin_only};
    for (x.i = 0; x.i < c->n && !out->oom; x.i++) {
        x.word = -1;
        chunk(&x);
    }
    if (x.tmp.oom || out->pool.oom) out->oom = 1;
    tf_buf_free(&x.tmp);
}
