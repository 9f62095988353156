#include "voice_image.h"

#include <stdlib.h>
#include <string.h>

#include "synth/voice/voicefile.h"

static int grow(vi_image *img, size_t extra)
{
    if (img->size + extra <= img->cap) return 0;
    size_t cap = img->cap ? img->cap : 256;
    while (cap < img->size + extra)
        cap *= 2;
    uint8_t *b = realloc(img->bytes, cap), *r;
    if (!b) return -1;
    img->bytes = b;
    r = realloc(img->roles, cap);
    if (!r) return -1;
    img->roles = r;
    img->cap = cap;
    return 0;
}

static int put(vi_image *img, const void *p, size_t n, vi_role role)
{
    if (grow(img, n)) return -1;
    if (p)
        memcpy(img->bytes + img->size, p, n);
    else
        memset(img->bytes + img->size, 0, n);
    memset(img->roles + img->size, role, n);
    img->size += n;
    return 0;
}

static int put_u32(vi_image *img, uint32_t v, vi_role role)
{
    uint8_t b[4];
    for (int i = 0; i < 4; i++)
        b[i] = (uint8_t)(v >> (8 * i));
    return put(img, b, 4, role);
}

static int put_u64(vi_image *img, uint64_t v, vi_role role)
{
    uint8_t b[8];
    for (int i = 0; i < 8; i++)
        b[i] = (uint8_t)(v >> (8 * i));
    return put(img, b, 8, role);
}

void vi_patch_u32(vi_image *img, size_t pos, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        img->bytes[pos + i] = (uint8_t)(v >> (8 * i));
}

void vi_patch_u64(vi_image *img, size_t pos, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        img->bytes[pos + i] = (uint8_t)(v >> (8 * i));
}

uint8_t vi_data_byte(size_t t, uint64_t j)
{
    /* Never 0x80 (-128 as int8), so int8 tensors stay within the format's range. */
    uint8_t b = (uint8_t)(j * 7 + t * 13 + 1);
    return b == 0x80 ? 0x7F : b;
}

static uint64_t tensor_nbytes(const vi_tensor *t)
{
    uint64_t count = 1;
    for (uint32_t d = 0; d < t->n_dims; d++)
        count *= t->dims[d];
    if (t->dtype == VF_F32) return 4 * count;
    if (t->dtype == VF_F16) return 2 * count;
    return t->dims[0] * ((t->dims[1] * t->dims[2] + 63) / 64 * 64);
}

uint64_t vi_layout(vi_tensor *tensors, size_t n)
{
    uint64_t end = 0;
    for (size_t i = 0; i < n; i++) {
        tensors[i].offset = (end + 63) / 64 * 64;
        tensors[i].nbytes = tensor_nbytes(&tensors[i]);
        end = tensors[i].offset + tensors[i].nbytes;
    }
    return end;
}

static int put_meta(vi_image *img, const vi_meta *m)
{
    size_t klen = strlen(m->key);
    int e = put_u32(img, (uint32_t)klen, VI_STRUCT) || put(img, m->key, klen, VI_TEXT) ||
            put_u32(img, m->type, VI_TYPE);
    switch (m->type) {
    case VF_T_I64:
        return e | put_u64(img, (uint64_t)m->i64, VI_VALUE);
    case VF_T_F64: {
        uint64_t bits;
        memcpy(&bits, &m->f64, 8);
        return e | put_u64(img, bits, VI_VALUE);
    }
    case VF_T_STR: {
        size_t len = strlen(m->str);
        return e | put_u64(img, m->count_override ? m->count_override : len, VI_STRUCT) ||
               put(img, m->str, len, VI_TEXT);
    }
    case VF_T_I64_ARRAY:
        e |= put_u64(img, m->count_override ? m->count_override : m->count, VI_STRUCT);
        for (size_t i = 0; i < m->count; i++)
            e |= put_u64(img, (uint64_t)m->i64s[i], VI_VALUE);
        return e;
    case VF_T_STR_ARRAY:
        e |= put_u64(img, m->count_override ? m->count_override : m->count, VI_STRUCT);
        for (size_t i = 0; i < m->count; i++) {
            size_t len = strlen(m->strs[i]);
            e |= put_u32(img, (uint32_t)len, VI_STRUCT) || put(img, m->strs[i], len, VI_TEXT);
        }
        return e;
    default: /* unknown type: write 8 value bytes so only the type is wrong */
        return e | put_u64(img, 0, VI_VALUE);
    }
}

