/* The memory-bound ops: embedding, length regulation, upsampling, axpby, column copies,
 * activations, row slices. Arguments were validated in rt_ops.c. */
#include "synth/runtime/cpu/cpu_internal.h"
#include "synth/runtime/cpu/fastmath.h"

#include <math.h>
#include <string.h>

/* Below this many elements a row op stays on the caller: waking a worker costs more than the
 * memory traffic it would share. Rows are independent, so the split never changes results. */
enum { PAR_MIN_ELEMS = 1 << 15 };

typedef struct {
    cpu_state *s;
    const rt_buf *src;
    rt_buf *dst;
    long t0;
    int col0, n, dst_col0, flag; /* flag: upsampling factor, or accumulate */
} rows_job;

static void run_rows(cpu_state *s, int rows, size_t elems, pool_fn fn, rows_job *j)
{
    int n = elems < PAR_MIN_ELEMS ? 1 : s->threads;
    pool_run(s->pool, n < rows ? n : rows, fn, j);
}

rt_status cpu_embedding(void *impl, const float *table, int cols, const int32_t *ids, int n,
                        rt_buf *y)
{
    float *out = buf_f32(y);
    for (int i = 0; i < n; i++)
        memcpy(out + (size_t)i * cols, table + (size_t)ids[i] * cols, (size_t)cols * sizeof(float));
    return RT_OK;
}

rt_status cpu_repeat_rows(void *impl, const rt_buf *x, const int32_t *counts, rt_buf *y)
{
    const float *in = buf_f32(x);
    float *out = buf_f32(y);
    int with_pos = y->cols == x->cols + 1;
    size_t row = 0;
    for (int i = 0; i < x->rows; i++) {
        for (int j = 0; j < counts[i]; j++, row++) {
            float *dst = out + row * (size_t)y->cols;
            memcpy(dst, in + (size_t)i * x->cols, (size_t)x->cols * sizeof(float));
            if (with_pos) dst[x->cols] = (float)(((double)j + 0.5) / (double)counts[i]);
        }
    }
    return RT_OK;
}

static void add_upsampled_rows(void *arg, int w, int nw)
{
    const rows_job *j = arg;
    const rt_buf *src = j->src;
    rt_buf *y = j->dst;
    float *out = buf_f32(y);
    const float *in = buf_f32(src);
    int last = src->rows - 1, lo, hi;
    pool_split(y->rows, 1, w, nw, &lo, &hi);
    for (int t = lo; t < hi; t++) {
        /* Double precision: t0 grows with the utterance and float would lose the fraction. */
        double p = ((double)j->t0 + t + 0.5) / j->flag - 0.5;
        p = p < 0.0 ? 0.0 : (p > last ? (double)last : p);
        int i0 = (int)floor(p);
        int i1 = i0 < last ? i0 + 1 : last;
        float f = (float)(p - i0);
        const float *a = in + (size_t)i0 * src->cols + j->col0;
        const float *b = in + (size_t)i1 * src->cols + j->col0;
        float *dst = out + (size_t)t * y->cols;
        for (int c = 0; c < y->cols; c++)
            dst[c] += a[c] + f * (b[c] - a[c]);
    }
}

rt_status cpu_add_upsampled(void *impl, rt_buf *y, long t0, const rt_buf *src, int col0, int factor)
{
    rows_job j = {impl, src, y, t0, col0, 0, 0, factor};
    run_rows(impl, y->rows, (size_t)y->rows * y->cols, add_upsampled_rows, &j);
    return RT_OK;
}

rt_status cpu_axpby(void *impl, const rt_buf *a, float alpha, const rt_buf *b, float beta,
                    rt_buf *y)
{
    const float *pa = buf_f32(a), *pb = buf_f32(b);
    float *py = buf_f32(y);
    size_t n = (size_t)y->rows * y->cols;
    for (size_t i = 0; i < n; i++)
        py[i] = pa[i] * alpha + pb[i] * beta;
    return RT_OK;
}

static void copy_cols_rows(void *arg, int w, int nw)
{
    const rows_job *j = arg;
    const float *in = buf_f32(j->src);
    float *out = buf_f32(j->dst);
    int lo, hi;
    pool_split(j->src->rows, 1, w, nw, &lo, &hi);
    for (int t = lo; t < hi; t++) {
        const float *s = in + (size_t)t * j->src->cols + j->col0;
        float *d = out + (size_t)t * j->dst->cols + j->dst_col0;
        if (j->flag) {
            for (int c = 0; c < j->n; c++)
                d[c] += s[c];
        } else {
            /* src may be dst, but then only within the same row t. */
            memmove(d, s, (size_t)j->n * sizeof(float));
        }
    }
}

rt_status cpu_copy_cols(void *impl, const rt_buf *src, int src_col0, int n, rt_buf *dst,
                        int dst_col0, int accumulate)
{
    rows_job j = {impl, src, dst, 0, src_col0, n, dst_col0, accumulate};
    run_rows(impl, src->rows, (size_t)src->rows * n, copy_cols_rows, &j);
    return RT_OK;
}

/* Gated activation of a [T][2C] buffer into [T][C]: the vocoder adds its conditioning between
 * the dilated conv and the gate, so the gate cannot be fused into the conv there. */
static void gated_rows(void *arg, int w, int nw)
{
    const rows_job *j = arg;
    int c = j->dst->cols, lo, hi;
    /* activate_row overwrites its second half with sigmoid values: work on a copy. */
    float *zb = j->s->worker[w].p;
    const float *xv = buf_f32(j->src);
    float *yv = buf_f32(j->dst);
    pool_split(j->dst->rows, 1, w, nw, &lo, &hi);
    for (int t = lo; t < hi; t++) {
        const float *row = xv + (size_t)t * j->src->cols;
        memcpy(zb, row + c, (size_t)c * sizeof(float));
        j->s->k->activate_row(row, zb, c, RT_ACT_GATED, yv + (size_t)t * c);
    }
}

static rt_status activate_gated(cpu_state *st, const rt_buf *x, rt_buf *y)
{
    for (int i = 0; i < st->threads; i++) {
        rt_status rs = scratch_reserve(&st->worker[i], (size_t)y->cols * sizeof(float));
        if (rs != RT_OK) return rs;
    }
    rows_job j = {st, x, y, 0, 0, 0, 0, 0};
    run_rows(st, y->rows, (size_t)y->rows * y->cols, gated_rows, &j);
    return RT_OK;
}

rt_status cpu_activate(void *impl, const rt_buf *x, rt_act act, rt_buf *y)
{
    if (act == RT_ACT_GATED) return activate_gated(impl, x, y);
    size_t n = (size_t)y->rows * y->cols;
    if (x != y) memcpy(buf_f32(y), buf_f32(x), n * sizeof(float));
    float *v = buf_f32(y);
    /* fm_activate takes an int count; go in chunks so huge buffers cannot overflow it. */
    for (size_t i = 0; i < n; i += 1 << 20) {
        size_t m = n - i < (1u << 20) ? n - i : (1u << 20);
        fm_activate(v + i, (int)m, act);
    }
    return RT_OK;
}

rt_status cpu_slice_rows(void *impl, const rt_buf *x, int row0, rt_buf *y)
{
    memcpy(buf_f32(y), buf_f32(x) + (size_t)row0 * x->cols,
           (size_t)y->rows * y->cols * sizeof(float));
    return RT_OK;
}
