/* Opening (mmap or caller memory), closing and lookups. Validation lives in
 * voicefile_parse.c; after it succeeds every lookup here is a plain table access. */
#include "synth/voice/voicefile_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

const char *vf_strerror(vf_status s)
{
    switch (s) {
    case VF_OK:
        return "ok";
    case VF_ERR_IO:
        return "cannot read file";
    case VF_ERR_MAGIC:
        return "not a Myna voice file";
    case VF_ERR_VERSION:
        return "unsupported voice format version";
    case VF_ERR_CORRUPT:
        return "corrupt voice file";
    case VF_ERR_NOMEM:
        return "out of memory";
    case VF_ERR_NOT_FOUND:
        return "not found";
    case VF_ERR_TYPE:
        return "wrong type";
    }
    return "unknown error";
}

static void set_msg(char *msg, size_t len, const char *text)
{
    if (msg && len) snprintf(msg, len, "%s", text);
}

void vf_close(vf_file *f)
{
    if (!f) return;
    vf_free_tables(f);
    if (f->mapping) munmap(f->mapping, f->mapping_size);
    free(f->owned_copy);
    free(f);
}

/* Parses f, which already points at its bytes; frees it on failure. */
static vf_status finish_open(vf_file *f, vf_file **out, char *msg, size_t msg_len)
{
    vf_status s = vf_parse(f, msg, msg_len);
    if (s != VF_OK) {
        vf_close(f);
        return s;
    }
    *out = f;
    if (msg && msg_len) msg[0] = '\0';
    return VF_OK;
}

vf_status vf_open_memory(const void *data, size_t size, vf_file **out, char *err_msg,
                         size_t err_len)
{
    if (!out) return VF_ERR_IO;
    *out = NULL;
    if (!data && size) {
        set_msg(err_msg, err_len, "no memory image given");
        return VF_ERR_IO;
    }
    vf_file *f = calloc(1, sizeof *f);
    if (!f) {
        set_msg(err_msg, err_len, "out of memory");
        return VF_ERR_NOMEM;
    }
    f->base = data;
    f->size = size;
    /* Tensor data must be VF_ALIGN-aligned in memory for the SIMD kernels; the file only
     * guarantees alignment relative to its start, so an unaligned image is copied. */
    if (size && (uintptr_t)data % VF_ALIGN) {
        /* Exact size (not rounded up) so memory checkers catch any read past the image. */
        if (posix_memalign(&f->owned_copy, VF_ALIGN, size) != 0) {
            free(f);
            set_msg(err_msg, err_len, "out of memory copying the voice image");
            return VF_ERR_NOMEM;
        }
        memcpy(f->owned_copy, data, size);
        f->base = f->owned_copy;
    }
    return finish_open(f, out, err_msg, err_len);
}

vf_status vf_open(const char *path, vf_file **out, char *err_msg, size_t err_len)
{
    char reason[512];
    if (!out) return VF_ERR_IO;
    *out = NULL;
    if (!path) {
        set_msg(err_msg, err_len, "no voice file path given");
        return VF_ERR_IO;
    }
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(reason, sizeof reason, "cannot open: %s", strerror(errno));
        goto io_error;
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        snprintf(reason, sizeof reason, "cannot stat: %s", strerror(errno));
        close(fd);
        goto io_error;
    }
    if (!S_ISREG(st.st_mode)) {
        snprintf(reason, sizeof reason, "%s",
                 S_ISDIR(st.st_mode) ? "is a directory, not a voice file" : "not a regular file");
        close(fd);
        goto io_error;
    }
    if ((uint64_t)st.st_size > SIZE_MAX) {
        snprintf(reason, sizeof reason, "too large to map (%lld bytes)", (long long)st.st_size);
        close(fd);
        goto io_error;
    }
    vf_file *f = calloc(1, sizeof *f);
    if (!f) {
        close(fd);
        set_msg(err_msg, err_len, "out of memory");
        return VF_ERR_NOMEM;
    }
    f->size = (size_t)st.st_size;
    if (f->size) { /* mmap of 0 bytes fails; the parser reports an empty file itself */
        void *map = mmap(NULL, f->size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (map == MAP_FAILED) {
            snprintf(reason, sizeof reason, "cannot mmap %zu bytes: %s", f->size, strerror(errno));
            close(fd);
            free(f);
            goto io_error;
        }
        f->mapping = map;
        f->mapping_size = f->size;
        f->base = map;
    }
    close(fd); /* the mapping stays valid without the descriptor */

    vf_status s = vf_parse(f, reason, sizeof reason);
    if (s != VF_OK) {
        vf_close(f);
        if (err_msg && err_len) snprintf(err_msg, err_len, "%s: %s", path, reason);
        return s;
    }
    *out = f;
    if (err_msg && err_len) err_msg[0] = '\0';
    return VF_OK;

io_error:
    if (err_msg && err_len) snprintf(err_msg, err_len, "%s: %s", path, reason);
    return VF_ERR_IO;
}

