/* Speaker encoder (see speaker_encoder.h and docs/models.md, "Speaker encoder"). */
#include "speaker_encoder.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "layer_loader.h"

#define MAX_LAYERS 8

struct spk_encoder {
    rt_ctx *ctx;
    int n_mels, conv_channels, conv_kernel, n_conv, lstm_hidden, n_lstm, dim;
    int partial, partial_hop, min_frames;
    double drop_nats;
    rt_weight *conv[MAX_LAYERS];
    ml_lstm lstm[MAX_LAYERS];
    rt_weight *proj;
    rt_buf *x, *a, *b, *p; /* partial input, two ping-pong activations, projection */
    float *host;           /* projection rows read back [partial][dim] */
};

static int load_sizes(ml_loader *L, spk_encoder *e)
{
    const char *kind = NULL;
    if (vf_get_str(L->vf, "general.kind", &kind) != VF_OK || strcmp(kind, "speaker_encoder") != 0)
        return ml_fail(L, "not a speaker encoder (general.kind is not \"speaker_encoder\")");
    int r = ml_get_int(L, "mel.n_mels", 1, 512, &e->n_mels);
    if (!r) r = ml_get_int(L, "speaker_encoder.conv_channels", 1, 4096, &e->conv_channels);
    if (!r) r = ml_get_int(L, "speaker_encoder.conv_kernel", 1, 31, &e->conv_kernel);
    if (!r && e->conv_kernel % 2 == 0) r = ml_fail(L, "speaker_encoder.conv_kernel must be odd");
    if (!r) r = ml_get_int(L, "speaker_encoder.n_conv", 0, MAX_LAYERS, &e->n_conv);
    if (!r) r = ml_get_int(L, "speaker_encoder.lstm_hidden", 1, 4096, &e->lstm_hidden);
    if (!r) r = ml_get_int(L, "speaker_encoder.n_lstm", 1, MAX_LAYERS, &e->n_lstm);
    if (!r) r = ml_get_int(L, "speaker_encoder.dim", 1, 4096, &e->dim);
    if (!r) r = ml_get_int(L, "speaker_encoder.partial", 1, 100000, &e->partial);
    if (!r) r = ml_get_int(L, "speaker_encoder.partial_hop", 1, e->partial, &e->partial_hop);
    if (!r) r = ml_get_int(L, "speaker_encoder.min_frames", 1, 1000000, &e->min_frames);
    if (!r) r = ml_get_f64(L, "speaker_encoder.drop_nats", &e->drop_nats);
    if (!r && !(e->drop_nats > 0)) r = ml_fail(L, "speaker_encoder.drop_nats must be > 0");
    return r;
}

static int load_weights(ml_loader *L, spk_encoder *e)
{
    char name[64];
    int in = e->n_mels, r = 0;
    for (int i = 0; !r && i < e->n_conv; i++, in = e->conv_channels) {
        snprintf(name, sizeof name, "spk.conv%d", i);
        r = ml_load_layer(L, name, e->conv_channels, e->conv_kernel, in, 1, &e->conv[i]);
    }
    for (int i = 0; !r && i < e->n_lstm; i++, in = e->lstm_hidden) {
        snprintf(name, sizeof name, "spk.lstm%d.fwd", i);
        r = ml_load_lstm(L, name, e->lstm_hidden, in, &e->lstm[i]);
    }
    if (!r) r = ml_load_layer(L, "spk.proj", e->dim, 1, in, 1, &e->proj);
    return r;
}

static int make_buffers(spk_encoder *e)
{
    int wide = e->conv_channels > e->lstm_hidden ? e->conv_channels : e->lstm_hidden;
    if (wide < e->n_mels) wide = e->n_mels;
    int r = rt_buf_create(e->ctx, e->partial, e->n_mels, &e->x);
    if (!r) r = rt_buf_create(e->ctx, e->partial, wide, &e->a);
    if (!r) r = rt_buf_create(e->ctx, e->partial, wide, &e->b);
    if (!r) r = rt_buf_create(e->ctx, e->partial, e->dim, &e->p);
    if (!r && !(e->host = malloc((size_t)e->partial * e->dim * sizeof *e->host)))
        r = RT_ERR_NOMEM;
    return r;
}

int spk_encoder_load(const vf_file *vf, rt_ctx *ctx, spk_encoder **out, char *err,
                     size_t err_len)
{
    if (err && err_len) err[0] = '\0';
    if (!vf || !ctx || !out) return RT_ERR_ARG;
    *out = NULL;
    spk_encoder *e = calloc(1, sizeof *e);
    if (!e) return RT_ERR_NOMEM;
    e->ctx = ctx;
    ml_loader L = {vf, ctx, err, err_len};
    int r = load_sizes(&L, e);
    if (!r) r = load_weights(&L, e);
    if (!r) r = make_buffers(e);
    if (r) {
        spk_encoder_free(e);
        return r;
    }
    *out = e;
    return 0;
}

void spk_encoder_free(spk_encoder *e)
{
    if (!e) return;
    for (int i = 0; i < MAX_LAYERS; i++) {
        ml_weight_free(e->ctx, &e->conv[i]);
        ml_lstm_free(e->ctx, &e->lstm[i]);
    }
    ml_weight_free(e->ctx, &e->proj);
    rt_buf_destroy(e->ctx, e->x);
    rt_buf_destroy(e->ctx, e->a);
    rt_buf_destroy(e->ctx, e->b);
    rt_buf_destroy(e->ctx, e->p);
    free(e->host);
    free(e);
}

