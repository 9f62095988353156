/* The ops of rt.h as compute dispatches. Arguments were validated in rt_ops.c; what remains
 * here are the limits of this backend (LSTM width, grid sizes), reported as
 * RT_ERR_UNSUPPORTED. */
#include "synth/runtime/vulkan/vk_internal.h"

#include <limits.h>
#include <string.h>

enum { LSTM_MAX_H = 1024 }; /* MAX_H of shaders/lstm.comp */

static const vk_mem *mem_of(const rt_buf *b)
{
    return (const vk_mem *)b->mem;
}

static uint64_t groups(uint64_t n, uint64_t per)
{
    return (n + per - 1) / per;
}

/* y[t * ldy + y_off + u] = act(conv(x)) for T rows of x; the LSTM input projection too. */
static rt_status conv_into(vk_state *s, const rt_weight *w, const vk_mem *x, int T, int dilation,
                           rt_act act, const vk_mem *y, int ldy, int y_off)
{
    const rt_weight_desc *d = &w->desc;
    const vk_weight *vw = w->impl;
    int units = act == RT_ACT_GATED ? d->out / 2 : d->out;
    uint32_t gx = (uint32_t)groups((uint64_t)units, 16), gy = (uint32_t)groups((uint64_t)T, 16);
    if (d->dtype == RT_I8) {
        int row_words = (int)(w->row_bytes / 4);
        rt_status st = vk_scratch(s, &s->scratch_q, (VkDeviceSize)T * w->row_bytes);
        if (st == RT_OK) st = vk_scratch(s, &s->scratch_sx, (VkDeviceSize)T * sizeof(float));
        if (st != RT_OK) return st;
        int32_t qpc[5] = {T, d->in, d->kernel, dilation, row_words};
        vk_bind qb[3] = {{x, 0}, {s->scratch_q, 1}, {s->scratch_sx, 1}};
        st = vk_dispatch_1d(s, VKP_QUANT_I8, qb, 3, qpc, sizeof qpc, (uint64_t)T);
        if (st != RT_OK) return st;
        int32_t gpc[7] = {T, units, row_words, (int32_t)act, vw->bias != NULL, ldy, y_off};
        vk_bind gb[6] = {{s->scratch_q, 0}, {vw->data, 0}, {s->scratch_sx, 0},
                         {vw->scale, 0},    {vw->bias, 0}, {y, 1}};
        return vk_dispatch(s, VKP_GEMM_I8, gb, 6, gpc, sizeof gpc, gx, gy);
    }
    int32_t pc[9] = {T,   units, d->in, d->kernel, dilation, (int32_t)act, vw->bias != NULL,
                     ldy, y_off};
    vk_bind b[6] = {{x, 0}, {vw->data, 0}, {NULL, 0}, {NULL, 0}, {vw->bias, 0}, {y, 1}};
    return vk_dispatch(s, VKP_CONV_F32, b, 6, pc, sizeof pc, gx, gy);
}

rt_status vk_op_conv1d(void *impl, const rt_weight *w, const rt_buf *x, int dilation, rt_act act,
                       rt_buf *y)
{
    return conv_into(impl, w, mem_of(x), x->rows, dilation, act, mem_of(y), y->cols, 0);
}

rt_status vk_op_lstm(void *impl, const rt_weight *w_ih, const rt_weight *w_hh, const rt_buf *x,
                     int reverse, rt_buf *y, int col0)
{
    vk_state *s = impl;
    int T = x->rows, H = w_hh->desc.in;
    if (H > LSTM_MAX_H) return RT_ERR_UNSUPPORTED;
    rt_status st = vk_scratch(s, &s->scratch_gates, (VkDeviceSize)T * 4 * H * sizeof(float));
    if (st == RT_OK)
        st = conv_into(s, w_ih, mem_of(x), T, 1, RT_ACT_NONE, s->scratch_gates, 4 * H, 0);
    if (st != RT_OK) return st;
    const vk_weight *wh = w_hh->impl;
    int is_i8 = w_hh->desc.dtype == RT_I8;
    int32_t pc[8] = {T,
                     H,
                     is_i8 ? (int32_t)(w_hh->row_bytes / 4) : H,
                     is_i8,
                     wh->bias != NULL,
                     reverse != 0,
                     y->cols,
                     col0};
    vk_bind b[6] = {{s->scratch_gates, 0}, {wh->data, 0}, {wh->data, 0},
                    {wh->scale, 0},        {wh->bias, 0}, {mem_of(y), 1}};
    return vk_dispatch(s, VKP_LSTM, b, 6, pc, sizeof pc, 1, 1);
}

/* Arena space for n parts of the given sizes, each at a bindable offset. */
static rt_status take_parts(vk_state *s, const size_t *bytes, int n, vk_mem *parts)
{
    VkDeviceSize align = s->host_pool.align, total = 0, at[4];
    for (int i = 0; i < n; i++) {
        at[i] = total;
        total += (bytes[i] + align - 1) / align * align;
    }
    vk_mem all;
    rt_status st = vk_make_room(s, 1);
    if (st == RT_OK) st = vk_arena_take(s, (size_t)total, &all);
    if (st != RT_OK) return st;
    for (int i = 0; i < n; i++)
        parts[i] = (vk_mem){all.chunk, all.off + at[i], bytes[i] ? bytes[i] : align};
    return RT_OK;
}

static void *host_ptr(const vk_mem *m)
{
    return (char *)m->chunk->map + m->off;
}

