/* myna-logmel VOICE.myna IN.wav OUT.f32: log-mel of a recording, with the analysis parameters
 * and the mel filterbank of a voice file, computed by the engine's vocoder/logmel.c.
 *
 * The output is raw little-endian float32 [frames][n_mels], frames = samples / hop + 1: the
 * same array training's MelSpec.numpy gives for the same samples, so the two can be compared
 * byte for byte from any language (tests/training/test_logmel.py does). The input must be mono
 * at the voice's sample rate: resampling or downmixing here would make the comparison measure
 * something other than the analysis. Exit status 0, 1 on errors, 2 on bad usage. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sndfile.h>

#include "synth/voice/voicefile.h"
#include "synth/dsp/logmel.h"

/* Reads an integer key in [1, max] (the bounds the engine's voice loader uses). */
static int get_int(const vf_file *f, const char *path, const char *key, int max, int *out)
{
    int64_t v;
    vf_status s = vf_get_i64(f, key, &v);
    if (s != VF_OK) {
        fprintf(stderr, "myna-logmel: %s: %s: %s\n", path, key, vf_strerror(s));
        return 0;
    }
    if (v < 1 || v > max) {
        fprintf(stderr, "myna-logmel: %s: %s = %lld is out of range [1, %d]\n", path, key,
                (long long)v, max);
        return 0;
    }
    *out = (int)v;
    return 1;
}

/* Parameters and filterbank from the voice; p->filterbank points into the open file. */
static int read_voice_params(const vf_file *f, const char *path, logmel_params *p)
{
    memset(p, 0, sizeof *p);
    if (!get_int(f, path, "audio.sample_rate", 384000, &p->sample_rate) ||
        !get_int(f, path, "mel.n_fft", 65536, &p->n_fft) ||
        !get_int(f, path, "mel.hop", 65536, &p->hop) ||
        !get_int(f, path, "mel.win", 65536, &p->win) ||
        !get_int(f, path, "mel.n_mels", 1024, &p->n_mels))
        return 0;
    double floor_v;
    vf_status s = vf_get_f64(f, "mel.log_floor", &floor_v);
    if (s != VF_OK) {
        fprintf(stderr, "myna-logmel: %s: mel.log_floor: %s\n", path, vf_strerror(s));
        return 0;
    }
    p->log_floor = (float)floor_v;
    const vf_tensor *fb = vf_find_tensor(f, "mel.filterbank");
    if (!fb) {
        fprintf(stderr, "myna-logmel: %s: no mel.filterbank tensor\n", path);
        return 0;
    }
    if (fb->dtype != VF_F32 || fb->n_dims != 2 || fb->dims[0] != p->n_mels ||
        fb->dims[1] != p->n_fft / 2 + 1) {
        fprintf(stderr,
                "myna-logmel: %s: mel.filterbank is not f32 [%d, %d] (mel.n_mels, "
                "mel.n_fft/2+1)\n",
                path, p->n_mels, p->n_fft / 2 + 1);
        return 0;
    }
    p->filterbank = fb->data;
    return 1;
}

/* Whole mono file as float in [-1, 1) (libsndfile scales integer PCM by 1/32768 for 16 bit,
 * as training reads int16 / 32768). NULL after printing the reason. */