int spk_encoder_dim(const spk_encoder *e) { return e ? e->dim : 0; }
int spk_encoder_n_mels(const spk_encoder *e) { return e ? e->n_mels : 0; }
int spk_encoder_min_frames(const spk_encoder *e) { return e ? e->min_frames : 0; }

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Mean log-mel of each frame, and the silence threshold: the value at rank
 * floor(0.95 (n - 1)) of the sorted energies, minus drop_nats (training's speech_frames). */
static double *frame_energies(const spk_encoder *e, const float *mel, int n, double *thr)
{
    double *en = malloc((size_t)n * 2 * sizeof *en);
    if (!en) return NULL;
    for (int t = 0; t < n; t++) {
        double s = 0;
        for (int m = 0; m < e->n_mels; m++)
            s += mel[(size_t)t * e->n_mels + m];
        en[t] = en[n + t] = s / e->n_mels;
    }
    qsort(en + n, (size_t)n, sizeof *en, compare_doubles);
    *thr = en[n + (int)(0.95 * (n - 1))] - e->drop_nats;
    return en;
}

int spk_encoder_speech_frames(const spk_encoder *e, const float *mel, int n_frames)
{
    if (!e || !mel || n_frames <= 0) return 0;
    double thr;
    double *en = frame_energies(e, mel, n_frames, &thr);
    if (!en) return RT_ERR_NOMEM;
    int k = 0;
    for (int t = 0; t < n_frames; t++)
        k += en[t] > thr;
    free(en);
    return k;
}

/* The speech frames with the utterance's gain removed (training's prepare()); NULL when out
 * of memory, *n_out = 0 when too few frames are speech. */
static float *prepare(const spk_encoder *e, const float *mel, int n, int *n_out)
{
    *n_out = 0;
    double thr;
    double *en = frame_energies(e, mel, n, &thr);
    float *x = en ? malloc((size_t)n * e->n_mels * sizeof *x) : NULL;
    if (!x) {
        free(en);
        return NULL;
    }
    int k = 0;
    double gain = 0;
    for (int t = 0; t < n; t++)
        if (en[t] > thr) gain += en[t], k++;
    if (k >= e->min_frames) {
        gain /= k;
        int j = 0;
        for (int t = 0; t < n; t++) {
            if (!(en[t] > thr)) continue;
            for (int m = 0; m < e->n_mels; m++)
                x[(size_t)j * e->n_mels + m] = (float)(mel[(size_t)t * e->n_mels + m] - gain);
            j++;
        }
        *n_out = k;
    }
    free(en);
    return x;
}

/* The network on frames x[T][n_mels], T <= partial: adds the partial's L2-normalised mean
 * projection to acc[dim]. */
static int run_partial(spk_encoder *e, const float *x, int T, double *acc)
{
    int r = rt_buf_reshape(e->ctx, e->x, T, e->n_mels);
    if (!r) r = rt_buf_write(e->ctx, e->x, x);
    rt_buf *in = e->x, *out = e->a;
    for (int i = 0; !r && i < e->n_conv; i++) {
        r = rt_buf_reshape(e->ctx, out, T, e->conv_channels);
        if (!r) r = rt_conv1d(e->ctx, e->conv[i], in, 1, RT_ACT_RELU, out);
        in = out, out = out == e->a ? e->b : e->a;
    }
    for (int i = 0; !r && i < e->n_lstm; i++) {
        r = rt_buf_reshape(e->ctx, out, T, e->lstm_hidden);
        if (!r) r = rt_lstm(e->ctx, e->lstm[i].w_ih, e->lstm[i].w_hh, in, 0, out, 0);
        in = out, out = out == e->a ? e->b : e->a;
    }
    if (!r) r = rt_buf_reshape(e->ctx, e->p, T, e->dim);
    if (!r) r = rt_conv1d(e->ctx, e->proj, in, 1, RT_ACT_NONE, e->p);
    if (!r) r = rt_buf_read(e->ctx, e->p, e->host);
    if (r) return r;
    /* mean over frames, then L2 normalise (training: proj(h).mean(dim=1), F.normalize) */
    double norm = 0;
    double *mean = acc + e->dim; /* scratch after acc */
    for (int d = 0; d < e->dim; d++) {
        double s = 0;
        for (int t = 0; t < T; t++)
            s += e->host[(size_t)t * e->dim + d];
        mean[d] = s / T;
        norm += mean[d] * mean[d];
    }
    norm = fmax(sqrt(norm), 1e-12);
    for (int d = 0; d < e->dim; d++)
        acc[d] += mean[d] / norm;
    return 0;
}

int spk_encoder_embed(spk_encoder *e, const float *mel, int n_frames, float *embedding)
{
    if (!e || !mel || n_frames <= 0 || !embedding) return RT_ERR_ARG;
    int n;
    float *x = prepare(e, mel, n_frames, &n);
    double *acc = calloc((size_t)e->dim * 2, sizeof *acc);
    int r = x && acc ? 0 : RT_ERR_NOMEM;
    if (!r && n == 0) r = SPK_ERR_TOO_SHORT;
    /* partials of `partial` frames every partial_hop, the tail included (partial_starts()) */
    int last = n <= e->partial ? 0 : n - e->partial;
    for (int s = 0; !r; s += e->partial_hop) {
        if (s > last) s = last;
        int T = n < e->partial ? n : e->partial;
        r = run_partial(e, x + (size_t)s * e->n_mels, T, acc);
        if (s == last) break;
    }
    if (!r) {
        double norm = 0;
        for (int d = 0; d < e->dim; d++)
            norm += acc[d] * acc[d];
        norm = fmax(sqrt(norm), 1e-12);
        for (int d = 0; d < e->dim; d++)
            embedding[d] = (float)(acc[d] / norm);
    }
    free(x);
    free(acc);
    return r;
}
