/* myna_synth: lifetime, backend choice and the pull loop (start / next). Options are checked
 * in options.c, the front end opened in phonemes.c; the per-sentence stages live in
 * synth_stages.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "synth/runtime/planted_leak.h"
#include "synth_internal.h"

/* The first chunk of an utterance is small so playback can start early; later ones are
 * larger so the vocoder's context overhead stays small. */
#define FIRST_CHUNK_FRAMES 16
#define CHUNK_FRAMES 64
#define SILENCE_CHUNK 4096

myna_status synth_fail(myna_synth *s, myna_status status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->error, sizeof s->error, fmt, ap);
    va_end(ap);
    return status;
}

static myna_status create_backend(myna_synth *s)
{
    rt_config cpu = {.kind = RT_BACKEND_CPU, .threads = s->opt.threads, .isa = RT_ISA_AUTO,
                     .device = s->opt.device_index};
    rt_config vk = cpu;
    vk.kind = RT_BACKEND_VULKAN;
    rt_status rs;
    switch (s->opt.backend) {
    case MYNA_BACKEND_CPU: rs = rt_ctx_create(&cpu, &s->rt); break;
    case MYNA_BACKEND_VULKAN:
        rs = rt_ctx_create(&vk, &s->rt);
        if (rs == RT_ERR_UNSUPPORTED)
            return synth_fail(s, MYNA_ERR_BACKEND,
                              "Vulkan backend unavailable (not built, or no Vulkan device)");
        if (rs == RT_ERR_ARG)
            return synth_fail(s, MYNA_ERR_BACKEND, "no Vulkan device %d", s->opt.device_index);
        break;
    case MYNA_BACKEND_AUTO: {
        /* Vulkan only on a real GPU: on a CPU implementation (lavapipe) the CPU backend is far
         * faster. Where no GPU device node exists the probe, which loads every installed
         * Vulkan driver, is not even run. Any Vulkan failure falls back to the CPU. */
        int gpu = 0;
        rs = RT_ERR_UNSUPPORTED;
        if (rt_gpu_may_exist(NULL) && rt_vulkan_probe(&gpu) == RT_OK && gpu)
            rs = rt_ctx_create(&vk, &s->rt);
        if (rs != RT_OK) rs = rt_ctx_create(&cpu, &s->rt);
        break;
    }
    default: return synth_fail(s, MYNA_ERR_INVALID_ARGUMENT, "unknown backend");
    }
    if (rs != RT_OK) return synth_fail(s, MYNA_ERR_BACKEND, "backend start failed (%d)", rs);
    snprintf(s->backend_name, sizeof s->backend_name, "%s", rt_ctx_describe(s->rt));
    return MYNA_OK;
}

static myna_status load_models(myna_synth *s)
{
    char err[256] = "";
    if (ac_model_load(s->voice->file, s->rt, &s->acoustic, err, sizeof err) != 0)
        return synth_fail(s, MYNA_ERR_VOICE_FORMAT, "acoustic model: %s", err);
    if (ac_model_n_symbols(s->acoustic) != (int)s->voice->n_symbols)
        return synth_fail(s, MYNA_ERR_VOICE_FORMAT,
                          "acoustic model has %d symbols, phoneme inventory %zu",
                          ac_model_n_symbols(s->acoustic), s->voice->n_symbols);
    if (s->opt.vocoder == MYNA_VOCODER_GRIFFIN_LIM) {
        if (!s->voice->filterbank)
            return synth_fail(s, MYNA_ERR_VOICE_FORMAT, "voice lacks mel.filterbank");
        return MYNA_OK;
    }
    if (voc_model_load(s->voice->file, s->rt, &s->vocoder, err, sizeof err) != 0)
        return synth_fail(s, MYNA_ERR_VOICE_FORMAT, "vocoder: %s", err);
    if (voc_hop(s->vocoder) != s->voice->hop || voc_sample_rate(s->vocoder) != s->voice->sample_rate)
        return synth_fail(s, MYNA_ERR_VOICE_FORMAT, "vocoder hop/sample rate differ from mel.*");
    return MYNA_OK;
}

myna_status myna_synth_create(const myna_voice *voice, const myna_options *options,
                              myna_synth **out, char *error, size_t error_size)
{
    if (error && error_size) error[0] = '\0';
    if (!out) return MYNA_ERR_INVALID_ARGUMENT;
    *out = NULL;
    if (!voice) return MYNA_ERR_INVALID_ARGUMENT;
    myna_synth *s = calloc(1, sizeof *s);
    if (!s) return MYNA_ERR_NO_MEMORY;
    s->voice = voice;
    myna_status st = api_take_options(voice, options, &s->opt, s->error, sizeof s->error);
    if (st == MYNA_OK)
        st = text_front_open(&s->front, voice, s->opt.lexicon_path, s->error, sizeof s->error);
    if (st == MYNA_OK) st = create_backend(s);
    if (st == MYNA_OK) st = load_models(s);
    if (st != MYNA_OK) {
        if (error && error_size) snprintf(error, error_size, "%s", s->error);
        myna_synth_destroy(s);
        return st;
    }
    planted_leak("synth_create");
    *out = s;
    return MYNA_OK;
}

void myna_synth_destroy(myna_synth *s)
{
    if (!s) return;
    voc_model_free(s->vocoder);
    ac_model_free(s->acoustic);
    rt_ctx_destroy(s->rt);
    text_front_close(&s->front);
    free(s->text);
    free(s->sent.mel);
    free(s->sent.excitation);
    free(s->sent.gl_audio);
    free(s->chunk);
    free(s->events);
    free(s->chunk_events);
    free(s);
}

