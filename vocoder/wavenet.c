/* WaveNet-style source-filter vocoder forward pass, step numbers as in docs/models.md
 * ("Vocoder"). Voices with envelope shaping (vocoder.envelope_passes > 0) feed the network the
 * excitation already given the mel envelope (envelope.h) and add its output to that source;
 * older voices feed it the plain NSF excitation and use its output as the audio.
 *
 * Memory stays bounded for any sentence length: a render is cut into blocks of frames, each
 * computed over the block plus the receptive-field context on both sides (clamped to the
 * sentence), and only the block's own samples are kept. Conditioning stays at frame rate and is
 * upsampled into each layer on the fly. */
#include "vocoder.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../synth/models/layer_loader.h"
#include "envelope.h"
#include "excitation.h"

#define VOC_MAX_LAYERS 256
#define VOC_MAX_CH 4096
#define VOC_MAX_KERNEL 63
#define VOC_MAX_DILATION 65536
#define VOC_MAX_RF (1 << 20) /* band steps; a bigger receptive field is a corrupt voice */
#define VOC_MIN_BLOCK_FRAMES 128
#define VOC_MAX_WINDOW_ROWS (1L << 16)

enum {
    B_MEL,  /* mel window [W][n_mels] */
    B_C,    /* conditioning [W][Cc] */
    B_CP,   /* its projections for all layers, frame rate [W][L*2R] */
    B_E,    /* folded excitation [T][B] */
    B_X,    /* residual stream [T][R] */
    B_Z,    /* dilated conv + conditioning [T][2R] */
    B_G,    /* gated [T][R] */
    B_O,    /* layer output [T][R+S] */
    B_SKIP, /* [T][S] */
    B_S,    /* post1 [T][S] */
    B_BAND, /* post2 [T][B] */
    B_Y,    /* after PQMF synthesis [T][B] */
    B_OUT,  /* the block's own rows */
    B_COUNT
};

struct voc_model {
    rt_ctx *ctx;
    int B, R, S, Cc, Kw, L, Kin, Kq, hop, up, sample_rate, n_mels;
    int *dilation;
    exc_params exc;
    env_shaper *envelope; /* NULL: the network reads the raw excitation (NSF voices) */
    float *source;        /* the block window's shaped source [W * hop] */
    size_t source_cap;
    int context_frames, block_frames;
    rt_weight *input, *cond, *cond_proj, *post1, *post2, *pqmf;
    rt_weight **layer_conv, **layer_out;
    rt_buf *buf[B_COUNT];
};

