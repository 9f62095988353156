/* Internal: the table a backend fills in, and the objects rt.h hands out as opaque handles.
 *
 * rt.h functions validate every shape and argument once (rt_ops.c), then call through this
 * table, so backend entry points may assume their arguments fit together. A new backend
 * (Vulkan) adds a table of its own; model code never changes.
 */
#ifndef MYNA_RT_BACKEND_H
#define MYNA_RT_BACKEND_H

#include "synth/runtime/rt.h"

typedef enum {
    RT_OP_CONV1D = 0,
    RT_OP_LSTM,
    RT_OP_EMBEDDING,
    RT_OP_REPEAT_ROWS,
    RT_OP_ADD_UPSAMPLED,
    RT_OP_AXPBY,
    RT_OP_COPY_COLS,
    RT_OP_ACTIVATE,
    RT_OP_SLICE_ROWS,
    RT_OP_COUNT
} rt_op;

/* Activation buffer. `mem` is backend memory (host f32 on the CPU). The capacity is kept
 * across reshapes so chunked loops do not reallocate. */
struct rt_buf {
    int rows, cols;
    size_t capacity; /* elements */
    void *mem;
};

struct rt_weight {
    rt_weight_desc desc; /* pointers refer to caller-owned memory (the mmapped voice) */
    size_t row_bytes;    /* i8: rt_i8_row_stride(K*I) */
    void *impl;          /* backend-private (uploaded copy on a GPU); NULL on the CPU */
};

typedef struct rt_backend {
    const char *name;
    void (*destroy)(void *impl);
    const char *(*describe)(const void *impl);
    rt_isa (*isa)(const void *impl);
    int (*supports_op)(const void *impl, rt_op op, rt_dtype dtype);

    rt_status (*buf_alloc)(void *impl, size_t elems, void **mem);
    void (*buf_free)(void *impl, void *mem);
    rt_status (*buf_write)(void *impl, rt_buf *b, const float *src);
    rt_status (*buf_read)(void *impl, const rt_buf *b, float *dst);
    rt_status (*buf_zero)(void *impl, rt_buf *b);

    rt_status (*weight_prepare)(void *impl, rt_weight *w);
    void (*weight_release)(void *impl, rt_weight *w);

    rt_status (*conv1d)(void *impl, const rt_weight *w, const rt_buf *x, int dilation, rt_act act,
                        rt_buf *y);
    rt_status (*lstm)(void *impl, const rt_weight *w_ih, const rt_weight *w_hh, const rt_buf *x,
                      int reverse, rt_buf *y, int col0);
    rt_status (*embedding)(void *impl, const float *table, int cols, const int32_t *ids, int n,
                           rt_buf *y);
    rt_status (*repeat_rows)(void *impl, const rt_buf *x, const int32_t *counts, rt_buf *y);
    rt_status (*add_upsampled)(void *impl, rt_buf *y, long t0, const rt_buf *src, int col0,
                               int factor);
    rt_status (*axpby)(void *impl, const rt_buf *a, float alpha, const rt_buf *b, float beta,
                       rt_buf *y);
    rt_status (*copy_cols)(void *impl, const rt_buf *src, int src_col0, int n, rt_buf *dst,
                           int dst_col0, int accumulate);
    rt_status (*activate)(void *impl, const rt_buf *x, rt_act act, rt_buf *y);
    rt_status (*slice_rows)(void *impl, const rt_buf *x, int row0, rt_buf *y);
    rt_status (*sync)(void *impl);
} rt_backend;

struct rt_ctx {
    const rt_backend *be;
    void *impl;
};

/* Backend constructors. Each returns its table and private state. */
rt_status rt_cpu_backend_create(const rt_config *cfg, const rt_backend **be, void **impl);

#endif
