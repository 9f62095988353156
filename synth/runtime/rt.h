/* Runtime: the generic neural-network operations both models are written against.
 *
 * Layering: models (synth/models, vocoder/) call only the functions in this header. A backend
 * (CPU SIMD in cpu/, Vulkan compute in vulkan/) implements them through the table in rt_backend.h, so a new
 * backend never touches model code.
 *
 * Data model
 *   - Activations live in rt_buf: a 2-D f32 matrix stored time-major, rows = time steps,
 *     cols = channels, row stride == cols. Buffers belong to the backend (device memory on a
 *     GPU); the host reads or writes them only through rt_buf_read / rt_buf_write.
 *   - Weights live in rt_weight: the weight of a conv1d/linear layer [O][K][I] (K = kernel
 *     taps, K = 1 for a linear layer), either f32 or int8 with one f32 scale per output row,
 *     plus an f32 bias [O]. On the CPU the weight is used in place from the mmapped voice file.
 *
 * Errors: every function returns an rt_status (0 = ok). No function aborts or exits.
 * Threads: an rt_ctx is used by one thread at a time; it owns its worker pool.
 */
#ifndef MYNA_RT_H
#define MYNA_RT_H

#include <stddef.h>
#include <stdint.h>

typedef enum {
    RT_OK = 0,
    RT_ERR_NOMEM = -1,
    RT_ERR_ARG = -2,         /* shapes or parameters that do not fit together */
    RT_ERR_UNSUPPORTED = -3, /* backend cannot run this op / dtype */
    RT_ERR_BACKEND = -4,     /* backend failure (device lost, driver error) */
} rt_status;

typedef enum { RT_BACKEND_CPU = 0, RT_BACKEND_VULKAN = 1 } rt_backend_kind;

/* CPU instruction-set levels, in increasing order. RT_ISA_AUTO = best the CPU has. */
typedef enum {
    RT_ISA_AUTO = -1,
    RT_ISA_SCALAR = 0,
    RT_ISA_NEON = 1,
    RT_ISA_AVX2 = 2,
    RT_ISA_AVX512VNNI = 3,
} rt_isa;

typedef struct {
    rt_backend_kind kind;
    int threads;   /* worker threads incl. the caller; <= 0 means number of online CPUs */
    rt_isa isa;    /* CPU only: force a kernel set (tests, benchmarks); AUTO normally */
    int device;    /* Vulkan only: device index, -1 = pick the best */
} rt_config;

typedef struct rt_ctx rt_ctx;
typedef struct rt_buf rt_buf;
typedef struct rt_weight rt_weight;

/* RT_BACKEND_VULKAN: RT_ERR_UNSUPPORTED when the library was built without the backend or no
 * Vulkan driver / usable device is present, RT_ERR_ARG for a device index out of range,
 * RT_ERR_BACKEND when the device fails to start. Never aborts. */
rt_status rt_ctx_create(const rt_config *cfg, rt_ctx **out);
void rt_ctx_destroy(rt_ctx *ctx);
const char *rt_ctx_describe(const rt_ctx *ctx); /* e.g. "cpu avx512vnni x2" */
rt_isa rt_ctx_isa(const rt_ctx *ctx);
const char *rt_isa_name(rt_isa isa);
rt_isa rt_isa_from_name(const char *name); /* rt_isa_name() back; RT_ISA_AUTO if none */
/* What this CPU supports, capped by $MYNA_CPU_ISA (scalar, neon, avx2, avx512vnni) if set. */
rt_isa rt_cpu_best_isa(void);

/* Is the Vulkan backend usable here? RT_OK when it was built and a Vulkan device can run it,
 * RT_ERR_UNSUPPORTED otherwise. *has_gpu (may be NULL) is set to 1 when one of the usable
 * devices is a discrete or integrated GPU, 0 when there are only CPU implementations such
 * as lavapipe (where the CPU backend is far faster). Creates and destroys a Vulkan instance:
 * call it once, not per sentence. */
rt_status rt_vulkan_probe(int *has_gpu);

/* Can this machine have a GPU that a Vulkan driver would drive? 1 when it may, 0 when it
 * cannot. Call it before rt_vulkan_probe when only a GPU is of interest (--backend auto):
 * creating a Vulkan instance loads every installed driver, and lavapipe alone (LLVM) costs
 * about 50 MB and 100-300 ms on a GPU-less 2-core machine. This looks only at device nodes:
 * on Linux every GPU driver has a DRM render node (dev_dir/dri/renderD*), or, outside DRM,
 * nvidiactl (NVIDIA's proprietary driver), dxg (WSL2), mali0 (Arm Mali) or kgsl-3d0
 * (Qualcomm Adreno) in dev_dir. A display-only dri/card* does not count. A node that cannot
 * be looked at counts, and elsewhere than Linux the answer is always 1. dev_dir NULL means
 * "/dev" (tests pass another folder). $MYNA_GPU_PROBE=always makes it 1 (a driver with a
 * node of its own not listed here), =never makes it 0. */
int rt_gpu_may_exist(const char *dev_dir);

/* ---- activation buffers ------------------------------------------------------------------ */
rt_status rt_buf_create(rt_ctx *ctx, int rows, int cols, rt_buf **out); /* zero-filled */
void rt_buf_destroy(rt_ctx *ctx, rt_buf *b);
/* Change shape, keeping the allocation when it is big enough. Contents become undefined. */
rt_status rt_buf_reshape(rt_ctx *ctx, rt_buf *b, int rows, int cols);
int rt_buf_rows(const rt_buf *b);
int rt_buf_cols(const rt_buf *b);
rt_status rt_buf_write(rt_ctx *ctx, rt_buf *b, const float *src); /* rows*cols floats */
rt_status rt_buf_read(rt_ctx *ctx, const rt_buf *b, float *dst);
rt_status rt_buf_zero(rt_ctx *ctx, rt_buf *b);

