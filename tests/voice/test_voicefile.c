/* Reader tests on hand-built images: a valid voice through every getter, then one targeted
 * corruption per rule of docs/voice-format.md, then the file-system paths of vf_open. */
#include "check.h"
#include "voice_image.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "synth/voice/voicefile.h"

static char err[512];

static vf_status open_image(const vi_image *img, vf_file **f)
{
    return vf_open_memory(img->bytes, img->size, f, err, sizeof err);
}

static vi_tensor std_t[8];
static uint64_t std_data_size;

static int build_std(vi_image *img)
{
    return vi_build(img, vi_std_meta, vi_std_meta_count, std_t, vi_std_tensor_count, std_data_size);
}

static void check_tensor_bytes(const vf_tensor *t, size_t index)
{
    int same = 1;
    for (uint64_t j = 0; j < t->nbytes; j++)
        same &= ((const uint8_t *)t->data)[j] == vi_data_byte(index, j);
    CHECK_MSG(same, "tensor '%s' data differs from what was written", t->name);
}

static void test_valid_image(void)
{
    vi_image img;
    CHECK(build_std(&img) == 0);
    vf_file *f = NULL;
    vf_status s = open_image(&img, &f);
    CHECK_MSG(s == VF_OK, "%s", err);
    if (s != VF_OK) {
        vi_free(&img);
        return;
    }
    CHECK(vf_version(f) == 1);
    CHECK(vf_file_size(f) == img.size);

    int64_t i64 = 0;
    double f64 = 0;
    const char *str = NULL;
    const int64_t *ia = NULL;
    const char *const *sa = NULL;
    size_t n = 99;
    CHECK(vf_get_i64(f, "audio.sample_rate", &i64) == VF_OK && i64 == 22050);
    CHECK(vf_get_f64(f, "mel.fmax", &f64) == VF_OK && f64 == 8000.25);
    CHECK(vf_get_f64(f, "audio.sample_rate", &f64) == VF_OK && f64 == 22050.0);
    CHECK(vf_get_str(f, "general.name", &str) == VF_OK && strcmp(str, "test voice") == 0);
    CHECK(vf_get_str(f, "general.model_card", &str) == VF_OK &&
          strcmp(str, "# Card title\nSecond line.") == 0);
    CHECK(vf_get_i64_array(f, "vocoder.dilations", &ia, &n) == VF_OK && n == 5);
    if (n == 5) CHECK(ia[0] == 1 && ia[1] == 2 && ia[2] == 4 && ia[3] == -8 && ia[4] == INT64_MIN);
    CHECK(vf_get_i64_array(f, "empty.list", &ia, &n) == VF_OK && n == 0);
    CHECK(vf_get_str_array(f, "phonemes.symbols", &sa, &n) == VF_OK && n == 5);
    if (n == 5)
        CHECK(strcmp(sa[0], "_") == 0 && strcmp(sa[1], "^") == 0 &&
              strcmp(sa[2], "\xc9\x99") == 0 && sa[3][0] == '\0' && strcmp(sa[4], "ab") == 0);

    /* Missing keys and wrong types are errors, not crashes. */
    CHECK(vf_get_i64(f, "no.such.key", &i64) == VF_ERR_NOT_FOUND);
    CHECK(vf_get_i64(f, "", &i64) == VF_ERR_NOT_FOUND);
    CHECK(vf_get_i64(f, "mel.fmax", &i64) == VF_ERR_TYPE);
    CHECK(vf_get_f64(f, "general.name", &f64) == VF_ERR_TYPE);
    CHECK(vf_get_str(f, "audio.sample_rate", &str) == VF_ERR_TYPE);
    CHECK(vf_get_i64_array(f, "phonemes.symbols", &ia, &n) == VF_ERR_TYPE);
    CHECK(vf_get_str_array(f, "vocoder.dilations", &sa, &n) == VF_ERR_TYPE);
    CHECK(vf_get_str_array(f, "audio", &sa, &n) == VF_ERR_NOT_FOUND);

    CHECK(vf_meta_count(f) == vi_std_meta_count);
    for (size_t i = 0; i < vi_std_meta_count; i++) {
        const char *key = NULL;
        vf_type type = VF_T_I64;
        CHECK(vf_meta_at(f, i, &key, &type) == VF_OK);
        CHECK(key && strcmp(key, vi_std_meta[i].key) == 0 && type == vi_std_meta[i].type);
    }
    CHECK(vf_meta_at(f, vi_std_meta_count, NULL, NULL) == VF_ERR_NOT_FOUND);

    CHECK(vf_tensor_count(f) == vi_std_tensor_count);
    for (size_t i = 0; i < vi_std_tensor_count; i++) {
        const vf_tensor *t = vf_tensor_at(f, i);
        CHECK(t != NULL);
        if (!t) continue;
        CHECK(strcmp(t->name, std_t[i].name) == 0);
        CHECK(vf_find_tensor(f, std_t[i].name) == t);
        CHECK((uint32_t)t->dtype == std_t[i].dtype && (uint32_t)t->n_dims == std_t[i].n_dims);
        for (uint32_t d = 0; d < std_t[i].n_dims; d++)
            CHECK(t->dims[d] == (int64_t)std_t[i].dims[d]);
        CHECK(t->nbytes == std_t[i].nbytes);
        CHECK((uintptr_t)t->data % VF_ALIGN == 0);
        check_tensor_bytes(t, i);
    }
    const vf_tensor *w = vf_find_tensor(f, "lin.weight");
    CHECK(w && w->dtype == VF_I8 && w->nbytes == 128);
    CHECK(vf_tensor_at(f, vi_std_tensor_count) == NULL);
    CHECK(vf_find_tensor(f, "lin") == NULL && vf_find_tensor(f, "") == NULL);

    /* The summary names every entry and shortens the multi-line model card. */
    FILE *tmp = tmpfile();
    CHECK(tmp != NULL);
    if (tmp) {
        vf_describe(f, tmp);
        long len = ftell(tmp);
        char *text = calloc(1, (size_t)len + 1);
        rewind(tmp);
        CHECK(text && fread(text, 1, (size_t)len, tmp) == (size_t)len);
        if (text) {
            CHECK(strstr(text, "general.name") && strstr(text, "\"test voice\""));
            CHECK(strstr(text, "\"# Card title\"... (25 bytes)"));
            CHECK(!strstr(text, "Second line"));
            CHECK(strstr(text, "i64[5]") && strstr(text, " 1 2 4 -8 -9223372036854775808"));
            CHECK(strstr(text, "lin.weight") && strstr(text, "int8") && strstr(text, "[2, 2, 32]"));
            CHECK(strstr(text, "[1, 2, 1, 3]"));
            CHECK(strstr(text, "5 tensors"));
        }
        free(text);
        fclose(tmp);
    }
    vf_close(f);

    /* Unaligned caller memory is copied so tensor data stays 64-byte aligned. */
    uint8_t *shifted = malloc(img.size + 1);
    if (shifted) {
        memcpy(shifted + 1, img.bytes, img.size);
        s = vf_open_memory(shifted + 1, img.size, &f, err, sizeof err);
        CHECK_MSG(s == VF_OK, "%s", err);
        if (s == VF_OK) {
            const vf_tensor *t = vf_find_tensor(f, "emb");
            CHECK(t && (uintptr_t)t->data % VF_ALIGN == 0);
            if (t) check_tensor_bytes(t, 0);
            vf_close(f);
        }
        free(shifted);
    }
    vi_free(&img);
}

