/* conv1d / linear on the CPU: an im2col row per output time step, then a GEMM against the
 * weight rows in place.
 *
 * int8: the im2col row (the K taps concatenated, zero rows outside [0, T)) is quantised with
 * one scale, max|row| / 127, and padded with zeros to the weight's 64-byte row stride, so the
 * kernel is a plain int8 dot product over whole vectors. max|row| is the max of the taps'
 * own maxima, so each input row's max is computed once per block and shared by the K output
 * rows that read it. Accumulation is exact int32; the rescale, bias and activation are the
 * per-ISA row ops of one shared source, hence every ISA gives the same bits.
 *
 * Work is split over time rows in blocks; when there are too few rows for that, over output
 * channels instead (every worker then quantises the same rows: cheap next to the GEMM). Each
 * worker owns its scratch; every output element is computed the same way in both splits. */
#include "synth/runtime/cpu/cpu_internal.h"

#include <string.h>

enum { BLOCK_ROWS = 32, TILE_ROWS = 4, TILE_COLS = 4 };

typedef struct {
    cpu_state *s;
    const rt_weight *w;
    const float *x;
    int t_rows, dilation;
    rt_act act;
    float *y;
    int ldy;
    size_t ldx;     /* bytes (int8) or floats (f32) of one im2col row */
    int units;      /* output columns of y: O, or O/2 when gated */
    int split_cols; /* workers split output columns instead of time rows */
    int max_span;   /* input rows one block can read, the size of its row-max cache */
} conv_job;

static size_t align64(size_t n)
{
    return (n + 63) & ~(size_t)63;
}

/* Scratch layout of one worker: im2col rows, row scales, input row maxima, int32 sums,
 * pre-activation values, then (int8 only) one row's tap pointers and its int32 staging. */
static size_t scratch_bytes(const conv_job *j)
{
    size_t o = (size_t)j->w->desc.out;
    size_t elem = j->w->desc.dtype == RT_I8 ? 1 : sizeof(float);
    return align64(BLOCK_ROWS * j->ldx * elem) + align64(BLOCK_ROWS * sizeof(float)) +
           align64((size_t)j->max_span * sizeof(float)) +
           align64(BLOCK_ROWS * o * sizeof(int32_t)) + align64(BLOCK_ROWS * o * sizeof(float)) +
           align64((size_t)j->w->desc.kernel * sizeof(float *)) + j->ldx * sizeof(int32_t);
}

/* Input row feeding tap k of output row t, or -1 when it falls in the zero padding. */
static inline int tap_row(const conv_job *j, int t, int k)
{
    long r = (long)t + (long)(k - (j->w->desc.kernel - 1) / 2) * j->dilation;
    return r >= 0 && r < j->t_rows ? (int)r : -1;
}

/* Quantised im2col rows t0 .. t0+nb-1. rmax caches max|x_r| for r >= r0 (-1 = not yet). */
static void im2col_i8_block(const conv_job *j, int t0, int nb, int8_t *q, float *sx, float *rmax,
                            const float **taps, int32_t *stage)
{
    const cpu_kernels *kn = j->s->k;
    int k_taps = j->w->desc.kernel, in = j->w->desc.in;
    long first = (long)t0 - (long)((k_taps - 1) / 2) * j->dilation;
    long last = (long)t0 + nb - 1 + (long)(k_taps - 1 - (k_taps - 1) / 2) * j->dilation;
    int r0 = first > 0 ? (int)first : 0;
    int r1 = last < j->t_rows ? (int)last : j->t_rows - 1;
    for (int r = r0; r <= r1; r++)
        rmax[r - r0] = -1.0f;
    for (int i = 0; i < nb; i++) {
        int8_t *qi = q + (size_t)i * j->ldx;
        float m = 0.0f;
        for (int k = 0; k < k_taps; k++) {
            int r = tap_row(j, t0 + i, k);
            if (r < 0) continue;
            float *c = &rmax[r - r0];
            if (*c < 0.0f) *c = kn->absmax_f32(j->x + (size_t)r * in, in);
            m = *c > m ? *c : m;
        }
        float inv = m > 0.0f ? 127.0f / m : 0.0f;
        sx[i] = m / 127.0f;
        for (int k = 0; k < k_taps; k++) {
            int r = tap_row(j, t0 + i, k);
            taps[k] = r >= 0 ? j->x + (size_t)r * in : NULL;
        }
        /* Undilated taps all inside [0, T) are consecutive input rows: one long tap quantises
         * with fewer loop tails (element-wise, so the same bytes). */
        int one = j->dilation == 1 && taps[0] && taps[k_taps - 1];
        kn->im2col_row_i8(taps, one ? 1 : k_taps, one ? k_taps * in : in, inv, stage, qi, j->ldx);
    }
}

static void im2col_f32(const conv_job *j, int t, float *row)
{
    int k_taps = j->w->desc.kernel, in = j->w->desc.in;
    for (int k = 0; k < k_taps; k++) {
        int r = tap_row(j, t, k);
        float *dst = row + (size_t)k * in;
        if (r >= 0)
            memcpy(dst, j->x + (size_t)r * in, (size_t)in * sizeof(float));
        else
            memset(dst, 0, (size_t)in * sizeof(float));
    }
}

/* Output rows t0 .. t0+nb-1, columns c0 .. c0+nc-1 of y. A gated column c needs weight rows
 * c and c + O/2: those are the two halves (nc values each) of a row of z. */
