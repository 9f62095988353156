/* Validation of a voice file image (docs/voice-format.md) into the lookup tables of a vf_file.
 *
 * Everything in the file is untrusted: every count, length and offset is checked against the
 * bytes that remain before it is used, with arithmetic that cannot overflow, so a hostile
 * file can only ever produce an error, never an out-of-bounds read or a huge allocation. */
#include "synth/voice/voicefile_internal.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define HEADER_SIZE 48u
#define MAX_NAME_LEN 255u
#define MAX_STR_LEN ((1u << 24) - 1)
#define MAX_ARRAY_COUNT ((1u << 20) - 1)
#define MAX_ARRAY_STR_LEN ((1u << 16) - 1)
/* Smallest possible entries: they bound the counts before anything is allocated. */
#define MIN_META_ENTRY (4u + 1u + 4u + 8u)
#define MIN_TENSOR_ENTRY (4u + 1u + 4u + 4u + 8u + 8u + 8u)

typedef struct {
    const uint8_t *base;
    size_t pos; /* next table byte to read */
    size_t end; /* data_offset: the table may not run into the data section */
    size_t file_size;
    char *msg;
    size_t msg_len;
    char what[320]; /* the entry being read, for messages: "metadata 'general.name'" */
} cursor;

#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static vf_status
fail(cursor *c, vf_status status, const char *fmt, ...)
{
    if (c->msg && c->msg_len) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(c->msg, c->msg_len, fmt, ap);
        va_end(ap);
    }
    return status;
}

static uint32_t load_u32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t load_u64(const uint8_t *p)
{
    return (uint64_t)load_u32(p) | (uint64_t)load_u32(p + 4) << 32;
}

/* Fails unless n more table bytes are available at the cursor. */
static vf_status need(cursor *c, uint64_t n, const char *field)
{
    if (n <= c->end - c->pos) return VF_OK;
    if (c->end == c->file_size)
        return fail(c, VF_ERR_CORRUPT,
                    "truncated: %s %s at byte %zu needs %llu bytes but the file is %zu bytes",
                    c->what, field, c->pos, (unsigned long long)n, c->file_size);
    return fail(c, VF_ERR_CORRUPT,
                "truncated: %s %s at byte %zu needs %llu bytes but the table ends where the "
                "data section starts, at byte %zu",
                c->what, field, c->pos, (unsigned long long)n, c->end);
}

static vf_status read_u32(cursor *c, uint32_t *out, const char *field)
{
    vf_status s = need(c, 4, field);
    if (s) return s;
    *out = load_u32(c->base + c->pos);
    c->pos += 4;
    return VF_OK;
}

static vf_status read_u64(cursor *c, uint64_t *out, const char *field)
{
    vf_status s = need(c, 8, field);
    if (s) return s;
    *out = load_u64(c->base + c->pos);
    c->pos += 8;
    return VF_OK;
}

/* Reads len bytes of UTF-8 text into a fresh NUL-terminated string. */
static vf_status read_text(cursor *c, uint64_t len, char **out, const char *field)
{
    vf_status s = need(c, len, field);
    if (s) return s;
    const uint8_t *p = c->base + c->pos;
    if (!vf_utf8_valid(p, (size_t)len))
        return fail(c, VF_ERR_CORRUPT, "%s %s at byte %zu is not UTF-8 or contains a NUL byte",
                    c->what, field, c->pos);
    char *copy = malloc((size_t)len + 1);
    if (!copy) return fail(c, VF_ERR_NOMEM, "out of memory reading %s", c->what);
    memcpy(copy, p, (size_t)len);
    copy[len] = '\0';
    c->pos += (size_t)len;
    *out = copy;
    return VF_OK;
}

/* A key or tensor name: u32 length (1..255), then the bytes. */
static vf_status read_name(cursor *c, char **out)
{
    uint32_t len;
    vf_status s = read_u32(c, &len, "name length");
    if (s) return s;
    if (len < 1 || len > MAX_NAME_LEN)
        return fail(c, VF_ERR_CORRUPT, "%s: name length %u at byte %zu is outside 1..%u", c->what,
                    len, c->pos - 4, MAX_NAME_LEN);
    return read_text(c, len, out, "name");
}