myna_status myna_synth_start(myna_synth *s, const char *text, size_t len)
{
    if (!s || (!text && len)) return MYNA_ERR_INVALID_ARGUMENT;
    s->phase = PHASE_IDLE;
    size_t bad;
    if (len && !tf_utf8_validate(text, len, &bad))
        return synth_fail(s, MYNA_ERR_TEXT_ENCODING, "invalid UTF-8 at byte %zu", bad);
    char *copy = malloc(len + 1);
    if (!copy) return synth_fail(s, MYNA_ERR_NO_MEMORY, "cannot copy %zu bytes of text", len);
    if (len) memcpy(copy, text, len);
    copy[len] = '\0';
    free(s->text);
    s->text = copy;
    s->text_len = len;
    s->text_pos = 0;
    s->sine_phase = 0.0;
    s->sample_pos = 0;
    s->silence_left = 0;
    s->n_events = 0;
    s->sent.n_frames = s->sent.frame_pos = 0;
    s->error[0] = '\0';
    s->phase = PHASE_TEXT;
    return MYNA_OK;
}

static myna_status emit_silence(myna_synth *s, myna_chunk *chunk)
{
    size_t n = s->silence_left < SILENCE_CHUNK ? s->silence_left : SILENCE_CHUNK;
    myna_status st = synth_reserve_chunk(s, n);
    if (st != MYNA_OK) return st;
    memset(s->chunk, 0, n * sizeof *s->chunk);
    s->silence_left -= n;
    chunk->samples = s->chunk;
    chunk->n_samples = n;
    return MYNA_OK;
}

/* Moves to the next sentence that has something to say; PHASE_DONE at the end of the text. */
static myna_status advance_sentence(myna_synth *s)
{
    for (;;) {
        tf_span span;
        tf_status ts =
            tf_next_sentence(s->text, s->text_len, MAX_SENTENCE_BYTES, &s->text_pos, &span);
        if (ts == TF_DONE) {
            s->phase = PHASE_DONE;
            return MYNA_OK;
        }
        if (ts != TF_OK) return synth_fail(s, MYNA_ERR_INTERNAL, "sentence split failed");
        myna_status st = stage_sentence_to_frames(s, s->text + span.begin,
                                                  span.end - span.begin, span.begin);
        if (st != MYNA_OK) return st;
        if (s->sent.n_frames > 0) {
            s->phase = PHASE_AUDIO;
            return MYNA_OK;
        }
    }
}

static void attach_events(myna_synth *s, myna_chunk *chunk)
{
    chunk->events = NULL;
    chunk->n_events = 0;
    uint64_t end = s->sample_pos + chunk->n_samples;
    size_t n = 0;
    while (n < s->n_events && s->events[n].sample < end) n++;
    if (n == 0) return;
    if (n > s->chunk_events_cap) {
        myna_event *p = realloc(s->chunk_events, n * sizeof *p);
        if (!p) return; /* events are advisory: audio goes on without them */
        s->chunk_events = p;
        s->chunk_events_cap = n;
    }
    memcpy(s->chunk_events, s->events, n * sizeof *s->events);
    memmove(s->events, s->events + n, (s->n_events - n) * sizeof *s->events);
    s->n_events -= n;
    chunk->events = s->chunk_events;
    chunk->n_events = n;
}

static void finish_chunk(myna_synth *s, myna_chunk *chunk)
{
    float gain = s->opt.volume;
    if (gain != 1.0f)
        for (size_t i = 0; i < chunk->n_samples; i++) s->chunk[i] *= gain;
    chunk->sample_rate = s->voice->sample_rate;
    chunk->first_sample = s->sample_pos;
    attach_events(s, chunk);
    s->sample_pos += chunk->n_samples;
}

myna_status myna_synth_next(myna_synth *s, myna_chunk *chunk)
{
    if (!s || !chunk) return MYNA_ERR_INVALID_ARGUMENT;
    memset(chunk, 0, sizeof *chunk);
    if (s->phase == PHASE_IDLE)
        return synth_fail(s, MYNA_ERR_STATE, "myna_synth_next without a started utterance");
    for (;;) {
        myna_status st = MYNA_OK;
        switch (s->phase) {
        case PHASE_DONE: return MYNA_DONE;
        case PHASE_TEXT: st = advance_sentence(s); break;
        case PHASE_AUDIO:
            if (s->sent.frame_pos < s->sent.n_frames) {
                int frames = s->sample_pos == 0 ? FIRST_CHUNK_FRAMES : CHUNK_FRAMES;
                st = stage_render_chunk(s, frames, chunk);
                if (st == MYNA_OK) {
                    finish_chunk(s, chunk);
                    return MYNA_OK;
                }
                break;
            }
            s->silence_left = (size_t)(s->opt.sentence_silence * s->voice->sample_rate + 0.5f);
            s->phase = PHASE_SILENCE;
            break;
        case PHASE_SILENCE:
            if (s->silence_left > 0) {
                st = emit_silence(s, chunk);
                if (st == MYNA_OK) {
                    finish_chunk(s, chunk);
                    return MYNA_OK;
                }
                break;
            }
            s->phase = PHASE_TEXT;
            break;
        case PHASE_IDLE: return MYNA_ERR_STATE;
        }
        if (st != MYNA_OK) {
            s->phase = PHASE_IDLE;
            return st;
        }
    }
}

void myna_synth_progress(const myna_synth *s, size_t *done, size_t *total)
{
    if (done) *done = s ? s->text_pos : 0;
    if (total) *total = s ? s->text_len : 0;
}

const char *myna_synth_last_error(const myna_synth *s)
{
    return s && s->error[0] ? s->error : "no error";
}

const char *myna_synth_backend_name(const myna_synth *s)
{
    return s ? s->backend_name : "";
}
