/* Hostile and odd input: nothing may crash, leak, hang, or produce unbounded output. */
#include "check.h"
#include "text_util.h"

#include <stdio.h>
#include <time.h>

static double seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static uint64_t rng = 88172645463325252ull;
static uint32_t next_random(void)
{
    rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
    return (uint32_t)(rng >> 11);
}

/* Phonemizes text sentence by sentence; returns tokens produced, or -1 on an error. */
static long run_all(tf_frontend *fe, const char *text, size_t len, size_t max_bytes)
{
    size_t pos = 0;
    tf_span sp;
    long tokens = 0;
    while (tf_next_sentence(text, len, max_bytes, &pos, &sp) == TF_OK) {
        tf_phonemes p;
        tf_status st = tf_phonemize(fe, text + sp.begin, sp.end - sp.begin, &p);
        if (st != TF_OK) return -1;
        tokens += (long)p.n;
        tf_phonemes_free(&p);
    }
    return tokens;
}

int main(void)
{
    tf_frontend *fe = NULL;
    CHECK(tf_create("zz-nonexistent", &fe) == TF_ERR_ESPEAK && fe == NULL);
    CHECK(tf_create("en; rm -rf", &fe) == TF_ERR_ESPEAK);
    CHECK(tf_create(NULL, &fe) == TF_ERR_ARG);
    CHECK(tf_create("en-us", &fe) == TF_OK);
    if (!fe) return check_summary("test_bad_input");
    tf_phonemes p;
    char *s = NULL;

    /* Argument errors. */
    CHECK(tf_phonemize(NULL, "a", 1, &p) == TF_ERR_ARG);
    CHECK(tf_phonemize(fe, NULL, 3, &p) == TF_ERR_ARG);
    CHECK(tf_normalize(fe, "a", 1, NULL) == TF_ERR_ARG);
    CHECK(tf_phonemize(fe, "\xC0\x80", 2, &p) == TF_ERR_UTF8);
    CHECK(tf_normalize(fe, "\xFF", 1, &s) == TF_ERR_UTF8 && s == NULL);
    CHECK(strcmp(tf_strerror(TF_ERR_UTF8), "invalid UTF-8") == 0);

    /* Nothing to say: n == 0 (no "^ $"), no words. */
    const char *silent[] = {"", "   \t\n ", ".,;!?", "\xF0\x9F\x98\x80\xF0\x9F\x8E\x89",
                            "<speak></speak>", "\xE4\xB8\xAD\xE6\x96\x87", "\xD9\x85\xD8\xB1"};
    for (size_t i = 0; i < sizeof silent / sizeof silent[0]; i++) {
        CHECK(tf_phonemize(fe, silent[i], strlen(silent[i]), &p) == TF_OK);
        CHECK_MSG(p.n == 0 && p.n_words == 0, "'%s' gave %zu tokens", silent[i], p.n);
        tf_phonemes_free(&p);
    }
    /* NUL and control characters inside the buffer act as whitespace. */
    const char nul[] = "hello\0world\x01\x1b\x7f ok\r\n";
    CHECK(tf_phonemize(fe, nul, sizeof nul - 1, &p) == TF_OK && p.n_words == 3);
    char *a = phonemes_of(fe, "hello world ok");
    size_t len = 0;
    for (size_t i = 0; i < p.n; i++) len += strlen(p.tokens[i]) + 1;
    CHECK(a && strlen(a) + 1 == len);
    tf_phonemes_free(&p);
    free(a);
    CHECK(tf_normalize(fe, nul, sizeof nul - 1, &s) == TF_OK && s && !strcmp(s, "hello world ok"));
    printf("controls: %s\n", s ? s : "");
    free(s);

    /* Markup: tags stripped, entities decoded, unterminated things are just text. */
    const char *markup = "<speak><p>Tom &amp; Jerry &lt;3 &#8364;5 &#x41;</p> &bogus; <unclosed";
    CHECK(tf_normalize(fe, markup, strlen(markup), &s) == TF_OK);
    printf("markup: %s\n", s ? s : "");
    CHECK(s && !strcmp(s, "Tom and Jerry three five euros A and bogus; unclosed"));
    free(s);
    const char *evil_entities = "&#0; &#xD800; &#99999999; &#x110000; &; &#;";
    CHECK(tf_phonemize(fe, evil_entities, strlen(evil_entities), &p) == TF_OK);
    tf_phonemes_free(&p);
    const char *open_inline = "[[ never closed and [[]] empty";
    CHECK(tf_phonemize(fe, open_inline, strlen(open_inline), &p) == TF_OK && p.n > 2);
    tf_phonemes_free(&p);

    /* CJK/Arabic inside English: dropped, the English around it is kept. */
    char *mixed = phonemes_of(fe, "hello \xE4\xB8\xAD\xE6\x96\x87 world \xD9\x85\xD8\xB1");
    char *plain = phonemes_of(fe, "hello world");
    CHECK(mixed && plain && !strcmp(mixed, plain));
    free(mixed), free(plain);

    /* Absurd numbers: a 10,000-digit number is read digit by digit in groups, fast, and the
     * output is linear in the input. */
    size_t nd = 10000;
    char *digits = malloc(nd + 1);
    for (size_t i = 0; i < nd; i++) digits[i] = (char)('1' + i % 9);
    digits[nd] = '\0';
    double t0 = seconds();
    CHECK(tf_phonemize(fe, digits, nd, &p) == TF_OK);
    double dt = seconds() - t0;
    printf("10000-digit number: %zu tokens, %.3f s\n", p.n, dt);
    CHECK(p.n > nd && p.n < nd * 12);
    CHECK(p.n_words == 1);
    CHECK(dt < 5.0);
    tf_phonemes_free(&p);
    free(digits);
    char *huge = phonemes_of(fe, "99999999999999999999"); /* 20 digits: over uint64 words */
    CHECK(huge && strstr(huge, "n ˈ aɪ n") != NULL);
    free(huge);

    /* One enormous word and one enormous tag-like run. */
    size_t big = 100000;
    char *w = malloc(big);
    memset(w, 'a', big);
    CHECK(tf_phonemize(fe, w, big, &p) == TF_OK);
    tf_phonemes_free(&p);
    w[0] = '<';
    CHECK(tf_phonemize(fe, w, big, &p) == TF_OK);
    tf_phonemes_free(&p);
    free(w);

    /* 1 MB of random bytes: rejected as UTF-8 (or, split into sentences, each one either
     * rejected or phonemised); the splitter survives it. */
    size_t mb = 1 << 20;
    char *rnd = malloc(mb);
    for (size_t i = 0; i < mb; i++) rnd[i] = (char)next_random();
    size_t bad;
    CHECK(!tf_utf8_validate(rnd, mb, &bad));
    size_t pos = 0, sentences = 0, rejected = 0;
    tf_span sp;
    t0 = seconds();
    while (tf_next_sentence(rnd, mb, 400, &pos, &sp) == TF_OK) {
        sentences++;
        tf_status st = tf_phonemize(fe, rnd + sp.begin, sp.end - sp.begin, &p);
        CHECK(st == TF_OK || st == TF_ERR_UTF8);
        rejected += st == TF_ERR_UTF8;
        tf_phonemes_free(&p);
    }
    printf("1 MB random bytes: %zu pieces, %zu rejected, %.2f s\n", sentences, rejected,
           seconds() - t0);

    /* 1 MB of random valid UTF-8 (code points from all planes). */
    size_t k = 0;
    while (k + 4 < mb) {
        uint32_t cp = next_random() % 0x110000;
        if (cp >= 0xD800 && cp <= 0xDFFF) continue;
        if (next_random() % 2) cp = 0x20 + next_random() % 0x60; /* plenty of ASCII too */
        unsigned char *o = (unsigned char *)rnd + k;
        if (cp < 0x80) o[0] = (unsigned char)cp, k += 1;
        else if (cp < 0x800) o[0] = 0xC0 | cp >> 6, o[1] = 0x80 | (cp & 63), k += 2;
        else if (cp < 0x10000)
            o[0] = 0xE0 | cp >> 12, o[1] = 0x80 | ((cp >> 6) & 63), o[2] = 0x80 | (cp & 63), k += 3;
        else
            o[0] = 0xF0 | cp >> 18, o[1] = 0x80 | ((cp >> 12) & 63),
            o[2] = 0x80 | ((cp >> 6) & 63), o[3] = 0x80 | (cp & 63), k += 4;
    }
    CHECK(tf_utf8_validate(rnd, k, &bad));
    t0 = seconds();
    long tokens = run_all(fe, rnd, k, 400);
    printf("1 MB random UTF-8: %ld tokens, %.2f s\n", tokens, seconds() - t0);
    CHECK(tokens > 0);
    free(rnd);

    /* 1 MB of ordinary English: sentence split + normalise + phonemize, timed. */
    const char *para = "The quick brown fox, who was 3 years old, jumped over the lazy dog on "
                       "January 5th, 2024. Mr. Smith paid $3.50 for 2 coffees at 7:30 am! "
                       "Did NASA really spend 1,000,000 dollars on it? Nobody knows.\n\n";
    size_t pl = strlen(para), reps = mb / pl;
    char *text = malloc(reps * pl + 1);
    for (size_t i = 0; i < reps; i++) memcpy(text + i * pl, para, pl);
    t0 = seconds();
    tokens = run_all(fe, text, reps * pl, 400);
    dt = seconds() - t0;
    printf("1 MB English: %ld tokens in %.2f s (%.2f MB/s)\n", tokens, dt,
           (double)(reps * pl) / dt / 1e6);
    CHECK(tokens > (long)(reps * 100));
    free(text);

    tf_destroy(fe);
    tf_destroy(NULL);
    tf_phonemes_free(NULL);
    return check_summary("test_bad_input");
}
