/* Device memory: a few large chunks (one VkDeviceMemory + one VkBuffer each), sub-allocated
 * first-fit from a sorted free list with coalescing. Drivers limit the number of allocations
 * (maxMemoryAllocationCount can be 4096) and each costs a kernel call, so every rt_buf and
 * weight is a range of a chunk instead. Chunks live until the context is destroyed. */
#include "synth/runtime/vulkan/vk_internal.h"

#include <stdlib.h>
#include <string.h>

static int find_type(const vk_device *dev, VkMemoryPropertyFlags flags, uint32_t type_bits)
{
    const VkPhysicalDeviceMemoryProperties *mp = &dev->mem_props;
    for (uint32_t i = 0; i < mp->memoryTypeCount; i++)
        if ((type_bits & (1u << i)) && (mp->memoryTypes[i].propertyFlags & flags) == flags)
            return (int)i;
    return -1;
}

static const VkBufferUsageFlags USAGE = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT |
                                        VK_BUFFER_USAGE_TRANSFER_SRC_BIT |
                                        VK_BUFFER_USAGE_TRANSFER_DST_BIT;

/* Memory type bits a storage buffer may use (asked with a small probe buffer). */
static uint32_t buffer_type_bits(const vk_device *dev)
{
    VkBufferCreateInfo bi = {.sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO,
                             .size = 4096,
                             .usage = USAGE,
                             .sharingMode = VK_SHARING_MODE_EXCLUSIVE};
    VkBuffer b;
    if (vkCreateBuffer(dev->device, &bi, NULL, &b) != VK_SUCCESS) return 0;
    VkMemoryRequirements req;
    vkGetBufferMemoryRequirements(dev->device, b, &req);
    vkDestroyBuffer(dev->device, b, NULL);
    return req.memoryTypeBits;
}

rt_status vk_pool_init(vk_pool *p, const vk_device *dev, VkMemoryPropertyFlags want,
                       VkMemoryPropertyFlags need, VkDeviceSize chunk_bytes)
{
    memset(p, 0, sizeof *p);
    p->dev = dev;
    uint32_t bits = buffer_type_bits(dev);
    int t = find_type(dev, want, bits);
    if (t < 0) t = find_type(dev, need, bits);
    if (t < 0) return RT_ERR_UNSUPPORTED;
    p->type_index = (uint32_t)t;
    VkMemoryPropertyFlags f = dev->mem_props.memoryTypes[t].propertyFlags;
    /* Only coherent host-visible memory is mapped: no flush/invalidate calls to get wrong. */
    VkMemoryPropertyFlags hv =
        VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT;
    p->host_visible = (f & hv) == hv;
    const VkPhysicalDeviceLimits *lim = &dev->props.limits;
    p->align =
        lim->minStorageBufferOffsetAlignment > 256 ? lim->minStorageBufferOffsetAlignment : 256;
    p->max_range = lim->maxStorageBufferRange;
    p->chunk_bytes = chunk_bytes;
    return RT_OK;
}

static void chunk_destroy(const vk_device *dev, vk_chunk *c)
{
    if (c->buf) vkDestroyBuffer(dev->device, c->buf, NULL);
    if (c->map) vkUnmapMemory(dev->device, c->mem);
    if (c->mem) vkFreeMemory(dev->device, c->mem, NULL);
    free(c->free_list);
    free(c);
}

void vk_pool_destroy(vk_pool *p)
{
    for (vk_chunk *c = p->chunks, *next; c; c = next) {
        next = c->next;
        chunk_destroy(p->dev, c);
    }
    p->chunks = NULL;
}

