#include "model_voice.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    char *name;
    int is_tensor;
    /* metadata */
    vf_type type;
    int64_t i64;
    double f64;
    char *str;
    int64_t *i64s;
    char **strs;
    size_t count;
    /* tensor */
    vf_dtype dtype;
    int n_dims;
    int64_t dims[VF_MAX_DIMS];
    void *data;
    size_t nbytes;
} mv_entry;

struct mv_voice {
    mv_entry *e;
    size_t n, cap;
};

mv_voice *mv_new(void)
{
    return calloc(1, sizeof(mv_voice));
}

static void entry_clear(mv_entry *e)
{
    free(e->name);
    free(e->str);
    free(e->i64s);
    for (size_t i = 0; e->strs && i < e->count; i++)
        free(e->strs[i]);
    free(e->strs);
    free(e->data);
    memset(e, 0, sizeof *e);
}

void mv_free(mv_voice *v)
{
    if (!v) return;
    for (size_t i = 0; i < v->n; i++)
        entry_clear(&v->e[i]);
    free(v->e);
    free(v);
}

static char *dup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d) memcpy(d, s, n);
    return d;
}

/* The entry called name (cleared, name kept), or a new one at the end. */
static mv_entry *slot(mv_voice *v, const char *name, int is_tensor)
{
    for (size_t i = 0; i < v->n; i++)
        if (v->e[i].is_tensor == is_tensor && !strcmp(v->e[i].name, name)) {
            char *keep = v->e[i].name;
            v->e[i].name = NULL;
            entry_clear(&v->e[i]);
            v->e[i].name = keep;
            v->e[i].is_tensor = is_tensor;
            return &v->e[i];
        }
    if (v->n == v->cap) {
        size_t cap = v->cap ? 2 * v->cap : 32;
        mv_entry *e = realloc(v->e, cap * sizeof *e);
        if (!e) return NULL;
        v->e = e;
        v->cap = cap;
    }
    mv_entry *e = &v->e[v->n];
    memset(e, 0, sizeof *e);
    e->name = dup(name);
    if (!e->name) return NULL;
    e->is_tensor = is_tensor;
    v->n++;
    return e;
}

int mv_set_i64(mv_voice *v, const char *key, int64_t value)
{
    mv_entry *e = slot(v, key, 0);
    if (!e) return -1;
    e->type = VF_T_I64;
    e->i64 = value;
    return 0;
}

int mv_set_f64(mv_voice *v, const char *key, double value)
{
    mv_entry *e = slot(v, key, 0);
    if (!e) return -1;
    e->type = VF_T_F64;
    e->f64 = value;
    return 0;
}

static int set_str(mv_voice *v, const char *key, const char *value)
{
    mv_entry *e = slot(v, key, 0);
    if (!e) return -1;
    e->type = VF_T_STR;
    e->str = dup(value);
    return e->str ? 0 : -1;
}

int mv_set_i64_array(mv_voice *v, const char *key, const int64_t *values, size_t n)
{
    mv_entry *e = slot(v, key, 0);
    if (!e) return -1;
    e->type = VF_T_I64_ARRAY;
    e->i64s = malloc((n ? n : 1) * sizeof *e->i64s);
    if (!e->i64s) return -1;
    if (n) memcpy(e->i64s, values, n * sizeof *values);
    e->count = n;
    return 0;
}

int mv_set_str_array(mv_voice *v, const char *key, const char *const *values, size_t n)
{
    mv_entry *e = slot(v, key, 0);
    if (!e) return -1;
    e->type = VF_T_STR_ARRAY;
    e->strs = calloc(n ? n : 1, sizeof *e->strs);
    if (!e->strs) return -1;
    e->count = n;
    for (size_t i = 0; i < n; i++)
        if (!(e->strs[i] = dup(values[i]))) return -1;
    return 0;
}

