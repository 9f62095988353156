/* Acoustic model forward pass, step numbers as in docs/models.md ("Acoustic model"). */
#include "acoustic.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layer_loader.h"

/* Generous bounds: they only exist so a corrupt voice gives an error, not a huge allocation. */
#define AC_MAX_LAYERS 64
#define AC_MAX_CH 8192
#define AC_MAX_KERNEL 63
#define AC_MAX_SYMBOLS 65536

/* Scratch activations, reused (reshaped) from run to run. */
enum {
    B_X0, /* encoder ping-pong */
    B_X1,
    B_H,     /* encoder output [N][2He] */
    B_SPK_E, /* speaker embedding [1][Ds] */
    B_SPK_P, /* its projection [1][2He] */
    B_D0,    /* duration predictor */
    B_D1,
    B_DL, /* predicted ln(1 + frames) [N][1] */
    B_U0, /* decoder ping-pong */
    B_U1,
    B_O, /* decoder projection [F][n_mels + 2] */
    B_MEL0,
    B_R0, /* post-net ping-pong */
    B_R1,
    B_AUX, /* [F][2]: lf0, vuv */
    B_COUNT
};

struct ac_model {
    rt_ctx *ctx;
    int n_symbols, E, Nc, Kc, C, He, Ds, Cd, Kd, Hd, Ld, Np, Kp, Cp, n_mels, n_speakers;
    double f0_mean, f0_std;
    const float *embedding, *spk_table;
    rt_weight *enc_conv[AC_MAX_LAYERS];
    ml_lstm enc_fwd, enc_bwd;
    rt_weight *spk_proj, *dur_conv0, *dur_conv1, *dur_out, *dec_out;
    ml_lstm dec_fwd[AC_MAX_LAYERS], dec_bwd[AC_MAX_LAYERS];
    rt_weight *post[AC_MAX_LAYERS];

    rt_buf *buf[B_COUNT];
    /* Host-side outputs, grown as needed. */
    int32_t *frames;
    float *log_dur;
    int ids_cap;
    float *mel, *f0, *aux;
    int frames_cap;
};

static int read_hparams(ml_loader *L, ac_model *m)
{
    int rc;
    size_t n_names = 0;
    const char *const *names;
    if (vf_get_str_array(L->vf, "speakers.names", &names, &n_names) != VF_OK || n_names == 0)
        return ml_fail(L, "voice lacks metadata 'speakers.names' (at least one speaker)");
    if (n_names > AC_MAX_SYMBOLS) return ml_fail(L, "too many speakers (%zu)", n_names);
    m->n_speakers = (int)n_names;

    if ((rc = ml_get_int(L, "acoustic.n_symbols", 1, AC_MAX_SYMBOLS, &m->n_symbols)) ||
        (rc = ml_get_int(L, "acoustic.emb_dim", 1, AC_MAX_CH, &m->E)) ||
        (rc = ml_get_int(L, "acoustic.enc_conv_layers", 0, AC_MAX_LAYERS, &m->Nc)) ||
        (rc = ml_get_int(L, "acoustic.enc_conv_kernel", 1, AC_MAX_KERNEL, &m->Kc)) ||
        (rc = ml_get_int(L, "acoustic.enc_channels", 1, AC_MAX_CH, &m->C)) ||
        (rc = ml_get_int(L, "acoustic.enc_lstm_hidden", 1, AC_MAX_CH, &m->He)) ||
        (rc = ml_get_int(L, "acoustic.spk_dim", 0, AC_MAX_CH, &m->Ds)) ||
        (rc = ml_get_int(L, "acoustic.dur_channels", 1, AC_MAX_CH, &m->Cd)) ||
        (rc = ml_get_int(L, "acoustic.dur_kernel", 1, AC_MAX_KERNEL, &m->Kd)) ||
        (rc = ml_get_int(L, "acoustic.dec_lstm_hidden", 1, AC_MAX_CH, &m->Hd)) ||
        (rc = ml_get_int(L, "acoustic.dec_lstm_layers", 1, AC_MAX_LAYERS, &m->Ld)) ||
        (rc = ml_get_int(L, "acoustic.postnet_layers", 1, AC_MAX_LAYERS, &m->Np)) ||
        (rc = ml_get_int(L, "acoustic.postnet_kernel", 1, AC_MAX_KERNEL, &m->Kp)) ||
        (rc = ml_get_int(L, "acoustic.postnet_channels", 1, AC_MAX_CH, &m->Cp)) ||
        (rc = ml_get_int(L, "mel.n_mels", 1, AC_MAX_CH, &m->n_mels)) ||
        (rc = ml_get_f64(L, "acoustic.f0_mean", &m->f0_mean)) ||
        (rc = ml_get_f64(L, "acoustic.f0_std", &m->f0_std)))
        return rc;
    if (m->Kc % 2 == 0 || m->Kd % 2 == 0 || m->Kp % 2 == 0)
        return ml_fail(L, "acoustic kernels must be odd (enc %d, dur %d, postnet %d)", m->Kc, m->Kd,
                       m->Kp);
    /* The front end indexes phonemes.symbols; the model must accept every id it can emit. */
    if (vf_get_str_array(L->vf, "phonemes.symbols", &names, &n_names) == VF_OK &&
        n_names != (size_t)m->n_symbols)
        return ml_fail(L, "acoustic.n_symbols = %d but phonemes.symbols has %zu entries",
                       m->n_symbols, n_names);
    return 0;
}