static vf_status read_count(cursor *c, uint64_t limit, uint64_t min_item_bytes, uint64_t *out)
{
    vf_status s = read_u64(c, out, "item count");
    if (s) return s;
    if (*out > limit)
        return fail(c, VF_ERR_CORRUPT, "%s: %llu items, the format allows at most %llu", c->what,
                    (unsigned long long)*out, (unsigned long long)limit);
    /* count <= 2^20, so this product cannot overflow. */
    return need(c, *out * min_item_bytes, "items");
}

static vf_status read_meta_value(cursor *c, vf_meta *m, uint32_t type)
{
    vf_status s;
    uint64_t n;
    switch (type) {
    case VF_T_I64:
        m->type = VF_T_I64;
        return read_u64(c, (uint64_t *)&m->v.i64, "value");
    case VF_T_F64: {
        uint64_t bits;
        if ((s = read_u64(c, &bits, "value"))) return s;
        m->type = VF_T_F64;
        memcpy(&m->v.f64, &bits, sizeof bits);
        return VF_OK;
    }
    case VF_T_STR:
        if ((s = read_u64(c, &n, "string length"))) return s;
        if (n > MAX_STR_LEN)
            return fail(c, VF_ERR_CORRUPT, "%s: string of %llu bytes, the format allows %u",
                        c->what, (unsigned long long)n, MAX_STR_LEN);
        m->type = VF_T_STR;
        return read_text(c, n, &m->v.str, "string");
    case VF_T_I64_ARRAY:
        if ((s = read_count(c, MAX_ARRAY_COUNT, 8, &n))) return s;
        m->type = VF_T_I64_ARRAY;
        if (n == 0) return VF_OK;
        m->v.i64_array.items = malloc((size_t)n * sizeof(int64_t));
        if (!m->v.i64_array.items) return fail(c, VF_ERR_NOMEM, "out of memory: %s", c->what);
        m->v.i64_array.count = (size_t)n;
        for (size_t i = 0; i < n; i++)
            m->v.i64_array.items[i] = (int64_t)load_u64(c->base + c->pos + 8 * i);
        c->pos += (size_t)n * 8;
        return VF_OK;
    case VF_T_STR_ARRAY:
        if ((s = read_count(c, MAX_ARRAY_COUNT, 4, &n))) return s;
        m->type = VF_T_STR_ARRAY;
        if (n == 0) return VF_OK;
        m->v.str_array.items = calloc((size_t)n, sizeof(char *));
        if (!m->v.str_array.items) return fail(c, VF_ERR_NOMEM, "out of memory: %s", c->what);
        for (size_t i = 0; i < n; i++) {
            uint32_t len;
            if ((s = read_u32(c, &len, "item length"))) return s;
            if (len > MAX_ARRAY_STR_LEN)
                return fail(c, VF_ERR_CORRUPT, "%s: item %zu is %u bytes, the format allows %u",
                            c->what, i, len, MAX_ARRAY_STR_LEN);
            if ((s = read_text(c, len, &m->v.str_array.items[i], "item"))) return s;
            m->v.str_array.count = i + 1; /* so a failure later frees what was read */
        }
        return VF_OK;
    default:
        return fail(c, VF_ERR_CORRUPT, "%s: unknown value type %u at byte %zu", c->what, type,
                    c->pos - 4);
    }
}

static vf_status parse_meta(cursor *c, vf_file *f, uint64_t n_meta)
{
    if (n_meta > (c->end - c->pos) / MIN_META_ENTRY)
        return fail(c, VF_ERR_CORRUPT,
                    "header says %llu metadata entries but the %zu-byte table holds at most %zu",
                    (unsigned long long)n_meta, c->end - c->pos,
                    (c->end - c->pos) / MIN_META_ENTRY);
    if (n_meta == 0) return VF_OK;
    f->meta = calloc((size_t)n_meta, sizeof *f->meta);
    if (!f->meta)
        return fail(c, VF_ERR_NOMEM, "out of memory for %llu metadata entries",
                    (unsigned long long)n_meta);
    for (size_t i = 0; i < n_meta; i++) {
        vf_meta *m = &f->meta[i];
        f->n_meta = i + 1;
        /* An entry whose value is not read yet must free cleanly: I64 owns nothing. */
        m->type = VF_T_I64;
        snprintf(c->what, sizeof c->what, "metadata entry %zu", i);
        vf_status s = read_name(c, &m->key);
        if (s) return s;
        snprintf(c->what, sizeof c->what, "metadata '%s'", m->key);
        uint32_t type;
        if ((s = read_u32(c, &type, "type"))) return s;
        if ((s = read_meta_value(c, m, type))) return s;
    }
    return VF_OK;
}

