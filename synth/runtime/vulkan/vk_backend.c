/* The Vulkan backend table: creation, buffers and weights. Buffers and weights are ranges of
 * large device allocations (vk_memory.c); host data reaches them through the upload arena and
 * a recorded copy, so a write never waits for the device. */
#include "synth/runtime/vulkan/vk_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Chunk size of the device pool: big enough that a voice's weights and a sentence's
 * activations take a handful of allocations. */
#define DEVICE_CHUNK_BYTES ((VkDeviceSize)64 << 20)

static void vk_destroy(void *impl)
{
    vk_state *s = impl;
    if (!s) return;
    if (s->dev.device) {
        vk_flush(s);
        vkDeviceWaitIdle(s->dev.device);
    }
    vk_free(&s->device_pool, s->scratch_q);
    vk_free(&s->device_pool, s->scratch_sx);
    vk_free(&s->device_pool, s->scratch_gates);
    vk_free(&s->device_pool, s->scratch_copy);
    vk_free(&s->device_pool, s->dummy);
    vk_batch_destroy(s);
    vk_pipelines_destroy(&s->pipes, &s->dev);
    vk_pool_destroy(&s->device_pool);
    vk_pool_destroy(&s->host_pool);
    vk_device_destroy(&s->dev);
    free(s);
}

static const char *vk_describe(const void *impl)
{
    return ((const vk_state *)impl)->desc;
}

static rt_isa vk_isa(const void *impl)
{
    return RT_ISA_SCALAR; /* no CPU kernels involved */
}

static int vk_supports(const void *impl, rt_op op, rt_dtype dt)
{
    if (op == RT_OP_CONV1D || op == RT_OP_LSTM) return dt == RT_F32 || dt == RT_I8;
    return dt == RT_F32;
}

static rt_status vk_buf_alloc(void *impl, size_t elems, void **mem)
{
    vk_state *s = impl;
    vk_mem *m = NULL;
    rt_status st = vk_alloc(&s->device_pool, (VkDeviceSize)elems * sizeof(float), &m);
    /* rt_buf_create promises zeros; ranges are recycled, so clear on the device. */
    if (st == RT_OK) st = vk_fill_zero(s, m, 0, m->size);
    if (st != RT_OK) {
        vk_free(&s->device_pool, m);
        m = NULL;
    }
    *mem = m;
    return st;
}

static void vk_buf_free(void *impl, void *mem)
{
    vk_state *s = impl;
    vk_free(&s->device_pool, mem);
}

/* Host bytes into dst at offset 0 through the arena. */
static rt_status upload_to(vk_state *s, const void *src, size_t bytes, const vk_mem *dst)
{
    if (bytes == 0) return RT_OK;
    vk_mem stage;
    rt_status st = vk_upload(s, src, bytes, &stage);
    if (st == RT_OK) st = vk_copy(s, &stage, 0, dst, 0, bytes);
    return st;
}

static rt_status vk_buf_write(void *impl, rt_buf *b, const float *src)
{
    return upload_to(impl, src, (size_t)b->rows * b->cols * sizeof(float), b->mem);
}

static rt_status vk_buf_read(void *impl, const rt_buf *b, float *dst)
{
    vk_state *s = impl;
    const vk_mem *m = b->mem;
    size_t bytes = (size_t)b->rows * b->cols * sizeof(float);
    if (s->device_pool.host_visible) {
        rt_status st = vk_flush(s);
        if (st == RT_OK && bytes) memcpy(dst, (const char *)m->chunk->map + m->off, bytes);
        return st;
    }
    if (bytes == 0) return vk_flush(s);
    vk_mem stage;
    rt_status st = vk_arena_take(s, bytes, &stage);
    if (st == RT_OK) st = vk_copy(s, m, 0, &stage, 0, bytes);
    if (st == RT_OK) st = vk_flush(s);
    if (st == RT_OK) memcpy(dst, (const char *)stage.chunk->map + stage.off, bytes);
    return st;
}

static rt_status vk_buf_zero(void *impl, rt_buf *b)
{
    return vk_fill_zero(impl, b->mem, 0, (VkDeviceSize)b->rows * b->cols * sizeof(float));
}

static rt_status upload_new(vk_state *s, const void *src, size_t bytes, vk_mem **out)
{
    rt_status st = vk_alloc(&s->device_pool, bytes, out);
    if (st == RT_OK) st = upload_to(s, src, bytes, *out);
    return st;
}