static int load_weights(ml_loader *L, ac_model *m)
{
    char name[64];
    int rc, in = m->E;
    if ((rc = ml_get_table(L, "ac.embedding", m->n_symbols, m->E, &m->embedding))) return rc;
    for (int i = 0; i < m->Nc; i++, in = m->C) {
        snprintf(name, sizeof name, "ac.enc.conv%d", i);
        if ((rc = ml_load_layer(L, name, m->C, m->Kc, in, 1, &m->enc_conv[i]))) return rc;
    }
    if ((rc = ml_load_lstm(L, "ac.enc.lstm.fwd", m->He, in, &m->enc_fwd)) ||
        (rc = ml_load_lstm(L, "ac.enc.lstm.bwd", m->He, in, &m->enc_bwd)))
        return rc;
    if (m->Ds > 0 &&
        ((rc = ml_get_table(L, "ac.speaker_embedding", m->n_speakers, m->Ds, &m->spk_table)) ||
         (rc = ml_load_layer(L, "ac.enc.spk_proj", 2 * m->He, 1, m->Ds, 1, &m->spk_proj))))
        return rc;
    if ((rc = ml_load_layer(L, "ac.dur.conv0", m->Cd, m->Kd, 2 * m->He, 1, &m->dur_conv0)) ||
        (rc = ml_load_layer(L, "ac.dur.conv1", m->Cd, m->Kd, m->Cd, 1, &m->dur_conv1)) ||
        (rc = ml_load_layer(L, "ac.dur.out", 1, 1, m->Cd, 1, &m->dur_out)))
        return rc;
    in = 2 * m->He + 1; /* + position inside the phoneme */
    for (int l = 0; l < m->Ld; l++, in = 2 * m->Hd) {
        snprintf(name, sizeof name, "ac.dec.lstm%d.fwd", l);
        if ((rc = ml_load_lstm(L, name, m->Hd, in, &m->dec_fwd[l]))) return rc;
        snprintf(name, sizeof name, "ac.dec.lstm%d.bwd", l);
        if ((rc = ml_load_lstm(L, name, m->Hd, in, &m->dec_bwd[l]))) return rc;
    }
    if ((rc = ml_load_layer(L, "ac.dec.out", m->n_mels + 2, 1, 2 * m->Hd, 1, &m->dec_out)))
        return rc;
    for (int i = 0; i < m->Np; i++) {
        int pin = i == 0 ? m->n_mels : m->Cp;
        int pout = i == m->Np - 1 ? m->n_mels : m->Cp;
        snprintf(name, sizeof name, "ac.post.conv%d", i);
        if ((rc = ml_load_layer(L, name, pout, m->Kp, pin, 1, &m->post[i]))) return rc;
    }
    return 0;
}

