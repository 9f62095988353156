/* libsndfile writes into a virtual file kept in memory. Buffered, it is an ordinary seekable
 * file. Streaming, it is append-only: bytes before the end may already be on the wire, so a
 * codec's seek back to patch a header is accepted and the rewrite dropped, leaving what was
 * written first (the "unknown" values listed in audio_encoder.h). */
#include <math.h>
#include <sndfile.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audio_encoder.h"
#include "rate_converter.h"

struct audio_encoder {
    audio_format format;
    int streaming;
    SNDFILE *sf;
    rate_converter *conv; /* NULL when the rate is taken as is */
    unsigned char *data;  /* bytes [base, base + len) of the virtual file */
    size_t len, cap;
    sf_count_t base, pos; /* logical offset of data[0]; current position */
    int failed;           /* out of memory in a write: reported by the next call */
};

/* ---- formats ---------------------------------------------------------------------------- */
static const struct {
    const char *name, *mime;
    int sf_format; /* 0: header written here (streamed WAV) */
} formats[] = {
    [AUDIO_MP3] = {"mp3", "audio/mpeg", SF_FORMAT_MPEG | SF_FORMAT_MPEG_LAYER_III},
    [AUDIO_OPUS] = {"opus", "audio/ogg; codecs=opus", SF_FORMAT_OGG | SF_FORMAT_OPUS},
    [AUDIO_FLAC] = {"flac", "audio/flac", SF_FORMAT_FLAC | SF_FORMAT_PCM_16},
    [AUDIO_WAV] = {"wav", "audio/wav", SF_FORMAT_WAV | SF_FORMAT_PCM_16},
    [AUDIO_PCM] = {"pcm", "audio/pcm", SF_FORMAT_RAW | SF_FORMAT_PCM_16 | SF_ENDIAN_LITTLE},
};

int audio_format_parse(const char *name, audio_format *out)
{
    for (int f = AUDIO_MP3; f <= AUDIO_PCM; f++)
        if (!strcmp(name, formats[f].name)) {
            *out = (audio_format)f;
            return AUDIO_ENC_OK;
        }
    /* OpenAI offers AAC too; Debian's libsndfile has no AAC encoder. */
    return !strcmp(name, "aac") ? AUDIO_ENC_UNSUPPORTED : AUDIO_ENC_UNKNOWN;
}

const char *audio_format_name(audio_format f)
{
    return formats[f].name;
}

const char *audio_format_mime(audio_format f)
{
    return formats[f].mime;
}

int audio_format_rate(audio_format f, int rate)
{
    static const int opus[] = {8000, 12000, 16000, 24000, 48000, 0};
    static const int mp3[] = {8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000, 0};
    const int *ok = f == AUDIO_OPUS ? opus : f == AUDIO_MP3 ? mp3 : NULL;
    if (!ok) return rate;
    int i = 0;
    while (ok[i + 1] && ok[i] < rate) i++; /* the next rate up, so nothing is lost */
    return ok[i];
}

/* ---- the virtual file ------------------------------------------------------------------- */
static sf_count_t vio_length(void *user)
{
    audio_encoder *e = user;
    return e->base + (sf_count_t)e->len;
}

static sf_count_t vio_seek(sf_count_t offset, int whence, void *user)
{
    audio_encoder *e = user;
    sf_count_t at = whence == SEEK_SET ? offset : whence == SEEK_CUR ? e->pos + offset
                                                                     : vio_length(e) + offset;
    if (at < 0) return -1;
    e->pos = at;
    return at;
}

static sf_count_t vio_read(void *ptr, sf_count_t count, void *user)
{
    return 0; /* write only: nothing libsndfile needs to read back */
}

static int grow(audio_encoder *e, size_t need)
{
    if (need <= e->cap) return 0;
    size_t cap = e->cap ? e->cap : 16384;
    while (cap < need) cap *= 2;
    unsigned char *p = realloc(e->data, cap);
    if (!p) return -1;
    e->data = p;
    e->cap = cap;
    return 0;
}

