/* The CPU backend: state, buffers, weights and the table rt.h dispatches through. */
#include "synth/runtime/cpu/cpu_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Defined in cpu_elementwise.c. */
rt_status cpu_embedding(void *impl, const float *table, int cols, const int32_t *ids, int n,
                        rt_buf *y);
rt_status cpu_repeat_rows(void *impl, const rt_buf *x, const int32_t *counts, rt_buf *y);
rt_status cpu_add_upsampled(void *impl, rt_buf *y, long t0, const rt_buf *src, int col0,
                            int factor);
rt_status cpu_axpby(void *impl, const rt_buf *a, float alpha, const rt_buf *b, float beta,
                    rt_buf *y);
rt_status cpu_copy_cols(void *impl, const rt_buf *src, int src_col0, int n, rt_buf *dst,
                        int dst_col0, int accumulate);
rt_status cpu_activate(void *impl, const rt_buf *x, rt_act act, rt_buf *y);
rt_status cpu_slice_rows(void *impl, const rt_buf *x, int row0, rt_buf *y);

rt_status scratch_reserve(cpu_scratch *s, size_t bytes)
{
    if (bytes <= s->bytes) return RT_OK;
    bytes = (bytes + 4095) & ~(size_t)4095; /* grow in pages to avoid many small steps */
    void *p = NULL;
    if (posix_memalign(&p, 64, bytes) != 0) return RT_ERR_NOMEM;
    free(s->p);
    s->p = p;
    s->bytes = bytes;
    return RT_OK;
}

void scratch_free(cpu_scratch *s)
{
    free(s->p);
    s->p = NULL;
    s->bytes = 0;
}

static void cpu_destroy(void *impl)
{
    cpu_state *s = impl;
    if (!s) return;
    pool_destroy(s->pool);
    if (s->worker)
        for (int i = 0; i < s->threads; i++)
            scratch_free(&s->worker[i]);
    free(s->worker);
    scratch_free(&s->gates);
    free(s);
}

static const char *cpu_describe(const void *impl)
{
    return ((const cpu_state *)impl)->desc;
}

static rt_isa cpu_isa(const void *impl)
{
    return ((const cpu_state *)impl)->k->isa;
}

static int cpu_supports_op(const void *impl, rt_op op, rt_dtype dtype)
{
    if (op == RT_OP_CONV1D || op == RT_OP_LSTM) return dtype == RT_F32 || dtype == RT_I8;
    return op < RT_OP_COUNT && dtype == RT_F32;
}

static rt_status cpu_buf_alloc(void *impl, size_t elems, void **mem)
{
    size_t bytes = (elems ? elems : 1) * sizeof(float);
    bytes = (bytes + 63) & ~(size_t)63;
    void *p = NULL;
    if (posix_memalign(&p, 64, bytes) != 0) return RT_ERR_NOMEM;
    memset(p, 0, bytes);
    *mem = p;
    return RT_OK;
}

static void cpu_buf_free(void *impl, void *mem)
{
    free(mem);
}

static size_t buf_bytes(const rt_buf *b)
{
    return (size_t)b->rows * (size_t)b->cols * sizeof(float);
}

static rt_status cpu_buf_write(void *impl, rt_buf *b, const float *src)
{
    if (b->rows) memcpy(b->mem, src, buf_bytes(b));
    return RT_OK;
}

static rt_status cpu_buf_read(void *impl, const rt_buf *b, float *dst)
{
    if (b->rows) memcpy(dst, b->mem, buf_bytes(b));
    return RT_OK;
}

static rt_status cpu_buf_zero(void *impl, rt_buf *b)
{
    memset(b->mem, 0, buf_bytes(b));
    return RT_OK;
}

/* int8 weights are used in place; -128 would break the exactness of the sign-trick kernels,
 * so such a weight is rejected here rather than giving ISA-dependent results later. */
static rt_status cpu_weight_prepare(void *impl, rt_weight *w)
{
    const rt_weight_desc *d = &w->desc;
    if (d->dtype != RT_I8) return RT_OK;
    const int8_t *q = d->data;
    size_t n = (size_t)d->out * w->row_bytes;
    for (size_t i = 0; i < n; i++)
        if (q[i] == -128) return RT_ERR_ARG;
    return RT_OK;
}

static void cpu_weight_release(void *impl, rt_weight *w) {}

static rt_status cpu_sync(void *impl)
{
    return RT_OK;
}

static const rt_backend cpu_table = {
    .name = "cpu",
    .destroy = cpu_destroy,
    .describe = cpu_describe,
    .isa = cpu_isa,
    .supports_op = cpu_supports_op,
    .buf_alloc = cpu_buf_alloc,
    .buf_free = cpu_buf_free,
    .buf_write = cpu_buf_write,
    .buf_read = cpu_buf_read,
    .buf_zero = cpu_buf_zero,
    .weight_prepare = cpu_weight_prepare,
    .weight_release = cpu_weight_release,
    .conv1d = cpu_conv1d,
    .lstm = cpu_lstm,
    .embedding = cpu_embedding,
    .repeat_rows = cpu_repeat_rows,
    .add_upsampled = cpu_add_upsampled,
    .axpby = cpu_axpby,
    .copy_cols = cpu_copy_cols,
    .activate = cpu_activate,
    .slice_rows = cpu_slice_rows,
    .sync = cpu_sync,
};

rt_status rt_cpu_backend_create(const rt_config *cfg, const rt_backend **be, void **impl)
{
    const cpu_kernels *k = cpu_kernels_for(cfg->isa);
    if (!k) return RT_ERR_UNSUPPORTED;
    int threads = cfg->threads;
    if (threads <= 0) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        threads = n > 0 ? (int)n : 1;
    }
    if (threads > 256) threads = 256;
    cpu_state *s = calloc(1, sizeof *s);
    if (!s) return RT_ERR_NOMEM;
    s->k = k;
    rt_status st = pool_create(threads, &s->pool);
    if (st != RT_OK) {
        free(s);
        return st;
    }
    s->threads = pool_size(s->pool);
    s->worker = calloc((size_t)s->threads, sizeof *s->worker);
    if (!s->worker) {
        cpu_destroy(s);
        return RT_ERR_NOMEM;
    }
    snprintf(s->desc, sizeof s->desc, "cpu %s x%d", rt_isa_name(k->isa), s->threads);
    *be = &cpu_table;
    *impl = s;
    return RT_OK;
}