static void vk_weight_release(void *impl, rt_weight *w)
{
    vk_state *s = impl;
    vk_weight *vw = w->impl;
    if (!vw) return;
    vk_free(&s->device_pool, vw->data);
    vk_free(&s->device_pool, vw->scale);
    vk_free(&s->device_pool, vw->bias);
    free(vw);
    w->impl = NULL;
}

/* Uploaded once; the voice's memory is not needed by the device afterwards. */
static rt_status vk_weight_prepare(void *impl, rt_weight *w)
{
    vk_state *s = impl;
    const rt_weight_desc *d = &w->desc;
    vk_weight *vw = calloc(1, sizeof *vw);
    if (!vw) return RT_ERR_NOMEM;
    w->impl = vw;
    size_t data_bytes = d->dtype == RT_I8 ? (size_t)d->out * w->row_bytes
                                          : (size_t)d->out * d->kernel * d->in * sizeof(float);
    size_t vec_bytes = (size_t)d->out * sizeof(float);
    rt_status st = upload_new(s, d->data, data_bytes, &vw->data);
    if (st == RT_OK && d->dtype == RT_I8) st = upload_new(s, d->scale, vec_bytes, &vw->scale);
    if (st == RT_OK && d->bias) st = upload_new(s, d->bias, vec_bytes, &vw->bias);
    if (st != RT_OK) vk_weight_release(s, w);
    return st;
}

static rt_status vk_sync(void *impl)
{
    return vk_flush(impl);
}

static const rt_backend VK_BACKEND = {
    .name = "vulkan",
    .destroy = vk_destroy,
    .describe = vk_describe,
    .isa = vk_isa,
    .supports_op = vk_supports,
    .buf_alloc = vk_buf_alloc,
    .buf_free = vk_buf_free,
    .buf_write = vk_buf_write,
    .buf_read = vk_buf_read,
    .buf_zero = vk_buf_zero,
    .weight_prepare = vk_weight_prepare,
    .weight_release = vk_weight_release,
    .conv1d = vk_op_conv1d,
    .lstm = vk_op_lstm,
    .embedding = vk_op_embedding,
    .repeat_rows = vk_op_repeat_rows,
    .add_upsampled = vk_op_add_upsampled,
    .axpby = vk_op_axpby,
    .copy_cols = vk_op_copy_cols,
    .activate = vk_op_activate,
    .slice_rows = vk_op_slice_rows,
    .sync = vk_sync,
};

static const char *type_name(VkPhysicalDeviceType t)
{
    switch (t) {
    case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU:
        return "discrete";
    case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU:
        return "integrated";
    case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU:
        return "virtual";
    case VK_PHYSICAL_DEVICE_TYPE_CPU:
        return "cpu";
    default:
        return "other";
    }
}

rt_status rt_vulkan_backend_create(const rt_config *cfg, const rt_backend **be, void **impl)
{
    vk_state *s = calloc(1, sizeof *s);
    if (!s) return RT_ERR_NOMEM;
    rt_status st = vk_device_create(&s->dev, cfg->device);
    if (st == RT_OK) {
        /* Integrated and CPU devices share memory with the host: map it and skip staging. */
        int uma = s->dev.props.deviceType != VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU;
        VkMemoryPropertyFlags want = VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT;
        if (uma) want |= VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT;
        st = vk_pool_init(&s->device_pool, &s->dev, want, 0, DEVICE_CHUNK_BYTES);
    }
    if (st == RT_OK)
        st = vk_pool_init(
            &s->host_pool, &s->dev,
            VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT |
                VK_MEMORY_PROPERTY_HOST_CACHED_BIT,
            VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT, 0);
    if (st == RT_OK && !s->host_pool.host_visible) st = RT_ERR_UNSUPPORTED;
    /* MYNA_VK_STAGING=1: treat device memory as not mappable even where it is, so the staging
     * path of a discrete GPU gets tested on integrated and CPU devices too. */
    const char *staging = getenv("MYNA_VK_STAGING");
    if (staging && staging[0] == '1') s->device_pool.host_visible = 0;
    if (st == RT_OK) st = vk_pipelines_create(&s->pipes, &s->dev);
    if (st == RT_OK) st = vk_batch_init(s);
    if (st == RT_OK) st = vk_alloc(&s->device_pool, 256, &s->dummy);
    if (st != RT_OK) {
        vk_destroy(s);
        return st == RT_ERR_ARG || st == RT_ERR_UNSUPPORTED ? st : RT_ERR_BACKEND;
    }
    snprintf(s->desc, sizeof s->desc, "vulkan %s (%s)", s->dev.props.deviceName,
             type_name(s->dev.props.deviceType));
    *be = &VK_BACKEND;
    *impl = s;
    return RT_OK;
}