static void test_empty_voice(void)
{
    vi_image img;
    CHECK(vi_build(&img, NULL, 0, NULL, 0, 0) == 0);
    vf_file *f = NULL;
    CHECK_MSG(open_image(&img, &f) == VF_OK, "%s", err);
    CHECK(vf_meta_count(f) == 0 && vf_tensor_count(f) == 0);
    CHECK(vf_get_i64(f, "x", NULL) == VF_ERR_NOT_FOUND);
    CHECK(vf_find_tensor(f, "x") == NULL);
    vf_describe(f, stderr);
    vf_close(f);
    vi_free(&img);
    vf_close(NULL); /* allowed, like free(NULL) */
}

/* Expects the image to be rejected with `want` and a message containing `needle`. */
static void expect_reject(const vi_image *img, vf_status want, const char *needle,
                          const char *label)
{
    vf_file *f = NULL;
    err[0] = '\0';
    vf_status s = open_image(img, &f);
    CHECK_MSG(s == want, "%s: got %d (%s), want %d", label, s, err, want);
    CHECK_MSG(f == NULL, "%s: file handle set on failure", label);
    CHECK_MSG(!needle || strstr(err, needle), "%s: message '%s' lacks '%s'", label, err,
              needle ? needle : "");
    vf_close(f);
}

