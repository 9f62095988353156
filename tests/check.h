/* Minimal test helpers: each CHECK counts, prints failures with file:line, and the test's
 * main returns check_summary() so ctest sees the result. */
#ifndef MYNA_TEST_CHECK_H
#define MYNA_TEST_CHECK_H

#include <math.h>
#include <stdio.h>

static int check_failures_, check_count_;

#define CHECK(cond)                                                                             \
    do {                                                                                        \
        check_count_++;                                                                         \
        if (!(cond)) {                                                                          \
            check_failures_++;                                                                  \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);            \
        }                                                                                       \
    } while (0)

#define CHECK_MSG(cond, ...)                                                                    \
    do {                                                                                        \
        check_count_++;                                                                         \
        if (!(cond)) {                                                                          \
            check_failures_++;                                                                  \
            fprintf(stderr, "%s:%d: CHECK failed: %s: ", __FILE__, __LINE__, #cond);            \
            fprintf(stderr, __VA_ARGS__);                                                       \
            fputc('\n', stderr);                                                                \
        }                                                                                       \
    } while (0)

#define CHECK_NEAR(a, b, tol) CHECK_MSG(fabs((double)(a) - (double)(b)) <= (tol),               \
                                        "%g vs %g (tol %g)", (double)(a), (double)(b), (double)(tol))

static inline int check_summary(const char *name)
{
    printf("%s: %d checks, %d failed\n", name, check_count_, check_failures_);
    return check_failures_ ? 1 : 0;
}

#endif
