/* Prints everything the C reader sees in a voice file, one item per line, so
 * tests/voice/roundtrip.py can compare it with what the Python writer wrote:
 *   meta KEY i64 V | meta KEY f64 V | meta KEY str HEX | meta KEY i64s N V... |
 *   meta KEY strs N HEX...   (HEX = the UTF-8 bytes in hex, "-" for an empty string)
 *   tensor NAME DTYPE NDIMS DIMS... NBYTES ALIGNED VALUES...   (int8: row padding excluded)
 *   pad NAME ZERO             (int8: 1 if every padding byte is zero)
 *   deq NAME VALUES...        (int8 with NAME minus ".weight" plus ".scale": q * scale)
 * With --describe, prints vf_describe instead. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "synth/voice/voicefile.h"

static void put_hex(const char *s)
{
    if (!*s)
        fputs(" -", stdout);
    else
        fputc(' ', stdout);
    for (; *s; s++)
        printf("%02x", (unsigned char)*s);
}

static float half_to_float(uint16_t h)
{
    int exp = (h >> 10) & 0x1F, mant = h & 0x3FF;
    float v = exp == 0    ? ldexpf((float)mant, -24)
              : exp == 31 ? (mant ? NAN : INFINITY)
                          : ldexpf((float)(mant | 0x400), exp - 25);
    return (h & 0x8000) ? -v : v;
}

static void dump_tensor(const vf_file *f, const vf_tensor *t)
{
    static const char *names[] = {"f32", "f16", "int8"};
    printf("tensor %s %s %d", t->name, names[t->dtype], t->n_dims);
    int64_t count = 1;
    for (int d = 0; d < t->n_dims; d++) {
        printf(" %" PRId64, t->dims[d]);
        count *= t->dims[d];
    }
    printf(" %" PRIu64 " %d", t->nbytes, (int)((uintptr_t)t->data % VF_ALIGN == 0));
    if (t->dtype == VF_F32) {
        for (int64_t i = 0; i < count; i++)
            printf(" %.9g", (double)((const float *)t->data)[i]);
        putchar('\n');
        return;
    }
    if (t->dtype == VF_F16) {
        for (int64_t i = 0; i < count; i++)
            printf(" %.9g", (double)half_to_float(((const uint16_t *)t->data)[i]));
        putchar('\n');
        return;
    }
    const int64_t rows = t->dims[0], row_len = t->dims[1] * t->dims[2];
    const int64_t stride = (row_len + VF_ALIGN - 1) / VF_ALIGN * VF_ALIGN;
    const int8_t *q = t->data;
    int pad_zero = 1;
    for (int64_t r = 0; r < rows; r++) {
        for (int64_t i = 0; i < row_len; i++)
            printf(" %d", q[r * stride + i]);
        for (int64_t i = row_len; i < stride; i++)
            pad_zero &= q[r * stride + i] == 0;
    }
    printf("\npad %s %d\n", t->name, pad_zero);

    char scale_name[300];
    size_t len = strlen(t->name);
    if (len < 7 || strcmp(t->name + len - 7, ".weight") != 0) return;
    snprintf(scale_name, sizeof scale_name, "%.*s.scale", (int)(len - 7), t->name);
    const vf_tensor *s = vf_find_tensor(f, scale_name);
    if (!s || s->dtype != VF_F32 || s->dims[0] != rows) return;
    printf("deq %s", t->name);
    for (int64_t r = 0; r < rows; r++)
        for (int64_t i = 0; i < row_len; i++)
            printf(" %.9g", (double)(q[r * stride + i] * ((const float *)s->data)[r]));
    putchar('\n');
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s VOICE [--describe]\n", argv[0]);
        return 2;
    }
    char err[512];
    vf_file *f;
    vf_status s = vf_open(argv[1], &f, err, sizeof err);
    if (s != VF_OK) {
        fprintf(stderr, "error %d (%s): %s\n", s, vf_strerror(s), err);
        return 1;
    }
    if (argc > 2 && strcmp(argv[2], "--describe") == 0) {
        vf_describe(f, stdout);
        vf_close(f);
        return 0;
    }
    for (size_t i = 0; i < vf_meta_count(f); i++) {
        const char *key;
        vf_type type;
        vf_meta_at(f, i, &key, &type);
        printf("meta %s", key);
        int64_t i64;
        double f64;
        const char *str;
        const int64_t *ia;
        const char *const *sa;
        size_t n;
        switch (type) {
        case VF_T_I64:
            vf_get_i64(f, key, &i64);
            printf(" i64 %" PRId64, i64);
            break;
        case VF_T_F64:
            vf_get_f64(f, key, &f64);
            printf(" f64 %.17g", f64);
            break;
        case VF_T_STR:
            vf_get_str(f, key, &str);
            printf(" str");
            put_hex(str);
            break;
        case VF_T_I64_ARRAY:
            vf_get_i64_array(f, key, &ia, &n);
            printf(" i64s %zu", n);
            for (size_t k = 0; k < n; k++)
                printf(" %" PRId64, ia[k]);
            break;
        case VF_T_STR_ARRAY:
            vf_get_str_array(f, key, &sa, &n);
            printf(" strs %zu", n);
            for (size_t k = 0; k < n; k++)
                put_hex(sa[k]);
            break;
        }
        putchar('\n');
    }
    for (size_t i = 0; i < vf_tensor_count(f); i++)
        dump_tensor(f, vf_tensor_at(f, i));
    vf_close(f);
    return 0;
}