int mv_set_tensor(mv_voice *v, const char *name, vf_dtype dtype, int n_dims, const int64_t *dims,
                  const void *data, size_t nbytes)
{
    mv_entry *e = slot(v, name, 1);
    if (!e) return -1;
    e->dtype = dtype;
    e->n_dims = n_dims;
    for (int i = 0; i < n_dims; i++)
        e->dims[i] = dims[i];
    e->data = malloc(nbytes ? nbytes : 1);
    if (!e->data) return -1;
    if (nbytes) memcpy(e->data, data, nbytes);
    e->nbytes = nbytes;
    return 0;
}

int mv_set_f32_fill(mv_voice *v, const char *name, int n_dims, const int64_t *dims, float value)
{
    size_t n = 1;
    for (int i = 0; i < n_dims; i++)
        n *= (size_t)dims[i];
    float *d = malloc((n ? n : 1) * sizeof *d);
    if (!d) return -1;
    for (size_t i = 0; i < n; i++)
        d[i] = value;
    int rc = mv_set_tensor(v, name, VF_F32, n_dims, dims, d, n * sizeof *d);
    free(d);
    return rc;
}

int mv_remove(mv_voice *v, const char *name)
{
    for (size_t i = 0; i < v->n; i++)
        if (!strcmp(v->e[i].name, name)) {
            entry_clear(&v->e[i]);
            memmove(&v->e[i], &v->e[i + 1], (v->n - i - 1) * sizeof *v->e);
            v->n--;
            return 0;
        }
    return -1;
}

mv_voice *mv_copy(const vf_file *f)
{
    mv_voice *v = mv_new();
    if (!v) return NULL;
    int rc = 0;
    for (size_t i = 0; !rc && i < vf_meta_count(f); i++) {
        const char *key;
        vf_type type;
        if (vf_meta_at(f, i, &key, &type) != VF_OK)
            rc = -1;
        else if (type == VF_T_I64) {
            int64_t x = 0;
            vf_get_i64(f, key, &x);
            rc = mv_set_i64(v, key, x);
        } else if (type == VF_T_F64) {
            double x = 0;
            vf_get_f64(f, key, &x);
            rc = mv_set_f64(v, key, x);
        } else if (type == VF_T_STR) {
            const char *s = "";
            vf_get_str(f, key, &s);
            rc = set_str(v, key, s);
        } else if (type == VF_T_I64_ARRAY) {
            const int64_t *a = NULL;
            size_t n = 0;
            vf_get_i64_array(f, key, &a, &n);
            rc = mv_set_i64_array(v, key, a, n);
        } else {
            const char *const *a = NULL;
            size_t n = 0;
            vf_get_str_array(f, key, &a, &n);
            rc = mv_set_str_array(v, key, a, n);
        }
    }
    for (size_t i = 0; !rc && i < vf_tensor_count(f); i++) {
        const vf_tensor *t = vf_tensor_at(f, i);
        rc = mv_set_tensor(v, t->name, t->dtype, t->n_dims, t->dims, t->data, t->nbytes);
    }
    if (rc) {
        mv_free(v);
        return NULL;
    }
    return v;
}

/* Growing byte buffer for serialisation. */
typedef struct {
    uint8_t *p;
    size_t n, cap;
    int failed;
} out_buf;

