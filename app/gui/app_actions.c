#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"

#define DEFAULT_VOICE "en_US-myna"
#define MAX_TEXT_FILE (16u << 20)

void app_error(app *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(a->banner, sizeof a->banner, fmt, ap);
    va_end(ap);
    /* Also on stderr: a test or a terminal user sees why without a screenshot. */
    fprintf(stderr, "myna-gui: %s\n", a->banner);
}

typedef struct {
    app *a;
    int failed;
} list_ctx;

static int add_voice(app *a, const char *path)
{
    for (int i = 0; i < a->voices.n_items; i++)
        if (!strcmp(a->voice_paths[i], path)) return i;
    myna_voice *v;
    char name[256];
    if (myna_voice_open(path, &v, NULL, 0) != MYNA_OK) return -1;
    const char *n = myna_voice_info(v, "general.name");
    const char *lang = myna_voice_info(v, "general.language");
    snprintf(name, sizeof name, "%s (%s, %d Hz)", n ? n : "?", lang ? lang : "?",
             myna_voice_sample_rate(v));
    myna_voice_close(v);
    int k = a->voices.n_items;
    char **items = realloc(a->voices.items, (size_t)(k + 1) * sizeof *items);
    if (!items) return -1;
    a->voices.items = items;
    char **paths = realloc(a->voice_paths, (size_t)(k + 1) * sizeof *paths);
    if (!paths) return -1;
    a->voice_paths = paths;
    items[k] = strdup(name);
    paths[k] = strdup(path);
    if (!items[k] || !paths[k]) {
        free(items[k]);
        free(paths[k]);
        return -1;
    }
    a->voices.n_items = k + 1;
    return k;
}

static void on_voice_found(const char *path, void *user)
{
    list_ctx *c = user;
    if (add_voice(c->a, path) < 0) c->failed++;
}

int app_load_voices(app *a)
{
    list_ctx c = {a, 0};
    myna_voice_list(on_voice_found, &c);
    const char *name = a->opt.voice ? a->opt.voice : getenv("MYNA_VOICE");
    if (!name || !*name) name = DEFAULT_VOICE;
    char path[PATH_MAX];
    if (myna_voice_resolve(name, path, sizeof path) != MYNA_OK) {
        app_error(a, "Voice '%s' not found. Put a voice (*.myna) in voices/ or in a folder of "
                     "$MYNA_VOICE_PATH, or pick one above.", name);
        return a->voices.n_items > 0 ? app_select_voice(a, 0) : -1;
    }
    int i = add_voice(a, path);
    if (i < 0) {
        char err[256] = "";
        myna_voice *v = NULL;
        myna_status st = myna_voice_open(path, &v, err, sizeof err);
        myna_voice_close(v);
        app_error(a, "Voice %s: %s%s%s", path, myna_strerror(st), err[0] ? ": " : "", err);
        return -1;
    }
    return app_select_voice(a, i);
}

void app_free_voices(app *a)
{
    for (int i = 0; i < a->voices.n_items; i++) {
        free(a->voices.items[i]);
        free(a->voice_paths[i]);
    }
    free(a->voices.items);
    free(a->voice_paths);
    a->voices.items = NULL;
    a->voice_paths = NULL;
    a->voices.n_items = 0;
    myna_voice_close(a->voice);
    a->voice = NULL;
}

int app_select_voice(app *a, int index)
{
    /* Workers hold the voice: they must be gone before it is closed. */
    app_stop(a);
    worker_stop(&a->saver);
    myna_voice_close(a->voice);
    a->voice = NULL;
    char err[256] = "";
    myna_status st = myna_voice_open(a->voice_paths[index], &a->voice, err, sizeof err);
    if (st != MYNA_OK) {
        app_error(a, "Voice %s: %s%s%s", a->voice_paths[index], myna_strerror(st),
                  err[0] ? ": " : "", err);
        return -1;
    }
    a->voices.selected = index;
    snprintf(a->status, sizeof a->status, "Voice: %s", a->voices.items[index]);
    return 0;
}