int ac_model_load(const vf_file *vf, rt_ctx *ctx, ac_model **out, char *err, size_t err_len)
{
    *out = NULL;
    if (err && err_len) err[0] = '\0';
    ac_model *m = calloc(1, sizeof *m);
    if (!m) return RT_ERR_NOMEM;
    m->ctx = ctx;
    ml_loader L = {vf, ctx, err, err_len};
    int rc = read_hparams(&L, m);
    if (!rc) rc = load_weights(&L, m);
    if (rc) {
        ac_model_free(m);
        return rc;
    }
    *out = m;
    return 0;
}

void ac_model_free(ac_model *m)
{
    if (!m) return;
    for (int i = 0; i < AC_MAX_LAYERS; i++) {
        ml_weight_free(m->ctx, &m->enc_conv[i]);
        ml_weight_free(m->ctx, &m->post[i]);
        ml_lstm_free(m->ctx, &m->dec_fwd[i]);
        ml_lstm_free(m->ctx, &m->dec_bwd[i]);
    }
    ml_lstm_free(m->ctx, &m->enc_fwd);
    ml_lstm_free(m->ctx, &m->enc_bwd);
    ml_weight_free(m->ctx, &m->spk_proj);
    ml_weight_free(m->ctx, &m->dur_conv0);
    ml_weight_free(m->ctx, &m->dur_conv1);
    ml_weight_free(m->ctx, &m->dur_out);
    ml_weight_free(m->ctx, &m->dec_out);
    for (int i = 0; i < B_COUNT; i++)
        if (m->buf[i]) rt_buf_destroy(m->ctx, m->buf[i]);
    free(m->frames);
    free(m->log_dur);
    free(m->mel);
    free(m->f0);
    free(m->aux);
    free(m);
}

int ac_model_n_symbols(const ac_model *m)
{
    return m->n_symbols;
}

/* Scratch buffer `i` shaped rows x cols, created on first use and reshaped afterwards. */
static rt_status shaped(ac_model *m, int i, int rows, int cols, rt_buf **out)
{
    rt_status s = m->buf[i] ? rt_buf_reshape(m->ctx, m->buf[i], rows, cols)
                            : rt_buf_create(m->ctx, rows, cols, &m->buf[i]);
    *out = m->buf[i];
    return s;
}

static int grow_host(ac_model *m, int n_ids, int n_frames)
{
    if (n_ids > m->ids_cap) {
        int32_t *fr = realloc(m->frames, (size_t)n_ids * sizeof *fr);
        if (fr) m->frames = fr;
        float *ld = realloc(m->log_dur, (size_t)n_ids * sizeof *ld);
        if (ld) m->log_dur = ld;
        if (!fr || !ld) return RT_ERR_NOMEM;
        m->ids_cap = n_ids;
    }
    if (n_frames > m->frames_cap) {
        float *mel = realloc(m->mel, (size_t)n_frames * (size_t)m->n_mels * sizeof *mel);
        if (mel) m->mel = mel;
        float *f0 = realloc(m->f0, (size_t)n_frames * sizeof *f0);
        if (f0) m->f0 = f0;
        float *aux = realloc(m->aux, (size_t)n_frames * 2 * sizeof *aux);
        if (aux) m->aux = aux;
        if (!mel || !f0 || !aux) return RT_ERR_NOMEM;
        m->frames_cap = n_frames;
    }
    return 0;
}

#define TRY(expr)                                                                                  \
    do {                                                                                           \
        rt_status s_ = (expr);                                                                     \
        if (s_ != RT_OK) return s_;                                                                \
    } while (0)

