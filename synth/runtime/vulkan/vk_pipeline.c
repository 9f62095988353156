/* One descriptor-set layout (VK_MAX_BINDINGS storage buffers) and one push-constant range for
 * every shader, so all pipelines share a layout and a descriptor set is interchangeable
 * between them; a pipeline cache; a descriptor pool sized for one batch of dispatches. */
#include "synth/runtime/vulkan/vk_internal.h"
#include "synth/runtime/vulkan/vk_shaders.h"

#include <string.h>

/* Shader file names, in vk_pipe_id order. */
static const char *const SHADER_NAMES[VKP_COUNT] = {
    "quant_i8",      "gemm_i8", "conv_f32",  "lstm",     "embedding",  "repeat_rows",
    "add_upsampled", "axpby",   "copy_cols", "activate", "slice_rows",
};

static const vk_spirv *find_shader(const char *name)
{
    for (int i = 0; i < vk_shader_table_size; i++)
        if (!strcmp(vk_shader_table[i].name, name)) return &vk_shader_table[i];
    return NULL;
}

static rt_status create_pipeline(vk_pipelines *p, const vk_device *dev, vk_pipe_id id)
{
    const vk_spirv *sp = find_shader(SHADER_NAMES[id]);
    if (!sp) return RT_ERR_BACKEND;
    VkShaderModuleCreateInfo mi = {.sType = VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO,
                                   .codeSize = sp->words * sizeof(uint32_t),
                                   .pCode = sp->code};
    VkShaderModule mod;
    VkResult r = vkCreateShaderModule(dev->device, &mi, NULL, &mod);
    if (r != VK_SUCCESS) return vk_status(r);
    VkComputePipelineCreateInfo ci = {
        .sType = VK_STRUCTURE_TYPE_COMPUTE_PIPELINE_CREATE_INFO,
        .stage = {.sType = VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO,
                  .stage = VK_SHADER_STAGE_COMPUTE_BIT,
                  .module = mod,
                  .pName = "main"},
        .layout = p->layout};
    r = vkCreateComputePipelines(dev->device, p->cache, 1, &ci, NULL, &p->pipe[id]);
    vkDestroyShaderModule(dev->device, mod, NULL);
    return vk_status(r);
}

rt_status vk_pipelines_create(vk_pipelines *p, const vk_device *dev)
{
    memset(p, 0, sizeof *p);
    VkDescriptorSetLayoutBinding b[VK_MAX_BINDINGS];
    for (int i = 0; i < VK_MAX_BINDINGS; i++)
        b[i] = (VkDescriptorSetLayoutBinding){.binding = (uint32_t)i,
                                              .descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER,
                                              .descriptorCount = 1,
                                              .stageFlags = VK_SHADER_STAGE_COMPUTE_BIT};
    VkDescriptorSetLayoutCreateInfo li = {.sType =
                                              VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO,
                                          .bindingCount = VK_MAX_BINDINGS,
                                          .pBindings = b};
    VkResult r = vkCreateDescriptorSetLayout(dev->device, &li, NULL, &p->set_layout);
    VkPushConstantRange pcr = {VK_SHADER_STAGE_COMPUTE_BIT, 0, VK_PUSH_BYTES};
    VkPipelineLayoutCreateInfo pli = {.sType = VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO,
                                      .setLayoutCount = 1,
                                      .pSetLayouts = &p->set_layout,
                                      .pushConstantRangeCount = 1,
                                      .pPushConstantRanges = &pcr};
    if (r == VK_SUCCESS) r = vkCreatePipelineLayout(dev->device, &pli, NULL, &p->layout);
    /* In memory only: the shaders are small and compile in milliseconds on the drivers seen. */
    VkPipelineCacheCreateInfo cci = {.sType = VK_STRUCTURE_TYPE_PIPELINE_CACHE_CREATE_INFO};
    if (r == VK_SUCCESS) r = vkCreatePipelineCache(dev->device, &cci, NULL, &p->cache);
    VkDescriptorPoolSize ps = {VK_DESCRIPTOR_TYPE_STORAGE_BUFFER,
                               VK_SETS_PER_BATCH * VK_MAX_BINDINGS};
    VkDescriptorPoolCreateInfo pi = {.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO,
                                     .maxSets = VK_SETS_PER_BATCH,
                                     .poolSizeCount = 1,
                                     .pPoolSizes = &ps};
    if (r == VK_SUCCESS) r = vkCreateDescriptorPool(dev->device, &pi, NULL, &p->pool);
    if (r != VK_SUCCESS) return vk_status(r);
    for (int i = 0; i < VKP_COUNT; i++) {
        rt_status st = create_pipeline(p, dev, (vk_pipe_id)i);
        if (st != RT_OK) return st;
    }
    return RT_OK;
}

void vk_pipelines_destroy(vk_pipelines *p, const vk_device *dev)
{
    if (!dev->device) return;
    for (int i = 0; i < VKP_COUNT; i++)
        if (p->pipe[i]) vkDestroyPipeline(dev->device, p->pipe[i], NULL);
    if (p->pool) vkDestroyDescriptorPool(dev->device, p->pool, NULL);
    if (p->cache) vkDestroyPipelineCache(dev->device, p->cache, NULL);
    if (p->layout) vkDestroyPipelineLayout(dev->device, p->layout, NULL);
    if (p->set_layout) vkDestroyDescriptorSetLayout(dev->device, p->set_layout, NULL);
    memset(p, 0, sizeof *p);
}
