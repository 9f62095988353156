/* In-process benchmark of the whole pipeline through the public API: voice-load time, time
 * to first audio, real-time factor and peak memory, for a fixed text and a thread count.
 * Figures only; nothing here asserts speed (see tools/bench for the side-by-side table). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <limits.h>

#include "myna.h"

static const char *DEFAULT_TEXT =
    "The birch canoe slid on the smooth planks. Glue the sheet to the dark blue background. "
    "It is easy to tell the depth of a well. These days a chicken leg is a rare dish. "
    "Rice is often served in round bowls. The juice of lemons makes fine punch.";

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int usage(void)
{
    fprintf(stderr, "usage: myna-bench [--voice V] [--threads N] [--repeat R] [--text T] "
                    "[--first-sentence TEXT] [--backend cpu|vulkan|auto] [--device N]\n");
    return 1;
}

/* The default speaker encoder on the first seconds of the rendered audio (best of R). */
static void bench_speaker_encoder(const float *audio, size_t n, int sr, int threads, int repeat)
{
    char err[512] = "";
    myna_options o;
    myna_options_default(&o);
    o.threads = threads;
    o.backend = MYNA_BACKEND_CPU;
    double t0 = now();
    myna_speaker_encoder *e = NULL;
    if (!audio || myna_speaker_encoder_open(NULL, &o, &e, err, sizeof err) != MYNA_OK) {
        printf("speaker encoder: not measured (%s)\n", err[0] ? err : "no audio");
        return;
    }
    double load_ms = (now() - t0) * 1e3, best = 1e9;
    float emb[512];
    size_t dim = (size_t)myna_speaker_encoder_dim(e);
    for (int r = 0; r < repeat && dim <= 512; r++) {
        double a = now();
        if (myna_speaker_embed(e, audio, n, 1, sr, emb, dim, err, sizeof err) != MYNA_OK) {
            printf("speaker encoder: %s\n", err);
            break;
        }
        double ms = (now() - a) * 1e3;
        if (ms < best) best = ms;
    }
    printf("speaker encoder | threads %d | load %.1f ms | embedding of %.1f s of audio %.1f ms\n",
           threads, load_ms, (double)n / sr, best);
    myna_speaker_encoder_close(e);
}

int main(int argc, char **argv)
{
    const char *voice_name = "en_US-myna", *text = DEFAULT_TEXT;
    const char *first = "The quick brown fox jumps over the lazy dog near the quiet river bank "
                        "while twenty small birds sing softly in the morning light.";
    int threads = 1, repeat = 3, device = -1;
    myna_backend backend = MYNA_BACKEND_CPU;
    for (int i = 1; i < argc; i++) {
        if (i + 1 >= argc) return usage();
        if (!strcmp(argv[i], "--voice")) voice_name = argv[++i];
        else if (!strcmp(argv[i], "--threads")) threads = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--repeat")) repeat = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--text")) text = argv[++i];
        else if (!strcmp(argv[i], "--first-sentence")) first = argv[++i];
        else if (!strcmp(argv[i], "--device")) device = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--backend")) {
            const char *b = argv[++i];
            if (!strcmp(b, "cpu")) backend = MYNA_BACKEND_CPU;
            else if (!strcmp(b, "vulkan")) backend = MYNA_BACKEND_VULKAN;
            else if (!strcmp(b, "auto")) backend = MYNA_BACKEND_AUTO;
            else return usage();
        }
        else return usage();
    }
    if (repeat < 1) repeat = 1;
    char path[PATH_MAX], err[512];
    if (myna_voice_resolve(voice_name, path, sizeof path) != MYNA_OK) {
        fprintf(stderr, "voice %s not found\n", voice_name);
        return 1;
    }
    double t0 = now();
    myna_voice *v;
    myna_options o;
    myna_options_default(&o);
    o.threads = threads;
    o.backend = backend;
    o.device_index = device;
    myna_synth *s;
    if (myna_voice_open(path, &v, err, sizeof err) != MYNA_OK ||
        myna_synth_create(v, &o, &s, err, sizeof err) != MYNA_OK) {
        fprintf(stderr, "cannot load %s: %s\n", path, err);
        return 1;
    }
    double load_ms = (now() - t0) * 1e3;
    int sr = myna_voice_sample_rate(v);

    /* Time to first audio: start() to the first chunk of a 20-word sentence (best of R). */
    double ttfa = 1e9;
    myna_chunk c;
    for (int r = 0; r < repeat; r++) {
        double a = now();
        myna_synth_start(s, first, strlen(first));
        if (myna_synth_next(s, &c) != MYNA_OK) return 1;
        double ms = (now() - a) * 1e3;
        if (ms < ttfa) ttfa = ms;
    }
    /* Real-time factor over the whole text (best of R). The first 10 s are kept for the
     * speaker encoder's figure. */
    double best = 1e9;
    size_t samples = 0, kept = 0, keep = (size_t)sr * 10;
    float *audio = malloc(keep * sizeof *audio);
    for (int r = 0; r < repeat; r++) {
        double a = now();
        myna_synth_start(s, text, strlen(text));
        size_t n = 0;
        myna_status st;
        while ((st = myna_synth_next(s, &c)) == MYNA_OK) {
            for (size_t i = 0; audio && i < c.n_samples && n + i < keep; i++)
                audio[n + i] = c.samples[i];
            n += c.n_samples;
        }
        kept = n < keep ? n : keep;
        if (st != MYNA_DONE) return 1;
        double sec = now() - a;
        if (sec < best) best = sec;
        samples = n;
    }
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    double audio_s = (double)samples / sr;
    printf("backend %s | threads %d | voice load %.1f ms | first audio %.1f ms | "
           "audio %.2f s | synth %.3f s | RTF %.4f | peak RSS %.1f MB\n",
           myna_synth_backend_name(s), threads, load_ms, ttfa, audio_s, best,
           best / audio_s, ru.ru_maxrss / 1024.0);
    myna_synth_destroy(s);
    myna_voice_close(v);
    bench_speaker_encoder(audio, kept, sr, threads, repeat);
    free(audio);
    return 0;
}