/* Steps 1-4: ids -> h [N][2He] (with the speaker added). */
static rt_status encode(ac_model *m, const int32_t *ids, int n, int speaker, rt_buf **h_out)
{
    rt_ctx *ctx = m->ctx;
    rt_buf *x, *y, *h;
    TRY(shaped(m, B_X0, n, m->E, &x));
    TRY(rt_embedding(ctx, m->embedding, m->n_symbols, m->E, ids, n, x));
    for (int i = 0; i < m->Nc; i++) {
        TRY(shaped(m, i % 2 ? B_X0 : B_X1, n, m->C, &y));
        TRY(rt_conv1d(ctx, m->enc_conv[i], x, 1, RT_ACT_RELU, y));
        x = y;
    }
    TRY(shaped(m, B_H, n, 2 * m->He, &h));
    TRY(rt_lstm(ctx, m->enc_fwd.w_ih, m->enc_fwd.w_hh, x, 0, h, 0));
    TRY(rt_lstm(ctx, m->enc_bwd.w_ih, m->enc_bwd.w_hh, x, 1, h, m->He));
    if (m->Ds > 0) {
        rt_buf *e, *p;
        int32_t s = speaker;
        TRY(shaped(m, B_SPK_E, 1, m->Ds, &e));
        TRY(shaped(m, B_SPK_P, 1, 2 * m->He, &p));
        TRY(rt_embedding(ctx, m->spk_table, m->n_speakers, m->Ds, &s, 1, e));
        TRY(rt_conv1d(ctx, m->spk_proj, e, 1, RT_ACT_NONE, p));
        /* A one-row source "upsampled" by 1 is clamped to row 0: added to every row. */
        TRY(rt_add_upsampled(ctx, h, 0, p, 0, 1));
    }
    *h_out = h;
    return RT_OK;
}

/* Step 5: predicted ln(1 + frames) for each symbol, into m->log_dur. */
static rt_status predict_log_durations(ac_model *m, const rt_buf *h, int n)
{
    rt_buf *d0, *d1, *l;
    TRY(shaped(m, B_D0, n, m->Cd, &d0));
    TRY(shaped(m, B_D1, n, m->Cd, &d1));
    TRY(shaped(m, B_DL, n, 1, &l));
    TRY(rt_conv1d(m->ctx, m->dur_conv0, h, 1, RT_ACT_RELU, d0));
    TRY(rt_conv1d(m->ctx, m->dur_conv1, d0, 1, RT_ACT_RELU, d1));
    TRY(rt_conv1d(m->ctx, m->dur_out, d1, 1, RT_ACT_NONE, l));
    return rt_buf_read(m->ctx, l, m->log_dur);
}

/* Frames per symbol (forced or predicted), clipped so the total stays <= max_frames. */
static int assign_frames(ac_model *m, int n, const int32_t *forced, double dur_scale,
                         int max_frames)
{
    long total = 0;
    for (int i = 0; i < n; i++) {
        double f;
        if (forced) {
            f = forced[i] > 0 ? forced[i] : 0;
        } else {
            f = nearbyint((exp((double)m->log_dur[i]) - 1.0) * dur_scale);
            if (!(f > 0)) /* also catches NaN */
                f = 0;
        }
        double room = (double)(max_frames - total);
        int k = (int)(f < room ? f : room);
        m->frames[i] = k;
        total += k;
    }
    return (int)total;
}

