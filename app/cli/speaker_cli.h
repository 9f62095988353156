/* `myna --speaker-embedding FILE...`: one line per file, the path, a tab, then the embedding
 * as space-separated numbers. */
#ifndef MYNA_SPEAKER_CLI_H
#define MYNA_SPEAKER_CLI_H

#include "cli_options.h"

int cli_speaker_embedding(const cli_options *o);

#endif
