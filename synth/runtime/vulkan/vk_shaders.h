/* The compute shaders (shaders/NAME.comp), compiled to SPIR-V at build time and embedded by
 * cmake/embed_spirv.cmake. Looked up by file name without extension. */
#ifndef MYNA_VK_SHADERS_H
#define MYNA_VK_SHADERS_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    const char *name;
    const uint32_t *code;
    size_t words;
} vk_spirv;

extern const vk_spirv vk_shader_table[];
extern const int vk_shader_table_size;

#endif
