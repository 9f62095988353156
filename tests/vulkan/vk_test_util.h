/* Shared by the Vulkan tests: a CPU and a Vulkan context side by side, the skip rule, and
 * buffer helpers. */
#ifndef MYNA_VK_TEST_UTIL_H
#define MYNA_VK_TEST_UTIL_H

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>

#include "synth/runtime/rt.h"
#include "synth/runtime/vulkan/vk_debug.h"

/* ctest SKIP_RETURN_CODE: no Vulkan device (or no validation layer where one is needed). */
#define VK_TEST_SKIP 77

/* Both contexts, or a skip/fail exit code in *code (0 when both exist). */
static inline int vk_test_contexts(rt_ctx **cpu, rt_ctx **vk, int *code)
{
    rt_config cc = {RT_BACKEND_CPU, 1, RT_ISA_AUTO, -1};
    rt_config vc = {RT_BACKEND_VULKAN, 1, RT_ISA_AUTO, -1};
    *cpu = *vk = NULL;
    *code = 0;
    const char *val = getenv("MYNA_VK_VALIDATE");
    if (val && val[0] == '1' && !rt_vk_validation_available()) {
        printf("SKIP: VK_LAYER_KHRONOS_validation is not installed\n");
        *code = VK_TEST_SKIP;
        return -1;
    }
    /* The loader unloads the layer at vkDestroyInstance; its static allocations then show up
     * in LeakSanitizer's report as "<unknown module>", which no suppression can name. Holding
     * a reference keeps it mapped, so tests/vulkan/lsan.supp can match it by library name. */
    if (val && val[0] == '1') (void)dlopen("libVkLayer_khronos_validation.so", RTLD_NOW);
    rt_status st = rt_ctx_create(&vc, vk);
    if (st == RT_ERR_UNSUPPORTED) {
        printf("SKIP: no Vulkan device\n");
        *code = VK_TEST_SKIP;
        return -1;
    }
    if (st != RT_OK || rt_ctx_create(&cc, cpu) != RT_OK) {
        fprintf(stderr, "context creation failed (%d)\n", st);
        rt_ctx_destroy(*vk);
        *code = 1;
        return -1;
    }
    printf("devices: %s vs %s\n", rt_ctx_describe(*vk), rt_ctx_describe(*cpu));
    return 0;
}

/* A buffer holding data (rows*cols floats), or zeros when data is NULL. */
static inline rt_buf *vk_test_buf(rt_ctx *ctx, int rows, int cols, const float *data)
{
    rt_buf *b = NULL;
    if (rt_buf_create(ctx, rows, cols, &b) != RT_OK) return NULL;
    if (data && rt_buf_write(ctx, b, data) != RT_OK) {
        rt_buf_destroy(ctx, b);
        return NULL;
    }
    return b;
}

/* Contents of b in a malloc'ed array (NULL on failure). */
static inline float *vk_test_read(rt_ctx *ctx, const rt_buf *b)
{
    size_t n = (size_t)rt_buf_rows(b) * rt_buf_cols(b);
    float *v = malloc((n ? n : 1) * sizeof *v);
    if (v && rt_buf_read(ctx, b, v) != RT_OK) {
        free(v);
        return NULL;
    }
    return v;
}

/* Under MYNA_VK_VALIDATE=1: the validation layer's warnings and errors (each was printed to
 * stderr as it came) fail the test. Call after destroying the contexts. */
static inline int vk_test_validation_clean(void)
{
    const char *val = getenv("MYNA_VK_VALIDATE");
    if (!val || val[0] != '1') return 1;
    int n = rt_vk_validation_issues();
    printf("validation layer: %d warnings/errors\n", n);
    return n == 0;
}

#endif
