/* Synthesis options: their defaults, and the checks that myna_synth_create and
 * myna_phonemizer_create both apply, so the two accept and refuse the same options. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "synth_internal.h"

void myna_options_default(myna_options *o)
{
    if (!o) return;
    memset(o, 0, sizeof *o);
    o->size = sizeof *o;
    o->rate = 1.0f;
    o->pitch_semitones = 0.0f;
    o->volume = 1.0f;
    o->sentence_silence = 0.2f;
    o->speaker = 0;
    o->threads = 0;
    o->backend = MYNA_BACKEND_AUTO;
    o->device_index = -1;
    o->vocoder = MYNA_VOCODER_NEURAL;
    o->lexicon_path = NULL;
}

myna_status api_fail(char *err, size_t err_size, myna_status status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (err && err_size) vsnprintf(err, err_size, fmt, ap);
    va_end(ap);
    return status;
}

static int in_range(float v, float lo, float hi)
{
    return isfinite(v) && v >= lo && v <= hi;
}

static myna_status check_options(const myna_voice *voice, const myna_options *o, char *err,
                                 size_t n)
{
    const myna_status bad = MYNA_ERR_INVALID_ARGUMENT;
    if (!in_range(o->rate, 0.25f, 4.0f))
        return api_fail(err, n, bad, "rate %g outside [0.25, 4]", o->rate);
    if (!in_range(o->pitch_semitones, -12.0f, 12.0f))
        return api_fail(err, n, bad, "pitch %g outside [-12, 12] semitones", o->pitch_semitones);
    if (!in_range(o->volume, 0.0f, 4.0f))
        return api_fail(err, n, bad, "volume %g outside [0, 4]", o->volume);
    if (!in_range(o->sentence_silence, 0.0f, 10.0f))
        return api_fail(err, n, bad, "sentence silence %g outside [0, 10] seconds",
                        o->sentence_silence);
    if (o->speaker < 0 || (size_t)o->speaker >= voice->n_speakers)
        return api_fail(err, n, bad, "speaker %d: the voice has %zu", o->speaker,
                        voice->n_speakers);
    if (o->threads < 0 || o->threads > 256)
        return api_fail(err, n, bad, "threads %d outside [0, 256]", o->threads);
    if (o->vocoder != MYNA_VOCODER_NEURAL && o->vocoder != MYNA_VOCODER_GRIFFIN_LIM)
        return api_fail(err, n, bad, "unknown vocoder %d", (int)o->vocoder);
    return MYNA_OK;
}

/* Honours the caller's struct size, so an older caller with a shorter struct keeps working. */
myna_status api_take_options(const myna_voice *voice, const myna_options *user, myna_options *opt,
                             char *err, size_t err_size)
{
    myna_options_default(opt);
    if (user) {
        if (user->size < offsetof(myna_options, rate) + sizeof(float) || user->size > 4096)
            return api_fail(err, err_size, MYNA_ERR_INVALID_ARGUMENT, "options.size is %zu",
                            user->size);
        size_t n = user->size < sizeof *opt ? user->size : sizeof *opt;
        memcpy(opt, user, n);
        opt->size = sizeof *opt;
    }
    return check_options(voice, opt, err, err_size);
}
