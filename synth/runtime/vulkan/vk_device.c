/* Instance, physical device choice and logical device with one compute queue; the probe of
 * rt.h; the validation-layer message hook. No extension is needed: int8 data is read as
 * uint words and unpacked with bitfieldExtract, so plain Vulkan 1.0 compute suffices. */
#include "synth/runtime/planted_leak.h"
#include "synth/runtime/vulkan/vk_debug.h"
#include "synth/runtime/vulkan/vk_internal.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *VALIDATION_LAYER = "VK_LAYER_KHRONOS_validation";
static atomic_int validation_issues;

int rt_vk_validation_issues(void)
{
    return atomic_load(&validation_issues);
}

rt_status vk_status(VkResult r)
{
    switch (r) {
    case VK_SUCCESS:
        return RT_OK;
    case VK_ERROR_OUT_OF_HOST_MEMORY:
        return RT_ERR_NOMEM;
    case VK_ERROR_INCOMPATIBLE_DRIVER:
    case VK_ERROR_LAYER_NOT_PRESENT:
    case VK_ERROR_EXTENSION_NOT_PRESENT:
    case VK_ERROR_FEATURE_NOT_PRESENT:
    case VK_ERROR_INITIALIZATION_FAILED:
        return RT_ERR_UNSUPPORTED;
    default:
        return RT_ERR_BACKEND; /* out of device memory, device lost, ... */
    }
}

static int want_validation(void)
{
    const char *v = getenv("MYNA_VK_VALIDATE");
    return v && v[0] == '1';
}

int rt_vk_validation_available(void)
{
    uint32_t n = 0;
    if (vkEnumerateInstanceLayerProperties(&n, NULL) != VK_SUCCESS || n == 0) return 0;
    VkLayerProperties *l = calloc(n, sizeof *l);
    int found = 0;
    if (l && vkEnumerateInstanceLayerProperties(&n, l) == VK_SUCCESS)
        for (uint32_t i = 0; i < n; i++)
            found |= !strcmp(l[i].layerName, VALIDATION_LAYER);
    free(l);
    return found;
}

static VKAPI_ATTR VkBool32 VKAPI_CALL on_message(VkDebugUtilsMessageSeverityFlagBitsEXT sev,
                                                 VkDebugUtilsMessageTypeFlagsEXT type,
                                                 const VkDebugUtilsMessengerCallbackDataEXT *d,
                                                 void *user)
{
    int counted = (sev & (VK_DEBUG_UTILS_MESSAGE_SEVERITY_WARNING_BIT_EXT |
                          VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT)) &&
                  (type & (VK_DEBUG_UTILS_MESSAGE_TYPE_VALIDATION_BIT_EXT |
                           VK_DEBUG_UTILS_MESSAGE_TYPE_PERFORMANCE_BIT_EXT));
    if (counted) atomic_fetch_add(&validation_issues, 1);
    fprintf(stderr, "myna vulkan %s: %s\n", counted ? "VALIDATION" : "message",
            d && d->pMessage ? d->pMessage : "?");
    return VK_FALSE;
}

