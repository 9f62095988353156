/* Vulkan backend state shared by its source files.
 *
 * vk_device.c    instance, physical device choice, logical device, validation messages
 * vk_memory.c    a few large device allocations, sub-allocated for buffers and weights
 * vk_pipeline.c  the one descriptor-set layout, pipeline cache, one pipeline per shader
 * vk_cmd.c       recording: dispatches, copies, barriers where hazards need them, submission
 * vk_ops.c       the ops of rt.h as dispatches
 * vk_backend.c   the backend table: buffers, weights, creation
 */
#ifndef MYNA_VK_INTERNAL_H
#define MYNA_VK_INTERNAL_H

#include <vulkan/vulkan.h>

#include "synth/runtime/rt_backend.h"

/* ---- device ------------------------------------------------------------------------------- */

typedef struct {
    VkInstance instance;
    VkDebugUtilsMessengerEXT messenger; /* only with MYNA_VK_VALIDATE=1 */
    VkPhysicalDevice phys;
    VkPhysicalDeviceProperties props;
    VkPhysicalDeviceMemoryProperties mem_props;
    VkDevice device;
    uint32_t queue_family;
    VkQueue queue;
} vk_device;

/* Creates instance and device. index < 0 picks the best device (discrete > integrated >
 * virtual > cpu). RT_ERR_UNSUPPORTED when Vulkan or a usable device is missing. */
rt_status vk_device_create(vk_device *d, int index);
void vk_device_destroy(vk_device *d);
rt_status vk_status(VkResult r); /* VkResult -> rt_status */

/* ---- memory ------------------------------------------------------------------------------- */

typedef struct vk_block {
    VkDeviceSize off, size;
} vk_block;

/* One VkDeviceMemory bound to one VkBuffer spanning all of it; ranges are handed out from a
 * sorted free list. */
typedef struct vk_chunk {
    VkDeviceMemory mem;
    VkBuffer buf;
    VkDeviceSize size;
    void *map; /* persistently mapped when host visible, else NULL */
    vk_block *free_list;
    int n_free, cap_free;
    struct vk_chunk *next;
} vk_chunk;

/* A sub-allocation: what rt_buf.mem and weights point to. */
typedef struct {
    vk_chunk *chunk;
    VkDeviceSize off, size;
} vk_mem;

typedef struct {
    const vk_device *dev;
    uint32_t type_index;
    int host_visible; /* device memory is mapped: reads need no staging copy */
    VkDeviceSize align, chunk_bytes, max_range;
    vk_chunk *chunks;
} vk_pool;

rt_status vk_pool_init(vk_pool *p, const vk_device *dev, VkMemoryPropertyFlags want,
                       VkMemoryPropertyFlags need, VkDeviceSize chunk_bytes);
void vk_pool_destroy(vk_pool *p);
rt_status vk_alloc(vk_pool *p, VkDeviceSize bytes, vk_mem **out);
void vk_free(vk_pool *p, vk_mem *m);

/* ---- pipelines ---------------------------------------------------------------------------- */

enum { VK_MAX_BINDINGS = 6, VK_PUSH_BYTES = 64, VK_SETS_PER_BATCH = 1024 };

typedef enum {
    VKP_QUANT_I8 = 0,
    VKP_GEMM_I8,
    VKP_CONV_F32,
    VKP_LSTM,
    VKP_EMBEDDING,
    VKP_REPEAT_ROWS,
    VKP_ADD_UPSAMPLED,
    VKP_AXPBY,
    VKP_COPY_COLS,
    VKP_ACTIVATE,
    VKP_SLICE_ROWS,
    VKP_COUNT
} vk_pipe_id;

typedef struct {
    VkDescriptorSetLayout set_layout;
    VkPipelineLayout layout;
    VkPipelineCache cache;
    VkDescriptorPool pool;
    VkPipeline pipe[VKP_COUNT];
} vk_pipelines;

rt_status vk_pipelines_create(vk_pipelines *p, const vk_device *dev);
void vk_pipelines_destroy(vk_pipelines *p, const vk_device *dev);

/* ---- recording and submission ------------------------------------------------------------- */

typedef struct {
    VkBuffer buf;
    VkDeviceSize off, end;
} vk_range;

enum { VK_MAX_TRACKED = 128 };

/* Host-visible memory for uploads (buf_write, weights, host tables) and read-back, handed out
 * linearly and reset after each submission completes. */
typedef struct {
    vk_chunk *chunk; /* from the host pool; replaced by a bigger one when needed */
    VkDeviceSize used;
} vk_arena;

