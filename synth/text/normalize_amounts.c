/* Numbers in context: currency, signs, decimals, ordinals, percent, times, ISO dates, decades
 * and attached units. English only; other languages leave digits to libespeak-ng. */
#include "synth/text/text_internal.h"

#include <string.h>
#include <strings.h>

static const struct {
    const char *sign, *one, *many, *cent, *cents;
} currencies[] = {{"$", "dollar", "dollars", "cent", "cents"},
                  {"\xC2\xA3", "pound", "pounds", "penny", "pence"},
                  {"\xE2\x82\xAC", "euro", "euros", "cent", "cents"},
                  {"\xC2\xA5", "yen", "yen", "sen", "sen"}};

size_t tf_currency(const char *s, size_t n, int *which)
{
    for (int i = 0; i < 4; i++) {
        size_t len = strlen(currencies[i].sign);
        if (n >= len && !memcmp(s, currencies[i].sign, len)) {
            *which = i;
            return len;
        }
    }
    return 0;
}

static const struct {
    const char *abbr, *one, *many;
} units[] = {
    {"km", "kilometer", "kilometers"}, {"m", "meter", "meters"},
    {"cm", "centimeter", "centimeters"}, {"mm", "millimeter", "millimeters"},
    {"kg", "kilogram", "kilograms"},   {"g", "gram", "grams"},
    {"mg", "milligram", "milligrams"}, {"lb", "pound", "pounds"},
    {"lbs", "pound", "pounds"},        {"oz", "ounce", "ounces"},
    {"ft", "foot", "feet"},            {"mi", "mile", "miles"},
    {"mph", "mile per hour", "miles per hour"}, {"km/h", "kilometer per hour", "kilometers per hour"},
    {"kph", "kilometer per hour", "kilometers per hour"}, {"ms", "millisecond", "milliseconds"},
    {"hr", "hour", "hours"},           {"hrs", "hour", "hours"},
    {"KB", "kilobyte", "kilobytes"},   {"MB", "megabyte", "megabytes"},
    {"GB", "gigabyte", "gigabytes"},   {"TB", "terabyte", "terabytes"},
    {"kW", "kilowatt", "kilowatts"},   {"\xC2\xB0" "C", "degree Celsius", "degrees Celsius"},
    {"\xC2\xB0" "F", "degree Fahrenheit", "degrees Fahrenheit"}, {"\xC2\xB0", "degree", "degrees"},
};

const char *tf_unit(const char *s, size_t n, int singular)
{
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
        if (strlen(units[i].abbr) == n && !memcmp(units[i].abbr, s, n))
            return singular ? units[i].one : units[i].many;
    return NULL;
}

static int digit(char c)
{
    return c >= '0' && c <= '9';
}

static int alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* "am", "pm", "a.m.", "p.m." (any case) at s; returns its length and *pm. */
static size_t meridiem(const char *s, size_t n, int *pm)
{
    if (n < 2 || (s[0] | 0x20) != 'a') {
        if (n < 2 || (s[0] | 0x20) != 'p') return 0;
    }
    *pm = (s[0] | 0x20) == 'p';
    size_t len = 0;
    if ((s[1] | 0x20) == 'm') len = 2;
    else if (n >= 3 && s[1] == '.' && (s[2] | 0x20) == 'm') len = n >= 4 && s[3] == '.' ? 4 : 3;
    if (!len || (len < n && alpha(s[len]))) return 0;
    return len;
}

static void put_word(tf_buf *b, const char *w)
{
    if (b->n && b->p[b->n - 1] != ' ') tf_buf_putc(b, ' ');
    tf_buf_puts(b, w);
}

static unsigned small_value(const char *d, size_t n)
{
    unsigned v = 0;
    for (size_t i = 0; i < n && i < 9; i++) v = v * 10 + (unsigned)(d[i] - '0');
    return v;
}