static int read_hparams(ml_loader *L, voc_model *m)
{
    int rc, seed_ok;
    int64_t seed;
    if ((rc = ml_get_int(L, "audio.sample_rate", 1000, 1000000, &m->sample_rate)) ||
        (rc = ml_get_int(L, "mel.hop", 1, 65536, &m->hop)) ||
        (rc = ml_get_int(L, "mel.n_mels", 1, VOC_MAX_CH, &m->n_mels)) ||
        (rc = ml_get_int(L, "vocoder.n_bands", 1, 64, &m->B)) ||
        (rc = ml_get_int(L, "vocoder.residual_channels", 1, VOC_MAX_CH, &m->R)) ||
        (rc = ml_get_int(L, "vocoder.skip_channels", 1, VOC_MAX_CH, &m->S)) ||
        (rc = ml_get_int(L, "vocoder.cond_channels", 1, VOC_MAX_CH, &m->Cc)) ||
        (rc = ml_get_int(L, "vocoder.kernel", 1, VOC_MAX_KERNEL, &m->Kw)) ||
        (rc = ml_get_int(L, "vocoder.input_kernel", 1, VOC_MAX_KERNEL, &m->Kin)) ||
        (rc = ml_get_int(L, "vocoder.n_harmonics", 1, EXC_MAX_HARMONICS, &m->exc.n_harmonics)) ||
        (rc = ml_get_f64(L, "vocoder.sine_amp", &m->exc.sine_amp)) ||
        (rc = ml_get_f64(L, "vocoder.noise_std", &m->exc.noise_std)))
        return rc;
    if (m->hop % m->B != 0)
        return ml_fail(L, "mel.hop = %d is not a multiple of vocoder.n_bands = %d", m->hop, m->B);
    m->up = m->hop / m->B;
    m->Kq = 1;
    if (m->B > 1 && (rc = ml_get_int(L, "vocoder.pqmf_kernel", 1, 4095, &m->Kq))) return rc;
    if (m->Kw % 2 == 0 || m->Kin % 2 == 0 || m->Kq % 2 == 0)
        return ml_fail(L, "vocoder kernels must be odd (kernel %d, input %d, pqmf %d)", m->Kw,
                       m->Kin, m->Kq);
    seed_ok = vf_get_i64(L->vf, "vocoder.seed", &seed) == VF_OK;
    if (!seed_ok) return ml_fail(L, "voice lacks i64 metadata 'vocoder.seed'");
    m->exc.seed = (uint64_t)seed;
    m->exc.hop = m->hop;
    m->exc.sample_rate = m->sample_rate;

    const int64_t *dil;
    size_t n_dil;
    if (vf_get_i64_array(L->vf, "vocoder.dilations", &dil, &n_dil) != VF_OK)
        return ml_fail(L, "voice lacks i64 array metadata 'vocoder.dilations'");
    if (n_dil < 1 || n_dil > VOC_MAX_LAYERS)
        return ml_fail(L, "vocoder.dilations has %zu layers, expected 1..%d", n_dil,
                       VOC_MAX_LAYERS);
    m->L = (int)n_dil;
    m->dilation = malloc(n_dil * sizeof *m->dilation);
    if (!m->dilation) return RT_ERR_NOMEM;
    long rf = (m->Kin - 1) / 2 + (m->Kq - 1) / 2;
    for (size_t l = 0; l < n_dil; l++) {
        if (dil[l] < 1 || dil[l] > VOC_MAX_DILATION)
            return ml_fail(L, "vocoder.dilations[%zu] = %lld, expected 1..%d", l, (long long)dil[l],
                           VOC_MAX_DILATION);
        m->dilation[l] = (int)dil[l];
        rf += (long)(m->Kw - 1) / 2 * m->dilation[l];
    }
    if (rf > VOC_MAX_RF)
        return ml_fail(L, "vocoder receptive field of %ld band steps is implausibly large", rf);
    /* Band steps of receptive field, rounded up to frames, plus one frame for the conditioning
     * conv (kernel 3) and one for the linear interpolation of the upsampling. */
    m->context_frames = (int)((rf + m->up - 1) / m->up) + 2;
    /* Each block recomputes 2 * context frames: 8 * context keeps that overhead <= 25%, and
     * the window is capped at VOC_MAX_WINDOW_ROWS band steps so activations stay bounded
     * (tens of MB) whatever the hop. */
    long block = 8L * m->context_frames;
    if (block < VOC_MIN_BLOCK_FRAMES) block = VOC_MIN_BLOCK_FRAMES;
    long cap = VOC_MAX_WINDOW_ROWS / m->up - 2L * m->context_frames;
    if (block > cap) block = cap;
    m->block_frames = block < 1 ? 1 : (int)block;
    return 0;
}

/* The flat source's voicing cutoff (absent in older voices: every harmonic at full amplitude). */
static int load_voicing(ml_loader *L, voc_model *m)
{
    double probe;
    int rc;
    if (vf_get_f64(L->vf, "vocoder.voicing_cutoff_hz", &probe) == VF_ERR_NOT_FOUND) return 0;
    if ((rc = ml_get_f64(L, "vocoder.voicing_cutoff_hz", &m->exc.voicing_cutoff_hz))) return rc;
    if (m->exc.voicing_cutoff_hz < 0 || m->exc.voicing_cutoff_hz > 0.5 * m->sample_rate)
        return ml_fail(L, "vocoder.voicing_cutoff_hz = %g, expected 0 .. %g (Nyquist)",
                       m->exc.voicing_cutoff_hz, 0.5 * m->sample_rate);
    if (m->exc.voicing_cutoff_hz == 0) return 0;
    return ml_get_int(L, "vocoder.voicing_order", 1, EXC_MAX_VOICING_ORDER, &m->exc.voicing_order);
}