typedef struct {
    VkCommandPool cmd_pool;
    VkCommandBuffer cmd;
    VkFence fence;
    int recording, n_commands, n_sets, lost;
    /* Ranges read / written by commands since the last barrier. */
    vk_range reads[VK_MAX_TRACKED], writes[VK_MAX_TRACKED];
    int n_reads, n_writes;
} vk_batch;

/* Everything the backend owns. */
typedef struct {
    vk_device dev;
    vk_pool device_pool, host_pool;
    vk_pipelines pipes;
    vk_batch batch;
    vk_arena arena;
    vk_mem *dummy; /* bound to unused binding slots */
    vk_mem *scratch_q, *scratch_sx, *scratch_gates, *scratch_copy; /* grown on demand */
    char desc[320];
} vk_state;

/* One descriptor binding of a dispatch: a whole sub-allocation; write marks it as written. */
typedef struct {
    const vk_mem *mem;
    int write;
} vk_bind;

rt_status vk_batch_init(vk_state *s);
void vk_batch_destroy(vk_state *s);
/* Records a dispatch of pipeline id with up to VK_MAX_BINDINGS bindings (NULL mem = dummy). */
rt_status vk_dispatch(vk_state *s, vk_pipe_id id, const vk_bind *binds, int n_binds,
                      const void *push, size_t push_bytes, uint32_t gx, uint32_t gy);
/* Flushes first when fewer than n dispatches fit in the batch. An op that uploads host data
 * calls it before the upload: a flush between upload and dispatch would recycle the arena. */
rt_status vk_make_room(vk_state *s, int n_dispatches);
/* 1-D helper: n invocations of a 256-wide shader, spread over a 2-D grid. */
rt_status vk_dispatch_1d(vk_state *s, vk_pipe_id id, const vk_bind *binds, int n_binds,
                         const void *push, size_t push_bytes, uint64_t n_groups);
rt_status vk_copy(vk_state *s, const vk_mem *src, VkDeviceSize src_off, const vk_mem *dst,
                  VkDeviceSize dst_off, VkDeviceSize bytes);
rt_status vk_fill_zero(vk_state *s, const vk_mem *dst, VkDeviceSize off, VkDeviceSize bytes);
/* Submits what was recorded and waits on a fence (blocking, no spinning). */
rt_status vk_flush(vk_state *s);
/* Host bytes into arena memory for this batch; *out is a temporary vk_mem of the arena. */
rt_status vk_upload(vk_state *s, const void *src, size_t bytes, vk_mem *out);
/* Arena space the device writes into (read-back); valid until the next flush completes. */
rt_status vk_arena_take(vk_state *s, size_t bytes, vk_mem *out);
/* Makes sure *slot has at least bytes (reallocating; contents lost). */
rt_status vk_scratch(vk_state *s, vk_mem **slot, VkDeviceSize bytes);

/* ---- ops (vk_ops.c) ----------------------------------------------------------------------- */

rt_status vk_op_conv1d(void *impl, const rt_weight *w, const rt_buf *x, int dilation, rt_act act,
                       rt_buf *y);
rt_status vk_op_lstm(void *impl, const rt_weight *w_ih, const rt_weight *w_hh, const rt_buf *x,
                     int reverse, rt_buf *y, int col0);
rt_status vk_op_embedding(void *impl, const float *table, int cols, const int32_t *ids, int n,
                          rt_buf *y);
rt_status vk_op_repeat_rows(void *impl, const rt_buf *x, const int32_t *counts, rt_buf *y);
rt_status vk_op_add_upsampled(void *impl, rt_buf *y, long t0, const rt_buf *src, int col0,
                              int factor);
rt_status vk_op_axpby(void *impl, const rt_buf *a, float alpha, const rt_buf *b, float beta,
                      rt_buf *y);
rt_status vk_op_copy_cols(void *impl, const rt_buf *src, int src_col0, int n, rt_buf *dst,
                          int dst_col0, int accumulate);
rt_status vk_op_activate(void *impl, const rt_buf *x, rt_act act, rt_buf *y);
rt_status vk_op_slice_rows(void *impl, const rt_buf *x, int row0, rt_buf *y);

/* Uploaded form of a weight (rt_weight.impl). */
typedef struct {
    vk_mem *data;  /* i8: O rows of row_bytes; f32: O*K*I floats */
    vk_mem *scale; /* i8 only */
    vk_mem *bias;  /* NULL without bias */
} vk_weight;

rt_status rt_vulkan_backend_create(const rt_config *cfg, const rt_backend **be, void **impl);

#endif