static void with_header_field(size_t pos, int is_u64, uint64_t v, vf_status want,
                              const char *needle, const char *label)
{
    vi_image img;
    CHECK(build_std(&img) == 0);
    if (is_u64)
        vi_patch_u64(&img, pos, v);
    else
        vi_patch_u32(&img, pos, (uint32_t)v);
    expect_reject(&img, want, needle, label);
    vi_free(&img);
}

static void test_header_errors(void)
{
    vi_image img;
    CHECK(build_std(&img) == 0);
    img.bytes[3] = 'X';
    expect_reject(&img, VF_ERR_MAGIC, "not a Myna voice file", "magic");
    vi_free(&img);

    with_header_field(8, 0, 2, VF_ERR_VERSION, "version 2", "version 2");
    with_header_field(8, 0, 0, VF_ERR_VERSION, "version 0", "version 0");
    with_header_field(12, 0, 1, VF_ERR_CORRUPT, "flags", "flags");
    with_header_field(16, 1, 1ull << 63, VF_ERR_CORRUPT, "metadata entries", "n_meta 2^63");
    with_header_field(16, 1, UINT64_MAX, VF_ERR_CORRUPT, "metadata entries", "n_meta max");
    with_header_field(24, 1, 1ull << 63, VF_ERR_CORRUPT, "tensors", "n_tensors 2^63");
    with_header_field(24, 1, UINT64_MAX, VF_ERR_CORRUPT, "tensors", "n_tensors max");
    with_header_field(24, 1, vi_std_tensor_count + 1, VF_ERR_CORRUPT, NULL, "n_tensors + 1");
    with_header_field(16, 1, vi_std_meta_count + 1, VF_ERR_CORRUPT, NULL, "n_meta + 1");
    with_header_field(32, 1, 1ull << 63, VF_ERR_CORRUPT, "data section starts", "data_offset");
    with_header_field(32, 1, 64 + 8, VF_ERR_CORRUPT, "multiple of 64", "data_offset align");
    with_header_field(32, 1, 0, VF_ERR_CORRUPT, "multiple of 64", "data_offset 0");
    /* The table runs into the data section when data_offset is too small. */
    with_header_field(32, 1, 64, VF_ERR_CORRUPT, NULL, "data_offset inside table");
    with_header_field(40, 1, 1ull << 63, VF_ERR_CORRUPT, "tensor data", "data_size huge");
    with_header_field(40, 1, std_data_size - 1, VF_ERR_CORRUPT, "tensor data", "data_size-1");
}

/* Rebuilds the standard voice with tensor `i` changed by `edit`. */
static void with_tensor(size_t i, void (*edit)(vi_tensor *), const char *needle, const char *label)
{
    vi_tensor t[8];
    uint64_t data_size = vi_std_tensors(t);
    edit(&t[i]);
    vi_image img;
    CHECK(vi_build(&img, vi_std_meta, vi_std_meta_count, t, vi_std_tensor_count, data_size) == 0);
    expect_reject(&img, VF_ERR_CORRUPT, needle, label);
    vi_free(&img);
}

static void misalign(vi_tensor *t)
{
    t->offset += 4;
}
static void move_onto_previous(vi_tensor *t)
{
    t->offset -= 64;
}
static void past_end(vi_tensor *t)
{
    t->offset += 1u << 20;
}
static void offset_huge(vi_tensor *t)
{
    t->offset = UINT64_MAX - 63;
}
static void nbytes_plus_one(vi_tensor *t)
{
    t->nbytes++;
}
static void nbytes_minus_one(vi_tensor *t)
{
    t->nbytes--;
}
/* [2, 2, 10] needs rows padded to 64: 128 bytes, not 2 * 2 * 10. */
static void nbytes_unpadded(vi_tensor *t)
{
    t->dims[2] = 10;
    t->nbytes = 40;
}
static void dim_zero(vi_tensor *t)
{
    t->dims[1] = 0;
}
static void dims_overflow(vi_tensor *t)
{
    t->dims[0] = t->dims[1] = 1ull << 32;
}
static void dim_sign_bit(vi_tensor *t)
{
    t->dims[0] = 1ull << 63;
}
static void zero_dims(vi_tensor *t)
{
    t->n_dims = 0;
}
static void five_dims(vi_tensor *t)
{
    t->n_dims = 5;
}
static void int8_two_dims(vi_tensor *t)
{
    t->n_dims = 2;
}
static void bad_dtype(vi_tensor *t)
{
    t->dtype = 3;
}
static void same_name(vi_tensor *t)
{
    t->name = "emb";
}
static void empty_name(vi_tensor *t)
{
    t->name = "";
}
static void nul_name(vi_tensor *t)
{
    t->name = "bad\xc0\x80name";
} /* overlong NUL */
static void surrogate_name(vi_tensor *t)
{
    t->name = "bad\xed\xa0\x80";
}
static void long_name(vi_tensor *t)
{
    static char name[257];
    memset(name, 'n', 256);
    t->name = name;
}