static sf_count_t vio_write(const void *ptr, sf_count_t count, void *user)
{
    audio_encoder *e = user;
    const unsigned char *src = ptr;
    sf_count_t end = vio_length(e), n = count;
    if (e->pos < e->base || (e->streaming && e->pos < end)) {
        /* A rewrite of bytes that may have left: keep what is already there. */
        sf_count_t skip = (e->streaming ? end : e->base) - e->pos;
        if (skip >= n) {
            e->pos += n;
            return count;
        }
        src += skip;
        e->pos += skip;
        n -= skip;
    }
    size_t at = (size_t)(e->pos - e->base);
    if (grow(e, at + (size_t)n) != 0) {
        e->failed = 1;
        return 0;
    }
    if (at > e->len) memset(e->data + e->len, 0, at - e->len); /* a seek past the end */
    memcpy(e->data + at, src, (size_t)n);
    if (at + (size_t)n > e->len) e->len = at + (size_t)n;
    e->pos += n;
    return count;
}

static sf_count_t vio_tell(void *user)
{
    return ((audio_encoder *)user)->pos;
}

/* ---- streamed WAV ----------------------------------------------------------------------- */
static void put_le(unsigned char *p, unsigned v, int bytes)
{
    for (int i = 0; i < bytes; i++) p[i] = (unsigned char)(v >> (8 * i));
}

/* 16-bit mono PCM with RIFF and data sizes 0xFFFFFFFF: "size unknown", which ffmpeg, sox and
 * browsers read as "to the end of the file". libsndfile would write sizes of 0 here and
 * patch them at the end, which a stream cannot do. */
static void wav_stream_header(unsigned char *h, int rate)
{
    memcpy(h, "RIFF", 4);
    put_le(h + 4, 0xffffffffu, 4);
    memcpy(h + 8, "WAVEfmt ", 8);
    put_le(h + 16, 16, 4);
    put_le(h + 20, 1, 2); /* PCM */
    put_le(h + 22, 1, 2); /* mono */
    put_le(h + 24, (unsigned)rate, 4);
    put_le(h + 28, (unsigned)rate * 2, 4);
    put_le(h + 32, 2, 2);
    put_le(h + 34, 16, 2);
    memcpy(h + 36, "data", 4);
    put_le(h + 40, 0xffffffffu, 4);
}

/* ---- encoding --------------------------------------------------------------------------- */
static int codec_options(audio_encoder *e, int rate)
{
    if (e->format == AUDIO_OPUS) {
        /* Pages of 100 ms instead of libsndfile's 1 s, so a stream starts sooner; the
         * header names the voice's own rate for decoders that honour it. */
        double page_ms = 100;
        /* libsndfile 1.2.0 answers SF_FALSE to this command even when it took it. */
        sf_command(e->sf, SFC_SET_OGG_PAGE_LATENCY, &page_ms, sizeof page_ms);
        if (!sf_command(e->sf, SFC_SET_ORIGINAL_SAMPLERATE, &rate, sizeof rate)) return -1;
    }
    if (e->format == AUDIO_MP3) {
        /* Constant bit rate: with the Xing header left unpatched in a stream, a player's
         * duration from the file size is still right. The level is set first (the mode
         * re-reads it): 0.6 gives 64 kbit/s at 16-24 kHz, 32 kbit/s at 8 kHz. */
        int mode = SF_BITRATE_MODE_CONSTANT;
        double level = 0.6;
        if (!sf_command(e->sf, SFC_SET_COMPRESSION_LEVEL, &level, sizeof level) ||
            !sf_command(e->sf, SFC_SET_BITRATE_MODE, &mode, sizeof mode))
            return -1;
    }
    return 0;
}

