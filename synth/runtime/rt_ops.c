/* The ops of rt.h: every shape and argument is checked here, once, for all backends. */
#include "synth/runtime/rt_backend.h"

static rt_status op_supported(const rt_ctx *ctx, rt_op op, rt_dtype dt)
{
    return ctx->be->supports_op(ctx->impl, op, dt) ? RT_OK : RT_ERR_UNSUPPORTED;
}

static int act_ok(rt_act act)
{
    return act >= RT_ACT_NONE && act <= RT_ACT_GATED;
}

rt_status rt_conv1d(rt_ctx *ctx, const rt_weight *w, const rt_buf *x, int dilation, rt_act act,
                    rt_buf *y)
{
    if (!ctx || !w || !x || !y || x == y) return RT_ERR_ARG;
    const rt_weight_desc *d = &w->desc;
    if (d->kernel % 2 == 0 || dilation < 1 || !act_ok(act)) return RT_ERR_ARG;
    if (x->cols != d->in || y->rows != x->rows) return RT_ERR_ARG;
    if (act == RT_ACT_GATED) {
        if (d->out % 2 != 0 || y->cols != d->out / 2) return RT_ERR_ARG;
    } else if (y->cols != d->out) {
        return RT_ERR_ARG;
    }
    rt_status st = op_supported(ctx, RT_OP_CONV1D, d->dtype);
    if (st != RT_OK) return st;
    if (x->rows == 0) return RT_OK;
    return ctx->be->conv1d(ctx->impl, w, x, dilation, act, y);
}

rt_status rt_lstm(rt_ctx *ctx, const rt_weight *w_ih, const rt_weight *w_hh, const rt_buf *x,
                  int reverse, rt_buf *y, int col0)
{
    if (!ctx || !w_ih || !w_hh || !x || !y || x == y) return RT_ERR_ARG;
    const rt_weight_desc *di = &w_ih->desc, *dh = &w_hh->desc;
    if (di->kernel != 1 || dh->kernel != 1 || di->out % 4 != 0) return RT_ERR_ARG;
    int h = di->out / 4;
    if (dh->out != di->out || dh->in != h || di->in != x->cols) return RT_ERR_ARG;
    if (y->rows != x->rows || col0 < 0 || col0 > y->cols - h) return RT_ERR_ARG;
    rt_status st = op_supported(ctx, RT_OP_LSTM, di->dtype);
    if (st == RT_OK) st = op_supported(ctx, RT_OP_LSTM, dh->dtype);
    if (st != RT_OK) return st;
    if (x->rows == 0) return RT_OK;
    return ctx->be->lstm(ctx->impl, w_ih, w_hh, x, reverse, y, col0);
}

rt_status rt_embedding(rt_ctx *ctx, const float *table, int n_rows, int cols, const int32_t *ids,
                       int n, rt_buf *y)
{
    if (!ctx || !table || !y || n_rows < 1 || cols < 1 || n < 0 || (n > 0 && !ids))
        return RT_ERR_ARG;
    if (y->rows != n || y->cols != cols) return RT_ERR_ARG;
    for (int i = 0; i < n; i++)
        if (ids[i] < 0 || ids[i] >= n_rows) return RT_ERR_ARG;
    rt_status st = op_supported(ctx, RT_OP_EMBEDDING, RT_F32);
    if (st != RT_OK || n == 0) return st;
    return ctx->be->embedding(ctx->impl, table, cols, ids, n, y);
}

rt_status rt_repeat_rows(rt_ctx *ctx, const rt_buf *x, const int32_t *counts, rt_buf *y)
{
    if (!ctx || !x || !y || x == y || (x->rows > 0 && !counts)) return RT_ERR_ARG;
    if (y->cols != x->cols && y->cols != x->cols + 1) return RT_ERR_ARG;
    long long total = 0;
    for (int i = 0; i < x->rows; i++) {
        if (counts[i] < 0) return RT_ERR_ARG;
        total += counts[i];
    }
    if (total != y->rows) return RT_ERR_ARG;
    rt_status st = op_supported(ctx, RT_OP_REPEAT_ROWS, RT_F32);
    if (st != RT_OK || total == 0) return st;
    return ctx->be->repeat_rows(ctx->impl, x, counts, y);
}

rt_status rt_add_upsampled(rt_ctx *ctx, rt_buf *y, long t0, const rt_buf *src, int col0, int factor)
{
    if (!ctx || !y || !src || y == src || factor < 1 || t0 < 0 || src->rows < 1) return RT_ERR_ARG;
    if (col0 < 0 || col0 > src->cols - y->cols) return RT_ERR_ARG;
    rt_status st = op_supported(ctx, RT_OP_ADD_UPSAMPLED, RT_F32);
    if (st != RT_OK || y->rows == 0) return st;
    return ctx->be->add_upsampled(ctx->impl, y, t0, src, col0, factor);
}

rt_status rt_axpby(rt_ctx *ctx, const rt_buf *a, float alpha, const rt_buf *b, float beta,
                   rt_buf *y)
{
    if (!ctx || !a || !b || !y) return RT_ERR_ARG;
    if (a->rows != b->rows || a->cols != b->cols || y->rows != a->rows || y->cols != a->cols)
        return RT_ERR_ARG;
    rt_status st = op_supported(ctx, RT_OP_AXPBY, RT_F32);
    if (st != RT_OK || y->rows == 0) return st;
    return ctx->be->axpby(ctx->impl, a, alpha, b, beta, y);
}

rt_status rt_copy_cols(rt_ctx *ctx, const rt_buf *src, int src_col0, int n, rt_buf *dst,
                       int dst_col0, int accumulate)
{
    if (!ctx || !src || !dst || n < 0 || src_col0 < 0 || dst_col0 < 0) return RT_ERR_ARG;
    if (src->rows != dst->rows || src_col0 > src->cols - n || dst_col0 > dst->cols - n)
        return RT_ERR_ARG;
    rt_status st = op_supported(ctx, RT_OP_COPY_COLS, RT_F32);
    if (st != RT_OK || n == 0 || src->rows == 0) return st;
    return ctx->be->copy_cols(ctx->impl, src, src_col0, n, dst, dst_col0, accumulate);
}

rt_status rt_activate(rt_ctx *ctx, const rt_buf *x, rt_act act, rt_buf *y)
{
    if (!ctx || !x || !y || !act_ok(act)) return RT_ERR_ARG;
    if (act == RT_ACT_GATED) {
        /* y = tanh(x[:, :C]) * sigmoid(x[:, C:]); halves the columns, so never in place. */
        if (x == y || x->rows != y->rows || x->cols != 2 * y->cols) return RT_ERR_ARG;
    } else if (x->rows != y->rows || x->cols != y->cols) {
        return RT_ERR_ARG;
    }
    rt_status st = op_supported(ctx, RT_OP_ACTIVATE, RT_F32);
    if (st != RT_OK || y->rows == 0) return st;
    return ctx->be->activate(ctx->impl, x, act, y);
}

rt_status rt_slice_rows(rt_ctx *ctx, const rt_buf *x, int row0, rt_buf *y)
{
    if (!ctx || !x || !y || x == y || row0 < 0) return RT_ERR_ARG;
    if (x->cols != y->cols || row0 > x->rows - y->rows) return RT_ERR_ARG;
    rt_status st = op_supported(ctx, RT_OP_SLICE_ROWS, RT_F32);
    if (st != RT_OK || y->rows == 0) return st;
    return ctx->be->slice_rows(ctx->impl, x, row0, y);
}