static void test_tensor_errors(void)
{
    with_tensor(1, misalign, "not a multiple of 64", "misaligned offset");
    with_tensor(2, move_onto_previous, "overlap", "overlapping tensors");
    with_tensor(4, past_end, "truncated", "tensor past the end");
    with_tensor(4, offset_huge, "truncated", "tensor offset near 2^64");
    with_tensor(0, nbytes_plus_one, "need", "nbytes + 1");
    with_tensor(1, nbytes_minus_one, "need", "nbytes - 1");
    with_tensor(2, nbytes_unpadded, "need", "int8 nbytes without row padding");
    with_tensor(0, dim_zero, "dimension", "zero dim");
    with_tensor(0, dims_overflow, "overflow", "dims product overflow");
    with_tensor(0, dim_sign_bit, "dimension", "dim >= 2^63");
    with_tensor(0, zero_dims, "dimensions", "n_dims 0");
    with_tensor(0, five_dims, "dimensions", "n_dims 5");
    with_tensor(2, int8_two_dims, "int8", "int8 with 2 dims");
    with_tensor(0, bad_dtype, "dtype", "dtype 3");
    with_tensor(3, same_name, "twice", "duplicate tensor name");
    with_tensor(0, empty_name, "name length", "empty tensor name");
    with_tensor(0, long_name, "name length", "256-byte tensor name");
    with_tensor(0, nul_name, "UTF-8", "overlong NUL in name");
    with_tensor(0, surrogate_name, "UTF-8", "surrogate in name");

    /* Cutting the data section while keeping the header consistent names the tensor. */
    vi_image img;
    CHECK(build_std(&img) == 0);
    vi_patch_u64(&img, 40, std_data_size - 8);
    img.size -= 8;
    expect_reject(&img, VF_ERR_CORRUPT, "truncated: tensor 'four.d' ends at byte", "cut data");
    vi_free(&img);
}

static void with_meta(const vi_meta *m, const char *needle, const char *label)
{
    vi_meta meta[16];
    memcpy(meta, vi_std_meta, vi_std_meta_count * sizeof *meta);
    meta[vi_std_meta_count] = *m;
    vi_image img;
    CHECK(vi_build(&img, meta, vi_std_meta_count + 1, std_t, vi_std_tensor_count, std_data_size) ==
          0);
    expect_reject(&img, VF_ERR_CORRUPT, needle, label);
    vi_free(&img);
}