/* vocoder.envelope_passes (absent in older voices: 0) and what shaping needs. */
static int load_envelope(ml_loader *L, voc_model *m)
{
    int passes = 0;
    int64_t probe;
    if (vf_get_i64(L->vf, "vocoder.envelope_passes", &probe) != VF_ERR_NOT_FOUND) {
        int rc = ml_get_int(L, "vocoder.envelope_passes", 0, ENV_MAX_PASSES, &passes);
        if (rc) return rc;
    }
    m->exc.flat = passes > 0;
    if (passes == 0) return 0;
    int rc = load_voicing(L, m), n_fft, win;
    if (rc) return rc;
    double log_floor;
    const float *fb;
    if ((rc = ml_get_int(L, "mel.n_fft", 2, 1 << 16, &n_fft)) ||
        (rc = ml_get_int(L, "mel.win", 1, 1 << 16, &win)) ||
        (rc = ml_get_f64(L, "mel.log_floor", &log_floor)) ||
        (rc = ml_get_table(L, "mel.filterbank", m->n_mels, n_fft / 2 + 1, &fb)))
        return rc;
    env_params ep = {n_fft, m->hop, win, m->n_mels, passes, (float)log_floor, fb};
    rc = env_create(&ep, &m->envelope);
    if (rc == ENV_ERR_NOMEM) return RT_ERR_NOMEM;
    if (rc)
        return ml_fail(L,
                       "envelope shaping rejects n_fft %d, win %d, hop %d, floor %g (needs an even "
                       "n_fft, 2*hop <= win <= n_fft, floor > 0) or mel.filterbank (negative or "
                       "non-finite values)",
                       n_fft, win, m->hop, log_floor);
    return 0;
}

static int load_weights(ml_loader *L, voc_model *m)
{
    char name[64];
    int rc;
    m->layer_conv = calloc((size_t)m->L, sizeof *m->layer_conv);
    m->layer_out = calloc((size_t)m->L, sizeof *m->layer_out);
    if (!m->layer_conv || !m->layer_out) return RT_ERR_NOMEM;
    if ((rc = ml_load_layer(L, "voc.input", m->R, m->Kin, m->B, 1, &m->input)) ||
        (rc = ml_load_layer(L, "voc.cond", m->Cc, 3, m->n_mels, 1, &m->cond)) ||
        (rc = ml_load_layer(L, "voc.cond_proj", m->L * 2 * m->R, 1, m->Cc, 1, &m->cond_proj)))
        return rc;
    for (int l = 0; l < m->L; l++) {
        snprintf(name, sizeof name, "voc.layer%d.conv", l);
        if ((rc = ml_load_layer(L, name, 2 * m->R, m->Kw, m->R, 1, &m->layer_conv[l]))) return rc;
        snprintf(name, sizeof name, "voc.layer%d.out", l);
        if ((rc = ml_load_layer(L, name, m->R + m->S, 1, m->R, 1, &m->layer_out[l]))) return rc;
    }
    if ((rc = ml_load_layer(L, "voc.post1", m->S, 1, m->S, 1, &m->post1)) ||
        (rc = ml_load_layer(L, "voc.post2", m->B, 1, m->S, 1, &m->post2)))
        return rc;
    /* The PQMF bank is a fixed filter: a bias is optional. */
    if (m->B > 1 && (rc = ml_load_layer(L, "voc.pqmf", m->B, m->Kq, m->B, 0, &m->pqmf))) return rc;
    return 0;
}

int voc_model_load(const vf_file *vf, rt_ctx *ctx, voc_model **out, char *err, size_t err_len)
{
    *out = NULL;
    if (err && err_len) err[0] = '\0';
    voc_model *m = calloc(1, sizeof *m);
    if (!m) return RT_ERR_NOMEM;
    m->ctx = ctx;
    ml_loader L = {vf, ctx, err, err_len};
    int rc = read_hparams(&L, m);
    if (!rc) rc = load_envelope(&L, m);
    if (!rc) rc = load_weights(&L, m);
    if (rc) {
        voc_model_free(m);
        return rc;
    }
    *out = m;
    return 0;
}

