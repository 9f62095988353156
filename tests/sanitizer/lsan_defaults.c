/* Linked into every executable of the sanitizer build (MYNA_SANITIZE), nowhere else: the
 * defaults LeakSanitizer asks the program for before it reads $LSAN_OPTIONS. */
#include "lsan_suppressions.h" /* generated from tests/sanitizer/lsan.supp */

/* The sanitizer runtime holds weak definitions of these hooks; the executable's take over. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_options(void);

const char *__lsan_default_suppressions(void)
{
    return MYNA_LSAN_SUPPRESSIONS;
}

/* The list of matched suppressions is noise in every test's output; print_suppressions=1 in
 * $LSAN_OPTIONS shows it. */
const char *__lsan_default_options(void)
{
    return "print_suppressions=0";
}
