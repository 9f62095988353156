/* Myna: on-device text-to-speech. The only header front ends include.
 *
 * Objects and ownership
 *   myna_voice   A voice file opened read-only (mmapped). Immutable after open: one voice may
 *                be shared by any number of synthesizers on any number of threads. Close it
 *                only after every synthesizer using it is destroyed.
 *   myna_synth   Per-utterance state: front end, compute backend, buffers. Use one synth from
 *                one thread at a time; create one per thread for parallel synthesis.
 *   myna_phonemizer  A voice's text front end alone, for phonemes without audio: no compute
 *                backend, no model weights, so it starts in a fraction of a synth's time.
 *                Same threading rule as a synth; close the voice after destroying it.
 *
 * Streaming (pull): myna_synth_start() takes the text, then call myna_synth_next() until it
 * returns MYNA_DONE; each MYNA_OK call hands out the next chunk of audio. Rendering a whole
 * file is that loop. Chunk memory belongs to the synth and is valid until the next call.
 *
 * Errors: every function that can fail returns a myna_status; myna_strerror() describes it and
 * myna_synth_last_error() gives details of the last failure. Nothing in the library exits,
 * aborts or prints.
 */
#ifndef MYNA_H
#define MYNA_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#define MYNA_VERSION_STRING "0.1.0"

typedef enum {
    MYNA_OK = 0,
    MYNA_DONE = 1,
    MYNA_ERR_INVALID_ARGUMENT = -1,
    MYNA_ERR_NO_MEMORY = -2,
    MYNA_ERR_IO = -3,
    MYNA_ERR_VOICE_NOT_FOUND = -4,
    MYNA_ERR_VOICE_FORMAT = -5,  /* not a voice file, corrupt or truncated */
    MYNA_ERR_VOICE_VERSION = -6, /* voice file of an unsupported version */
    MYNA_ERR_TEXT_ENCODING = -7, /* input is not valid UTF-8 */
    MYNA_ERR_PHONEMIZER = -8,    /* libespeak-ng unavailable or lacks the voice's language */
    MYNA_ERR_BACKEND = -9,       /* compute backend failed or is unavailable */
    MYNA_ERR_UNSUPPORTED = -10,
    MYNA_ERR_STATE = -11,        /* call out of order, e.g. next() before start() */
    MYNA_ERR_INTERNAL = -12,
    /* Audio given for analysis (a speaker reference) that cannot be used: */
    MYNA_ERR_AUDIO_EMPTY = -13,      /* no samples */
    MYNA_ERR_AUDIO_TOO_SHORT = -14,  /* less than about 1 s of speech */
    MYNA_ERR_AUDIO_SILENT = -15,     /* below -60 dBFS RMS */
    MYNA_ERR_AUDIO_CLIPPED = -16,    /* over 1 % of samples at full scale */
    MYNA_ERR_AUDIO_NOT_FINITE = -17, /* NaN or infinite samples */
} myna_status;

const char *myna_strerror(myna_status status);
const char *myna_version(void);

/* ---- voices ------------------------------------------------------------------------------ */
typedef struct myna_voice myna_voice;

/* On failure, a one-line reason is written to error (if non-NULL, error_size bytes incl. NUL). */
myna_status myna_voice_open(const char *path, myna_voice **out, char *error, size_t error_size);
void myna_voice_close(myna_voice *voice);

/* Resolves a voice name ("en_US-myna-default") or path to a file. Search order: an existing
 * path as given; each directory of $MYNA_VOICE_PATH (colon separated); the "voices" folder
 * beside the executable and its parent; <install prefix>/share/myna/voices. */
myna_status myna_voice_resolve(const char *name_or_path, char *path_out, size_t path_size);

/* Calls fn(path, user) for each voice file (*.myna) found on the search path. */
myna_status myna_voice_list(void (*fn)(const char *path, void *user), void *user);

/* Inspector: writes the voice file's metadata and tensor table to out. */
void myna_voice_describe(const myna_voice *voice, FILE *out);

int myna_voice_sample_rate(const myna_voice *voice);
int myna_voice_speaker_count(const myna_voice *voice);
/* Metadata string by key ("general.name", "general.language", ...), NULL if absent. */
const char *myna_voice_info(const myna_voice *voice, const char *key);

/* ---- synthesis options ------------------------------------------------------------------- */
typedef enum { MYNA_BACKEND_AUTO = 0, MYNA_BACKEND_CPU = 1, MYNA_BACKEND_VULKAN = 2 } myna_backend;

typedef enum {
    MYNA_VOCODER_NEURAL = 0,      /* the voice's WaveNet-style vocoder */
    MYNA_VOCODER_GRIFFIN_LIM = 1, /* debugging: mel inversion without the vocoder */
} myna_vocoder;

typedef struct {
    size_t size;            /* sizeof(myna_options), set by myna_options_default */
    float rate;             /* speaking rate, 1 = voice default; [0.25, 4] */
    float pitch_semitones;  /* pitch shift, [-12, 12] */
    float volume;           /* linear gain, [0, 4] */
    float sentence_silence; /* seconds of silence after each sentence, [0, 10] */
    int speaker;            /* speaker index for multi-speaker voices */
    int threads;            /* compute threads, 0 = all cores */
    myna_backend backend;
    int device_index;       /* Vulkan device, -1 = best */
    myna_vocoder vocoder;
    const char *lexicon_path; /* optional user lexicon (see README), NULL for none */
} myna_options;