static rt_status create_instance(vk_device *d)
{
    int validate = want_validation();
    if (validate && !rt_vk_validation_available()) return RT_ERR_UNSUPPORTED;
    VkApplicationInfo app = {.sType = VK_STRUCTURE_TYPE_APPLICATION_INFO,
                             .pApplicationName = "myna",
                             .pEngineName = "myna",
                             .apiVersion = VK_API_VERSION_1_0};
    const char *ext[] = {VK_EXT_DEBUG_UTILS_EXTENSION_NAME,
                         VK_EXT_VALIDATION_FEATURES_EXTENSION_NAME};
    VkDebugUtilsMessengerCreateInfoEXT dbg = {
        .sType = VK_STRUCTURE_TYPE_DEBUG_UTILS_MESSENGER_CREATE_INFO_EXT,
        .messageSeverity = VK_DEBUG_UTILS_MESSAGE_SEVERITY_WARNING_BIT_EXT |
                           VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT,
        .messageType = VK_DEBUG_UTILS_MESSAGE_TYPE_GENERAL_BIT_EXT |
                       VK_DEBUG_UTILS_MESSAGE_TYPE_VALIDATION_BIT_EXT |
                       VK_DEBUG_UTILS_MESSAGE_TYPE_PERFORMANCE_BIT_EXT,
        .pfnUserCallback = on_message};
    /* Synchronization validation too: it reports a missing barrier between dispatches. */
    VkValidationFeatureEnableEXT enables[] = {
        VK_VALIDATION_FEATURE_ENABLE_SYNCHRONIZATION_VALIDATION_EXT};
    VkValidationFeaturesEXT features = {.sType = VK_STRUCTURE_TYPE_VALIDATION_FEATURES_EXT,
                                        .pNext = &dbg,
                                        .enabledValidationFeatureCount = 1,
                                        .pEnabledValidationFeatures = enables};
    VkInstanceCreateInfo ci = {.sType = VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO,
                               .pApplicationInfo = &app};
    if (validate) {
        ci.enabledLayerCount = 1;
        ci.ppEnabledLayerNames = &VALIDATION_LAYER;
        ci.enabledExtensionCount = 2;
        ci.ppEnabledExtensionNames = ext;
        ci.pNext = &features; /* the messenger in the chain covers instance creation too */
    }
    rt_status st = vk_status(vkCreateInstance(&ci, NULL, &d->instance));
    if (st != RT_OK) {
        d->instance = VK_NULL_HANDLE;
        return st == RT_ERR_NOMEM ? st : RT_ERR_UNSUPPORTED;
    }
    if (validate) {
        PFN_vkCreateDebugUtilsMessengerEXT create =
            (PFN_vkCreateDebugUtilsMessengerEXT)vkGetInstanceProcAddr(
                d->instance, "vkCreateDebugUtilsMessengerEXT");
        if (!create || create(d->instance, &dbg, NULL, &d->messenger) != VK_SUCCESS)
            return RT_ERR_UNSUPPORTED;
    }
    return RT_OK;
}

/* Queue family with compute, or -1. */
static int compute_family(VkPhysicalDevice p)
{
    uint32_t n = 0;
    vkGetPhysicalDeviceQueueFamilyProperties(p, &n, NULL);
    VkQueueFamilyProperties *q = calloc(n ? n : 1, sizeof *q);
    if (!q) return -1;
    vkGetPhysicalDeviceQueueFamilyProperties(p, &n, q);
    int found = -1;
    for (uint32_t i = 0; i < n && found < 0; i++)
        if (q[i].queueFlags & VK_QUEUE_COMPUTE_BIT) found = (int)i;
    free(q);
    return found;
}

static int type_rank(VkPhysicalDeviceType t)
{
    switch (t) {
    case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU:
        return 4;
    case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU:
        return 3;
    case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU:
        return 2;
    case VK_PHYSICAL_DEVICE_TYPE_CPU:
        return 1;
    default:
        return 0;
    }
}

/* What the shaders need beyond the Vulkan minimum: 256-invocation workgroups. */
static int usable(VkPhysicalDevice p)
{
    VkPhysicalDeviceProperties pr;
    vkGetPhysicalDeviceProperties(p, &pr);
    return compute_family(p) >= 0 && pr.limits.maxComputeWorkGroupInvocations >= 256 &&
           pr.limits.maxComputeWorkGroupSize[0] >= 256 &&
           pr.limits.maxComputeWorkGroupSize[1] >= 16 &&
           pr.limits.maxComputeSharedMemorySize >= 16384;
}

/* Physical devices of the instance (caller frees). */
static VkPhysicalDevice *list_devices(VkInstance inst, uint32_t *n)
{
    *n = 0;
    if (vkEnumeratePhysicalDevices(inst, n, NULL) != VK_SUCCESS || *n == 0) return NULL;
    VkPhysicalDevice *p = calloc(*n, sizeof *p);
    if (p && vkEnumeratePhysicalDevices(inst, n, p) < 0) {
        free(p);
        return NULL;
    }
    return p;
}