int vi_build(vi_image *img, const vi_meta *meta, size_t n_meta, const vi_tensor *tensors,
             size_t n_tensors, uint64_t data_size)
{
    memset(img, 0, sizeof *img);
    int e = put(img, VF_MAGIC, 8, VI_STRUCT) || put_u32(img, VF_VERSION, VI_STRUCT) ||
            put_u32(img, 0, VI_STRUCT) || put_u64(img, n_meta, VI_STRUCT) ||
            put_u64(img, n_tensors, VI_STRUCT) || put_u64(img, 0, VI_STRUCT) ||
            put_u64(img, data_size, VI_STRUCT);
    for (size_t i = 0; i < n_meta; i++)
        e |= put_meta(img, &meta[i]);
    for (size_t i = 0; i < n_tensors; i++) {
        const vi_tensor *t = &tensors[i];
        size_t len = strlen(t->name);
        e |= put_u32(img, (uint32_t)len, VI_STRUCT) || put(img, t->name, len, VI_TEXT) ||
             put_u32(img, t->dtype, VI_STRUCT) || put_u32(img, t->n_dims, VI_STRUCT);
        for (uint32_t d = 0; d < t->n_dims; d++) /* n_dims may be invalid (> 4) on purpose */
            e |= put_u64(img, d < 4 ? t->dims[d] : 1, VI_STRUCT);
        e |= put_u64(img, t->offset, VI_STRUCT) || put_u64(img, t->nbytes, VI_STRUCT);
    }
    if (e) return -1;
    size_t data_offset = (img->size + 63) / 64 * 64;
    vi_patch_u64(img, 32, data_offset);
    if (put(img, NULL, data_offset - img->size, VI_PAD) || put(img, NULL, data_size, VI_DATA))
        return -1;
    for (size_t i = 0; i < n_tensors; i++) {
        const vi_tensor *t = &tensors[i];
        if (t->offset > data_size || t->nbytes > data_size - t->offset) continue;
        for (uint64_t j = 0; j < t->nbytes; j++)
            img->bytes[data_offset + t->offset + j] = vi_data_byte(i, j);
    }
    return 0;
}

void vi_free(vi_image *img)
{
    free(img->bytes);
    free(img->roles);
    memset(img, 0, sizeof *img);
}

static const int64_t std_dilations[] = {1, 2, 4, -8, INT64_MIN};
static const char *const std_symbols[] = {"_", "^", "\xc9\x99" /* schwa */, "", "ab"};

const vi_meta vi_std_meta[] = {
    {.key = "general.name", .type = VF_T_STR, .str = "test voice"},
    {.key = "audio.sample_rate", .type = VF_T_I64, .i64 = 22050},
    {.key = "mel.fmax", .type = VF_T_F64, .f64 = 8000.25},
    {.key = "vocoder.dilations", .type = VF_T_I64_ARRAY, .i64s = std_dilations, .count = 5},
    {.key = "phonemes.symbols", .type = VF_T_STR_ARRAY, .strs = std_symbols, .count = 5},
    {.key = "general.model_card", .type = VF_T_STR, .str = "# Card title\nSecond line."},
    {.key = "empty.list", .type = VF_T_I64_ARRAY, .count = 0},
};
const size_t vi_std_meta_count = sizeof vi_std_meta / sizeof vi_std_meta[0];

/* int8 K*I is exactly 64: any single change of K or I changes nbytes, so the mutation
 * test can demand that every dims corruption is rejected. */
static const vi_tensor std_tensors[] = {
    {.name = "emb", .dtype = VF_F32, .n_dims = 2, .dims = {3, 5}},
    {.name = "half", .dtype = VF_F16, .n_dims = 3, .dims = {2, 3, 2}},
    {.name = "lin.weight", .dtype = VF_I8, .n_dims = 3, .dims = {2, 2, 32}},
    {.name = "lin.scale", .dtype = VF_F32, .n_dims = 1, .dims = {2}},
    {.name = "four.d", .dtype = VF_F32, .n_dims = 4, .dims = {1, 2, 1, 3}},
};
const size_t vi_std_tensor_count = sizeof std_tensors / sizeof std_tensors[0];

uint64_t vi_std_tensors(vi_tensor *out)
{
    memcpy(out, std_tensors, sizeof std_tensors);
    return vi_layout(out, vi_std_tensor_count);
}
