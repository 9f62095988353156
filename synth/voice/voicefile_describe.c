/* Human-readable summary of a voice file; backs `myna --voice-info FILE`. Long strings (model
 * cards, symbol tables) are shortened so the summary stays one screen of tables. */
#include "synth/voice/voicefile_internal.h"

#include <inttypes.h>
#include <string.h>

#define SHOW_CHARS 60 /* bytes of a string shown before "..." */
#define SHOW_ITEMS 8  /* array items shown before "..." */

/* Prints the first line of s, at most SHOW_CHARS bytes (cut on a UTF-8 boundary), quoted,
 * with control characters replaced so the output stays one line. */
static void put_short_string(FILE *out, const char *s)
{
    size_t len = strcspn(s, "\r\n");
    int cut = s[len] != '\0';
    if (len > SHOW_CHARS) {
        len = SHOW_CHARS;
        while (len > 0 && ((unsigned char)s[len] & 0xC0) == 0x80)
            len--;
        cut = 1;
    }
    fputc('"', out);
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)s[i];
        fputc(ch < 0x20 || ch == 0x7F ? '?' : ch, out);
    }
    fputc('"', out);
    if (cut) fprintf(out, "... (%zu bytes)", strlen(s));
}

static void put_meta_value(FILE *out, const vf_meta *m)
{
    switch (m->type) {
    case VF_T_I64:
        fprintf(out, "i64     %" PRId64, m->v.i64);
        break;
    case VF_T_F64:
        fprintf(out, "f64     %.9g", m->v.f64);
        break;
    case VF_T_STR:
        fprintf(out, "str     ");
        put_short_string(out, m->v.str);
        break;
    case VF_T_I64_ARRAY: {
        size_t n = m->v.i64_array.count;
        char label[32];
        snprintf(label, sizeof label, "i64[%zu]", n);
        fprintf(out, "%-7s", label);
        for (size_t i = 0; i < n && i < SHOW_ITEMS; i++)
            fprintf(out, " %" PRId64, m->v.i64_array.items[i]);
        if (n > SHOW_ITEMS) fprintf(out, " ...");
        break;
    }
    case VF_T_STR_ARRAY: {
        size_t n = m->v.str_array.count;
        char label[32];
        snprintf(label, sizeof label, "str[%zu]", n);
        fprintf(out, "%-7s", label);
        for (size_t i = 0; i < n && i < SHOW_ITEMS; i++) {
            fputc(' ', out);
            put_short_string(out, m->v.str_array.items[i]);
        }
        if (n > SHOW_ITEMS) fprintf(out, " ...");
        break;
    }
    }
    fputc('\n', out);
}

static const char *dtype_name(vf_dtype d)
{
    return d == VF_F32 ? "f32" : d == VF_F16 ? "f16" : "int8";
}

static uint64_t element_count(const vf_tensor *t)
{
    uint64_t n = 1;
    for (int d = 0; d < t->n_dims; d++)
        n *= (uint64_t)t->dims[d]; /* validated at open: cannot overflow */
    return n;
}

static void put_bytes(FILE *out, uint64_t bytes)
{
    if (bytes >= (1u << 20))
        fprintf(out, "%.2f MiB", (double)bytes / (1u << 20));
    else if (bytes >= (1u << 10))
        fprintf(out, "%.1f KiB", (double)bytes / (1u << 10));
    else
        fprintf(out, "%" PRIu64 " B", bytes);
}

void vf_describe(const vf_file *f, FILE *out)
{
    if (!f || !out) return;
    fprintf(out, "Myna voice file, format version %" PRIu32 ", %zu bytes (", f->version, f->size);
    put_bytes(out, f->size);
    fprintf(out, ")\n\nmetadata (%zu entries):\n", f->n_meta);
    for (size_t i = 0; i < f->n_meta; i++) {
        fprintf(out, "  %-32s ", f->meta[i].key);
        put_meta_value(out, &f->meta[i]);
    }

    fprintf(out, "\ntensors (%zu):\n  %-32s %-5s %-24s %12s\n", f->n_tensors, "name", "dtype",
            "shape", "bytes");
    uint64_t params = 0, bytes[3] = {0, 0, 0};
    for (size_t i = 0; i < f->n_tensors; i++) {
        const vf_tensor *t = &f->tensors[i];
        char shape[128];
        int used = snprintf(shape, sizeof shape, "[");
        for (int d = 0; d < t->n_dims && used > 0 && (size_t)used < sizeof shape; d++)
            used += snprintf(shape + used, sizeof shape - (size_t)used, "%s%" PRId64, d ? ", " : "",
                             t->dims[d]);
        if (used > 0 && (size_t)used < sizeof shape)
            snprintf(shape + used, sizeof shape - (size_t)used, "]");
        fprintf(out, "  %-32s %-5s %-24s %12" PRIu64 "\n", t->name, dtype_name(t->dtype), shape,
                t->nbytes);
        params += element_count(t);
        bytes[t->dtype] += t->nbytes;
    }
    fprintf(out, "\ntotal: %zu tensors, %" PRIu64 " parameters, ", f->n_tensors, params);
    put_bytes(out, bytes[VF_F32] + bytes[VF_F16] + bytes[VF_I8]);
    fprintf(out, " of tensor data (f32 ");
    put_bytes(out, bytes[VF_F32]);
    fprintf(out, ", f16 ");
    put_bytes(out, bytes[VF_F16]);
    fprintf(out, ", int8 ");
    put_bytes(out, bytes[VF_I8]);
    fprintf(out, ")\n");
}
