/* Two front ends (two languages) on two threads at once give the same tokens as one thread. */
#include "check.h"
#include "text_util.h"

#include <pthread.h>
#include <stdio.h>

static const char *const texts[] = {
    "Hello world, this is a test.", "Mr. Smith paid $3.50 on January 5th.",
    "World War II ended in 1945!", "The quick brown fox jumps over the lazy dog?",
    "Guten Tag, wie geht es dir?", "Ich habe 3 Katzen und einen Hund."};
#define N_TEXTS (sizeof texts / sizeof texts[0])
#define ROUNDS 40

typedef struct {
    const char *language;
    char *expect[N_TEXTS];
    int mismatches, errors;
} job;

static void *worker(void *arg)
{
    job *j = arg;
    tf_frontend *fe = NULL;
    if (tf_create(j->language, &fe) != TF_OK) {
        j->errors++;
        return NULL;
    }
    for (int r = 0; r < ROUNDS; r++) {
        for (size_t i = 0; i < N_TEXTS; i++) {
            char *s = phonemes_of(fe, texts[i]);
            if (!s) j->errors++;
            else if (strcmp(s, j->expect[i])) j->mismatches++;
            free(s);
        }
    }
    tf_destroy(fe);
    return NULL;
}

int main(void)
{
    job jobs[2] = {{.language = "en-us"}, {.language = "de"}};
    for (int k = 0; k < 2; k++) { /* sequential reference */
        tf_frontend *fe = NULL;
        CHECK(tf_create(jobs[k].language, &fe) == TF_OK);
        if (!fe) return check_summary("test_threads");
        for (size_t i = 0; i < N_TEXTS; i++) {
            jobs[k].expect[i] = phonemes_of(fe, texts[i]);
            CHECK(jobs[k].expect[i] != NULL);
        }
        tf_destroy(fe);
    }
    CHECK(strcmp(jobs[0].expect[0], jobs[1].expect[0]) != 0); /* languages really differ */
    pthread_t t[2];
    for (int k = 0; k < 2; k++) CHECK(pthread_create(&t[k], NULL, worker, &jobs[k]) == 0);
    for (int k = 0; k < 2; k++) pthread_join(t[k], NULL);
    for (int k = 0; k < 2; k++) {
        printf("%s: %d mismatches, %d errors over %d sentences\n", jobs[k].language,
               jobs[k].mismatches, jobs[k].errors, (int)(ROUNDS * N_TEXTS));
        CHECK(jobs[k].mismatches == 0 && jobs[k].errors == 0);
        for (size_t i = 0; i < N_TEXTS; i++) free(jobs[k].expect[i]);
    }
    return check_summary("test_threads");
}
