/* Validation messages of the Vulkan backend. With MYNA_VK_VALIDATE=1 in the environment, a
 * context enables VK_LAYER_KHRONOS_validation and VK_EXT_debug_utils (creation fails with
 * RT_ERR_UNSUPPORTED when the layer is not installed), prints every warning and error the
 * layer reports to stderr and counts them here. tests/vulkan uses it to fail on any message. */
#ifndef MYNA_VK_DEBUG_H
#define MYNA_VK_DEBUG_H

/* Warnings + errors reported by the validation layer since the program started. */
int rt_vk_validation_issues(void);
/* 1 when the validation layer is installed (the test skips otherwise). */
int rt_vk_validation_available(void);

#endif
