/* Context, buffer and weight handles: argument checks, then calls into the backend table. */
#include "synth/runtime/rt_backend.h"

#include <stdlib.h>
#include <string.h>

#ifdef MYNA_HAVE_VULKAN
rt_status rt_vulkan_backend_create(const rt_config *cfg, const rt_backend **be, void **impl);
#else
/* Built without the Vulkan backend (MYNA_VULKAN=OFF, or no Vulkan/glslc at build time). */
rt_status rt_vulkan_probe(int *has_gpu)
{
    if (has_gpu) *has_gpu = 0;
    return RT_ERR_UNSUPPORTED;
}
#endif

rt_status rt_ctx_create(const rt_config *cfg, rt_ctx **out)
{
    if (!out) return RT_ERR_ARG;
    *out = NULL;
    rt_config def = {RT_BACKEND_CPU, 0, RT_ISA_AUTO, -1};
    if (!cfg) cfg = &def;
    rt_ctx *ctx = calloc(1, sizeof *ctx);
    if (!ctx) return RT_ERR_NOMEM;
    rt_status st;
    switch (cfg->kind) {
    case RT_BACKEND_CPU:
        st = rt_cpu_backend_create(cfg, &ctx->be, &ctx->impl);
        break;
    case RT_BACKEND_VULKAN:
#ifdef MYNA_HAVE_VULKAN
        st = rt_vulkan_backend_create(cfg, &ctx->be, &ctx->impl);
#else
        st = RT_ERR_UNSUPPORTED;
#endif
        break;
    default:
        st = RT_ERR_ARG;
        break;
    }
    if (st != RT_OK) {
        free(ctx);
        return st;
    }
    *out = ctx;
    return RT_OK;
}

void rt_ctx_destroy(rt_ctx *ctx)
{
    if (!ctx) return;
    ctx->be->destroy(ctx->impl);
    free(ctx);
}

const char *rt_ctx_describe(const rt_ctx *ctx)
{
    return ctx ? ctx->be->describe(ctx->impl) : "none";
}

rt_isa rt_ctx_isa(const rt_ctx *ctx)
{
    return ctx ? ctx->be->isa(ctx->impl) : RT_ISA_SCALAR;
}

const char *rt_isa_name(rt_isa isa)
{
    switch (isa) {
    case RT_ISA_AUTO:
        return "auto";
    case RT_ISA_SCALAR:
        return "scalar";
    case RT_ISA_NEON:
        return "neon";
    case RT_ISA_AVX2:
        return "avx2";
    case RT_ISA_AVX512VNNI:
        return "avx512vnni";
    }
    return "unknown";
}

rt_isa rt_isa_from_name(const char *name)
{
    static const rt_isa all[] = {RT_ISA_SCALAR, RT_ISA_NEON, RT_ISA_AVX2, RT_ISA_AVX512VNNI};
    for (size_t i = 0; name && i < sizeof all / sizeof all[0]; i++)
        if (strcmp(name, rt_isa_name(all[i])) == 0) return all[i];
    return RT_ISA_AUTO;
}

size_t rt_i8_row_stride(int k_times_i)
{
    if (k_times_i <= 0) return 0;
    return ((size_t)k_times_i + RT_I8_ROW_ALIGN - 1) / RT_I8_ROW_ALIGN * RT_I8_ROW_ALIGN;
}

/* ---- buffers ------------------------------------------------------------------------------ */

/* Shapes are bounded so rows*cols and every index product fit comfortably in int/size_t. */
static int shape_ok(int rows, int cols)
{
    return rows >= 0 && cols >= 1 && (long long)rows * cols <= (1LL << 31) - 1;
}

rt_status rt_buf_create(rt_ctx *ctx, int rows, int cols, rt_buf **out)
{
    if (!ctx || !out || !shape_ok(rows, cols)) return RT_ERR_ARG;
    *out = NULL;
    rt_buf *b = calloc(1, sizeof *b);
    if (!b) return RT_ERR_NOMEM;
    b->rows = rows;
    b->cols = cols;
    b->capacity = (size_t)rows * (size_t)cols;
    rt_status st = ctx->be->buf_alloc(ctx->impl, b->capacity, &b->mem);
    if (st != RT_OK) {
        free(b);
        return st;
    }
    *out = b;
    return RT_OK;
}