/* Steps 6-9: h and frames -> mel [F][n_mels] (in *mel_out) and aux [F][2] (lf0, vuv). */
static rt_status decode(ac_model *m, const rt_buf *h, int n_frames, rt_buf **mel_out,
                        rt_buf **aux_out)
{
    rt_ctx *ctx = m->ctx;
    const int F = n_frames;
    rt_buf *u, *v, *o, *mel0, *aux, *r, *q;
    TRY(shaped(m, B_U0, F, 2 * m->He + 1, &u));
    TRY(rt_repeat_rows(ctx, h, m->frames, u));
    for (int l = 0; l < m->Ld; l++) {
        TRY(shaped(m, l % 2 ? B_U0 : B_U1, F, 2 * m->Hd, &v));
        TRY(rt_lstm(ctx, m->dec_fwd[l].w_ih, m->dec_fwd[l].w_hh, u, 0, v, 0));
        TRY(rt_lstm(ctx, m->dec_bwd[l].w_ih, m->dec_bwd[l].w_hh, u, 1, v, m->Hd));
        u = v;
    }
    TRY(shaped(m, B_O, F, m->n_mels + 2, &o));
    TRY(rt_conv1d(ctx, m->dec_out, u, 1, RT_ACT_NONE, o));
    TRY(shaped(m, B_MEL0, F, m->n_mels, &mel0));
    TRY(shaped(m, B_AUX, F, 2, &aux));
    TRY(rt_copy_cols(ctx, o, 0, m->n_mels, mel0, 0, 0));
    TRY(rt_copy_cols(ctx, o, m->n_mels, 2, aux, 0, 0));

    /* Post-net residual: tanh after every layer but the last. */
    r = mel0;
    for (int i = 0; i < m->Np; i++) {
        int last = i == m->Np - 1;
        TRY(shaped(m, i % 2 ? B_R1 : B_R0, F, last ? m->n_mels : m->Cp, &q));
        TRY(rt_conv1d(ctx, m->post[i], r, 1, last ? RT_ACT_NONE : RT_ACT_TANH, q));
        r = q;
    }
    TRY(rt_axpby(ctx, mel0, 1.0f, r, 1.0f, r));
    *mel_out = r;
    *aux_out = aux;
    return RT_OK;
}

int ac_model_run(ac_model *m, const int32_t *ids, int n_ids, const ac_params *p, int max_frames,
                 ac_output *out)
{
    ac_params defaults = {1.0f, 0.0f, 0, NULL};
    if (!p) p = &defaults;
    memset(out, 0, sizeof *out);
    out->n_mels = m->n_mels;
    if (n_ids < 0 || (n_ids > 0 && !ids) || p->speaker < 0 || p->speaker >= m->n_speakers ||
        !isfinite(p->dur_scale) || p->dur_scale < 0 || !isfinite(p->pitch_semitones))
        return RT_ERR_ARG;
    for (int i = 0; i < n_ids; i++)
        if (ids[i] < 0 || ids[i] >= m->n_symbols) return RT_ERR_ARG;
    if (n_ids == 0) return RT_OK;
    if (max_frames < 0) max_frames = 0;
    int rc = grow_host(m, n_ids, 0);
    if (rc) return rc;

    rt_buf *h, *mel, *aux;
    TRY(encode(m, ids, n_ids, p->speaker, &h));
    if (!p->durations) TRY(predict_log_durations(m, h, n_ids));
    int n_frames = assign_frames(m, n_ids, p->durations, p->dur_scale, max_frames);
    out->frames = m->frames;
    if (n_frames == 0) return RT_OK;
    if ((rc = grow_host(m, n_ids, n_frames))) return rc;
    TRY(decode(m, h, n_frames, &mel, &aux));
    TRY(rt_buf_read(m->ctx, mel, m->mel));
    TRY(rt_buf_read(m->ctx, aux, m->aux));

    /* Step 10: F0 from the normalised ln F0 where the voicing logit is positive. */
    double shift = pow(2.0, p->pitch_semitones / 12.0);
    for (int t = 0; t < n_frames; t++) {
        float lf0 = m->aux[2 * t], vuv = m->aux[2 * t + 1];
        m->f0[t] = vuv > 0 ? (float)(exp(lf0 * m->f0_std + m->f0_mean) * shift) : 0.0f;
    }
    out->n_frames = n_frames;
    out->mel = m->mel;
    out->f0 = m->f0;
    return RT_OK;
}