static int mul_overflows(uint64_t a, uint64_t b, uint64_t *out)
{
    if (a != 0 && b > UINT64_MAX / a) return 1;
    *out = a * b;
    return 0;
}

/* The byte size that dtype and dims imply, or fails on overflow. */
static vf_status expected_nbytes(cursor *c, const vf_tensor *t, uint64_t *out)
{
    uint64_t count = 1;
    for (int d = 0; d < t->n_dims; d++)
        if (mul_overflows(count, (uint64_t)t->dims[d], &count))
            return fail(c, VF_ERR_CORRUPT, "%s: element count overflows 64 bits", c->what);
    if (t->dtype == VF_F32 || t->dtype == VF_F16) {
        if (mul_overflows(count, t->dtype == VF_F32 ? 4 : 2, out))
            return fail(c, VF_ERR_CORRUPT, "%s: byte size overflows 64 bits", c->what);
        return VF_OK;
    }
    /* int8 [O, K, I]: O rows of K*I bytes, each padded to VF_ALIGN. */
    uint64_t row;
    if (mul_overflows((uint64_t)t->dims[1], (uint64_t)t->dims[2], &row) ||
        row > UINT64_MAX - (VF_ALIGN - 1) ||
        mul_overflows((uint64_t)t->dims[0], (row + VF_ALIGN - 1) / VF_ALIGN * VF_ALIGN, out))
        return fail(c, VF_ERR_CORRUPT, "%s: byte size overflows 64 bits", c->what);
    return VF_OK;
}

static vf_status parse_tensor(cursor *c, vf_tensor *t, size_t data_offset, size_t data_size)
{
    char *name = NULL;
    vf_status s = read_name(c, &name);
    if (s) return s;
    t->name = name;
    snprintf(c->what, sizeof c->what, "tensor '%s'", name);

    uint32_t dtype, n_dims;
    if ((s = read_u32(c, &dtype, "dtype"))) return s;
    if (dtype > VF_I8)
        return fail(c, VF_ERR_CORRUPT, "%s: unknown dtype %u at byte %zu", c->what, dtype,
                    c->pos - 4);
    if ((s = read_u32(c, &n_dims, "dimension count"))) return s;
    if (n_dims < 1 || n_dims > VF_MAX_DIMS)
        return fail(c, VF_ERR_CORRUPT, "%s: %u dimensions, expected 1..%d", c->what, n_dims,
                    VF_MAX_DIMS);
    if (dtype == VF_I8 && n_dims != 3)
        return fail(c, VF_ERR_CORRUPT, "%s: int8 weights need dims [O, K, I], got %u dims", c->what,
                    n_dims);
    t->dtype = (vf_dtype)dtype;
    t->n_dims = (int)n_dims;
    for (uint32_t d = 0; d < n_dims; d++) {
        uint64_t dim;
        if ((s = read_u64(c, &dim, "dimension"))) return s;
        if (dim == 0 || dim > INT64_MAX)
            return fail(c, VF_ERR_CORRUPT, "%s: dimension %u is %llu, expected 1..2^63-1", c->what,
                        d, (unsigned long long)dim);
        t->dims[d] = (int64_t)dim;
    }

    uint64_t offset = 0, nbytes = 0, expected = 0;
    if ((s = read_u64(c, &offset, "offset")) || (s = read_u64(c, &nbytes, "byte size"))) return s;
    if ((s = expected_nbytes(c, t, &expected))) return s;
    if (nbytes != expected)
        return fail(c, VF_ERR_CORRUPT, "%s: %llu bytes, but its dtype and shape need %llu", c->what,
                    (unsigned long long)nbytes, (unsigned long long)expected);
    if (offset % VF_ALIGN)
        return fail(c, VF_ERR_CORRUPT, "%s: data offset %llu is not a multiple of %d", c->what,
                    (unsigned long long)offset, VF_ALIGN);
    if (offset > data_size || nbytes > data_size - offset) {
        /* Both are <= 2^64 - 1 and data_offset is a size_t, so report without overflowing. */
        if (offset > data_size)
            return fail(c, VF_ERR_CORRUPT,
                        "truncated: %s starts %llu bytes into the data section, which is only "
                        "%zu bytes (file is %zu bytes)",
                        c->what, (unsigned long long)offset, data_size, c->file_size);
        return fail(
            c, VF_ERR_CORRUPT, "truncated: %s ends at byte %llu but the file is %zu bytes", c->what,
            (unsigned long long)(data_offset + offset) + (unsigned long long)nbytes, c->file_size);
    }
    t->data = c->base + data_offset + (size_t)offset;
    t->nbytes = nbytes;
    return VF_OK;
}

