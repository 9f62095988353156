/* Opening a voice file for the public API: container validation is voicefile.c's job; here
 * we check that the metadata every synthesizer needs is present and consistent. */
#include <stdio.h>
#include <stdlib.h>

#include "voice_internal.h"

static myna_status from_vf(vf_status s)
{
    switch (s) {
    case VF_OK: return MYNA_OK;
    case VF_ERR_IO: return MYNA_ERR_IO;
    case VF_ERR_NOMEM: return MYNA_ERR_NO_MEMORY;
    case VF_ERR_VERSION: return MYNA_ERR_VOICE_VERSION;
    default: return MYNA_ERR_VOICE_FORMAT;
    }
}

static int get_positive(const vf_file *f, const char *key, int max, int *out)
{
    int64_t v;
    if (vf_get_i64(f, key, &v) != VF_OK || v <= 0 || v > max) return 0;
    *out = (int)v;
    return 1;
}

static myna_status read_required_meta(myna_voice *v)
{
    const vf_file *f = v->file;
    if (!get_positive(f, "audio.sample_rate", 384000, &v->sample_rate) ||
        !get_positive(f, "mel.hop", 65536, &v->hop) ||
        !get_positive(f, "mel.n_mels", 1024, &v->n_mels) ||
        !get_positive(f, "mel.n_fft", 65536, &v->n_fft) ||
        !get_positive(f, "mel.win", 65536, &v->win))
        return MYNA_ERR_VOICE_FORMAT;
    if (vf_get_str(f, "general.language", &v->language) != VF_OK) return MYNA_ERR_VOICE_FORMAT;
    if (vf_get_str_array(f, "phonemes.symbols", &v->symbols, &v->n_symbols) != VF_OK ||
        v->n_symbols == 0)
        return MYNA_ERR_VOICE_FORMAT;
    const char *const *speakers;
    if (vf_get_str_array(f, "speakers.names", &speakers, &v->n_speakers) != VF_OK ||
        v->n_speakers == 0)
        return MYNA_ERR_VOICE_FORMAT;

    const vf_tensor *fb = vf_find_tensor(f, "mel.filterbank");
    if (fb && fb->dtype == VF_F32 && fb->n_dims == 2 && fb->dims[0] == v->n_mels &&
        fb->dims[1] == v->n_fft / 2 + 1)
        v->filterbank = fb->data;
    return MYNA_OK;
}

myna_status myna_voice_open(const char *path, myna_voice **out, char *error, size_t error_size)
{
    char scratch[8];
    if (!error || error_size == 0) {
        error = scratch;
        error_size = sizeof scratch;
    }
    error[0] = '\0';
    if (!out) return MYNA_ERR_INVALID_ARGUMENT;
    *out = NULL;
    if (!path || !*path) return MYNA_ERR_INVALID_ARGUMENT;
    myna_voice *v = calloc(1, sizeof *v);
    if (!v) return MYNA_ERR_NO_MEMORY;
    vf_status vs = vf_open(path, &v->file, error, error_size);
    if (vs != VF_OK) {
        free(v);
        return vs == VF_ERR_IO ? MYNA_ERR_VOICE_NOT_FOUND : from_vf(vs);
    }
    myna_status s = read_required_meta(v);
    if (s != MYNA_OK) {
        snprintf(error, error_size, "voice metadata incomplete (audio.*, mel.*, "
                 "general.language, phonemes.symbols and speakers.names are required)");
        myna_voice_close(v);
        return s;
    }
    *out = v;
    return MYNA_OK;
}

void myna_voice_close(myna_voice *voice)
{
    if (!voice) return;
    vf_close(voice->file);
    free(voice);
}

int myna_voice_sample_rate(const myna_voice *voice)
{
    return voice ? voice->sample_rate : 0;
}

int myna_voice_speaker_count(const myna_voice *voice)
{
    return voice ? (int)voice->n_speakers : 0;
}

const char *myna_voice_info(const myna_voice *voice, const char *key)
{
    const char *s = NULL;
    if (!voice || !key) return NULL;
    return vf_get_str(voice->file, key, &s) == VF_OK ? s : NULL;
}

void myna_voice_describe(const myna_voice *voice, FILE *out)
{
    if (voice && out) vf_describe(voice->file, out);
}