/* ---- weights ----------------------------------------------------------------------------- */
typedef enum { RT_F32 = 0, RT_F16 = 1, RT_I8 = 2 } rt_dtype;

/* Row stride in bytes of an int8 weight: K*I rounded up to a multiple of 64, zero padded.
 * The exporter writes int8 weights in exactly this layout so the kernels use them in place. */
#define RT_I8_ROW_ALIGN 64
size_t rt_i8_row_stride(int k_times_i);

typedef struct {
    rt_dtype dtype;     /* RT_F32 or RT_I8 */
    int out;            /* O */
    int kernel;         /* K (1 for linear) */
    int in;             /* I */
    const void *data;   /* f32: O*K*I floats [O][K][I]; i8: O rows of rt_i8_row_stride(K*I) */
    const float *scale; /* i8 only: [O], w_real = w_int8 * scale[o] */
    const float *bias;  /* [O], may be NULL (= zeros) */
} rt_weight_desc;

/* The data pointed to by desc must outlive the weight (CPU uses it in place). */
rt_status rt_weight_create(rt_ctx *ctx, const rt_weight_desc *desc, rt_weight **out);
void rt_weight_destroy(rt_ctx *ctx, rt_weight *w);

/* ---- ops ----------------------------------------------------------------------------------
 * Every op checks shapes and returns RT_ERR_ARG on mismatch. Output buffers must already have
 * the right shape (the caller reshapes them); in-place use is allowed only where stated. */

typedef enum {
    RT_ACT_NONE = 0,
    RT_ACT_RELU,
    RT_ACT_TANH,
    RT_ACT_SIGMOID,
    /* y has O/2 columns: y[:, j] = tanh(z[:, j]) * sigmoid(z[:, j + O/2]) */
    RT_ACT_GATED,
} rt_act;

/* y[t][o] = act( bias[o] + sum_k sum_i w[o][k][i] * x[t + (k - (K-1)/2) * dilation][i] )
 * Zero padding outside [0, T). K must be odd. y: T x O (T x O/2 for GATED).
 * int8 weights: each input row is quantised on the fly to int8 with its own scale
 * (max|x| / 127), products are summed exactly in int32, then rescaled. For K > 1 the "input
 * row" of output t is the K taps x[t + (k - (K-1)/2) * dilation] concatenated (zero rows
 * outside [0, T)), quantised with one scale, so one int32 sum covers all taps. */
rt_status rt_conv1d(rt_ctx *ctx, const rt_weight *w, const rt_buf *x, int dilation, rt_act act,
                    rt_buf *y);

/* Single-direction LSTM layer, PyTorch gate order (i, f, g, o), zero initial state.
 * w_ih: [4H][1][I] with bias = b_ih + b_hh; w_hh: [4H][1][H], no bias.
 * Writes h_t into y[t][col0 .. col0+H). reverse != 0 runs from t = T-1 down to 0. */
rt_status rt_lstm(rt_ctx *ctx, const rt_weight *w_ih, const rt_weight *w_hh, const rt_buf *x,
                  int reverse, rt_buf *y, int col0);

/* y[i] = table[ids[i]] ; table: n_rows x cols f32 host memory (used in place on CPU). */
rt_status rt_embedding(rt_ctx *ctx, const float *table, int n_rows, int cols, const int32_t *ids,
                       int n, rt_buf *y);

/* Length regulation: row i of x is repeated counts[i] times into y (y rows = sum counts).
 * If y has x.cols + 1 columns, the extra column gets the position inside the run,
 * (j + 0.5) / counts[i] for the j-th copy. */
rt_status rt_repeat_rows(rt_ctx *ctx, const rt_buf *x, const int32_t *counts, rt_buf *y);

/* y[t][c] += linear interpolation of src[.][col0 + c] at frame position
 *   p = (t0 + t + 0.5) / factor - 0.5, clamped to [0, src.rows - 1].
 * t0 is the absolute index of y's first row (chunked vocoding). c < y.cols. */
rt_status rt_add_upsampled(rt_ctx *ctx, rt_buf *y, long t0, const rt_buf *src, int col0,
                           int factor);

/* y = a * alpha + b * beta, element-wise, same shapes; y may alias a or b. */
rt_status rt_axpby(rt_ctx *ctx, const rt_buf *a, float alpha, const rt_buf *b, float beta,
                   rt_buf *y);

/* dst[:, dst_col0 + c] (+)= src[:, src_col0 + c] for c < n; same row count.
 * accumulate != 0 adds instead of copying. Used for residual/skip splits and concatenation. */
rt_status rt_copy_cols(rt_ctx *ctx, const rt_buf *src, int src_col0, int n, rt_buf *dst,
                       int dst_col0, int accumulate);

/* y = act(x), element-wise, any shape; in place allowed. RT_ACT_GATED instead takes x with
 * 2C columns and writes y with C columns (tanh of the first half times sigmoid of the second),
 * never in place. */
rt_status rt_activate(rt_ctx *ctx, const rt_buf *x, rt_act act, rt_buf *y);

/* Copy rows [row0, row0 + y.rows) of x into y (chunking). */
rt_status rt_slice_rows(rt_ctx *ctx, const rt_buf *x, int row0, rt_buf *y);

/* Re-view a buffer's memory as rows x cols with the same element count (fold/unfold of
 * sub-band signals). No data moves. */
rt_status rt_buf_view_as(rt_ctx *ctx, rt_buf *b, int rows, int cols);

/* Waits until all queued work on this context is done (no-op on the CPU). */
rt_status rt_sync(rt_ctx *ctx);

#endif
