/* libFuzzer target for the voice file reader: any byte string must either be rejected with
 * an error or open into a file whose every getter and summary stay inside the image. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "synth/voice/voicefile.h"

static void exercise(const vf_file *f, FILE *sink)
{
    for (size_t i = 0; i < vf_meta_count(f); i++) {
        const char *key = NULL;
        vf_type type;
        if (vf_meta_at(f, i, &key, &type) != VF_OK) continue;
        int64_t i64;
        double f64;
        const char *str;
        const int64_t *ints;
        const char *const *strs;
        size_t n = 0;
        vf_get_i64(f, key, &i64);
        vf_get_f64(f, key, &f64);
        if (vf_get_str(f, key, &str) == VF_OK) fputs(str, sink);
        if (vf_get_i64_array(f, key, &ints, &n) == VF_OK && n)
            fprintf(sink, "%lld", (long long)ints[n - 1]);
        if (vf_get_str_array(f, key, &strs, &n) == VF_OK)
            for (size_t k = 0; k < n; k++)
                fputs(strs[k], sink);
    }
    for (size_t i = 0; i < vf_tensor_count(f); i++) {
        const vf_tensor *t = vf_tensor_at(f, i);
        if (vf_find_tensor(f, t->name) != t) __builtin_trap();
        /* Touch the first and last byte so ASan checks the bounds the reader promised. */
        const volatile uint8_t *p = t->data;
        (void)p[0];
        (void)p[t->nbytes - 1];
    }
    vf_find_tensor(f, "");
    vf_describe(f, sink);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[256];
    vf_file *f = NULL;
    if (vf_open_memory(data, size, &f, err, sizeof err) == VF_OK) {
        FILE *sink = fopen("/dev/null", "w");
        if (sink) {
            exercise(f, sink);
            fclose(sink);
        }
        vf_close(f);
    } else if (f != NULL || strlen(err) == 0) {
        __builtin_trap(); /* a failure must leave no handle and say why */
    }
    return 0;
}