uint32_t vf_version(const vf_file *f)
{
    return f ? f->version : 0;
}

size_t vf_file_size(const vf_file *f)
{
    return f ? f->size : 0;
}

static int compare_key_to_meta(const void *key, const void *entry)
{
    return strcmp(key, (*(vf_meta *const *)entry)->key);
}

static const vf_meta *find_meta(const vf_file *f, const char *key)
{
    if (!f || !key || !f->n_meta) return NULL;
    vf_meta *const *hit =
        bsearch(key, f->meta_by_key, f->n_meta, sizeof *f->meta_by_key, compare_key_to_meta);
    return hit ? *hit : NULL;
}

/* Looks key up and checks its type; the common prologue of every getter. */
static vf_status lookup(const vf_file *f, const char *key, vf_type type, const vf_meta **out)
{
    const vf_meta *m = find_meta(f, key);
    if (!m) return VF_ERR_NOT_FOUND;
    if (m->type != type) return VF_ERR_TYPE;
    *out = m;
    return VF_OK;
}

vf_status vf_get_i64(const vf_file *f, const char *key, int64_t *out)
{
    const vf_meta *m;
    vf_status s = lookup(f, key, VF_T_I64, &m);
    if (s == VF_OK && out) *out = m->v.i64;
    return s;
}

vf_status vf_get_f64(const vf_file *f, const char *key, double *out)
{
    const vf_meta *m = find_meta(f, key);
    if (!m) return VF_ERR_NOT_FOUND;
    if (m->type == VF_T_I64) {
        if (out) *out = (double)m->v.i64;
        return VF_OK;
    }
    if (m->type != VF_T_F64) return VF_ERR_TYPE;
    if (out) *out = m->v.f64;
    return VF_OK;
}

vf_status vf_get_str(const vf_file *f, const char *key, const char **out)
{
    const vf_meta *m;
    vf_status s = lookup(f, key, VF_T_STR, &m);
    if (s == VF_OK && out) *out = m->v.str;
    return s;
}

vf_status vf_get_i64_array(const vf_file *f, const char *key, const int64_t **out, size_t *n)
{
    const vf_meta *m;
    vf_status s = lookup(f, key, VF_T_I64_ARRAY, &m);
    if (s != VF_OK) return s;
    if (out) *out = m->v.i64_array.items;
    if (n) *n = m->v.i64_array.count;
    return VF_OK;
}

vf_status vf_get_str_array(const vf_file *f, const char *key, const char *const **out, size_t *n)
{
    const vf_meta *m;
    vf_status s = lookup(f, key, VF_T_STR_ARRAY, &m);
    if (s != VF_OK) return s;
    if (out) *out = (const char *const *)m->v.str_array.items;
    if (n) *n = m->v.str_array.count;
    return VF_OK;
}

size_t vf_meta_count(const vf_file *f)
{
    return f ? f->n_meta : 0;
}

vf_status vf_meta_at(const vf_file *f, size_t i, const char **key, vf_type *type)
{
    if (!f || i >= f->n_meta) return VF_ERR_NOT_FOUND;
    if (key) *key = f->meta[i].key;
    if (type) *type = f->meta[i].type;
    return VF_OK;
}

size_t vf_tensor_count(const vf_file *f)
{
    return f ? f->n_tensors : 0;
}

const vf_tensor *vf_tensor_at(const vf_file *f, size_t i)
{
    return f && i < f->n_tensors ? &f->tensors[i] : NULL;
}

static int compare_name_to_tensor(const void *name, const void *entry)
{
    return strcmp(name, (*(vf_tensor *const *)entry)->name);
}

const vf_tensor *vf_find_tensor(const vf_file *f, const char *name)
{
    if (!f || !name || !f->n_tensors) return NULL;
    vf_tensor *const *hit = bsearch(name, f->tensors_by_name, f->n_tensors,
                                    sizeof *f->tensors_by_name, compare_name_to_tensor);
    return hit ? *hit : NULL;
}
