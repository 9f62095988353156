/* `myna --play` and `myna --list-devices`: the synthesis loop feeding the audio device. */
#ifndef MYNA_PLAYBACK_CLI_H
#define MYNA_PLAYBACK_CLI_H

#include <stddef.h>

#include "cli_options.h"
#include "word_times.h"

/* Speaks text on the audio device until done or Ctrl-C, handing the chunks' word events to wt
 * (may be NULL). Returns a documented exit code. */
int cli_play(const cli_options *o, myna_synth *synth, int sample_rate, const char *text,
             size_t len, word_times *wt);
int cli_list_devices(void);

#endif