/* "2024-01-15" -> "January fifteenth twenty twenty four"; returns 10 or 0. */
static size_t iso_date(const char *s, size_t n, tf_buf *b)
{
    if (n < 10 || s[4] != '-' || s[7] != '-' || (n > 10 && (digit(s[10]) || alpha(s[10]))))
        return 0;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && !digit(s[i])) return 0;
    unsigned y = small_value(s, 4), m = small_value(s + 5, 2), d = small_value(s + 8, 2);
    if (m < 1 || m > 12 || d < 1 || d > 31) return 0;
    put_word(b, tf_month_name((int)m));
    tf_num_ordinal(b, d);
    tf_num_year(b, y);
    return 10;
}

size_t tf_read_number(const char *s, size_t n, tf_numctx *nc, tf_buf *b)
{
    size_t i = 0;
    int neg = 0, cur = -1;
    nc->number = 0;
    if (i < n && s[i] == '-') neg = 1, i++;
    else if (n - i >= 3 && !memcmp(s + i, "\xE2\x88\x92", 3)) neg = 1, i += 3; /* minus sign */
    else if (i < n && s[i] == '+') i++;
    i += tf_currency(s + i, n - i, &cur);
    if (i >= n || !(digit(s[i]) || (s[i] == '.' && i + 1 < n && digit(s[i + 1])))) return 0;
    if (!neg && cur < 0 && iso_date(s, n, b)) return 10;

    /* Integer part; thousands separators only where they group by three. */
    char intd[64];
    size_t ni = 0, num0 = i, group = 0;
    int first_group = 1;
    while (i < n && digit(s[i])) {
        if (ni < sizeof intd) intd[ni] = s[i];
        ni++, i++, group++;
        /* "1,000,000": a comma continues the number only where it groups digits by three. */
        if (i + 3 < n && s[i] == ',' && (first_group ? group <= 3 : group == 3) &&
            digit(s[i + 1]) && digit(s[i + 2]) && digit(s[i + 3]) &&
            (i + 4 >= n || !digit(s[i + 4]))) {
            i++;
            group = 0, first_group = 0;
        }
    }
    int big = ni > 18;
    const char *digits_at = s + num0;
    size_t digits_len = i - num0;
    int commas = memchr(digits_at, ',', digits_len) != NULL;
    size_t fstart = 0, nf = 0;
    if (i + 1 < n && s[i] == '.' && digit(s[i + 1])) {
        fstart = ++i;
        while (i < n && digit(s[i])) i++;
        nf = i - fstart;
    }
    unsigned small = ni <= 9 ? small_value(intd, ni) : 1000000000u;

    /* Times: "3:30", "10:45pm". */
    if (cur < 0 && !neg && !nf && !commas && ni <= 2 && small <= 24 && i + 2 < n &&
        s[i] == ':' && digit(s[i + 1]) && digit(s[i + 2]) && (i + 3 >= n || !digit(s[i + 3]))) {
        unsigned mins = small_value(s + i + 1, 2);
        if (mins < 60) {
            i += 3;
            tf_num_cardinal(b, small);
            if (mins == 0) put_word(b, small <= 12 ? "o'clock" : "hundred");
            else if (mins < 10) put_word(b, "oh"), tf_num_cardinal(b, mins);
            else tf_num_cardinal(b, mins);
            int pm;
            size_t ml = meridiem(s + i, n - i, &pm);
            if (ml) put_word(b, pm ? "PM" : "AM"), i += ml;
            nc->number = !ml; /* "3:30 pm" with a space: the next chunk may still be "pm" */
            nc->singular = 0;
            return i;
        }
    }
    if (neg) put_word(b, "minus");
    /* Ordinals: "1st", "103rd". */
    if (cur < 0 && !nf && !big && i + 1 < n && alpha(s[i]) && (i + 2 >= n || !alpha(s[i + 2]))) {
        static const char *const suf[] = {"st", "nd", "rd", "th"};
        for (int k = 0; k < 4; k++) {
            if (!strncasecmp(s + i, suf[k], 2)) {
                uint64_t v = 0;
                for (size_t k2 = 0; k2 < ni; k2++) v = v * 10 + (uint64_t)(intd[k2] - '0');
                tf_num_ordinal(b, v);
                return i + 2;
            }
        }
    }
    /* Decades: "1980s", "90s". */
    if (cur < 0 && !nf && !neg && (ni == 4 || ni == 2) && intd[ni - 1] == '0' && i < n &&
        s[i] == 's' && (i + 1 >= n || !alpha(s[i + 1]))) {
        size_t w0 = b->n;
        if (ni == 4) tf_num_year(b, small);
        else tf_num_cardinal(b, small);
        if (b->n > w0 && b->p[b->n - 1] == 'y') b->n--, tf_buf_puts(b, "ies");
        else tf_buf_putc(b, 's');
        return i + 1;
    }
    /* Scale after a currency amount: "$5k", "$1.2m", "$3bn", or "$1.2 million". */
    const char *scale = NULL;
    if (cur >= 0) {
        if (i < n && (s[i] == 'k' || s[i] == 'K') && (i + 1 >= n || !alpha(s[i + 1])))
            scale = "thousand", i++;
        else if (i < n && (s[i] == 'm' || s[i] == 'M') && (i + 1 >= n || !alpha(s[i + 1])))
            scale = "million", i++;
        else if (i + 1 < n && !strncasecmp(s + i, "bn", 2) && (i + 2 >= n || !alpha(s[i + 2])))
            scale = "billion", i += 2;
    }
    int next_scale = cur >= 0 && !scale && nc->next &&
                     (!strncasecmp(nc->next, "thousand", 8) || !strncasecmp(nc->next, "million", 7) ||
                      !strncasecmp(nc->next, "billion", 7) || !strncasecmp(nc->next, "trillion", 8));
    int year = cur < 0 && !neg && !nf && !commas && ni == 4 && small >= 1100 && small <= 2099 &&
               (i >= n || s[i] != '%') && !nc->day;
    int cents = cur >= 0 && !scale && !next_scale && nf > 0 && nf <= 2;

    if (big) {
        tf_num_digits(b, digits_at, digits_len, 3);
    } else if (year) {
        tf_num_year(b, small);
    } else if (nc->day && !nf && small >= 1 && small <= 31) {
        tf_num_ordinal(b, small);
    } else if (!(cents && small == 0)) {
        uint64_t v = 0;
        for (size_t k = 0; k < ni; k++) v = v * 10 + (uint64_t)(intd[k] - '0');
        tf_num_cardinal(b, v);
    }
    if (nf && !cents) {
        put_word(b, "point");
        tf_num_digits(b, s + fstart, nf, nf > 12 ? 3 : 0);
    }
    int one = !nf && ni >= 1 && small == 1 && !big;
    if (scale) put_word(b, scale);
    if (i < n && s[i] == '%') put_word(b, "percent"), i++;
    int cur_after = -1;
    size_t cl = cur < 0 ? tf_currency(s + i, n - i, &cur_after) : 0;
    if (cl) cur = cur_after, i += cl;
    if (cur >= 0) {
        int one_unit = small == 1 && ni >= 1 && !big && !scale && (!nf || cents);
        const char *unit = one_unit ? currencies[cur].one : currencies[cur].many;
        if (next_scale) {
            nc->pending = currencies[cur].many;
        } else if (cents) {
            unsigned c = small_value(s + fstart, nf) * (nf == 1 ? 10 : 1);
            if (small) put_word(b, unit);
            if (small && c) put_word(b, "and");
            if (c || !small) {
                tf_num_cardinal(b, c);
                put_word(b, c == 1 ? currencies[cur].cent : currencies[cur].cents);
            }
        } else {
            put_word(b, unit);
        }
        return i;
    }
    int pm;
    size_t ml = !nf && small <= 12 ? meridiem(s + i, n - i, &pm) : 0;
    if (ml) {
        put_word(b, pm ? "PM" : "AM");
        return i + ml;
    }
    nc->number = 1;
    nc->singular = one;
    return i;
}