static void current_options(app *a, myna_options *o)
{
    *o = a->opt.synth;
    o->rate = a->rate.value;
    o->pitch_semitones = a->pitch.value;
    o->volume = a->volume.value;
}

/* The selection if there is one, else the whole text. */
static const char *spoken_text(app *a, size_t *begin, size_t *len)
{
    text_buffer *tb = &a->text.tb;
    *begin = tb_has_selection(tb) ? tb_sel_begin(tb) : 0;
    *len = tb_has_selection(tb) ? tb_sel_end(tb) - *begin : tb->len;
    return tb->data + *begin;
}

void app_speak(app *a)
{
    if (!a->voice) {
        app_error(a, "No voice loaded: pick or install one first.");
        return;
    }
    if (!a->audio_ok) {
        app_error(a, "No audio device: %s. Saving to a file (Ctrl+S) still works.",
                  a->audio_error);
        return;
    }
    size_t begin, len;
    const char *text = spoken_text(a, &begin, &len);
    if (len == 0) {
        app_error(a, "Nothing to speak: type some text first.");
        return;
    }
    app_stop(a);
    myna_options o;
    current_options(a, &o);
    char err[512];
    if (worker_start(&a->player, JOB_PLAY, a->voice, &o, text, len, NULL, err, sizeof err)) {
        app_error(a, "%s", err);
        return;
    }
    if (audio_open(&a->audio, myna_voice_sample_rate(a->voice), &a->player.ring,
                   &a->player.finished, err, sizeof err) != 0) {
        worker_stop(&a->player);
        app_error(a, "No audio device: %s", err);
        return;
    }
    a->banner[0] = '\0';
    a->speaking = 1;
    a->paused = 0;
    a->drained_at = 0;
    a->spoken_base = begin;
    a->spoken_revision = a->text.tb.revision;
    a->have_last_word = 0;
    a->pause.label = "Pause";
    snprintf(a->status, sizeof a->status, "Speaking %zu bytes...", len);
    if (a->opt.trace)
        printf("speak begin %zu %zu rate %.3f pitch %.3f volume %.3f\n", begin, len,
               (double)o.rate, (double)o.pitch_semitones, (double)o.volume);
}

void app_stop(app *a)
{
    if (!a->speaking) return;
    /* Device first: the callback reads the worker's ring. */
    audio_close(&a->audio);
    worker_stop(&a->player);
    a->speaking = a->paused = 0;
    a->text.highlight = 0;
    a->pause.label = "Pause";
    snprintf(a->status, sizeof a->status, "Stopped.");
}

void app_toggle_pause(app *a)
{
    if (!a->speaking) return;
    a->paused = !a->paused;
    audio_set_paused(&a->audio, a->paused);
    a->pause.label = a->paused ? "Resume" : "Pause";
    snprintf(a->status, sizeof a->status, a->paused ? "Paused." : "Speaking...");
}

void app_save(app *a)
{
    const char *path = a->path.tb.data;
    if (!a->voice) {
        app_error(a, "No voice loaded: pick or install one first.");
        return;
    }
    if (!*path) {
        app_error(a, "Type a file name ending in .wav or .flac in the path field, then Save.");
        return;
    }
    size_t begin, len;
    const char *text = spoken_text(a, &begin, &len);
    if (len == 0) {
        app_error(a, "Nothing to save: type some text first.");
        return;
    }
    myna_options o;
    current_options(a, &o);
    char err[512];
    if (worker_start(&a->saver, JOB_SAVE, a->voice, &o, text, len, path, err, sizeof err)) {
        app_error(a, "%s", err);
        return;
    }
    a->banner[0] = '\0';
    snprintf(a->status, sizeof a->status, "Saving %s...", path);
}

