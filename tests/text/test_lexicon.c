/* User lexicon, inline [[phonemes]], and phoneme inventory mapping. */
#include "check.h"
#include "text_util.h"

#include <stdio.h>

int main(void)
{
    tf_frontend *fe = NULL;
    CHECK(tf_create("en-us", &fe) == TF_OK);
    if (!fe) return check_summary("test_lexicon");

    /* Lexicon overrides espeak-ng, case-insensitively; stress marks become own symbols. */
    char *before = phonemes_of(fe, "Myna sings");
    CHECK(tf_lexicon_add(fe, "myna", "m ˈaɪ n ə") == TF_OK);
    char *after = phonemes_of(fe, "MYNA sings");
    CHECK(after && !strncmp(after, "^ m ˈ aɪ n ə # ", 17));
    CHECK(before && after && strcmp(before, after) != 0);
    printf("before: %s\nafter:  %s\n", before ? before : "", after ? after : "");
    free(before), free(after);
    /* A later entry replaces the earlier one. */
    CHECK(tf_lexicon_add(fe, "Myna", "m iː n ə") == TF_OK);
    char *again = phonemes_of(fe, "myna");
    CHECK(again && !strcmp(again, "^ m iː n ə $"));
    free(again);
    CHECK(tf_lexicon_add(fe, "", "a") == TF_ERR_LEXICON);
    CHECK(tf_lexicon_add(fe, "word", "   ") == TF_ERR_LEXICON);
    CHECK(tf_lexicon_add(NULL, "w", "a") == TF_ERR_ARG);

    /* Lexicon file: comments, tabs, CRLF; a malformed line is reported. */
    const char *path = "test_text_lexicon.tmp";
    FILE *f = fopen(path, "wb");
    CHECK(f != NULL);
    if (f) {
        fputs("# my words\n\ntomato\tt ə m ˈɑː t oʊ  # British\r\nGIF   dʒ ˈ ɪ f\n", f);
        fclose(f);
    }
    CHECK(tf_lexicon_load(fe, path) == TF_OK);
    char *t = phonemes_of(fe, "tomato gif.");
    CHECK(t && !strcmp(t, "^ t ə m ˈ ɑː t oʊ # dʒ ˈ ɪ f . $"));
    printf("lexicon file: %s\n", t ? t : "");
    free(t);
    f = fopen(path, "wb");
    if (f) {
        fputs("good g ʊ d\nlonely\n", f);
        fclose(f);
    }
    CHECK(tf_lexicon_load(fe, path) == TF_ERR_LEXICON);
    remove(path);
    CHECK(tf_lexicon_load(fe, "/nonexistent/lexicon.txt") == TF_ERR_IO);

    /* Inline phonemes go straight through, as one word with its own word span. */
    const char *text = "say [[h ə l ˈoʊ]] now";
    tf_phonemes p;
    CHECK(tf_phonemize(fe, text, strlen(text), &p) == TF_OK);
    char *s = phonemes_of(fe, text);
    CHECK(s && strstr(s, "# h ə l ˈ oʊ #") != NULL);
    printf("inline: %s\n", s ? s : "");
    free(s);
    CHECK(p.n_words == 3);
    if (p.n_words == 3) {
        size_t now = (size_t)(strstr(text, "now") - text);
        CHECK(p.word_spans[0].begin == 0 && p.word_spans[0].end == 3);
        CHECK(p.word_spans[1].begin == 4 && p.word_spans[1].end == now - 1);
        CHECK(p.word_spans[2].begin == now && p.word_spans[2].end == now + 3);
    }
    /* Word indices: every phoneme belongs to a word, markers to none, in order. */
    int32_t last = -1;
    int order_ok = 1;
    for (size_t i = 0; i < p.n; i++) {
        const char *tok = p.tokens[i];
        int marker = !strcmp(tok, "^") || !strcmp(tok, "$") || !strcmp(tok, "#");
        if (marker ? p.word[i] != -1 : (p.word[i] < last || p.word[i] >= (int32_t)p.n_words))
            order_ok = 0;
        if (!marker) last = p.word[i];
    }
    CHECK(order_ok);

    /* Words libespeak-ng joins ("that the" -> one word) keep the words after them right:
     * every phoneme of "wind" belongs to "wind" (by length alone it went to "the"). */
    const char *joined = "He said twice that the wind would turn.";
    tf_phonemes jp;
    CHECK(tf_phonemize(fe, joined, strlen(joined), &jp) == TF_OK);
    int wind_ok = 0;
    for (size_t i = 0; i + 3 < jp.n; i++) {
        if (strcmp(jp.tokens[i], "w") || strcmp(jp.tokens[i + 2], "ɪ") ||
            strcmp(jp.tokens[i + 3], "n"))
            continue; /* w ˈ ɪ n d */
        int32_t w = jp.word[i];
        wind_ok = w >= 0 && (size_t)w < jp.n_words &&
                  jp.word_spans[w].end - jp.word_spans[w].begin == 4 &&
                  !strncmp(joined + jp.word_spans[w].begin, "wind", 4) && jp.word[i + 3] == w;
        printf("'wind' phonemes belong to word %d ('%.*s')\n", (int)w,
               w >= 0 ? (int)(jp.word_spans[w].end - jp.word_spans[w].begin) : 0,
               w >= 0 ? joined + jp.word_spans[w].begin : "");
    }
    CHECK(wind_ok);
    tf_phonemes_free(&jp);

    /* Inventory: known symbols map to their index, unknown ones are skipped and counted. */
    const char *symbols[] = {"_", "^", "$", "#", "s", "ˈ", "eɪ", "h", "ə", "l", "oʊ", "n", "aʊ"};
    tf_inventory *inv = NULL;
    CHECK(tf_inventory_create(symbols, 13, &inv) == TF_OK);
    int32_t *ids = calloc(p.n ? p.n : 1, sizeof *ids);
    size_t n_ids = 0, unknown = 0;
    CHECK(inv && ids && tf_inventory_map(inv, &p, ids, &n_ids, &unknown) == TF_OK);
    CHECK(n_ids + unknown == p.n);
    CHECK(n_ids > 0 && ids[0] == 1 && ids[n_ids - 1] == 2);
    size_t k = 0;
    int ids_ok = 1;
    for (size_t i = 0; i < p.n && k < n_ids; i++) {
        int found = -1;
        for (int j = 0; j < 13; j++)
            if (!strcmp(symbols[j], p.tokens[i])) found = j;
        if (found >= 0 && ids[k++] != found) ids_ok = 0;
    }
    CHECK(ids_ok);
    printf("ids: %zu mapped, %zu unknown\n", n_ids, unknown);
    CHECK(tf_inventory_map(inv, NULL, ids, &n_ids, &unknown) == TF_ERR_ARG);
    const char *dup[] = {"a", "b", "a"};
    tf_inventory *inv2 = NULL;
    CHECK(tf_inventory_create(dup, 3, &inv2) == TF_OK);
    tf_phonemes q = {.n = 1, .tokens = (char *[]){"a"}};
    int32_t one;
    CHECK(inv2 && tf_inventory_map(inv2, &q, &one, &n_ids, NULL) == TF_OK && n_ids == 1 &&
          one == 0);
    tf_inventory_destroy(inv2);
    CHECK(tf_inventory_create(NULL, 3, &inv2) == TF_ERR_ARG);
    free(ids);
    tf_inventory_destroy(inv);
    tf_phonemes_free(&p);
    tf_destroy(fe);
    return check_summary("test_lexicon");
}
