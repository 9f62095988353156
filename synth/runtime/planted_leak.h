/* A leak on purpose, for the sanitizer build's own test (tests/sanitizer/test_planted_leak.sh):
 * it shows that the LeakSanitizer suppressions for drivers and system libraries do not hide a
 * leak in Myna's code. Compiled in only when MYNA_PLANTED_LEAKS is defined (MYNA_SANITIZE=ON);
 * elsewhere planted_leak() is nothing. With it, $MYNA_TEST_PLANT_LEAK=SITE makes the call
 * planted_leak("SITE") allocate 97 bytes and drop them. */
#ifndef MYNA_PLANTED_LEAK_H
#define MYNA_PLANTED_LEAK_H

#ifdef MYNA_PLANTED_LEAKS
#include <stdlib.h>
#include <string.h>

static inline void planted_leak(const char *site)
{
    const char *want = getenv("MYNA_TEST_PLANT_LEAK");
    if (!want || strcmp(want, site) != 0) return;
    char *p = malloc(97);
    if (p) memset(p, 0x4d, 97);
    /* The compiler may not drop the allocation, and no pointer to it survives the call. */
    __asm__ volatile("" : : "r"(p) : "memory");
}
#else
#define planted_leak(site) ((void)0)
#endif

#endif