void app_open_file(app *a, const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        app_error(a, "Cannot open %s", path);
        return;
    }
    char *buf = malloc(MAX_TEXT_FILE);
    size_t n = buf ? fread(buf, 1, MAX_TEXT_FILE, f) : 0;
    int too_big = buf && n == MAX_TEXT_FILE && fgetc(f) != EOF;
    int err = ferror(f);
    fclose(f);
    if (!buf || err || too_big) {
        app_error(a, too_big ? "%s is larger than 16 MiB" : "Cannot read %s", path);
        free(buf);
        return;
    }
    app_stop(a);
    /* A UTF-8 byte order mark is not text to speak. */
    size_t skip = n >= 3 && !memcmp(buf, "\xef\xbb\xbf", 3) ? 3 : 0;
    if (tb_set(&a->text.tb, buf + skip, n - skip) != 0) app_error(a, "Out of memory");
    free(buf);
    a->text.scroll = 0;
    a->banner[0] = '\0';
    tb_set(&a->path.tb, path, strlen(path));
    snprintf(a->status, sizeof a->status, "Opened %s (%zu bytes)", path, a->text.tb.len);
}

static void tick_speech(app *a)
{
    audio_state st;
    audio_snapshot(&a->audio, &st, a->wave, WAVE_SAMPLES);
    /* The word being heard, not the one just handed to the device. */
    uint64_t lat = audio_latency(&a->audio);
    uint64_t heard = st.played > lat ? st.played - lat : 0;
    myna_event w;
    if (worker_word_at(&a->player, heard, &w) && a->text.tb.revision == a->spoken_revision) {
        size_t b = a->spoken_base + w.text_offset;
        if (!a->have_last_word || a->last_word_offset != b) {
            a->text.highlight = 1;
            a->text.hl_begin = b;
            a->text.hl_end = b + w.text_length;
            ta_reveal(&a->text, &a->font, b);
            if (a->opt.trace)
                printf("word %zu %zu sample %llu heard %llu\n", b, w.text_length,
                       (unsigned long long)w.sample, (unsigned long long)heard);
            a->last_word_offset = b;
            a->have_last_word = 1;
        }
    } else if (a->text.tb.revision != a->spoken_revision) {
        a->text.highlight = 0; /* edited meanwhile: the offsets no longer point at words */
    }
    char msg[512];
    if (worker_finished(&a->player)) {
        myna_status s = worker_result(&a->player, msg, sizeof msg);
        if (s != MYNA_DONE) {
            app_error(a, "Speech failed: %s: %s", myna_strerror(s), msg);
            app_stop(a);
            return;
        }
    }
    if (st.drained && !a->drained_at) a->drained_at = SDL_GetTicks();
    /* Let the device play out its last buffers before closing it. */
    Uint32 tail = (Uint32)(3000.0 * a->audio.spec.samples / a->audio.spec.freq) + 50;
    if (a->drained_at && SDL_GetTicks() - a->drained_at > tail) {
        double secs = (double)st.played / a->audio.spec.freq;
        if (a->opt.trace)
            printf("speak end played %llu rate %d underruns %llu\n",
                   (unsigned long long)st.played, a->audio.spec.freq,
                   (unsigned long long)st.underruns);
        app_stop(a);
        snprintf(a->status, sizeof a->status, "Spoke %.1f s of audio.", secs);
        a->utterances_done++;
    }
}

static void tick_save(app *a)
{
    if (!worker_finished(&a->saver)) return;
    char msg[512];
    myna_status s = worker_result(&a->saver, msg, sizeof msg);
    unsigned long long n = atomic_load(&a->saver.produced);
    int rate = a->saver.sample_rate;
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s", a->saver.save_path);
    worker_stop(&a->saver);
    if (s != MYNA_DONE) {
        app_error(a, "Saving %s failed: %s", path, msg[0] ? msg : myna_strerror(s));
        return;
    }
    snprintf(a->status, sizeof a->status, "Saved %.400s (%.1f s).", path, (double)n / rate);
    if (a->opt.trace) printf("saved %s %llu\n", path, n);
}

void app_tick(app *a)
{
    if (a->speaking) tick_speech(a);
    if (worker_running(&a->saver)) tick_save(a);
    a->speak.enabled = a->voice != NULL;
    a->pause.enabled = a->stop.enabled = a->speaking;
    a->save.enabled = a->voice != NULL && !worker_running(&a->saver);
}
