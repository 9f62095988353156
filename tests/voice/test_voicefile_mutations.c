/* Systematic corruption of a valid image: every truncation, every bit flip (and byte
 * inversion) of the header and tables, every data byte, and seeded random multi-byte damage.
 * Each image is opened from an exact-size heap block so a read past the end is caught by
 * AddressSanitizer. Structural bytes must never be accepted after corruption; content bytes
 * (values, names, tensor data) may be. */
#include "check.h"
#include "voice_image.h"

#include <stdlib.h>
#include <string.h>

#include "synth/voice/voicefile.h"

static FILE *devnull;

/* Opens bytes[0..n) from a 64-aligned block of exactly n bytes. On success every getter and
 * the describer run over the whole file. */
static vf_status open_exact(const uint8_t *bytes, size_t n, char *err, size_t err_len,
                            uint64_t counts[2])
{
    void *block = NULL;
    if (n && posix_memalign(&block, VF_ALIGN, n) != 0) return VF_ERR_NOMEM;
    if (n) memcpy(block, bytes, n);
    vf_file *f = NULL;
    vf_status s = vf_open_memory(block, n, &f, err, err_len);
    if (s == VF_OK) {
        CHECK(f != NULL);
        for (size_t i = 0; i < vf_meta_count(f); i++) {
            const char *key;
            vf_type type;
            CHECK(vf_meta_at(f, i, &key, &type) == VF_OK);
            int64_t i64;
            double f64;
            const char *str;
            const int64_t *ia;
            const char *const *sa;
            size_t count;
            vf_status got[] = {vf_get_i64(f, key, &i64), vf_get_f64(f, key, &f64),
                               vf_get_str(f, key, &str), vf_get_i64_array(f, key, &ia, &count),
                               vf_get_str_array(f, key, &sa, &count)};
            CHECK(got[type] == VF_OK);
            if (type == VF_T_STR_ARRAY)
                for (size_t k = 0; k < count; k++)
                    CHECK(strlen(sa[k]) < 65536);
        }
        for (size_t i = 0; i < vf_tensor_count(f); i++) {
            const vf_tensor *t = vf_tensor_at(f, i);
            CHECK(vf_find_tensor(f, t->name) == t);
            const uint8_t *p = t->data;
            CHECK(p >= (const uint8_t *)block && p + t->nbytes <= (const uint8_t *)block + n);
        }
        vf_describe(f, devnull);
        if (counts) {
            counts[0] = vf_meta_count(f);
            counts[1] = vf_tensor_count(f);
        }
        vf_close(f);
    } else {
        CHECK(f == NULL);
    }
    free(block);
    return s;
}

static void test_truncations(const vi_image *img)
{
    char err[256];
    int accepted = 0;
    for (size_t len = 0; len < img->size; len++) {
        if (open_exact(img->bytes, len, err, sizeof err, NULL) == VF_OK) {
            accepted++;
            fprintf(stderr, "truncation to %zu of %zu bytes accepted\n", len, img->size);
        }
        /* Every message is a non-empty sentence. */
        CHECK(err[0] != '\0');
    }
    CHECK_MSG(accepted == 0, "%d truncations accepted", accepted);
    CHECK(open_exact(img->bytes, img->size, err, sizeof err, NULL) == VF_OK);
}

static int is_ascii_text_ok(uint8_t b)
{
    return b != 0 && b < 0x80;
}

/* Position of the first byte of the u32 type field containing pos. */
static size_t type_field_start(const vi_image *img, size_t pos)
{
    while (pos > 0 && img->roles[pos - 1] == VI_TYPE)
        pos--;
    return pos;
}

static uint32_t load_u32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t load_u64(const uint8_t *p)
{
    return (uint64_t)load_u32(p) | (uint64_t)load_u32(p + 4) << 32;
}