static float *read_wav(const char *path, int sample_rate, long *n_out)
{
    SF_INFO info;
    memset(&info, 0, sizeof info);
    SNDFILE *in = sf_open(path, SFM_READ, &info);
    if (!in) {
        fprintf(stderr, "myna-logmel: cannot read %s: %s\n", path, sf_strerror(NULL));
        return NULL;
    }
    float *x = NULL;
    if (info.channels != 1)
        fprintf(stderr, "myna-logmel: %s has %d channels; a mono file is needed\n", path,
                info.channels);
    else if (info.samplerate != sample_rate)
        fprintf(stderr, "myna-logmel: %s is %d Hz but the voice is %d Hz; resample it first\n",
                path, info.samplerate, sample_rate);
    else if (info.frames < 1)
        fprintf(stderr, "myna-logmel: %s has no samples\n", path);
    else if (info.frames > (sf_count_t)1 << 34)
        fprintf(stderr, "myna-logmel: %s is too long (%lld samples)\n", path,
                (long long)info.frames);
    else if (!(x = malloc((size_t)info.frames * sizeof *x)))
        fprintf(stderr, "myna-logmel: out of memory for %lld samples\n", (long long)info.frames);
    else if (sf_readf_float(in, x, info.frames) != info.frames) {
        fprintf(stderr, "myna-logmel: %s: short read: %s\n", path, sf_strerror(in));
        free(x);
        x = NULL;
    }
    sf_close(in);
    if (x) *n_out = (long)info.frames;
    return x;
}

/* Raw little-endian float32, whatever the host's byte order. */
static int write_f32le(const char *path, const float *v, size_t n)
{
    FILE *out = fopen(path, "wb");
    if (!out) {
        perror(path);
        return 0;
    }
    unsigned char buf[4096];
    size_t fill = 0;
    int ok = 1;
    for (size_t i = 0; i < n && ok; i++) {
        uint32_t u;
        memcpy(&u, &v[i], sizeof u);
        for (int b = 0; b < 4; b++)
            buf[fill++] = (unsigned char)(u >> (8 * b));
        if (fill == sizeof buf || i + 1 == n) {
            ok = fwrite(buf, 1, fill, out) == fill;
            fill = 0;
        }
    }
    if (fclose(out) != 0) ok = 0;
    if (!ok) {
        fprintf(stderr, "myna-logmel: write error on %s\n", path);
        remove(path); /* no truncated output that looks like a result */
    }
    return ok;
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: myna-logmel VOICE.myna IN.wav OUT.f32\n"
                        "writes the log-mel of IN.wav (mono, at the voice's sample rate) as raw "
                        "little-endian float32 [frames][n_mels], frames = samples / mel.hop + 1\n");
        return 2;
    }
    const char *voice_path = argv[1], *wav_path = argv[2], *out_path = argv[3];
    char err[256] = "";
    vf_file *vf = NULL;
    vf_status vs = vf_open(voice_path, &vf, err, sizeof err);
    if (vs != VF_OK) {
        /* vf_open's message already names the file and the reason */
        if (err[0])
            fprintf(stderr, "myna-logmel: %s\n", err);
        else
            fprintf(stderr, "myna-logmel: %s: %s\n", voice_path, vf_strerror(vs));
        return 1;
    }
    int status = 1;
    logmel_params p;
    logmel *lm = NULL;
    float *x = NULL, *mel = NULL;
    long n = 0;
    int rc, frames;
    size_t cells;
    if (!read_voice_params(vf, voice_path, &p)) goto done;
    rc = logmel_create(&p, &lm);
    if (rc != LOGMEL_OK) {
        fprintf(stderr, "myna-logmel: %s: %s\n", voice_path,
                rc == LOGMEL_ERR_NOMEM ? "out of memory" : "unusable mel parameters");
        goto done;
    }
    if (!(x = read_wav(wav_path, p.sample_rate, &n))) goto done;
    frames = logmel_frames(lm, n);
    if (frames < 0) {
        fprintf(stderr, "myna-logmel: %s: too many frames\n", wav_path);
        goto done;
    }
    cells = (size_t)frames * (size_t)p.n_mels;
    if (!(mel = malloc(cells * sizeof *mel))) {
        fprintf(stderr, "myna-logmel: out of memory for %d frames\n", frames);
        goto done;
    }
    if (logmel_compute(lm, x, n, mel) != LOGMEL_OK) {
        fprintf(stderr, "myna-logmel: analysis failed\n");
        goto done;
    }
    if (write_f32le(out_path, mel, cells)) status = 0;
done:
    free(mel);
    free(x);
    logmel_destroy(lm);
    vf_close(vf);
    return status;
}