void voc_model_free(voc_model *m)
{
    if (!m) return;
    for (int l = 0; l < m->L; l++) {
        if (m->layer_conv) ml_weight_free(m->ctx, &m->layer_conv[l]);
        if (m->layer_out) ml_weight_free(m->ctx, &m->layer_out[l]);
    }
    ml_weight_free(m->ctx, &m->input);
    ml_weight_free(m->ctx, &m->cond);
    ml_weight_free(m->ctx, &m->cond_proj);
    ml_weight_free(m->ctx, &m->post1);
    ml_weight_free(m->ctx, &m->post2);
    ml_weight_free(m->ctx, &m->pqmf);
    for (int i = 0; i < B_COUNT; i++)
        if (m->buf[i]) rt_buf_destroy(m->ctx, m->buf[i]);
    env_destroy(m->envelope);
    free(m->source);
    free(m->layer_conv);
    free(m->layer_out);
    free(m->dilation);
    free(m);
}

int voc_hop(const voc_model *m)
{
    return m->hop;
}

int voc_sample_rate(const voc_model *m)
{
    return m->sample_rate;
}

int voc_context_frames(const voc_model *m)
{
    return m->context_frames;
}

void voc_excitation(const voc_model *m, const float *f0, int n_frames, double *phase,
                    uint64_t first_sample, float *exc)
{
    exc_generate(&m->exc, f0, n_frames, phase, first_sample, exc);
}

static rt_status shaped(voc_model *m, int i, int rows, int cols, rt_buf **out)
{
    rt_status s = m->buf[i] ? rt_buf_reshape(m->ctx, m->buf[i], rows, cols)
                            : rt_buf_create(m->ctx, rows, cols, &m->buf[i]);
    *out = m->buf[i];
    return s;
}

#define TRY(expr)                                                                                  \
    do {                                                                                           \
        rt_status s_ = (expr);                                                                     \
        if (s_ != RT_OK) return s_;                                                                \
    } while (0)

/* Step 4: frame-rate conditioning of the window [a, a + W) for all layers. */
static rt_status condition(voc_model *m, const float *mel, int a, int W, rt_buf **cp_out)
{
    rt_buf *mw, *c, *cp;
    TRY(shaped(m, B_MEL, W, m->n_mels, &mw));
    TRY(shaped(m, B_C, W, m->Cc, &c));
    TRY(shaped(m, B_CP, W, m->L * 2 * m->R, &cp));
    TRY(rt_buf_write(m->ctx, mw, mel + (size_t)a * (size_t)m->n_mels));
    TRY(rt_conv1d(m->ctx, m->cond, mw, 1, RT_ACT_TANH, c));
    TRY(rt_conv1d(m->ctx, m->cond_proj, c, 1, RT_ACT_NONE, cp));
    *cp_out = cp;
    return RT_OK;
}

/* Step 5 for layer l: x and skip updated in place. */
static rt_status residual_layer(voc_model *m, int l, const rt_buf *cp, rt_buf *x, rt_buf *skip)
{
    rt_ctx *ctx = m->ctx;
    const int T = rt_buf_rows(x), R = m->R;
    rt_buf *z, *g, *o;
    TRY(shaped(m, B_Z, T, 2 * R, &z));
    TRY(shaped(m, B_G, T, R, &g));
    TRY(shaped(m, B_O, T, R + m->S, &o));
    TRY(rt_conv1d(ctx, m->layer_conv[l], x, m->dilation[l], RT_ACT_NONE, z));
    /* z's row 0 is the window's first band step, cp's row 0 its first frame: t0 = 0. */
    TRY(rt_add_upsampled(ctx, z, 0, cp, l * 2 * R, m->up));
    /* The gate follows the conditioning, so it cannot be fused into the conv. */
    TRY(rt_activate(ctx, z, RT_ACT_GATED, g));
    TRY(rt_conv1d(ctx, m->layer_out[l], g, 1, RT_ACT_NONE, o));
    TRY(rt_copy_cols(ctx, o, 0, R, x, 0, 1));
    TRY(rt_axpby(ctx, x, (float)sqrt(0.5), x, 0.0f, x));
    return rt_copy_cols(ctx, o, R, m->S, skip, 0, 1);
}

