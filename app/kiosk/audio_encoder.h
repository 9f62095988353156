/* Encodes mono float audio into the response formats of /v1/audio/speech with libsndfile,
 * writing through a virtual file that is the HTTP body:
 *
 *   mp3   MPEG layer III (LAME), constant bit rate, at the next rate up that
 *         MPEG takes (8 to 48 kHz)                        audio/mpeg
 *   opus  Ogg/Opus at 8, 12, 16, 24 or 48 kHz (resampled up to the next one),
 *         100 ms pages                                    audio/ogg; codecs=opus
 *   flac  FLAC, 16 bit                                    audio/flac
 *   wav   RIFF WAVE, 16-bit PCM                           audio/wav
 *   pcm   raw 16-bit little-endian samples, no header     audio/pcm
 *
 * Streaming (the bytes are sent as they are made): a format's header fields that are only
 * known at the end stay as written at the start, since those bytes have left. WAV says
 * "unknown size" (RIFF and data sizes 0xFFFFFFFF, see README); FLAC's STREAMINFO says 0
 * samples ("unknown" in the FLAC format); MP3's first frame, which LAME keeps for its
 * Info tag, stays blank (decoders play it as one frame of silence) and the constant bit rate
 * keeps a player's estimate from the file size right. Buffered (the whole body at the end):
 * every header is exact. */
#ifndef MYNA_AUDIO_ENCODER_H
#define MYNA_AUDIO_ENCODER_H

#include <stddef.h>

typedef enum { AUDIO_MP3, AUDIO_OPUS, AUDIO_FLAC, AUDIO_WAV, AUDIO_PCM } audio_format;

enum {
    AUDIO_ENC_OK = 0,
    AUDIO_ENC_UNKNOWN = -1,     /* not a format name */
    AUDIO_ENC_UNSUPPORTED = -2, /* a format OpenAI offers that this build cannot write (aac) */
    AUDIO_ENC_FAILED = -3,      /* libsndfile or libsamplerate refused; see the message */
    AUDIO_ENC_NO_MEMORY = -4,
};

/* "mp3" ... "pcm" into *out. AUDIO_ENC_OK, _UNKNOWN or _UNSUPPORTED. */
int audio_format_parse(const char *name, audio_format *out);
const char *audio_format_name(audio_format f);
const char *audio_format_mime(audio_format f);
/* The rate f is written at for audio at rate (Opus and MP3 take only some rates). */
int audio_format_rate(audio_format f, int rate);

typedef struct audio_encoder audio_encoder;

/* rate: of the samples given to audio_encoder_write. streaming: see above. */
int audio_encoder_open(audio_format f, int rate, int streaming, audio_encoder **out,
                       char *error, size_t error_size);
/* Encodes x[n] ([-1, 1]; clipped, then rounded to 16 bits). */
int audio_encoder_write(audio_encoder *e, const float *x, size_t n);
/* Flushes the codec and completes the file (trailers, header rewrites when buffered). */
int audio_encoder_finish(audio_encoder *e);
/* Encoded bytes not yet taken. Streaming: ready as soon as they are here. Buffered: only
 * after finish (headers change until then). */
const unsigned char *audio_encoder_bytes(const audio_encoder *e, size_t *n);
void audio_encoder_take(audio_encoder *e, size_t n);
/* Buffered: hands the whole body over (*n bytes, malloc'd, caller frees) after finish. */
unsigned char *audio_encoder_release(audio_encoder *e, size_t *n);
void audio_encoder_close(audio_encoder *e);

#endif