void rt_buf_destroy(rt_ctx *ctx, rt_buf *b)
{
    if (!ctx || !b) return;
    ctx->be->buf_free(ctx->impl, b->mem);
    free(b);
}

rt_status rt_buf_reshape(rt_ctx *ctx, rt_buf *b, int rows, int cols)
{
    if (!ctx || !b || !shape_ok(rows, cols)) return RT_ERR_ARG;
    size_t need = (size_t)rows * (size_t)cols;
    if (need > b->capacity) {
        void *mem = NULL;
        rt_status st = ctx->be->buf_alloc(ctx->impl, need, &mem);
        if (st != RT_OK) return st;
        ctx->be->buf_free(ctx->impl, b->mem);
        b->mem = mem;
        b->capacity = need;
    }
    b->rows = rows;
    b->cols = cols;
    return RT_OK;
}

int rt_buf_rows(const rt_buf *b)
{
    return b ? b->rows : 0;
}

int rt_buf_cols(const rt_buf *b)
{
    return b ? b->cols : 0;
}

rt_status rt_buf_write(rt_ctx *ctx, rt_buf *b, const float *src)
{
    if (!ctx || !b || (!src && b->rows > 0)) return RT_ERR_ARG;
    return ctx->be->buf_write(ctx->impl, b, src);
}

rt_status rt_buf_read(rt_ctx *ctx, const rt_buf *b, float *dst)
{
    if (!ctx || !b || (!dst && b->rows > 0)) return RT_ERR_ARG;
    return ctx->be->buf_read(ctx->impl, b, dst);
}

rt_status rt_buf_zero(rt_ctx *ctx, rt_buf *b)
{
    if (!ctx || !b) return RT_ERR_ARG;
    return ctx->be->buf_zero(ctx->impl, b);
}

rt_status rt_buf_view_as(rt_ctx *ctx, rt_buf *b, int rows, int cols)
{
    if (!ctx || !b || !shape_ok(rows, cols)) return RT_ERR_ARG;
    if ((long long)rows * cols != (long long)b->rows * b->cols) return RT_ERR_ARG;
    b->rows = rows;
    b->cols = cols;
    return RT_OK;
}

/* ---- weights ------------------------------------------------------------------------------ */

rt_status rt_weight_create(rt_ctx *ctx, const rt_weight_desc *d, rt_weight **out)
{
    if (!ctx || !d || !out) return RT_ERR_ARG;
    *out = NULL;
    if (d->out < 1 || d->kernel < 1 || d->in < 1 || !d->data) return RT_ERR_ARG;
    if ((long long)d->kernel * d->in > (1 << 24)) return RT_ERR_ARG;
    if (d->dtype == RT_F16) return RT_ERR_UNSUPPORTED;
    if (d->dtype != RT_F32 && d->dtype != RT_I8) return RT_ERR_ARG;
    if (d->dtype == RT_I8 && !d->scale) return RT_ERR_ARG;
    rt_weight *w = calloc(1, sizeof *w);
    if (!w) return RT_ERR_NOMEM;
    w->desc = *d;
    w->row_bytes = d->dtype == RT_I8 ? rt_i8_row_stride(d->kernel * d->in) : 0;
    rt_status st = ctx->be->weight_prepare(ctx->impl, w);
    if (st != RT_OK) {
        free(w);
        return st;
    }
    *out = w;
    return RT_OK;
}

void rt_weight_destroy(rt_ctx *ctx, rt_weight *w)
{
    if (!ctx || !w) return;
    ctx->be->weight_release(ctx->impl, w);
    free(w);
}

rt_status rt_sync(rt_ctx *ctx)
{
    if (!ctx) return RT_ERR_ARG;
    return ctx->be->sync(ctx->impl);
}
