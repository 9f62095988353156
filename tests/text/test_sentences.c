/* Sentence iterator: boundaries, abbreviations, numbers, paragraphs, max_bytes cuts, speed. */
#include "check.h"
#include "synth/text/frontend.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Splits text and compares the sentences with the '|'-separated list `expect`. */
static void expect_split(const char *text, size_t max_bytes, const char *expect)
{
    char got[1024] = "";
    size_t pos = 0, len = strlen(text);
    tf_span sp;
    int guard = 0;
    while (tf_next_sentence(text, len, max_bytes, &pos, &sp) == TF_OK && guard++ < 100) {
        if (got[0]) strcat(got, "|");
        strncat(got, text + sp.begin, sp.end - sp.begin);
    }
    CHECK_MSG(!strcmp(got, expect), "\"%s\" -> \"%s\", expected \"%s\"", text, got, expect);
}

static double seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

int main(void)
{
    expect_split("Hello there. How are you? Fine!", 0, "Hello there.|How are you?|Fine!");
    expect_split("  \n\t ", 0, "");
    expect_split("", 0, "");
    expect_split("No final stop", 0, "No final stop");
    expect_split("Mr. Smith met Dr. Jones. They talked.", 0, "Mr. Smith met Dr. Jones.|They talked.");
    expect_split("Pi is 3.14 today. Yes.", 0, "Pi is 3.14 today.|Yes.");
    expect_split("See e.g. the manual. Then stop.", 0, "See e.g. the manual.|Then stop.");
    expect_split("Apples, pears, etc. and more.", 0, "Apples, pears, etc. and more.");
    expect_split("We sold pears etc. Then we left.", 0, "We sold pears etc.|Then we left.");
    expect_split("J. R. R. Tolkien wrote it.", 0, "J. R. R. Tolkien wrote it.");
    expect_split("\"Stop!\" she said. Really?!  Yes...", 0, "\"Stop!\"|she said.|Really?!|Yes...");
    expect_split("Heading\n\nBody text here", 0, "Heading|Body text here");
    expect_split("Line one\nline two.", 0, "Line one\nline two.");
    /* NUL bytes inside the buffer are whitespace for the splitter. */
    {
        const char t[] = "One.\0\0Two.";
        size_t pos = 0;
        tf_span sp;
        CHECK(tf_next_sentence(t, sizeof t - 1, 0, &pos, &sp) == TF_OK && sp.end == 4);
        CHECK(tf_next_sentence(t, sizeof t - 1, 0, &pos, &sp) == TF_OK && sp.begin == 6);
        CHECK(tf_next_sentence(t, sizeof t - 1, 0, &pos, &sp) == TF_DONE);
    }
    /* max_bytes: cut at clause punctuation, else whitespace, never inside UTF-8. */
    expect_split("one two, three four five six", 16, "one two,|three four five|six");
    expect_split("aaaa bbbb cccc dddd", 10, "aaaa bbbb|cccc dddd");
    expect_split("\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9", 3, "\xC3\xA9|\xC3\xA9|\xC3\xA9|\xC3\xA9");
    expect_split("\xE2\x82\xAC", 1, "\xE2\x82\xAC"); /* limit below one character */
    CHECK(tf_next_sentence("x", 1, 0, NULL, NULL) == TF_ERR_ARG);

    /* Every span of a cut lies on character boundaries and within max_bytes. */
    size_t n = 1 << 20;
    char *big = malloc(n);
    CHECK(big != NULL);
    if (!big) return check_summary("test_sentences");
    const char *pattern = "Le caf\xC3\xA9 co\xC3\xBBte 3.50 \xE2\x82\xAC. Mr. Smith said so! ";
    size_t pl = strlen(pattern);
    for (size_t i = 0; i < n; i++) big[i] = pattern[i % pl];
    while (n && (big[n - 1] & 0xC0) == 0x80) n--; /* end on a boundary */
    if (n && (unsigned char)big[n - 1] >= 0xC0) n--;
    double t0 = seconds();
    size_t pos = 0, count = 0, bad = 0;
    tf_span sp;
    while (tf_next_sentence(big, n, 40, &pos, &sp) == TF_OK) {
        count++;
        if (sp.end - sp.begin > 40 || (big[sp.begin] & 0xC0) == 0x80 ||
            (sp.end < n && (big[sp.end] & 0xC0) == 0x80))
            bad++;
    }
    double dt = seconds() - t0;
    printf("1 MB split into %zu sentences in %.3f s\n", count, dt);
    CHECK(count > 10000);
    CHECK(bad == 0);
    CHECK(dt < 1.0);
    /* Without a limit, a 1 MB run with no punctuation is one sentence, found quickly. */
    memset(big, 'a', n);
    pos = 0;
    t0 = seconds();
    CHECK(tf_next_sentence(big, n, 0, &pos, &sp) == TF_OK && sp.end == n);
    CHECK(seconds() - t0 < 1.0);
    free(big);
    return check_summary("test_sentences");
}
