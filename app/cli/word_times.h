/* `myna --word-times FILE`: one line per spoken word, "start<TAB>end<TAB>word", times in
 * seconds of the output audio (the format of an Audacity label track).
 *
 * start: the word event's sample position / sample rate (sentence silence included, so the
 * times line up with the written audio). end: the next word event of the same sentence; for a
 * sentence's last word, the end of that sentence's audio, which the API gives as the next
 * sentence event (or the end of the utterance) minus the documented sentence silence. A pause
 * after a word (a comma) thus counts to that word. word: the bytes of the input text the event
 * points at (text_offset, text_length), i.e. the word as written ("42", not "forty-two"); tabs
 * and line breaks in it become spaces.
 * Lines follow the library's word events, which are not always one per written word:
 * libespeak-ng reads some short words together ("at a", "from the"); such a group has one
 * event, at its first word, so the others get no line and their time counts to that word. A
 * sentence with a symbol the voice lacks has no word events at all, hence no lines. */
#ifndef MYNA_WORD_TIMES_H
#define MYNA_WORD_TIMES_H

#include <stddef.h>
#include <stdint.h>

#include "myna.h"

typedef enum {
    WORD_TIMES_OK = 0,
    WORD_TIMES_ERR_IO = -1, /* errno tells why */
    WORD_TIMES_ERR_NO_MEMORY = -2,
} word_times_status;

typedef struct word_times word_times;

/* Creates (truncates) path for the words of text (len bytes, the text given to
 * myna_synth_start; it must outlive *out). sentence_silence: myna_options.sentence_silence. */
word_times_status word_times_open(const char *path, const char *text, size_t len,
                                  float sentence_silence, word_times **out);
/* Takes the events of one chunk; writes each word whose end is known. wt may be NULL. */
word_times_status word_times_add(word_times *wt, const myna_chunk *chunk);
/* After MYNA_DONE: writes the last word, which ends n_samples minus the sentence silence. */
word_times_status word_times_end(word_times *wt, uint64_t n_samples);
/* Closes the file; keep == 0 removes it. wt may be NULL. */
word_times_status word_times_close(word_times *wt, int keep);

#endif
