/* The stages of one sentence: text -> phoneme ids -> acoustic frames -> excitation, then
 * audio chunk by chunk. Each stage is a function of its own so it can be timed, tested and
 * replaced separately. */
#include <stdlib.h>
#include <string.h>

#include "synth_internal.h"
#include "vocoder/griffinlim.h"

/* Upper bound on one sentence's audio: absurd durations are clipped, never allocated. */
#define MAX_SENTENCE_SECONDS 60

static int grow(void **p, size_t *cap, size_t n, size_t elem)
{
    if (n <= *cap) return 1;
    void *q = realloc(*p, n * elem);
    if (!q) return 0;
    *p = q;
    *cap = n;
    return 1;
}

static myna_status push_event(myna_synth *s, myna_event_type type, uint64_t sample,
                              size_t offset, size_t length)
{
    if (!grow((void **)&s->events, &s->events_cap, s->n_events + 1, sizeof *s->events))
        return synth_fail(s, MYNA_ERR_NO_MEMORY, "event queue");
    s->events[s->n_events++] = (myna_event){type, sample, offset, length};
    return MYNA_OK;
}

/* Sentence and word events. Word start = sum of the frames of the symbols before the word's
 * first symbol; only exact when every symbol was in the inventory (ids align with tokens). */
static myna_status queue_events(myna_synth *s, const tf_phonemes *ph, const int32_t *frames,
                                int ids_align, size_t text_begin, size_t text_len)
{
    uint64_t start = s->sample_pos;
    myna_status st = push_event(s, MYNA_EVENT_SENTENCE, start, text_begin, text_len);
    if (st != MYNA_OK || !ids_align) return st;
    uint64_t frame = 0;
    int32_t last_word = -1;
    for (size_t i = 0; i < ph->n; i++) {
        int32_t w = ph->word[i];
        if (w >= 0 && w != last_word && (size_t)w < ph->n_words) {
            const tf_span *sp = &ph->word_spans[w];
            st = push_event(s, MYNA_EVENT_WORD, start + frame * (uint64_t)s->voice->hop,
                            text_begin + sp->begin, sp->end - sp->begin);
            if (st != MYNA_OK) return st;
            last_word = w;
        }
        frame += (uint64_t)frames[i];
    }
    return MYNA_OK;
}

static myna_status keep_frames(myna_synth *s, const ac_output *out)
{
    sentence_state *sent = &s->sent;
    size_t n_mel = (size_t)out->n_frames * (size_t)out->n_mels;
    size_t n_exc = (size_t)out->n_frames * (size_t)s->voice->hop;
    if (!grow((void **)&sent->mel, &sent->mel_cap, n_mel, sizeof(float)) ||
        !grow((void **)&sent->excitation, &sent->exc_cap, n_exc, sizeof(float)))
        return synth_fail(s, MYNA_ERR_NO_MEMORY, "sentence of %d frames", out->n_frames);
    memcpy(sent->mel, out->mel, n_mel * sizeof(float));
    sent->n_frames = out->n_frames;
    sent->frame_pos = 0;
    if (s->vocoder) {
        voc_excitation(s->vocoder, out->f0, out->n_frames, &s->sine_phase, s->sample_pos,
                       sent->excitation);
        return MYNA_OK;
    }
    /* Griffin-Lim has no streaming form: render the whole sentence now, hand it out later. */
    if (!grow((void **)&sent->gl_audio, &sent->gl_cap, n_exc, sizeof(float)))
        return synth_fail(s, MYNA_ERR_NO_MEMORY, "sentence of %d frames", out->n_frames);
    const myna_voice *v = s->voice;
    gl_params gp = {v->sample_rate, v->n_fft, v->hop, v->win, v->n_mels, v->filterbank, 32};
    if (gl_render(&gp, sent->mel, sent->n_frames, sent->gl_audio) != 0)
        return synth_fail(s, MYNA_ERR_INTERNAL, "Griffin-Lim failed");
    return MYNA_OK;
}

myna_status stage_sentence_to_frames(myna_synth *s, const char *sentence, size_t len,
                                     size_t text_begin)
{
    s->sent.n_frames = s->sent.frame_pos = 0;
    tf_phonemes ph;
    tf_status ts = tf_phonemize(s->front.tf, sentence, len, &ph);
    if (ts != TF_OK)
        return synth_fail(s, ts == TF_ERR_NOMEM ? MYNA_ERR_NO_MEMORY : MYNA_ERR_PHONEMIZER,
                          "phonemizer: %s", tf_strerror(ts));
    myna_status st = MYNA_OK;
    int32_t *ids = malloc((ph.n ? ph.n : 1) * sizeof *ids);
    size_t n_ids = 0, n_unknown = 0;
    if (!ids) {
        st = synth_fail(s, MYNA_ERR_NO_MEMORY, "phoneme ids");
        goto out;
    }
    tf_inventory_map(s->front.inventory, &ph, ids, &n_ids, &n_unknown);
    /* Only boundary and pause symbols: nothing to say in this sentence. */
    if (n_ids <= 2) goto out;

    ac_params p = {.dur_scale = 1.0f / s->opt.rate,
                   .pitch_semitones = s->opt.pitch_semitones,
                   .speaker = s->opt.speaker};
    int max_frames = MAX_SENTENCE_SECONDS * s->voice->sample_rate / s->voice->hop;
    ac_output out;
    int rc = ac_model_run(s->acoustic, ids, (int)n_ids, &p, max_frames, &out);
    if (rc != 0) {
        st = synth_fail(s, rc == RT_ERR_NOMEM ? MYNA_ERR_NO_MEMORY : MYNA_ERR_BACKEND,
                        "acoustic model failed (%d)", rc);
        goto out;
    }
    if (out.n_frames <= 0) goto out;
    st = keep_frames(s, &out);
    if (st == MYNA_OK) st = queue_events(s, &ph, out.frames, n_unknown == 0, text_begin, len);
out:
    free(ids);
    tf_phonemes_free(&ph);
    return st;
}

myna_status synth_reserve_chunk(myna_synth *s, size_t n)
{
    if (!grow((void **)&s->chunk, &s->chunk_cap, n, sizeof(float)))
        return synth_fail(s, MYNA_ERR_NO_MEMORY, "chunk of %zu samples", n);
    return MYNA_OK;
}

myna_status stage_render_chunk(myna_synth *s, int max_frames, myna_chunk *chunk)
{
    sentence_state *sent = &s->sent;
    int begin = sent->frame_pos;
    int end = begin + max_frames < sent->n_frames ? begin + max_frames : sent->n_frames;
    size_t hop = (size_t)s->voice->hop;
    size_t n = (size_t)(end - begin) * hop;
    myna_status st = synth_reserve_chunk(s, n);
    if (st != MYNA_OK) return st;
    if (s->vocoder) {
        int rc = voc_render(s->vocoder, sent->mel, sent->excitation, sent->n_frames, begin, end,
                            s->chunk);
        if (rc != 0)
            return synth_fail(s, rc == RT_ERR_NOMEM ? MYNA_ERR_NO_MEMORY : MYNA_ERR_BACKEND,
                              "vocoder failed (%d)", rc);
    } else {
        memcpy(s->chunk, sent->gl_audio + (size_t)begin * hop, n * sizeof(float));
    }
    sent->frame_pos = end;
    chunk->samples = s->chunk;
    chunk->n_samples = n;
    return MYNA_OK;
}