static void test_meta_errors(void)
{
    static const char *const one[] = {"x"};
    static const int64_t nums[] = {1};
    char long_key[300];
    memset(long_key, 'k', 256);
    long_key[256] = '\0';
    with_meta(&(vi_meta){.key = "general.name", .type = VF_T_I64}, "twice", "duplicate key");
    with_meta(&(vi_meta){.key = "", .type = VF_T_I64}, "name length", "empty key");
    with_meta(&(vi_meta){.key = long_key, .type = VF_T_I64}, "name length", "256-byte key");
    with_meta(&(vi_meta){.key = "a\xff", .type = VF_T_I64}, "UTF-8", "key not UTF-8");
    with_meta(&(vi_meta){.key = "t", .type = 5}, "unknown value type", "type 5");
    with_meta(&(vi_meta){.key = "t", .type = 1u << 31}, "unknown value type", "type 2^31");
    with_meta(&(vi_meta){.key = "s", .type = VF_T_STR, .str = "x", .count_override = 1u << 24},
              "string of", "string 2^24");
    with_meta(&(vi_meta){.key = "s", .type = VF_T_STR, .str = "x", .count_override = 1ull << 63},
              "string of", "string 2^63");
    with_meta(&(vi_meta){.key = "s", .type = VF_T_STR, .str = "x", .count_override = 4096},
              "truncated", "string past the table");
    with_meta(&(vi_meta){.key = "s", .type = VF_T_STR, .str = "a\xc3"}, "UTF-8", "cut UTF-8");
    with_meta(&(vi_meta){.key = "a",
                         .type = VF_T_I64_ARRAY,
                         .i64s = nums,
                         .count = 1,
                         .count_override = 1u << 20},
              "items", "i64 array 2^20");
    with_meta(
        &(vi_meta){
            .key = "a", .type = VF_T_I64_ARRAY, .i64s = nums, .count = 1, .count_override = 1000},
        "truncated", "i64 array past the table");
    with_meta(&(vi_meta){.key = "a",
                         .type = VF_T_STR_ARRAY,
                         .strs = one,
                         .count = 1,
                         .count_override = 1ull << 63},
              "items", "str array 2^63");
    with_meta(
        &(vi_meta){
            .key = "a", .type = VF_T_STR_ARRAY, .strs = one, .count = 1, .count_override = 900},
        "truncated", "str array past the table");

    /* A string-array item of 2^16 bytes is over the limit. */
    vi_image img;
    CHECK(vi_build(&img, vi_std_meta, vi_std_meta_count, std_t, vi_std_tensor_count,
                   std_data_size) == 0);
    size_t pos = 0; /* the first item length of phonemes.symbols follows its key */
    for (size_t i = 0; i + 16 < img.size; i++)
        if (memcmp(img.bytes + i, "phonemes.symbols", 16) == 0) pos = i + 16 + 4 + 8;
    CHECK(pos > 0);
    vi_patch_u32(&img, pos, 1u << 16);
    expect_reject(&img, VF_ERR_CORRUPT, "item 0 is 65536 bytes", "str array item 2^16");
    vi_free(&img);
}

static void write_file(const char *path, const void *data, size_t n)
{
    FILE *fp = fopen(path, "wb");
    CHECK(fp != NULL);
    if (!fp) return;
    CHECK(fwrite(data, 1, n, fp) == n);
    fclose(fp);
}

static void expect_open(const char *path, vf_status want, const char *needle)
{
    vf_file *f = NULL;
    err[0] = '\0';
    vf_status s = vf_open(path, &f, err, sizeof err);
    CHECK_MSG(s == want, "%s: got %d (%s), want %d", path, s, err, want);
    CHECK_MSG(!needle || strstr(err, needle), "%s: message '%s' lacks '%s'", path, err,
              needle ? needle : "");
    if (s == VF_OK) {
        const vf_tensor *t = vf_find_tensor(f, "lin.weight");
        CHECK(t && (uintptr_t)t->data % VF_ALIGN == 0);
        if (t) check_tensor_bytes(t, 2);
    } else {
        CHECK(f == NULL);
    }
    vf_close(f);
}

static void test_files(void)
{
    const char *tmpdir = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    char dir[512], path[600];
    snprintf(dir, sizeof dir, "%s/myna_voice_test_%ld", tmpdir, (long)getpid());
    CHECK(mkdir(dir, 0700) == 0);

    vi_image img;
    CHECK(build_std(&img) == 0);
    snprintf(path, sizeof path, "%s/good.myna", dir);
    write_file(path, img.bytes, img.size);
    expect_open(path, VF_OK, NULL);
    CHECK(vf_open(path, NULL, NULL, 0) == VF_ERR_IO); /* no output pointer: no leak */
    unlink(path);

    snprintf(path, sizeof path, "%s/cut.myna", dir);
    write_file(path, img.bytes, img.size - 100);
    expect_open(path, VF_ERR_CORRUPT, "cut.myna: ");
    unlink(path);

    snprintf(path, sizeof path, "%s/empty.myna", dir);
    write_file(path, "", 0);
    expect_open(path, VF_ERR_MAGIC, "empty file");
    unlink(path);

    snprintf(path, sizeof path, "%s/garbage.myna", dir);
    write_file(path, "RIFF....WAVEfmt garbage that is not a voice at all", 50);
    expect_open(path, VF_ERR_MAGIC, "not a Myna voice file");
    unlink(path);

    snprintf(path, sizeof path, "%s/missing.myna", dir);
    expect_open(path, VF_ERR_IO, "cannot open");
    expect_open(dir, VF_ERR_IO, "directory");
    rmdir(dir);
    vi_free(&img);
}

int main(void)
{
    std_data_size = vi_std_tensors(std_t);
    test_valid_image();
    test_empty_voice();
    test_header_errors();
    test_tensor_errors();
    test_meta_errors();
    test_files();
    return check_summary("test_voicefile");
}