static void test_flips(vi_image *img)
{
    static const uint8_t masks[] = {1, 2, 4, 8, 16, 32, 64, 128, 0xFF};
    char err[256];
    int wrong = 0, tried = 0, accepted = 0;
    for (size_t pos = 0; pos < img->size; pos++) {
        const vi_role role = img->roles[pos];
        const uint8_t orig = img->bytes[pos];
        for (size_t m = 0; m < sizeof masks; m++) {
            if (role == VI_DATA && masks[m] != 0xFF) continue; /* data: one flip per byte */
            img->bytes[pos] = orig ^ masks[m];
            const uint8_t now = img->bytes[pos];
            uint64_t counts[2] = {0, 0};
            int ok = open_exact(img->bytes, img->size, err, sizeof err, counts) == VF_OK;
            int must_fail = 0, must_pass = 0;
            switch (role) {
            case VI_STRUCT:
                if (pos >= 16 && pos < 32) {
                    /* Fewer metadata entries or tensors than written is a valid, smaller
                     * file (the table may end before data_offset); more never fits. */
                    size_t field = (pos - 16) / 8;
                    uint64_t written = load_u64(img->bytes + 16 + 8 * field);
                    img->bytes[pos] = orig;
                    uint64_t before = load_u64(img->bytes + 16 + 8 * field);
                    img->bytes[pos] = now;
                    must_fail = written > before;
                    if (ok && !must_fail)
                        CHECK_MSG(counts[field] == written, "count %llu read as %llu",
                                  (unsigned long long)written, (unsigned long long)counts[field]);
                } else {
                    must_fail = 1;
                }
                break;
            case VI_TYPE: {
                size_t start = type_field_start(img, pos);
                uint32_t new_type = load_u32(img->bytes + start);
                img->bytes[pos] = orig;
                uint32_t old_type = load_u32(img->bytes + start);
                img->bytes[pos] = now;
                /* i64 <-> f64 keeps the 8-byte value: a different but valid file. Other
                 * known types may reread the bytes validly (an empty array has the same 8
                 * zero bytes as an empty string); unknown types never pass. */
                must_pass = old_type <= 1 && new_type <= 1;
                must_fail = new_type > VF_T_STR_ARRAY;
                break;
            }
            case VI_TEXT:
                must_fail = is_ascii_text_ok(orig) && !is_ascii_text_ok(now);
                break;
            case VI_VALUE:
            case VI_DATA:
                must_pass = 1;
                break;
            case VI_PAD:
                break;
            }
            tried++;
            accepted += ok;
            if ((must_fail && ok) || (must_pass && !ok)) {
                wrong++;
                fprintf(stderr, "byte %zu (role %d) 0x%02x -> 0x%02x: %s (%s)\n", pos, role, orig,
                        now, ok ? "accepted" : "rejected", err);
            }
        }
        img->bytes[pos] = orig;
    }
    printf("flips: %d tried, %d accepted, %d wrong\n", tried, accepted, wrong);
    CHECK_MSG(wrong == 0, "%d flips handled wrongly", wrong);
}

/* splitmix64: a fixed, portable sequence so failures reproduce. */
static uint64_t next_random(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static void test_random_damage(const vi_image *img)
{
    char err[256];
    uint8_t *copy = malloc(img->size);
    uint64_t rng = 12345;
    size_t table_end = 0;
    for (size_t i = 0; i < img->size; i++)
        if (img->roles[i] != VI_DATA && img->roles[i] != VI_PAD) table_end = i + 1;
    int accepted = 0;
    for (int iter = 0; iter < 20000 && copy; iter++) {
        memcpy(copy, img->bytes, img->size);
        int edits = 1 + (int)(next_random(&rng) % 6);
        for (int e = 0; e < edits; e++) {
            uint64_t r = next_random(&rng);
            size_t pos = (size_t)(r % table_end);
            /* Mix of random bytes and boundary values (0, 0xFF) typical of length bugs. */
            copy[pos] = (r >> 32) % 3 == 0 ? 0xFF : (r >> 32) % 3 == 1 ? 0 : (uint8_t)(r >> 40);
        }
        size_t len = img->size;
        if (next_random(&rng) % 4 == 0) len = (size_t)(next_random(&rng) % (img->size + 1));
        accepted += open_exact(copy, len, err, sizeof err, NULL) == VF_OK;
    }
    printf("random damage: 20000 images, %d accepted\n", accepted);
    free(copy);
}

int main(void)
{
    devnull = fopen("/dev/null", "w");
    CHECK(devnull != NULL);
    if (!devnull) return check_summary("test_voicefile_mutations");
    vi_tensor tensors[8];
    uint64_t data_size = vi_std_tensors(tensors);
    vi_image img;
    CHECK(vi_build(&img, vi_std_meta, vi_std_meta_count, tensors, vi_std_tensor_count, data_size) ==
          0);
    printf("image: %zu bytes\n", img.size);
    test_truncations(&img);
    test_flips(&img);
    test_random_damage(&img);
    vi_free(&img);
    fclose(devnull);
    return check_summary("test_voicefile_mutations");
}