int audio_encoder_open(audio_format f, int rate, int streaming, audio_encoder **out,
                       char *error, size_t error_size)
{
    *out = NULL;
    audio_encoder *e = calloc(1, sizeof *e);
    if (!e) return AUDIO_ENC_NO_MEMORY;
    e->format = f;
    e->streaming = streaming;
    int out_rate = audio_format_rate(f, rate);
    if (out_rate != rate && !(e->conv = rate_converter_create(rate, out_rate))) {
        snprintf(error, error_size, "cannot convert %d Hz to %d Hz for %s", rate, out_rate,
                 formats[f].name);
        audio_encoder_close(e);
        return AUDIO_ENC_FAILED;
    }
    int sf_format = formats[f].sf_format;
    if (f == AUDIO_WAV && streaming) {
        /* The header goes before libsndfile's file, which is raw PCM from offset 0. */
        if (grow(e, 44) != 0) {
            audio_encoder_close(e);
            return AUDIO_ENC_NO_MEMORY;
        }
        wav_stream_header(e->data, out_rate);
        e->len = 44;
        e->base = -44;
        sf_format = formats[AUDIO_PCM].sf_format;
    }
    SF_VIRTUAL_IO vio = {vio_length, vio_seek, vio_read, vio_write, vio_tell}; /* copied */
    SF_INFO info = {.samplerate = out_rate, .channels = 1, .format = sf_format};
    e->sf = sf_open_virtual(&vio, SFM_WRITE, &info, e);
    if (!e->sf || codec_options(e, rate) != 0) {
        snprintf(error, error_size, "%s encoder at %d Hz: %s", formats[f].name, out_rate,
                 sf_strerror(e->sf));
        audio_encoder_close(e);
        return AUDIO_ENC_FAILED;
    }
    *out = e;
    return AUDIO_ENC_OK;
}

/* Samples become 16-bit here, once, for every format: libsndfile's own float conversions
 * differ by a step between codecs (FLAC scales by 32768, PCM by 32767), and the lossless
 * formats should carry the very samples of the pcm reply. */
static int encode(const float *x, size_t n, void *user)
{
    audio_encoder *e = user;
    short block[1024];
    while (n) {
        size_t m = n < 1024 ? n : 1024;
        for (size_t i = 0; i < m; i++) {
            float v = x[i] * 32767.0f;
            v = v > 32767.0f ? 32767.0f : v < -32767.0f ? -32767.0f : v;
            block[i] = (short)lrintf(v);
        }
        if (sf_write_short(e->sf, block, (sf_count_t)m) != (sf_count_t)m || e->failed) return -1;
        x += m;
        n -= m;
    }
    return 0;
}

int audio_encoder_write(audio_encoder *e, const float *x, size_t n)
{
    if (e->failed || !e->sf) return AUDIO_ENC_FAILED;
    int rc = e->conv ? rate_converter_push(e->conv, x, n, 0, encode, e) : encode(x, n, e);
    return rc ? AUDIO_ENC_FAILED : AUDIO_ENC_OK;
}

int audio_encoder_finish(audio_encoder *e)
{
    if (!e->sf) return AUDIO_ENC_FAILED;
    int rc = e->conv ? rate_converter_push(e->conv, NULL, 0, 1, encode, e) : 0;
    /* sf_close writes the trailers and, buffered, the patched headers. */
    if (sf_close(e->sf) != 0) rc = -1;
    e->sf = NULL;
    return rc || e->failed ? AUDIO_ENC_FAILED : AUDIO_ENC_OK;
}

const unsigned char *audio_encoder_bytes(const audio_encoder *e, size_t *n)
{
    *n = e->streaming || !e->sf ? e->len : 0;
    return e->data;
}

void audio_encoder_take(audio_encoder *e, size_t n)
{
    if (n > e->len) n = e->len;
    memmove(e->data, e->data + n, e->len - n);
    e->len -= n;
    e->base += (sf_count_t)n;
}

unsigned char *audio_encoder_release(audio_encoder *e, size_t *n)
{
    unsigned char *p = e->data;
    *n = e->len;
    e->data = NULL;
    e->len = e->cap = 0;
    return p;
}

void audio_encoder_close(audio_encoder *e)
{
    if (!e) return;
    if (e->sf) sf_close(e->sf);
    rate_converter_destroy(e->conv);
    free(e->data);
    free(e);
}
