/* UTF-8 validation: valid text, overlong forms, surrogates, truncation, out of range. */
#include "check.h"
#include "synth/text/frontend.h"

#include <string.h>

static void expect_bad(const char *s, size_t n, size_t offset)
{
    size_t bad = (size_t)-1;
    CHECK_MSG(!tf_utf8_validate(s, n, &bad), "accepted invalid sequence at %zu", offset);
    CHECK_MSG(bad == offset, "bad offset %zu, expected %zu", bad, offset);
}

int main(void)
{
    size_t bad = 99;
    CHECK(tf_utf8_validate("", 0, &bad));
    CHECK(tf_utf8_validate(NULL, 0, &bad));
    const char *ok = "plain ASCII, caf\xC3\xA9, \xE2\x82\xAC" "5, \xF0\x9F\x98\x80, \xE4\xB8\xAD";
    CHECK(tf_utf8_validate(ok, strlen(ok), &bad));
    /* Boundaries: U+007F, U+0080, U+07FF, U+0800, U+FFFF, U+10000, U+10FFFF. */
    const char edges[] = "\x7F\xC2\x80\xDF\xBF\xE0\xA0\x80\xEF\xBF\xBF\xF0\x90\x80\x80\xF4\x8F\xBF\xBF";
    CHECK(tf_utf8_validate(edges, sizeof edges - 1, &bad));
    /* NUL bytes are valid UTF-8; the API is length based. */
    CHECK(tf_utf8_validate("a\0b", 3, &bad));

    expect_bad("ab\xC0\x80", 4, 2);             /* overlong NUL */
    expect_bad("\xC1\xBF", 2, 0);               /* overlong 2-byte */
    expect_bad("x\xE0\x80\xAF", 4, 1);          /* overlong '/' in 3 bytes */
    expect_bad("\xF0\x80\x80\xAF", 4, 0);       /* overlong in 4 bytes */
    expect_bad("abc\xED\xA0\x80", 6, 3);        /* high surrogate U+D800 */
    expect_bad("\xED\xBF\xBF", 3, 0);           /* low surrogate U+DFFF */
    expect_bad("\xF4\x90\x80\x80", 4, 0);       /* U+110000 */
    expect_bad("\xF5\x80\x80\x80", 4, 0);       /* lead byte beyond range */
    expect_bad("ok\x80", 3, 2);                 /* lone continuation */
    expect_bad("\xE2\x82", 2, 0);               /* truncated at end */
    expect_bad("\xE2\x82z", 3, 0);              /* truncated before ASCII */
    expect_bad("\xF0\x9F\x98", 3, 0);           /* truncated emoji */
    expect_bad("\xFF", 1, 0);
    expect_bad("good \xC3", 6, 5);
    /* Length-based: a valid sequence cut by n is invalid, the same bytes with room are fine. */
    expect_bad("\xC3\xA9", 1, 0);
    CHECK(tf_utf8_validate("\xC3\xA9", 2, NULL));
    return check_summary("test_utf8");
}
