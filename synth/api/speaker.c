/* myna_speaker_encoder: reference audio checks, mix-down, resampling and log-mel (synth/dsp),
 * then the speaker encoder network (synth/models/speaker_encoder.c). */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "myna.h"
#include "synth/dsp/logmel.h"
#include "synth/dsp/resample.h"
#include "synth/models/layer_loader.h" /* ML_ERR_VOICE */
#include "synth/models/speaker_encoder.h"
#include "voice_internal.h"

#define DEFAULT_ENCODER "encoders/speaker-encoder.myna"
#define SILENT_RMS 1e-3    /* -60 dBFS */
#define CLIP_LEVEL 0.999f  /* |x| at or above this is full scale */
#define CLIP_FRACTION 0.01 /* more than this share of samples at full scale: clipped */

struct myna_speaker_encoder {
    vf_file *file;
    rt_ctx *rt;
    spk_encoder *net;
    logmel *mel;
    int sample_rate;
};

static myna_status fail(myna_status st, char *error, size_t size, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

static myna_status fail(myna_status st, char *error, size_t size, const char *fmt, ...)
{
    if (error && size) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(error, size, fmt, ap);
        va_end(ap);
    }
    return st;
}

static myna_status open_file(const char *path, vf_file **out, char *error, size_t size)
{
    char found[4096];
    if (!path) {
        if (voice_path_find(DEFAULT_ENCODER, found, sizeof found) != MYNA_OK)
            return fail(MYNA_ERR_VOICE_NOT_FOUND, error, size,
                        "no speaker encoder (" DEFAULT_ENCODER " in the voice search path)");
        path = found;
    }
    char err[256] = "";
    vf_status vs = vf_open(path, out, err, sizeof err);
    if (vs == VF_OK) return MYNA_OK;
    myna_status st = vs == VF_ERR_IO       ? MYNA_ERR_VOICE_NOT_FOUND
                     : vs == VF_ERR_NOMEM  ? MYNA_ERR_NO_MEMORY
                     : vs == VF_ERR_VERSION ? MYNA_ERR_VOICE_VERSION
                                           : MYNA_ERR_VOICE_FORMAT;
    return fail(st, error, size, "speaker encoder %s: %s", path, err);
}

static myna_status make_logmel(myna_speaker_encoder *e, char *error, size_t size)
{
    int64_t v[4];
    double floor_; /* the filterbank carries fmin and fmax */
    const char *keys[] = {"audio.sample_rate", "mel.n_fft", "mel.hop", "mel.win"};
    for (int i = 0; i < 4; i++)
        if (vf_get_i64(e->file, keys[i], &v[i]) != VF_OK || v[i] < 1 || v[i] > 1 << 20)
            return fail(MYNA_ERR_VOICE_FORMAT, error, size, "speaker encoder lacks %s", keys[i]);
    if (vf_get_f64(e->file, "mel.log_floor", &floor_) || !(floor_ > 0))
        return fail(MYNA_ERR_VOICE_FORMAT, error, size, "speaker encoder lacks a positive mel.log_floor");
    const vf_tensor *fb = vf_find_tensor(e->file, "mel.filterbank");
    int n_mels = spk_encoder_n_mels(e->net), bins = (int)v[1] / 2 + 1;
    if (!fb || fb->dtype != VF_F32 || fb->n_dims != 2 || fb->dims[0] != n_mels || fb->dims[1] != bins)
        return fail(MYNA_ERR_VOICE_FORMAT, error, size,
                    "speaker encoder: mel.filterbank must be f32 [%d, %d]", n_mels, bins);
    logmel_params p = {.sample_rate = (int)v[0], .n_fft = (int)v[1], .hop = (int)v[2],
                       .win = (int)v[3], .n_mels = n_mels, .log_floor = (float)floor_,
                       .filterbank = fb->data};
    int r = logmel_create(&p, &e->mel);
    if (r == LOGMEL_ERR_NOMEM) return fail(MYNA_ERR_NO_MEMORY, error, size, "out of memory");
    if (r) return fail(MYNA_ERR_VOICE_FORMAT, error, size, "speaker encoder: bad mel.* values");
    e->sample_rate = (int)v[0];
    return MYNA_OK;
}