static rt_status chunk_create(vk_pool *p, VkDeviceSize size, vk_chunk **out)
{
    const vk_device *dev = p->dev;
    vk_chunk *c = calloc(1, sizeof *c);
    if (!c) return RT_ERR_NOMEM;
    c->size = size;
    VkBufferCreateInfo bi = {.sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO,
                             .size = size,
                             .usage = USAGE,
                             .sharingMode = VK_SHARING_MODE_EXCLUSIVE};
    VkResult r = vkCreateBuffer(dev->device, &bi, NULL, &c->buf);
    VkMemoryRequirements req = {0};
    if (r == VK_SUCCESS) {
        vkGetBufferMemoryRequirements(dev->device, c->buf, &req);
        VkMemoryAllocateInfo ai = {.sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO,
                                   .allocationSize = req.size,
                                   .memoryTypeIndex = p->type_index};
        r = vkAllocateMemory(dev->device, &ai, NULL, &c->mem);
    }
    if (r == VK_SUCCESS) r = vkBindBufferMemory(dev->device, c->buf, c->mem, 0);
    if (r == VK_SUCCESS && p->host_visible)
        r = vkMapMemory(dev->device, c->mem, 0, VK_WHOLE_SIZE, 0, &c->map);
    c->cap_free = 8;
    c->free_list = malloc((size_t)c->cap_free * sizeof *c->free_list);
    if (r != VK_SUCCESS || !c->free_list) {
        chunk_destroy(dev, c);
        return r == VK_SUCCESS ? RT_ERR_NOMEM : vk_status(r);
    }
    c->free_list[0] = (vk_block){0, size};
    c->n_free = 1;
    *out = c;
    return RT_OK;
}

/* First fit in one chunk; 0 when it has no room. */
static int chunk_take(vk_chunk *c, VkDeviceSize bytes, VkDeviceSize *off)
{
    for (int i = 0; i < c->n_free; i++) {
        vk_block *b = &c->free_list[i];
        if (b->size < bytes) continue;
        *off = b->off;
        b->off += bytes;
        b->size -= bytes;
        if (b->size == 0) {
            memmove(b, b + 1, (size_t)(c->n_free - i - 1) * sizeof *b);
            c->n_free--;
        }
        return 1;
    }
    return 0;
}

rt_status vk_alloc(vk_pool *p, VkDeviceSize bytes, vk_mem **out)
{
    *out = NULL;
    bytes = (bytes + p->align - 1) / p->align * p->align;
    if (bytes == 0) bytes = p->align;
    if (bytes > p->max_range) return RT_ERR_UNSUPPORTED; /* cannot be bound as one buffer */
    vk_mem *m = calloc(1, sizeof *m);
    if (!m) return RT_ERR_NOMEM;
    for (vk_chunk *c = p->chunks; c; c = c->next)
        if (chunk_take(c, bytes, &m->off)) {
            m->chunk = c;
            break;
        }
    if (!m->chunk) {
        vk_chunk *c = NULL;
        VkDeviceSize size = bytes > p->chunk_bytes ? bytes : p->chunk_bytes;
        rt_status st = chunk_create(p, size, &c);
        if (st != RT_OK) {
            free(m);
            return st;
        }
        c->next = p->chunks;
        p->chunks = c;
        chunk_take(c, bytes, &m->off);
        m->chunk = c;
    }
    m->size = bytes;
    *out = m;
    return RT_OK;
}

void vk_free(vk_pool *p, vk_mem *m)
{
    if (!m) return;
    vk_chunk *c = m->chunk;
    VkDeviceSize off = m->off, end = m->off + m->size;
    free(m);
    int i = 0;
    while (i < c->n_free && c->free_list[i].off < off)
        i++;
    int merge_prev = i > 0 && c->free_list[i - 1].off + c->free_list[i - 1].size == off;
    int merge_next = i < c->n_free && c->free_list[i].off == end;
    if (merge_prev && merge_next) {
        c->free_list[i - 1].size += (end - off) + c->free_list[i].size;
        memmove(&c->free_list[i], &c->free_list[i + 1],
                (size_t)(c->n_free - i - 1) * sizeof *c->free_list);
        c->n_free--;
    } else if (merge_prev) {
        c->free_list[i - 1].size += end - off;
    } else if (merge_next) {
        c->free_list[i].off = off;
        c->free_list[i].size += end - off;
    } else {
        if (c->n_free == c->cap_free) {
            vk_block *nb = realloc(c->free_list, (size_t)c->cap_free * 2 * sizeof *nb);
            if (!nb) return; /* the range leaks inside the chunk; freed with it */
            c->free_list = nb;
            c->cap_free *= 2;
        }
        memmove(&c->free_list[i + 1], &c->free_list[i],
                (size_t)(c->n_free - i) * sizeof *c->free_list);
        c->free_list[i] = (vk_block){off, end - off};
        c->n_free++;
    }
}
