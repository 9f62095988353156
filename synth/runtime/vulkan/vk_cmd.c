/* Recording and submission. Ops append to one command buffer; nothing runs until rt_sync or a
 * read needs results, then one submit and one fence wait (a blocking wait: under a CPU driver
 * such as lavapipe the "device" runs on the same cores, so spinning would steal them).
 *
 * Barriers: the ranges read and written since the last barrier are tracked; a command that
 * reads what is pending a write, or writes what is pending a read or write, gets one global
 * memory barrier first. Independent ops (the two LSTM directions, say) run without one. */
#include "synth/runtime/vulkan/vk_internal.h"

#include <stdlib.h>
#include <string.h>

static const VkPipelineStageFlags STAGES =
    VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT | VK_PIPELINE_STAGE_TRANSFER_BIT;

rt_status vk_batch_init(vk_state *s)
{
    vk_batch *b = &s->batch;
    VkDevice dev = s->dev.device;
    VkCommandPoolCreateInfo pi = {.sType = VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO,
                                  .flags = VK_COMMAND_POOL_CREATE_TRANSIENT_BIT,
                                  .queueFamilyIndex = s->dev.queue_family};
    VkResult r = vkCreateCommandPool(dev, &pi, NULL, &b->cmd_pool);
    VkCommandBufferAllocateInfo ai = {.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO,
                                      .commandPool = b->cmd_pool,
                                      .level = VK_COMMAND_BUFFER_LEVEL_PRIMARY,
                                      .commandBufferCount = 1};
    if (r == VK_SUCCESS) r = vkAllocateCommandBuffers(dev, &ai, &b->cmd);
    VkFenceCreateInfo fi = {.sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
    if (r == VK_SUCCESS) r = vkCreateFence(dev, &fi, NULL, &b->fence);
    return vk_status(r);
}

void vk_batch_destroy(vk_state *s)
{
    vk_batch *b = &s->batch;
    VkDevice dev = s->dev.device;
    if (!dev) return;
    if (b->recording) vkEndCommandBuffer(b->cmd);
    if (b->fence) vkDestroyFence(dev, b->fence, NULL);
    if (b->cmd_pool) vkDestroyCommandPool(dev, b->cmd_pool, NULL);
    memset(b, 0, sizeof *b);
}

static rt_status begin(vk_state *s)
{
    vk_batch *b = &s->batch;
    if (b->lost) return RT_ERR_BACKEND;
    if (b->recording) return RT_OK;
    VkCommandBufferBeginInfo bi = {.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO,
                                   .flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT};
    rt_status st = vk_status(vkBeginCommandBuffer(b->cmd, &bi));
    if (st == RT_OK) b->recording = 1;
    return st;
}

static int overlaps(const vk_range *list, int n, const vk_range *r)
{
    for (int i = 0; i < n; i++)
        if (list[i].buf == r->buf && list[i].off < r->end && r->off < list[i].end) return 1;
    return 0;
}

static void barrier(vk_batch *b, VkPipelineStageFlags dst_stages, VkAccessFlags dst_access)
{
    VkMemoryBarrier mb = {.sType = VK_STRUCTURE_TYPE_MEMORY_BARRIER,
                          .srcAccessMask =
                              VK_ACCESS_SHADER_WRITE_BIT | VK_ACCESS_TRANSFER_WRITE_BIT,
                          .dstAccessMask = dst_access};
    vkCmdPipelineBarrier(b->cmd, STAGES, dst_stages, 0, 1, &mb, 0, NULL, 0, NULL);
    b->n_reads = b->n_writes = 0;
}

/* Declares the ranges a command is about to access; inserts a barrier on a hazard. */
static void track(vk_batch *b, const vk_range *r, const int *is_write, int n)
{
    int hazard = 0;
    for (int i = 0; i < n && !hazard; i++)
        hazard = overlaps(b->writes, b->n_writes, &r[i]) ||
                 (is_write[i] && overlaps(b->reads, b->n_reads, &r[i]));
    if (!hazard) {
        int nr = 0, nw = 0;
        for (int i = 0; i < n; i++) {
            if (is_write[i])
                nw++;
            else
                nr++;
        }
        hazard = b->n_reads + nr > VK_MAX_TRACKED || b->n_writes + nw > VK_MAX_TRACKED;
    }
    if (hazard)
        barrier(b, STAGES,
                VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT |
                    VK_ACCESS_TRANSFER_READ_BIT | VK_ACCESS_TRANSFER_WRITE_BIT);
    for (int i = 0; i < n; i++) {
        if (is_write[i])
            b->writes[b->n_writes++] = r[i];
        else
            b->reads[b->n_reads++] = r[i];
    }
}

static vk_range range_of(const vk_mem *m, VkDeviceSize off, VkDeviceSize bytes)
{
    return (vk_range){m->chunk->buf, m->off + off, m->off + off + bytes};
}

rt_status vk_dispatch(vk_state *s, vk_pipe_id id, const vk_bind *binds, int n_binds,
                      const void *push, size_t push_bytes, uint32_t gx, uint32_t gy)
{
    vk_batch *b = &s->batch;
    if (gx == 0 || gy == 0) return RT_OK;
    const uint32_t *max_groups = s->dev.props.limits.maxComputeWorkGroupCount;
    if (gx > max_groups[0] || gy > max_groups[1]) return RT_ERR_UNSUPPORTED;
    if (b->n_sets == VK_SETS_PER_BATCH) {
        rt_status st = vk_flush(s); /* the descriptor pool is spent: run what we have */
        if (st != RT_OK) return st;
    }
    rt_status st = begin(s);
    if (st != RT_OK) return st;

    VkDescriptorSet set;
    VkDescriptorSetAllocateInfo ai = {.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO,
                                      .descriptorPool = s->pipes.pool,
                                      .descriptorSetCount = 1,
                                      .pSetLayouts = &s->pipes.set_layout};
    st = vk_status(vkAllocateDescriptorSets(s->dev.device, &ai, &set));
    if (st != RT_OK) return st;
    b->n_sets++;

    VkDescriptorBufferInfo info[VK_MAX_BINDINGS];
    VkWriteDescriptorSet wr[VK_MAX_BINDINGS];
    vk_range ranges[VK_MAX_BINDINGS];
    int writes[VK_MAX_BINDINGS], n_tracked = 0;
    for (int i = 0; i < VK_MAX_BINDINGS; i++) {
        const vk_mem *m = i < n_binds && binds[i].mem ? binds[i].mem : s->dummy;
        info[i] = (VkDescriptorBufferInfo){m->chunk->buf, m->off, m->size};
        wr[i] = (VkWriteDescriptorSet){.sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET,
                                       .dstSet = set,
                                       .dstBinding = (uint32_t)i,
                                       .descriptorCount = 1,
                                       .descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER,
                                       .pBufferInfo = &info[i]};
        if (i < n_binds && binds[i].mem) {
            ranges[n_tracked] = range_of(m, 0, m->size);
            writes[n_tracked++] = binds[i].write;
        }
    }
    vkUpdateDescriptorSets(s->dev.device, VK_MAX_BINDINGS, wr, 0, NULL);
    track(b, ranges, writes, n_tracked);

    uint8_t pc[VK_PUSH_BYTES] = {0};
    memcpy(pc, push, push_bytes < sizeof pc ? push_bytes : sizeof pc);
    vkCmdBindPipeline(b->cmd, VK_PIPELINE_BIND_POINT_COMPUTE, s->pipes.pipe[id]);
    vkCmdBindDescriptorSets(b->cmd, VK_PIPELINE_BIND_POINT_COMPUTE, s->pipes.layout, 0, 1, &set, 0,
                            NULL);
    vkCmdPushConstants(b->cmd, s->pipes.layout, VK_SHADER_STAGE_COMPUTE_BIT, 0, VK_PUSH_BYTES, pc);
    vkCmdDispatch(b->cmd, gx, gy, 1);
    b->n_commands++;
    return RT_OK;
}

rt_status vk_make_room(vk_state *s, int n_dispatches)
{
    if (s->batch.n_sets + n_dispatches <= VK_SETS_PER_BATCH) return RT_OK;
    return vk_flush(s);
}

rt_status vk_dispatch_1d(vk_state *s, vk_pipe_id id, const vk_bind *binds, int n_binds,
                         const void *push, size_t push_bytes, uint64_t n_groups)
{
    uint64_t gx = n_groups < 32768 ? n_groups : 32768;
    uint64_t gy = gx ? (n_groups + gx - 1) / gx : 0;
    if (gy > 65535) return RT_ERR_UNSUPPORTED;
    return vk_dispatch(s, id, binds, n_binds, push, push_bytes, (uint32_t)gx, (uint32_t)gy);
}

rt_status vk_copy(vk_state *s, const vk_mem *src, VkDeviceSize src_off, const vk_mem *dst,
                  VkDeviceSize dst_off, VkDeviceSize bytes)
{
    if (bytes == 0) return RT_OK;
    rt_status st = begin(s);
    if (st != RT_OK) return st;
    vk_range r[2] = {range_of(src, src_off, bytes), range_of(dst, dst_off, bytes)};
    int w[2] = {0, 1};
    track(&s->batch, r, w, 2);
    VkBufferCopy c = {src->off + src_off, dst->off + dst_off, bytes};
    vkCmdCopyBuffer(s->batch.cmd, src->chunk->buf, dst->chunk->buf, 1, &c);
    s->batch.n_commands++;
    return RT_OK;
}

rt_status vk_fill_zero(vk_state *s, const vk_mem *dst, VkDeviceSize off, VkDeviceSize bytes)
{
    if (bytes == 0) return RT_OK;
    rt_status st = begin(s);
    if (st != RT_OK) return st;
    vk_range r = range_of(dst, off, bytes);
    int w = 1;
    track(&s->batch, &r, &w, 1);
    vkCmdFillBuffer(s->batch.cmd, dst->chunk->buf, dst->off + off, bytes, 0);
    s->batch.n_commands++;
    return RT_OK;
}

rt_status vk_flush(vk_state *s)
{
    vk_batch *b = &s->batch;
    if (b->lost) return RT_ERR_BACKEND;
    if (!b->recording) return RT_OK;
    /* Device writes become visible to host reads of mapped memory after the fence. */
    barrier(b, VK_PIPELINE_STAGE_HOST_BIT, VK_ACCESS_HOST_READ_BIT);
    VkResult r = vkEndCommandBuffer(b->cmd);
    b->recording = 0;
    VkSubmitInfo si = {.sType = VK_STRUCTURE_TYPE_SUBMIT_INFO,
                       .commandBufferCount = 1,
                       .pCommandBuffers = &b->cmd};
    if (r == VK_SUCCESS) r = vkQueueSubmit(s->dev.queue, 1, &si, b->fence);
    if (r == VK_SUCCESS) r = vkWaitForFences(s->dev.device, 1, &b->fence, VK_TRUE, UINT64_MAX);
    if (r == VK_SUCCESS) r = vkResetFences(s->dev.device, 1, &b->fence);
    if (r == VK_SUCCESS) r = vkResetCommandPool(s->dev.device, b->cmd_pool, 0);
    if (r == VK_SUCCESS) r = vkResetDescriptorPool(s->dev.device, s->pipes.pool, 0);
    b->n_commands = b->n_sets = 0;
    b->n_reads = b->n_writes = 0;
    s->arena.used = 0;
    if (r != VK_SUCCESS) {
        b->lost = 1; /* device lost or out of memory mid-batch: results are gone */
        return RT_ERR_BACKEND;
    }
    return RT_OK;
}

/* ---- arena ---------------------------------------------------------------------------------- */

static rt_status arena_reserve(vk_state *s, size_t bytes, vk_mem *out)
{
    vk_arena *a = &s->arena;
    VkDeviceSize align = s->host_pool.align;
    VkDeviceSize need = (bytes + align - 1) / align * align;
    if (need == 0) need = align;
    VkDeviceSize have = a->chunk ? a->chunk->size : 0;
    if (a->used + need > have) {
        /* Full: run the batch (it may still read the arena), then grow if one call needs it. */
        rt_status st = vk_flush(s);
        if (st != RT_OK) return st;
        if (need > have) {
            VkDeviceSize size = have ? have : ((VkDeviceSize)4 << 20);
            while (size < need)
                size *= 2;
            if (a->chunk) {
                vk_pool_destroy(&s->host_pool);
                a->chunk = NULL;
            }
            vk_mem *m = NULL;
            st = vk_alloc(&s->host_pool, size, &m);
            if (st != RT_OK) return st;
            a->chunk = m->chunk;
            free(m); /* the arena owns the whole chunk of the host pool */
        }
    }
    *out = (vk_mem){a->chunk, a->used, need};
    a->used += need;
    return RT_OK;
}

rt_status vk_upload(vk_state *s, const void *src, size_t bytes, vk_mem *out)
{
    rt_status st = arena_reserve(s, bytes, out);
    if (st == RT_OK && bytes) memcpy((char *)out->chunk->map + out->off, src, bytes);
    return st;
}

rt_status vk_arena_take(vk_state *s, size_t bytes, vk_mem *out)
{
    return arena_reserve(s, bytes, out);
}

rt_status vk_scratch(vk_state *s, vk_mem **slot, VkDeviceSize bytes)
{
    if (*slot && (*slot)->size >= bytes) return RT_OK;
    /* Pending commands may still use the old range: the hazard tracking orders any reuse. */
    vk_free(&s->device_pool, *slot);
    *slot = NULL;
    VkDeviceSize grow = bytes + bytes / 2;
    return vk_alloc(&s->device_pool, grow, slot);
}
