/* The memory-bound ops: embedding, length regulation, upsampling, axpby, column copies,
 * activations, row slices. Arguments were validated in rt_ops.c. */
#include "synth/runtime/cpu/cpu_internal.h"
#include "synth/runtime/cpu/fastmath.h"

#include <math.h>
#include <string.h>

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

rt_status cpu_add_upsampled(void *impl, rt_buf *y, long t0, const rt_buf *src, int col0, int factor)
{
    float *out = buf_f32(y);
    const float *in = buf_f32(src);
    int last = src->rows - 1;
    for (int t = 0; t < y->rows; t++) {
        /* Double precision: t0 grows with the utterance and float would lose the fraction. */
        double p = ((double)t0 + t + 0.5) / factor - 0.5;
        p = p < 0.0 ? 0.0 : (p > last ? (double)last : p);
        int i0 = (int)floor(p);
        int i1 = i0 < last ? i0 + 1 : last;
        float f = (float)(p - i0);
        const float *a = in + (size_t)i0 * src->cols + col0;
        const float *b = in + (size_t)i1 * src->cols + col0;
        float *dst = out + (size_t)t * y->cols;
        for (int c = 0; c < y->cols; c++)
            dst[c] += a[c] + f * (b[c] - a[c]);
    }
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

rt_status cpu_copy_cols(void *impl, const rt_buf *src, int src_col0, int n, rt_buf *dst,
                        int dst_col0, int accumulate)
{
    const float *in = buf_f32(src);
    float *out = buf_f32(dst);
    for (int t = 0; t < src->rows; t++) {
        const float *s = in + (size_t)t * src->cols + src_col0;
        float *d = out + (size_t)t * dst->cols + dst_col0;
        if (accumulate) {
            for (int c = 0; c < n; c++)
                d[c] += s[c];
        } else {
            memmove(d, s, (size_t)n * sizeof(float)); /* src may be dst */
        }
    }
    return RT_OK;
}

/* Gated activation of a [T][2C] buffer into [T][C]: the vocoder adds its conditioning between
 * the dilated conv and the gate, so the gate cannot be fused into the conv there. */
static rt_status activate_gated(cpu_state *st, const rt_buf *x, rt_buf *y)
{
    int c = y->cols;
    /* activate_row overwrites its second half with sigmoid values: work on a copy. */
    rt_status rs = scratch_reserve(&st->worker[0], (size_t)c * sizeof(float));
    if (rs != RT_OK) return rs;
    float *zb = st->worker[0].p;
    const float *xv = buf_f32(x);
    float *yv = buf_f32(y);
    for (int t = 0; t < y->rows; t++) {
        const float *row = xv + (size_t)t * x->cols;
        memcpy(zb, row + c, (size_t)c * sizeof(float));
        st->k->activate_row(row, zb, c, RT_ACT_GATED, yv + (size_t)t * c);
    }
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