static int compare_meta_keys(const void *a, const void *b)
{
    return strcmp((*(vf_meta *const *)a)->key, (*(vf_meta *const *)b)->key);
}

static int compare_tensor_names(const void *a, const void *b)
{
    return strcmp((*(vf_tensor *const *)a)->name, (*(vf_tensor *const *)b)->name);
}

static int compare_tensor_data(const void *a, const void *b)
{
    const uint8_t *x = (*(vf_tensor *const *)a)->data, *y = (*(vf_tensor *const *)b)->data;
    return (x > y) - (x < y);
}

/* Sorted indexes for lookup; sorting also finds duplicates (adjacent) in O(n log n), which
 * matters because a hostile file may hold hundreds of thousands of entries. */
static vf_status build_indexes(cursor *c, vf_file *f)
{
    if (f->n_meta) {
        f->meta_by_key = malloc(f->n_meta * sizeof *f->meta_by_key);
        if (!f->meta_by_key) return fail(c, VF_ERR_NOMEM, "out of memory for the metadata index");
        for (size_t i = 0; i < f->n_meta; i++)
            f->meta_by_key[i] = &f->meta[i];
        qsort(f->meta_by_key, f->n_meta, sizeof *f->meta_by_key, compare_meta_keys);
        for (size_t i = 1; i < f->n_meta; i++)
            if (strcmp(f->meta_by_key[i - 1]->key, f->meta_by_key[i]->key) == 0)
                return fail(c, VF_ERR_CORRUPT, "metadata key '%s' appears twice",
                            f->meta_by_key[i]->key);
    }
    if (f->n_tensors == 0) return VF_OK;

    f->tensors_by_name = malloc(f->n_tensors * sizeof *f->tensors_by_name);
    vf_tensor **by_data = malloc(f->n_tensors * sizeof *by_data);
    if (!f->tensors_by_name || !by_data) {
        free(by_data);
        return fail(c, VF_ERR_NOMEM, "out of memory for the tensor index");
    }
    for (size_t i = 0; i < f->n_tensors; i++)
        f->tensors_by_name[i] = by_data[i] = &f->tensors[i];
    qsort(f->tensors_by_name, f->n_tensors, sizeof *by_data, compare_tensor_names);
    qsort(by_data, f->n_tensors, sizeof *by_data, compare_tensor_data);
    vf_status s = VF_OK;
    for (size_t i = 1; i < f->n_tensors && !s; i++) {
        if (strcmp(f->tensors_by_name[i - 1]->name, f->tensors_by_name[i]->name) == 0)
            s = fail(c, VF_ERR_CORRUPT, "tensor name '%s' appears twice",
                     f->tensors_by_name[i]->name);
        else if ((const uint8_t *)by_data[i - 1]->data + by_data[i - 1]->nbytes >
                 (const uint8_t *)by_data[i]->data)
            s = fail(c, VF_ERR_CORRUPT, "tensors '%s' and '%s' overlap in the data section",
                     by_data[i - 1]->name, by_data[i]->name);
    }
    free(by_data);
    return s;
}

static const char *what_magic(void)
{
    return "not a Myna voice file (it does not start with \"MYNAVOX\\0\")";
}