/* Renders frames [b0, b1) computed over the window [a, z) that holds their context. */
static rt_status render_block(voc_model *m, const float *mel, const float *exc, int n_frames,
                              int b0, int b1, float *out)
{
    rt_ctx *ctx = m->ctx;
    int a = b0 - m->context_frames < 0 ? 0 : b0 - m->context_frames;
    int z = b1 + m->context_frames > n_frames ? n_frames : b1 + m->context_frames;
    int W = z - a, T = W * m->up;
    rt_buf *cp, *e, *x, *skip, *s, *band, *y, *keep;

    TRY(condition(m, mel, a, W, &cp));
    /* Step 1b: the window's source; the network reads it and corrects it. */
    const float *source = exc + (size_t)a * (size_t)m->hop;
    if (m->envelope) {
        size_t need = (size_t)W * (size_t)m->hop;
        if (need > m->source_cap) {
            float *grown = realloc(m->source, need * sizeof *grown);
            if (!grown) return RT_ERR_NOMEM;
            m->source = grown;
            m->source_cap = need;
        }
        int rc = env_shape(m->envelope, exc, mel, n_frames, a, z, m->source);
        if (rc) return rc == ENV_ERR_NOMEM ? RT_ERR_NOMEM : RT_ERR_ARG;
        source = m->source;
    }
    /* Steps 2-3: fold the source to [T][B] and lift it to R channels. */
    TRY(shaped(m, B_E, T, m->B, &e));
    TRY(rt_buf_write(ctx, e, source));
    TRY(shaped(m, B_X, T, m->R, &x));
    TRY(rt_conv1d(ctx, m->input, e, 1, RT_ACT_NONE, x));
    TRY(shaped(m, B_SKIP, T, m->S, &skip));
    TRY(rt_buf_zero(ctx, skip));
    for (int l = 0; l < m->L; l++)
        TRY(residual_layer(m, l, cp, x, skip));

    /* Steps 6-7. */
    TRY(shaped(m, B_S, T, m->S, &s));
    TRY(shaped(m, B_BAND, T, m->B, &band));
    TRY(rt_activate(ctx, skip, RT_ACT_RELU, skip));
    TRY(rt_conv1d(ctx, m->post1, skip, 1, RT_ACT_RELU, s));
    TRY(rt_conv1d(ctx, m->post2, s, 1, RT_ACT_NONE, band));
    y = band;
    if (m->B > 1) {
        TRY(shaped(m, B_Y, T, m->B, &y));
        TRY(rt_conv1d(ctx, m->pqmf, band, 1, RT_ACT_NONE, y));
    }
    /* Unfolding [T][B] row-major is already sample order: keep the block's own rows. */
    TRY(shaped(m, B_OUT, (b1 - b0) * m->up, m->B, &keep));
    TRY(rt_slice_rows(ctx, y, (b0 - a) * m->up, keep));
    TRY(rt_buf_read(ctx, keep, out));
    if (m->envelope) { /* step 8: the network's output is a correction to the source */
        const float *own = source + (size_t)(b0 - a) * (size_t)m->hop;
        for (size_t i = 0, n = (size_t)(b1 - b0) * (size_t)m->hop; i < n; i++)
            out[i] += own[i];
    }
    return RT_OK;
}

int voc_render(voc_model *m, const float *mel, const float *exc, int n_frames, int begin, int end,
               float *out)
{
    if (!m || n_frames < 0 || begin < 0 || end < begin || end > n_frames) return RT_ERR_ARG;
    if (begin == end) return RT_OK;
    if (!mel || !exc || !out) return RT_ERR_ARG;
    for (int b0 = begin; b0 < end; b0 += m->block_frames) {
        int b1 = end - b0 > m->block_frames ? b0 + m->block_frames : end;
        TRY(render_block(m, mel, exc, n_frames, b0, b1,
                         out + (size_t)(b0 - begin) * (size_t)m->hop));
    }
    return RT_OK;
}