void myna_options_default(myna_options *options);

/* ---- synthesis --------------------------------------------------------------------------- */
typedef struct myna_synth myna_synth;

typedef enum { MYNA_EVENT_SENTENCE = 0, MYNA_EVENT_WORD = 1 } myna_event_type;

typedef struct {
    myna_event_type type;
    uint64_t sample;      /* absolute sample position in the utterance where it starts */
    size_t text_offset;   /* byte offset in the text given to myna_synth_start */
    size_t text_length;   /* bytes */
} myna_event;

typedef struct {
    const float *samples; /* mono, [-1, 1] nominal */
    size_t n_samples;
    int sample_rate;
    uint64_t first_sample; /* absolute position of samples[0] in the utterance */
    const myna_event *events; /* events starting inside this chunk */
    size_t n_events;
} myna_chunk;

/* options may be NULL for defaults. On failure, a one-line reason is written to error (if
 * non-NULL). */
myna_status myna_synth_create(const myna_voice *voice, const myna_options *options,
                              myna_synth **out, char *error, size_t error_size);
void myna_synth_destroy(myna_synth *synth);

/* Starts an utterance (UTF-8, len bytes; the text is copied). Cancels any unfinished one. */
myna_status myna_synth_start(myna_synth *synth, const char *text, size_t len);
/* MYNA_OK with the next chunk, MYNA_DONE when the utterance is complete, or an error. */
myna_status myna_synth_next(myna_synth *synth, myna_chunk *chunk);
/* Progress of the current utterance: bytes of text consumed / total. */
void myna_synth_progress(const myna_synth *synth, size_t *done, size_t *total);
/* Details of the last error on this synth (never NULL). */
const char *myna_synth_last_error(const myna_synth *synth);
/* Description of the compute backend in use, e.g. "cpu avx512vnni x2". */
const char *myna_synth_backend_name(const myna_synth *synth);

/* Front end only: the phoneme symbols for text, as the voice's model sees them, separated by
 * spaces, one line per sentence. Returns a malloc'ed string in *out (free with myna_free). */
myna_status myna_synth_phonemes(myna_synth *synth, const char *text, size_t len, char **out);
/* Same, as ids of the voice's phoneme inventory, space separated, one line per sentence. */
myna_status myna_synth_phoneme_ids(myna_synth *synth, const char *text, size_t len, char **out);
void myna_free(void *p);

/* The same front end without a synthesizer: myna_phonemizer_create checks options exactly as
 * myna_synth_create does (same statuses and messages; only lexicon_path is used) and opens the
 * voice's front end, but starts no compute backend (no Vulkan probe) and loads no model, so
 * it also works on a voice whose networks could not be loaded. options may be NULL. */
typedef struct myna_phonemizer myna_phonemizer;
myna_status myna_phonemizer_create(const myna_voice *voice, const myna_options *options,
                                   myna_phonemizer **out, char *error, size_t error_size);
void myna_phonemizer_destroy(myna_phonemizer *phonemizer);
/* As myna_synth_phonemes / myna_synth_phoneme_ids, with the same output. */
myna_status myna_phonemizer_phonemes(myna_phonemizer *phonemizer, const char *text, size_t len,
                                     char **out);
myna_status myna_phonemizer_phoneme_ids(myna_phonemizer *phonemizer, const char *text, size_t len,
                                        char **out);

/* Front end without a voice (used by training to build a phoneme inventory): the symbols for
 * text in an espeak-ng language, space separated, one line per sentence. lexicon_path may be
 * NULL. Returns a malloc'ed string in *out (free with myna_free). */
myna_status myna_text_phonemes(const char *language, const char *lexicon_path, const char *text,
                               size_t len, char **out);

/* ---- speaker encoder: speech at any rate -> speaker embedding ----------------------------
 * The encoder is a file of its own (general.kind "speaker_encoder"); path NULL opens the
 * default one, encoders/speaker-encoder.myna under a folder of the voice search path. It runs
 * on the CPU unless options->backend is MYNA_BACKEND_VULKAN (options may be NULL; threads and
 * device_index are used). One thread at a time per encoder. */
typedef struct myna_speaker_encoder myna_speaker_encoder;
myna_status myna_speaker_encoder_open(const char *path, const myna_options *options,
                                      myna_speaker_encoder **out, char *error,
                                      size_t error_size);
void myna_speaker_encoder_close(myna_speaker_encoder *encoder);
int myna_speaker_encoder_dim(const myna_speaker_encoder *encoder);

/* embedding[dim] (L2-normalised) of pcm: n_frames frames of `channels` interleaved float
 * samples (full scale +-1) at sample_rate Hz (1000..768000; resampled to the encoder's rate,
 * channels mixed down). MYNA_ERR_AUDIO_* for audio that cannot be used, with error saying
 * why; dim must be myna_speaker_encoder_dim(). Cosine similarity of two embeddings (their
 * dot product) is higher for the same speaker. */
myna_status myna_speaker_embed(myna_speaker_encoder *encoder, const float *pcm, size_t n_frames,
                               int channels, int sample_rate, float *embedding, size_t dim,
                               char *error, size_t error_size);

#ifdef __cplusplus
}
#endif
#endif