static myna_status make_backend(const myna_options *o, rt_ctx **out, char *error, size_t size)
{
    rt_config cfg = {.kind = RT_BACKEND_CPU, .threads = o ? o->threads : 1, .isa = RT_ISA_AUTO,
                     .device = o ? o->device_index : -1};
    if (o && o->backend == MYNA_BACKEND_VULKAN) cfg.kind = RT_BACKEND_VULKAN;
    rt_status rs = rt_ctx_create(&cfg, out);
    if (rs == RT_OK) return MYNA_OK;
    return fail(rs == RT_ERR_NOMEM ? MYNA_ERR_NO_MEMORY : MYNA_ERR_BACKEND, error, size,
                "speaker encoder backend unavailable (%d)", rs);
}

myna_status myna_speaker_encoder_open(const char *path, const myna_options *options,
                                      myna_speaker_encoder **out, char *error, size_t size)
{
    if (error && size) error[0] = '\0';
    if (!out) return MYNA_ERR_INVALID_ARGUMENT;
    *out = NULL;
    myna_speaker_encoder *e = calloc(1, sizeof *e);
    if (!e) return MYNA_ERR_NO_MEMORY;
    myna_status st = open_file(path, &e->file, error, size);
    if (st == MYNA_OK) st = make_backend(options, &e->rt, error, size);
    if (st == MYNA_OK) {
        char err[256] = "";
        int r = spk_encoder_load(e->file, e->rt, &e->net, err, sizeof err);
        if (r == RT_ERR_NOMEM)
            st = fail(MYNA_ERR_NO_MEMORY, error, size, "out of memory");
        else if (r == ML_ERR_VOICE)
            st = fail(MYNA_ERR_VOICE_FORMAT, error, size, "speaker encoder: %s", err);
        else if (r)
            st = fail(MYNA_ERR_BACKEND, error, size, "speaker encoder: backend error %d", r);
    }
    if (st == MYNA_OK) st = make_logmel(e, error, size);
    if (st != MYNA_OK) {
        myna_speaker_encoder_close(e);
        return st;
    }
    *out = e;
    return MYNA_OK;
}

void myna_speaker_encoder_close(myna_speaker_encoder *e)
{
    if (!e) return;
    logmel_destroy(e->mel);
    spk_encoder_free(e->net);
    rt_ctx_destroy(e->rt);
    vf_close(e->file);
    free(e);
}

int myna_speaker_encoder_dim(const myna_speaker_encoder *e)
{
    return e ? spk_encoder_dim(e->net) : 0;
}

/* Mono mix of interleaved frames, checked for what makes a reference unusable. */
static myna_status mix_down(const float *pcm, size_t n, int channels, float **out, char *error,
                            size_t size)
{
    float *x = malloc(n * sizeof *x);
    if (!x) return fail(MYNA_ERR_NO_MEMORY, error, size, "out of memory");
    size_t clipped = 0;
    double energy = 0;
    for (size_t i = 0; i < n; i++) {
        double s = 0;
        for (int c = 0; c < channels; c++) {
            float v = pcm[i * (size_t)channels + c];
            if (!isfinite(v)) {
                free(x);
                return fail(MYNA_ERR_AUDIO_NOT_FINITE, error, size,
                            "audio has a non-finite sample at frame %zu", i);
            }
            clipped += fabsf(v) >= CLIP_LEVEL;
            s += v;
        }
        x[i] = (float)(s / channels);
        energy += (double)x[i] * x[i];
    }
    double rms = sqrt(energy / (double)n);
    myna_status st = MYNA_OK;
    if (rms < SILENT_RMS)
        st = fail(MYNA_ERR_AUDIO_SILENT, error, size, "audio is silent (%.1f dBFS RMS)",
                  rms > 0 ? 20 * log10(rms) : -999.0);
    else if ((double)clipped > CLIP_FRACTION * (double)n * channels)
        st = fail(MYNA_ERR_AUDIO_CLIPPED, error, size,
                  "audio is clipped (%.1f %% of samples at full scale)",
                  100.0 * (double)clipped / ((double)n * channels));
    if (st != MYNA_OK) {
        free(x);
        return st;
    }
    *out = x;
    return MYNA_OK;
}