static void put(out_buf *b, const void *src, size_t n)
{
    if (b->failed) return;
    if (b->n + n > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->n + n)
            cap *= 2;
        uint8_t *p = realloc(b->p, cap);
        if (!p) {
            b->failed = 1;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
    if (src)
        memcpy(b->p + b->n, src, n);
    else
        memset(b->p + b->n, 0, n);
    b->n += n;
}

/* Little-endian host assumed (x86-64, aarch64): values are copied as they are. */
static void put_u32(out_buf *b, uint32_t x)
{
    put(b, &x, 4);
}

static void put_u64(out_buf *b, uint64_t x)
{
    put(b, &x, 8);
}

static void put_name(out_buf *b, const char *s)
{
    put_u32(b, (uint32_t)strlen(s));
    put(b, s, strlen(s));
}

static size_t align64(size_t x)
{
    return (x + 63) / 64 * 64;
}

int mv_open(const mv_voice *v, vf_file **out, void **image, char *err, size_t err_len)
{
    out_buf b = {0};
    size_t n_meta = 0, n_tensors = 0, data_size = 0;
    for (size_t i = 0; i < v->n; i++) {
        if (v->e[i].is_tensor) {
            n_tensors++;
            data_size = align64(data_size) + v->e[i].nbytes;
        } else {
            n_meta++;
        }
    }
    data_size = align64(data_size);
    put(&b, VF_MAGIC, 8);
    put_u32(&b, VF_VERSION);
    put_u32(&b, 0);
    put_u64(&b, n_meta);
    put_u64(&b, n_tensors);
    size_t data_offset_pos = b.n;
    put_u64(&b, 0);
    put_u64(&b, data_size);
    for (size_t i = 0; i < v->n; i++) {
        const mv_entry *e = &v->e[i];
        if (e->is_tensor) continue;
        put_name(&b, e->name);
        put_u32(&b, e->type);
        switch (e->type) {
        case VF_T_I64:
            put(&b, &e->i64, 8);
            break;
        case VF_T_F64:
            put(&b, &e->f64, 8);
            break;
        case VF_T_STR:
            put_u64(&b, strlen(e->str));
            put(&b, e->str, strlen(e->str));
            break;
        case VF_T_I64_ARRAY:
            put_u64(&b, e->count);
            put(&b, e->i64s, e->count * 8);
            break;
        case VF_T_STR_ARRAY:
            put_u64(&b, e->count);
            for (size_t j = 0; j < e->count; j++)
                put_name(&b, e->strs[j]);
            break;
        }
    }
    size_t offset = 0;
    for (size_t i = 0; i < v->n; i++) {
        const mv_entry *e = &v->e[i];
        if (!e->is_tensor) continue;
        put_name(&b, e->name);
        put_u32(&b, e->dtype);
        put_u32(&b, (uint32_t)e->n_dims);
        for (int d = 0; d < e->n_dims; d++)
            put_u64(&b, (uint64_t)e->dims[d]);
        offset = align64(offset);
        put_u64(&b, offset);
        put_u64(&b, e->nbytes);
        offset += e->nbytes;
    }
    size_t data_offset = align64(b.n);
    put(&b, NULL, data_offset - b.n);
    offset = 0;
    for (size_t i = 0; i < v->n; i++) {
        const mv_entry *e = &v->e[i];
        if (!e->is_tensor) continue;
        put(&b, NULL, align64(offset) - offset);
        offset = align64(offset);
        put(&b, e->data, e->nbytes);
        offset += e->nbytes;
    }
    put(&b, NULL, data_size - offset);
    if (b.failed) {
        free(b.p);
        return VF_ERR_NOMEM;
    }
    uint64_t dof = data_offset;
    memcpy(b.p + data_offset_pos, &dof, 8);
    /* vf_open_memory wants 64-byte aligned tensors in memory: copy into an aligned block. */
    void *img = NULL;
    if (posix_memalign(&img, 64, b.n ? b.n : 64)) {
        free(b.p);
        return VF_ERR_NOMEM;
    }
    memcpy(img, b.p, b.n);
    free(b.p);
    int rc = vf_open_memory(img, b.n, out, err, err_len);
    if (rc != VF_OK) {
        free(img);
        *image = NULL;
        return rc;
    }
    *image = img;
    return rc;
}

const char *mv_fixture_path(const char *name, char *buf, size_t len)
{
    const char *src = getenv("MYNA_SOURCE_DIR");
    snprintf(buf, len, "%s/tests/models/fixtures/%s", src && *src ? src : ".", name);
    return buf;
}

vf_file *mv_open_fixture(const char *name)
{
    char path[1024], err[256] = "";
    vf_file *f = NULL;
    if (vf_open(mv_fixture_path(name, path, sizeof path), &f, err, sizeof err) != VF_OK)
        fprintf(stderr, "cannot open %s: %s\n", path, err);
    return f;
}