static void conv_block(const conv_job *j, void *scratch, int t0, int nb, int c0, int nc)
{
    const rt_weight_desc *d = &j->w->desc;
    const cpu_kernels *k = j->s->k;
    int gated = j->act == RT_ACT_GATED, halves = gated ? 2 : 1, nz = halves * nc;
    char *p = scratch;
    void *cols = p;
    p += align64(BLOCK_ROWS * j->ldx * (d->dtype == RT_I8 ? 1 : sizeof(float)));
    float *sx = (float *)p;
    p += align64(BLOCK_ROWS * sizeof(float));
    float *rmax = (float *)p;
    p += align64((size_t)j->max_span * sizeof(float));
    int32_t *acc = (int32_t *)p;
    p += align64(BLOCK_ROWS * (size_t)d->out * sizeof(int32_t));
    float *z = (float *)p;
    p += align64(BLOCK_ROWS * (size_t)d->out * sizeof(float));
    const float **taps = (const float **)(void *)p;
    p += align64((size_t)d->kernel * sizeof(float *));
    int32_t *stage = (int32_t *)p;
    /* Without an activation the values go straight to y: no copy through z. */
    int direct = j->act == RT_ACT_NONE;
    float *y0 = j->y + (size_t)t0 * j->ldy + c0;
    size_t ldz = direct ? (size_t)j->ldy : (size_t)nz;
    if (direct) z = y0;

    if (d->dtype == RT_I8) {
        int8_t *q = cols;
        im2col_i8_block(j, t0, nb, q, sx, rmax, taps, stage);
        for (int hf = 0; hf < halves; hf++) {
            int o0 = c0 + hf * j->units;
            k->gemm_i8(q, j->ldx, nb, (const int8_t *)d->data + (size_t)o0 * j->w->row_bytes,
                       j->w->row_bytes, nc, j->ldx, acc + (size_t)hf * nc, (size_t)nz);
        }
        for (int i = 0; i < nb; i++)
            for (int hf = 0; hf < halves; hf++) {
                int o0 = c0 + hf * j->units;
                size_t at = (size_t)i * nz + (size_t)hf * nc;
                k->rescale_i32(acc + at, nc, sx[i], d->scale + o0, d->bias ? d->bias + o0 : NULL,
                               z + (size_t)i * ldz + (size_t)hf * nc);
            }
    } else {
        float *row = cols;
        const float *wd = d->data;
        int n = d->kernel * d->in;
        for (int i = 0; i < nb; i++) {
            float *r = row + (size_t)i * j->ldx;
            im2col_f32(j, t0 + i, r);
            float *zr = z + (size_t)i * ldz;
            for (int u = 0; u < nz; u++) {
                int o = c0 + (u < nc ? u : j->units + u - nc);
                zr[u] = k->dot_f32(r, wd + (size_t)o * n, n) + (d->bias ? d->bias[o] : 0.0f);
            }
        }
    }
    if (direct) return;
    for (int i = 0; i < nb; i++) {
        float *zr = z + (size_t)i * nz;
        k->activate_row(zr, zr + nc, nc, j->act, y0 + (size_t)i * j->ldy);
    }
}

static void conv_worker(void *arg, int w, int n)
{
    const conv_job *j = arg;
    int lo, hi, c0 = 0, nc = j->units;
    if (j->split_cols) {
        pool_split(j->units, TILE_COLS, w, n, &c0, &hi);
        nc = hi - c0;
        if (nc <= 0) return;
        lo = 0, hi = j->t_rows;
    } else {
        pool_split(j->t_rows, TILE_ROWS, w, n, &lo, &hi);
    }
    for (int t = lo; t < hi; t += BLOCK_ROWS) {
        int nb = hi - t < BLOCK_ROWS ? hi - t : BLOCK_ROWS;
        conv_block(j, j->s->worker[w].p, t, nb, c0, nc);
    }
}

rt_status cpu_conv1d_raw(cpu_state *s, const rt_weight *w, const float *x, int t_rows, int dilation,
                         rt_act act, float *y, int ldy)
{
    const rt_weight_desc *d = &w->desc;
    conv_job j = {s, w, x, t_rows, dilation, act, y, ldy, 0, 0, 0, 0};
    j.ldx = d->dtype == RT_I8 ? w->row_bytes : (size_t)d->kernel * d->in;
    j.units = act == RT_ACT_GATED ? d->out / 2 : d->out;
    long span = BLOCK_ROWS + (long)(d->kernel - 1) * dilation;
    j.max_span = span < t_rows ? (int)span : t_rows;
    /* Small jobs stay on the calling thread: waking workers costs more than it saves. */
    double macs = (double)t_rows * d->out * d->kernel * d->in;
    int n = macs < 65536.0 ? 1 : s->threads;
    int row_tiles = (t_rows + TILE_ROWS - 1) / TILE_ROWS;
    int col_tiles = (j.units + TILE_COLS - 1) / TILE_COLS;
    /* Too few time rows to keep every worker busy: split the output channels. */
    if (n > 1 && row_tiles < 4 * n && col_tiles > row_tiles) {
        j.split_cols = 1;
        if (n > col_tiles) n = col_tiles;
    } else if (n > row_tiles) {
        n = row_tiles;
    }
    size_t need = scratch_bytes(&j);
    for (int i = 0; i < n; i++) {
        rt_status st = scratch_reserve(&s->worker[i], need);
        if (st != RT_OK) return st;
    }
    pool_run(s->pool, n, conv_worker, &j);
    return RT_OK;
}

rt_status cpu_conv1d(void *impl, const rt_weight *w, const rt_buf *x, int dilation, rt_act act,
                     rt_buf *y)
{
    return cpu_conv1d_raw(impl, w, buf_f32(x), x->rows, dilation, act, buf_f32(y), y->cols);
}
