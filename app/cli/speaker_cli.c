/* See speaker_cli.h. Every file is tried; the exit status is that of the first failure. */
#include "speaker_cli.h"

#include <stdio.h>
#include <stdlib.h>

#include "audio_file.h"

/* Prints one file's line, or its one-line error; returns its exit status. */
static int embed_file(myna_speaker_encoder *enc, const char *path, float *e, size_t dim)
{
    char err[512] = "";
    audio_clip clip;
    if (audio_file_read(path, &clip, err, sizeof err) != 0) {
        fprintf(stderr, "myna: %s: %s\n", path, err);
        return EXIT_AUDIO;
    }
    myna_status st = myna_speaker_embed(enc, clip.samples, clip.frames, clip.channels,
                                        clip.sample_rate, e, dim, err, sizeof err);
    free(clip.samples);
    if (st != MYNA_OK) {
        fprintf(stderr, "myna: %s: %s\n", path, err[0] ? err : myna_strerror(st));
        return st == MYNA_ERR_NO_MEMORY || st == MYNA_ERR_BACKEND ? EXIT_SYNTHESIS : EXIT_AUDIO;
    }
    printf("%s\t", path);
    for (size_t i = 0; i < dim; i++)
        printf(i ? " %.6f" : "%.6f", e[i]);
    putchar('\n');
    return EXIT_OK;
}

int cli_speaker_embedding(const cli_options *o)
{
    if (o->n_words == 0) {
        fprintf(stderr, "myna: --speaker-embedding needs one or more audio files\n");
        return EXIT_USAGE;
    }
    char err[512] = "";
    myna_speaker_encoder *enc = NULL;
    myna_status st = myna_speaker_encoder_open(o->speaker_encoder, &o->synth, &enc, err, sizeof err);
    if (st != MYNA_OK) {
        fprintf(stderr, "myna: %s\n", err[0] ? err : myna_strerror(st));
        return st == MYNA_ERR_BACKEND || st == MYNA_ERR_NO_MEMORY ? EXIT_SYNTHESIS : EXIT_VOICE;
    }
    size_t dim = (size_t)myna_speaker_encoder_dim(enc);
    float *e = malloc(dim * sizeof *e);
    int rc = e ? EXIT_OK : EXIT_SYNTHESIS;
    for (int i = 0; e && i < o->n_words; i++) {
        int r = embed_file(enc, o->words[i], e, dim);
        if (rc == EXIT_OK) rc = r;
    }
    if (fflush(stdout) != 0 && rc == EXIT_OK) rc = EXIT_OUTPUT;
    free(e);
    myna_speaker_encoder_close(enc);
    return rc;
}