static rt_status pick_device(vk_device *d, int index)
{
    uint32_t n = 0;
    VkPhysicalDevice *list = list_devices(d->instance, &n);
    if (!list) return RT_ERR_UNSUPPORTED;
    int best = -1, best_rank = -1;
    for (uint32_t i = 0; i < n; i++) {
        VkPhysicalDeviceProperties pr;
        vkGetPhysicalDeviceProperties(list[i], &pr);
        if (index >= 0 ? (int)i != index : !usable(list[i])) continue;
        if (type_rank(pr.deviceType) > best_rank)
            best = (int)i, best_rank = type_rank(pr.deviceType);
    }
    rt_status st = RT_OK;
    if (index >= (int)n)
        st = RT_ERR_ARG;
    else if (best < 0 || !usable(list[best]))
        st = RT_ERR_UNSUPPORTED;
    else
        d->phys = list[best];
    free(list);
    return st;
}

rt_status vk_device_create(vk_device *d, int index)
{
    memset(d, 0, sizeof *d);
    rt_status st = create_instance(d);
    if (st == RT_OK) st = pick_device(d, index);
    if (st != RT_OK) return st;
    vkGetPhysicalDeviceProperties(d->phys, &d->props);
    vkGetPhysicalDeviceMemoryProperties(d->phys, &d->mem_props);
    d->queue_family = (uint32_t)compute_family(d->phys);
    float prio = 1.0f;
    VkDeviceQueueCreateInfo q = {.sType = VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO,
                                 .queueFamilyIndex = d->queue_family,
                                 .queueCount = 1,
                                 .pQueuePriorities = &prio};
    VkDeviceCreateInfo ci = {.sType = VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO,
                             .queueCreateInfoCount = 1,
                             .pQueueCreateInfos = &q};
    st = vk_status(vkCreateDevice(d->phys, &ci, NULL, &d->device));
    if (st != RT_OK) {
        d->device = VK_NULL_HANDLE;
        return st == RT_ERR_NOMEM ? st : RT_ERR_BACKEND;
    }
    vkGetDeviceQueue(d->device, d->queue_family, 0, &d->queue);
    return RT_OK;
}

void vk_device_destroy(vk_device *d)
{
    if (d->device) vkDestroyDevice(d->device, NULL);
    if (d->messenger) {
        PFN_vkDestroyDebugUtilsMessengerEXT destroy =
            (PFN_vkDestroyDebugUtilsMessengerEXT)vkGetInstanceProcAddr(
                d->instance, "vkDestroyDebugUtilsMessengerEXT");
        if (destroy) destroy(d->instance, d->messenger, NULL);
    }
    if (d->instance) vkDestroyInstance(d->instance, NULL);
    memset(d, 0, sizeof *d);
}

rt_status rt_vulkan_probe(int *has_gpu)
{
    if (has_gpu) *has_gpu = 0;
    VkApplicationInfo app = {.sType = VK_STRUCTURE_TYPE_APPLICATION_INFO,
                             .apiVersion = VK_API_VERSION_1_0};
    VkInstanceCreateInfo ci = {.sType = VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO,
                               .pApplicationInfo = &app};
    VkInstance inst;
    if (vkCreateInstance(&ci, NULL, &inst) != VK_SUCCESS) return RT_ERR_UNSUPPORTED;
    uint32_t n = 0;
    VkPhysicalDevice *list = list_devices(inst, &n);
    int any = 0;
    for (uint32_t i = 0; list && i < n; i++) {
        if (!usable(list[i])) continue;
        VkPhysicalDeviceProperties pr;
        vkGetPhysicalDeviceProperties(list[i], &pr);
        any = 1;
        if (has_gpu && type_rank(pr.deviceType) >= 3) *has_gpu = 1;
    }
    free(list);
    vkDestroyInstance(inst, NULL);
    planted_leak("vulkan_probe"); /* beside the driver's own allocations: still reported */
    return any ? RT_OK : RT_ERR_UNSUPPORTED;
}
