/* Reading the text to speak: arguments, a file or standard input. */
#ifndef MYNA_TEXT_INPUT_H
#define MYNA_TEXT_INPUT_H

#include <stddef.h>

/* Largest text accepted at once; longer input is refused with a clear message. */
#define MYNA_MAX_TEXT_BYTES (64u << 20)

/* Joins words with spaces, or reads path ("-" = stdin). Returns a malloc'ed buffer (NUL
 * terminated; may contain NUL bytes, *len is authoritative) or NULL after printing why. */
char *text_read(char **words, int n_words, const char *path, size_t *len);

#endif