/* Log-mel of mono x at the encoder's rate; *mel malloc'd [*n_frames][n_mels]. */
static myna_status analyse(myna_speaker_encoder *e, const float *x, size_t n, int rate,
                           float **mel, int *n_frames, char *error, size_t size)
{
    float *y = NULL;
    size_t ny = 0;
    int r = resample_mono(x, n, rate, e->sample_rate, &y, &ny);
    if (r == RESAMPLE_ERR_NOMEM) return fail(MYNA_ERR_NO_MEMORY, error, size, "out of memory");
    if (r) return fail(MYNA_ERR_INVALID_ARGUMENT, error, size, "cannot resample %d Hz audio", rate);
    int frames = ny ? logmel_frames(e->mel, (long)ny) : -1;
    float *m = frames > 0 ? malloc((size_t)frames * spk_encoder_n_mels(e->net) * sizeof *m) : NULL;
    myna_status st = MYNA_OK;
    if (frames <= 0)
        st = fail(MYNA_ERR_AUDIO_TOO_SHORT, error, size, "audio is too short");
    else if (!m)
        st = fail(MYNA_ERR_NO_MEMORY, error, size, "out of memory");
    else if (logmel_compute(e->mel, y, (long)ny, m) != 0)
        st = fail(MYNA_ERR_INTERNAL, error, size, "log-mel analysis failed");
    free(y);
    if (st != MYNA_OK) {
        free(m);
        return st;
    }
    *mel = m, *n_frames = frames;
    return MYNA_OK;
}

myna_status myna_speaker_embed(myna_speaker_encoder *e, const float *pcm, size_t n_frames,
                               int channels, int sample_rate, float *embedding, size_t dim,
                               char *error, size_t size)
{
    if (error && size) error[0] = '\0';
    if (!e || !embedding || dim != (size_t)spk_encoder_dim(e->net) || channels < 1 ||
        channels > 64 || (!pcm && n_frames))
        return fail(MYNA_ERR_INVALID_ARGUMENT, error, size, "invalid argument");
    if (sample_rate < RESAMPLE_MIN_RATE || sample_rate > RESAMPLE_MAX_RATE)
        return fail(MYNA_ERR_INVALID_ARGUMENT, error, size,
                    "sample rate %d Hz is out of range (%d..%d)", sample_rate, RESAMPLE_MIN_RATE,
                    RESAMPLE_MAX_RATE);
    if (n_frames == 0) return fail(MYNA_ERR_AUDIO_EMPTY, error, size, "audio is empty");
    if (n_frames < (size_t)sample_rate)
        return fail(MYNA_ERR_AUDIO_TOO_SHORT, error, size,
                    "audio is too short (%.2f s; at least 1 s of speech is needed)",
                    (double)n_frames / sample_rate);
    if (n_frames > (size_t)sample_rate * 3600)
        return fail(MYNA_ERR_INVALID_ARGUMENT, error, size, "audio is longer than an hour");
    float *x = NULL, *mel = NULL;
    int frames = 0;
    myna_status st = mix_down(pcm, n_frames, channels, &x, error, size);
    if (st == MYNA_OK) st = analyse(e, x, n_frames, sample_rate, &mel, &frames, error, size);
    if (st == MYNA_OK) {
        int r = spk_encoder_embed(e->net, mel, frames, embedding);
        if (r == SPK_ERR_TOO_SHORT) {
            int speech = spk_encoder_speech_frames(e->net, mel, frames);
            st = fail(MYNA_ERR_AUDIO_TOO_SHORT, error, size,
                      "audio has too little speech (%d of %d frames needed)", speech,
                      spk_encoder_min_frames(e->net));
        } else if (r == RT_ERR_NOMEM) {
            st = fail(MYNA_ERR_NO_MEMORY, error, size, "out of memory");
        } else if (r) {
            st = fail(MYNA_ERR_BACKEND, error, size, "speaker encoder: backend error %d", r);
        }
    }
    free(x);
    free(mel);
    return st;
}
