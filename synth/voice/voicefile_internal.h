/* Shared between the parser, the getters and the describer; not part of the public API. */
#ifndef MYNA_VOICEFILE_INTERNAL_H
#define MYNA_VOICEFILE_INTERNAL_H

#include "synth/voice/voicefile.h"

typedef struct {
    char *key;
    vf_type type;
    union {
        int64_t i64;
        double f64;
        char *str;
        struct {
            int64_t *items; /* copied: in the file they are not 8-byte aligned */
            size_t count;
        } i64_array;
        struct {
            char **items;
            size_t count;
        } str_array;
    } v;
} vf_meta;

struct vf_file {
    const uint8_t *base;
    size_t size;
    uint32_t version;

    void *mapping; /* from mmap (vf_open), else NULL */
    size_t mapping_size;
    void *owned_copy; /* aligned copy made by vf_open_memory for an unaligned image */

    vf_meta *meta; /* file order */
    size_t n_meta;
    vf_meta **meta_by_key; /* sorted by key for binary search */

    vf_tensor *tensors; /* file order */
    size_t n_tensors;
    vf_tensor **tensors_by_name; /* sorted by name */
};

/* Validates the image f->base[0..f->size) and fills the tables of f. On failure returns the
 * status and writes a reason into msg; the caller frees whatever was filled with
 * vf_free_tables. */
vf_status vf_parse(vf_file *f, char *msg, size_t msg_len);
void vf_free_tables(vf_file *f);

/* 1 when s[0..len) is well-formed UTF-8 without NUL bytes. */
int vf_utf8_valid(const uint8_t *s, size_t len);

#endif