vf_status vf_parse(vf_file *f, char *msg, size_t msg_len)
{
    cursor c = {.base = f->base, .file_size = f->size, .msg = msg, .msg_len = msg_len};
    const size_t size = f->size;
    if (size == 0) return fail(&c, VF_ERR_MAGIC, "empty file (0 bytes), not a Myna voice file");
    if (size < 8) {
        if (memcmp(f->base, VF_MAGIC, size) != 0) return fail(&c, VF_ERR_MAGIC, "%s", what_magic());
        return fail(&c, VF_ERR_CORRUPT, "truncated: file is %zu bytes, the header needs %u", size,
                    HEADER_SIZE);
    }
    if (memcmp(f->base, VF_MAGIC, 8) != 0) return fail(&c, VF_ERR_MAGIC, "%s", what_magic());
    if (size < 12)
        return fail(&c, VF_ERR_CORRUPT, "truncated: file is %zu bytes, the header needs %u", size,
                    HEADER_SIZE);
    f->version = load_u32(f->base + 8);
    if (f->version != VF_VERSION)
        return fail(&c, VF_ERR_VERSION, "format version %u, this reader supports version %d",
                    f->version, VF_VERSION);
    if (size < HEADER_SIZE)
        return fail(&c, VF_ERR_CORRUPT, "truncated: file is %zu bytes, the header needs %u", size,
                    HEADER_SIZE);

    const uint32_t flags = load_u32(f->base + 12);
    const uint64_t n_meta = load_u64(f->base + 16), n_tensors = load_u64(f->base + 24);
    const uint64_t data_offset = load_u64(f->base + 32), data_size = load_u64(f->base + 40);
    if (flags != 0)
        return fail(&c, VF_ERR_CORRUPT, "unknown flags 0x%x (this reader knows none)", flags);
    if (data_offset % VF_ALIGN || data_offset < HEADER_SIZE)
        return fail(&c, VF_ERR_CORRUPT, "data offset %llu is not a multiple of %d past the header",
                    (unsigned long long)data_offset, VF_ALIGN);
    if (data_offset > size)
        return fail(&c, VF_ERR_CORRUPT,
                    "truncated: the data section starts at byte %llu but the file is %zu bytes",
                    (unsigned long long)data_offset, size);
    if (data_size != size - data_offset)
        return fail(&c, VF_ERR_CORRUPT,
                    "header says %llu bytes of tensor data from byte %llu, but the file has %llu "
                    "(file is %zu bytes%s)",
                    (unsigned long long)data_size, (unsigned long long)data_offset,
                    (unsigned long long)(size - data_offset), size,
                    data_size > size - data_offset ? ", truncated?" : "");

    c.pos = HEADER_SIZE;
    c.end = (size_t)data_offset;
    vf_status s = parse_meta(&c, f, n_meta);
    if (s) return s;

    snprintf(c.what, sizeof c.what, "tensor table");
    if (n_tensors > (c.end - c.pos) / MIN_TENSOR_ENTRY)
        return fail(&c, VF_ERR_CORRUPT,
                    "header says %llu tensors but the %zu bytes left in the table hold at most %zu",
                    (unsigned long long)n_tensors, c.end - c.pos,
                    (c.end - c.pos) / MIN_TENSOR_ENTRY);
    if (n_tensors) {
        f->tensors = calloc((size_t)n_tensors, sizeof *f->tensors);
        if (!f->tensors)
            return fail(&c, VF_ERR_NOMEM, "out of memory for %llu tensors",
                        (unsigned long long)n_tensors);
    }
    for (size_t i = 0; i < n_tensors; i++) {
        f->n_tensors = i + 1;
        snprintf(c.what, sizeof c.what, "tensor entry %zu", i);
        if ((s = parse_tensor(&c, &f->tensors[i], (size_t)data_offset, (size_t)data_size)))
            return s;
    }
    return build_indexes(&c, f);
}

void vf_free_tables(vf_file *f)
{
    for (size_t i = 0; i < f->n_meta; i++) {
        vf_meta *m = &f->meta[i];
        free(m->key);
        if (m->type == VF_T_STR) {
            free(m->v.str);
        } else if (m->type == VF_T_I64_ARRAY) {
            free(m->v.i64_array.items);
        } else if (m->type == VF_T_STR_ARRAY) {
            for (size_t k = 0; k < m->v.str_array.count; k++)
                free(m->v.str_array.items[k]);
            free(m->v.str_array.items);
        }
    }
    for (size_t i = 0; i < f->n_tensors; i++)
        free((void *)f->tensors[i].name);
    free(f->meta);
    free(f->meta_by_key);
    free(f->tensors);
    free(f->tensors_by_name);
    f->meta = NULL;
    f->meta_by_key = NULL;
    f->tensors = NULL;
    f->tensors_by_name = NULL;
    f->n_meta = f->n_tensors = 0;
}
