/* Character classes for the normaliser. libespeak-ng would read most symbols aloud by name
 * ("smiling face with heart eyes") or spell foreign letters ("Chinese letter"); these tables
 * decide what is dropped before it gets there. Ranges are coarse on purpose: a code point
 * that is neither a letter here nor handled by a rule is dropped, never read out. */
#include "synth/text/text_internal.h"

/* Pictographs, dingbats, box drawing, private use and other characters with nothing to say. */
int tf_is_junk(uint32_t cp)
{
    return (cp >= 0x2190 && cp <= 0x2BFF) ||   /* arrows, math, technical, boxes, dingbats */
           (cp >= 0x1F000 && cp <= 0x1FAFF) || /* emoji and pictographs */
           (cp >= 0xFE00 && cp <= 0xFE0F) ||   /* variation selectors */
           (cp >= 0xE000 && cp <= 0xF8FF) ||   /* private use */
           (cp >= 0xF0000) ||                  /* supplementary private use */
           (cp >= 0xE0000 && cp <= 0xE007F) || /* tags (flag sequences) */
           (cp >= 0xFFF0 && cp <= 0xFFFF) ||   /* specials, U+FFFD from bad bytes */
           (cp >= 0xD800 && cp <= 0xDFFF) || cp == 0x200D || cp == 0x20E3;
}

static int is_latin_letter(uint32_t cp)
{
    return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') ||
           (cp >= 0xC0 && cp <= 0x24F && cp != 0xD7 && cp != 0xF7) || /* Latin-1, Extended */
           (cp >= 0x1E00 && cp <= 0x1EFF) ||                          /* Latin additional */
           (cp >= 0x0300 && cp <= 0x036F);                            /* combining marks */
}

int tf_is_letter(uint32_t cp, int latin_only)
{
    if (is_latin_letter(cp)) return 1;
    if (latin_only || cp < 0x370) return 0;
    /* Everything from Greek upwards that is not punctuation, a symbol block or junk. */
    if (cp >= 0x2000 && cp <= 0x2BFF) return 0; /* punctuation, symbols */
    if (cp >= 0x2E00 && cp <= 0x2E7F) return 0; /* supplemental punctuation */
    if (cp >= 0x3000 && cp <= 0x303F) return 0; /* CJK punctuation */
    if (cp >= 0xFF00 && cp <= 0xFF20) return 0; /* full-width punctuation, digits */
    if (cp == 0x060C || cp == 0x061B || cp == 0x061F || cp == 0x06D4) return 0; /* Arabic punct */
    if (cp == 0x0964 || cp == 0x0965) return 0; /* Devanagari danda */
    return !tf_is_junk(cp);
}