rt_status vk_op_embedding(void *impl, const float *table, int cols, const int32_t *ids, int n,
                          rt_buf *y)
{
    vk_state *s = impl;
    int rows = 0; /* only the rows up to the largest id travel */
    for (int i = 0; i < n; i++)
        rows = ids[i] + 1 > rows ? ids[i] + 1 : rows;
    size_t bytes[2] = {(size_t)rows * cols * sizeof(float), (size_t)n * sizeof(int32_t)};
    vk_mem part[2];
    rt_status st = take_parts(s, bytes, 2, part);
    if (st != RT_OK) return st;
    memcpy(host_ptr(&part[0]), table, bytes[0]);
    memcpy(host_ptr(&part[1]), ids, bytes[1]);
    int32_t pc[2] = {n, cols};
    vk_bind b[3] = {{&part[0], 0}, {&part[1], 0}, {mem_of(y), 1}};
    return vk_dispatch_1d(s, VKP_EMBEDDING, b, 3, pc, sizeof pc, groups((uint64_t)n * cols, 256));
}

rt_status vk_op_repeat_rows(void *impl, const rt_buf *x, const int32_t *counts, rt_buf *y)
{
    vk_state *s = impl;
    size_t bytes = (size_t)y->rows * 2 * sizeof(uint32_t);
    vk_mem map;
    rt_status st = take_parts(s, &bytes, 1, &map);
    if (st != RT_OK) return st;
    uint32_t *m = host_ptr(&map);
    size_t row = 0;
    for (int i = 0; i < x->rows; i++)
        for (int j = 0; j < counts[i]; j++, row++) {
            /* The position in double, then rounded once: what cpu_repeat_rows computes. */
            float pos = (float)(((double)j + 0.5) / (double)counts[i]);
            m[2 * row] = (uint32_t)i;
            memcpy(&m[2 * row + 1], &pos, sizeof pos);
        }
    int32_t pc[3] = {y->rows, x->cols, y->cols};
    vk_bind b[3] = {{mem_of(x), 0}, {&map, 0}, {mem_of(y), 1}};
    return vk_dispatch_1d(s, VKP_REPEAT_ROWS, b, 3, pc, sizeof pc,
                          groups((uint64_t)y->rows * y->cols, 256));
}

rt_status vk_op_add_upsampled(void *impl, rt_buf *y, long t0, const rt_buf *src, int col0,
                              int factor)
{
    /* Rebase by whole frames so the shader's integers stay small for any t0. */
    long ibase = t0 / factor - 1;
    if (ibase < 0) ibase = 0;
    long t0r = t0 - ibase * (long)factor;
    if (ibase > INT_MAX || t0r + (long)y->rows > INT_MAX / 4 || factor > INT_MAX / 4)
        return RT_ERR_UNSUPPORTED;
    int32_t pc[8] = {y->rows, y->cols,      src->cols,      col0,
                     factor,  (int32_t)t0r, (int32_t)ibase, src->rows - 1};
    vk_bind b[2] = {{mem_of(y), 1}, {mem_of(src), 0}};
    return vk_dispatch_1d(impl, VKP_ADD_UPSAMPLED, b, 2, pc, sizeof pc,
                          groups((uint64_t)y->rows * y->cols, 256));
}

rt_status vk_op_axpby(void *impl, const rt_buf *a, float alpha, const rt_buf *b, float beta,
                      rt_buf *y)
{
    struct {
        int32_t n;
        float alpha, beta;
    } pc = {y->rows * y->cols, alpha, beta};
    vk_bind bind[3] = {{mem_of(a), 0}, {mem_of(b), 0}, {mem_of(y), 1}};
    return vk_dispatch_1d(impl, VKP_AXPBY, bind, 3, &pc, sizeof pc, groups((uint64_t)pc.n, 256));
}

rt_status vk_op_copy_cols(void *impl, const rt_buf *src, int src_col0, int n, rt_buf *dst,
                          int dst_col0, int accumulate)
{
    vk_state *s = impl;
    const vk_mem *from = mem_of(src);
    if (src == dst && src_col0 < dst_col0 + n && dst_col0 < src_col0 + n) {
        /* Overlapping columns of one buffer: copy the source aside first (memmove). */
        VkDeviceSize bytes = (VkDeviceSize)src->rows * src->cols * sizeof(float);
        rt_status st = vk_scratch(s, &s->scratch_copy, bytes);
        if (st == RT_OK) st = vk_copy(s, from, 0, s->scratch_copy, 0, bytes);
        if (st != RT_OK) return st;
        from = s->scratch_copy;
    }
    int32_t pc[7] = {src->rows, n, src->cols, src_col0, dst->cols, dst_col0, accumulate != 0};
    vk_bind b[2] = {{from, 0}, {mem_of(dst), 1}};
    return vk_dispatch_1d(s, VKP_COPY_COLS, b, 2, pc, sizeof pc,
                          groups((uint64_t)src->rows * n, 256));
}

rt_status vk_op_activate(void *impl, const rt_buf *x, rt_act act, rt_buf *y)
{
    int32_t pc[3] = {y->rows * y->cols, (int32_t)act, y->cols};
    vk_bind b[2] = {{mem_of(x), 0}, {mem_of(y), 1}};
    return vk_dispatch_1d(impl, VKP_ACTIVATE, b, 2, pc, sizeof pc, groups((uint64_t)pc[0], 256));
}

rt_status vk_op_slice_rows(void *impl, const rt_buf *x, int row0, rt_buf *y)
{
    int32_t pc[2] = {y->rows * y->cols, row0 * x->cols};
    vk_bind b[2] = {{mem_of(x), 0}, {mem_of(y), 1}};
    return vk_dispatch_1d(impl, VKP_SLICE_ROWS, b, 2, pc, sizeof pc, groups((uint64_t)pc[0], 256));
}
