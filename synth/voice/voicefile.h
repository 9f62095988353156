/* Voice file: one mmapped, validated, read-only container of metadata and tensors.
 * The byte layout is specified in docs/voice-format.md; training/myna/voicefile.py writes it.
 *
 * Every offset, length and count is validated at open time, so later lookups never read
 * outside the mapping. Lookups of missing keys return an error, never abort.
 * A vf_file is immutable after open and may be read from many threads at once.
 */
#ifndef MYNA_VOICEFILE_H
#define MYNA_VOICEFILE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define VF_MAGIC "MYNAVOX\0"
#define VF_VERSION 1
#define VF_ALIGN 64
#define VF_MAX_DIMS 4

typedef enum {
    VF_OK = 0,
    VF_ERR_IO = -1,       /* cannot open / stat / mmap */
    VF_ERR_MAGIC = -2,    /* not a Myna voice file */
    VF_ERR_VERSION = -3,  /* unsupported format version */
    VF_ERR_CORRUPT = -4,  /* truncated or inconsistent contents */
    VF_ERR_NOMEM = -5,
    VF_ERR_NOT_FOUND = -6,
    VF_ERR_TYPE = -7,     /* key exists with another type */
} vf_status;

typedef enum { VF_T_I64 = 0, VF_T_F64 = 1, VF_T_STR = 2, VF_T_I64_ARRAY = 3, VF_T_STR_ARRAY = 4 } vf_type;
typedef enum { VF_F32 = 0, VF_F16 = 1, VF_I8 = 2 } vf_dtype;

typedef struct {
    const char *name;  /* NUL-terminated copy owned by the vf_file */
    vf_dtype dtype;
    int n_dims;
    int64_t dims[VF_MAX_DIMS];
    const void *data;  /* points into the mapping, VF_ALIGN aligned */
    uint64_t nbytes;
} vf_tensor;

typedef struct vf_file vf_file;

/* Opens and validates. On failure *out is NULL and, if err_msg is non-NULL, a short
 * human-readable reason is written to it (err_len bytes incl. NUL). */
vf_status vf_open(const char *path, vf_file **out, char *err_msg, size_t err_len);
/* Same, over a caller-owned memory image (fuzzing, tests). The memory must outlive the file.
 * An image that is not VF_ALIGN-aligned is copied, so tensor data is always aligned. */
vf_status vf_open_memory(const void *data, size_t size, vf_file **out, char *err_msg,
                         size_t err_len);
void vf_close(vf_file *f);
const char *vf_strerror(vf_status s);

uint32_t vf_version(const vf_file *f);
size_t vf_file_size(const vf_file *f);

/* Metadata. Strings are NUL-terminated copies owned by the file. */
vf_status vf_get_i64(const vf_file *f, const char *key, int64_t *out);
vf_status vf_get_f64(const vf_file *f, const char *key, double *out); /* accepts I64 too */
vf_status vf_get_str(const vf_file *f, const char *key, const char **out);
vf_status vf_get_i64_array(const vf_file *f, const char *key, const int64_t **out, size_t *n);
vf_status vf_get_str_array(const vf_file *f, const char *key, const char *const **out, size_t *n);

size_t vf_meta_count(const vf_file *f);
/* i-th entry for listing (inspector): key and type. */
vf_status vf_meta_at(const vf_file *f, size_t i, const char **key, vf_type *type);

size_t vf_tensor_count(const vf_file *f);
const vf_tensor *vf_tensor_at(const vf_file *f, size_t i);
const vf_tensor *vf_find_tensor(const vf_file *f, const char *name); /* NULL if absent */

/* Writes a human-readable summary (metadata, tensor table, sizes) to a stream. */
void vf_describe(const vf_file *f, FILE *out);

#endif
