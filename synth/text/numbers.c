/* English number words. Written here rather than left to espeak-ng because espeak-ng reads
 * "$500" as "dollar five hundred", "-5" as "dash five" and Roman numerals as "roman two", and
 * because the word-highlight events need to know which spoken words came from which number. */
#include "synth/text/text_internal.h"

#include <string.h>

static const char *const ones[20] = {
    "zero",    "one",     "two",       "three",    "four",     "five",    "six",
    "seven",   "eight",   "nine",      "ten",      "eleven",   "twelve",  "thirteen",
    "fourteen", "fifteen", "sixteen",  "seventeen", "eighteen", "nineteen"};
static const char *const tens[10] = {"",      "",      "twenty",  "thirty", "forty",
                                     "fifty", "sixty", "seventy", "eighty", "ninety"};
static const char *const scales[7] = {"",           "thousand",    "million",    "billion",
                                      "trillion",   "quadrillion", "quintillion"};

static void word(tf_buf *b, const char *w)
{
    if (b->n && b->p[b->n - 1] != ' ') tf_buf_putc(b, ' ');
    tf_buf_puts(b, w);
}

/* 0 < v < 1000 */
static void below_thousand(tf_buf *b, unsigned v)
{
    if (v >= 100) {
        word(b, ones[v / 100]);
        word(b, "hundred");
        v %= 100;
    }
    if (v >= 20) {
        word(b, tens[v / 10]);
        v %= 10;
    }
    if (v) word(b, ones[v]);
}

void tf_num_cardinal(tf_buf *b, uint64_t v)
{
    if (v == 0) {
        word(b, "zero");
        return;
    }
    unsigned groups[7];
    int n = 0;
    while (v) {
        groups[n++] = (unsigned)(v % 1000);
        v /= 1000;
    }
    for (int g = n - 1; g >= 0; g--) {
        if (!groups[g]) continue;
        below_thousand(b, groups[g]);
        if (g) word(b, scales[g]);
    }
}

void tf_num_ordinal(tf_buf *b, uint64_t v)
{
    size_t start = b->n;
    tf_num_cardinal(b, v);
    if (b->oom) return;
    /* Rewrite the last word: one -> first, twenty -> twentieth, seven -> seventh. */
    size_t last = b->n;
    while (last > start && b->p[last - 1] != ' ') last--;
    static const char *const irregular[][2] = {{"one", "first"},  {"two", "second"},
                                               {"three", "third"}, {"five", "fifth"},
                                               {"eight", "eighth"}, {"nine", "ninth"},
                                               {"twelve", "twelfth"}};
    for (size_t i = 0; i < sizeof irregular / sizeof irregular[0]; i++) {
        if (!strcmp(b->p + last, irregular[i][0])) {
            b->n = last;
            tf_buf_puts(b, irregular[i][1]);
            return;
        }
    }
    if (b->p[b->n - 1] == 'y') {
        b->n--;
        tf_buf_puts(b, "ieth");
    } else {
        tf_buf_puts(b, "th");
    }
}

void tf_num_year(tf_buf *b, unsigned y)
{
    /* 2000-2009 read as "two thousand (five)"; other years in pairs: "nineteen eighty four",
     * "twenty twenty four", "nineteen oh five", "nineteen hundred". */
    if ((y >= 2000 && y <= 2009) || y < 1000 || y > 9999) {
        tf_num_cardinal(b, y);
        return;
    }
    unsigned hi = y / 100, lo = y % 100;
    tf_num_cardinal(b, hi);
    if (lo == 0) {
        word(b, "hundred");
    } else if (lo < 10) {
        word(b, "oh");
        word(b, ones[lo]);
    } else {
        tf_num_cardinal(b, lo);
    }
}

void tf_num_digits(tf_buf *b, const char *digits, size_t n, size_t group)
{
    size_t in_group = 0;
    for (size_t i = 0; i < n; i++) {
        if (digits[i] < '0' || digits[i] > '9') continue;
        if (group && in_group == group) {
            word(b, ",");
            in_group = 0;
        }
        word(b, ones[digits[i] - '0']);
        in_group++;
    }
}

void tf_num_digit_string(tf_buf *b, const char *digits, size_t n)
{
    size_t i = 0;
    while (i + 1 < n && digits[i] == '0') i++;
    if (n - i > 18) {
        tf_num_digits(b, digits, n, 3);
        return;
    }
    uint64_t v = 0;
    for (; i < n; i++) v = v * 10 + (uint64_t)(digits[i] - '0');
    tf_num_cardinal(b, v);
}

static int roman_digit(char c)
{
    switch (c) {
    case 'I': return 1;
    case 'V': return 5;
    case 'X': return 10;
    case 'L': return 50;
    case 'C': return 100;
    case 'D': return 500;
    case 'M': return 1000;
    default: return 0;
    }
}

unsigned tf_roman_value(const char *s, size_t n)
{
    if (n == 0 || n > 15) return 0;
    unsigned v = 0;
    for (size_t i = 0; i < n; i++) {
        int d = roman_digit(s[i]);
        if (!d) return 0;
        int next = i + 1 < n ? roman_digit(s[i + 1]) : 0;
        if (i + 1 < n && !next) return 0;
        v = d < next ? v - (unsigned)d : v + (unsigned)d;
    }
    if (v == 0 || v > 3999) return 0;
    /* Accept only the canonical spelling ("IV", not "IIII" or "IIV"), which rules out most
     * upper-case words that merely consist of these letters. */
    static const char *const th[] = {"", "M", "MM", "MMM"};
    static const char *const hu[] = {"", "C", "CC", "CCC", "CD", "D", "DC", "DCC", "DCCC", "CM"};
    static const char *const te[] = {"", "X", "XX", "XXX", "XL", "L", "LX", "LXX", "LXXX", "XC"};
    static const char *const on[] = {"", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX"};
    char canon[20];
    size_t k = 0;
    const char *parts[4] = {th[v / 1000], hu[v / 100 % 10], te[v / 10 % 10], on[v % 10]};
    for (int p = 0; p < 4; p++)
        for (const char *c = parts[p]; *c; c++) canon[k++] = *c;
    return k == n && !memcmp(canon, s, n) ? v : 0;
}
