/* A small, independent writer of voice file images for the reader's tests. It writes exactly
 * what the caller specifies (including invalid counts, offsets and sizes), and labels every
 * byte with the role it plays so mutation tests know which corruptions must be rejected. */
#ifndef MYNA_TEST_VOICE_IMAGE_H
#define MYNA_TEST_VOICE_IMAGE_H

#include <stddef.h>
#include <stdint.h>

/* Role of each byte of an image. */
typedef enum {
    VI_STRUCT, /* magic, header fields, lengths, counts, dtype, dims, offsets, sizes */
    VI_TYPE,   /* a metadata value type */
    VI_TEXT,   /* key, tensor name or string bytes */
    VI_VALUE,  /* an i64 / f64 metadata value or an i64 array item */
    VI_PAD,    /* zero padding between the table and the data section */
    VI_DATA,   /* tensor bytes and padding in the data section */
} vi_role;

typedef struct {
    const char *key;
    uint32_t type; /* VF_T_*, or any number to write an unknown type */
    int64_t i64;
    double f64;
    const char *str;
    const int64_t *i64s;     /* I64_ARRAY items */
    const char *const *strs; /* STR_ARRAY items */
    size_t count;            /* items of either array */
    uint64_t count_override; /* if nonzero, written instead of count / string length */
} vi_meta;

typedef struct {
    const char *name;
    uint32_t dtype, n_dims;
    uint64_t dims[4];
    uint64_t offset, nbytes; /* relative to the data section, written verbatim */
} vi_tensor;

typedef struct {
    uint8_t *bytes;
    uint8_t *roles; /* one vi_role per byte */
    size_t size, cap;
} vi_image;

/* Fills offset/nbytes of every tensor as the format requires (packed, 64-aligned) and
 * returns the data section size. */
uint64_t vi_layout(vi_tensor *tensors, size_t n);

/* Builds header + metadata + tensor table, pads to the next multiple of 64, then appends a
 * data section of data_size bytes in which every tensor that fits is filled with
 * vi_data_byte(). Returns 0 on success. */
int vi_build(vi_image *img, const vi_meta *meta, size_t n_meta, const vi_tensor *tensors,
             size_t n_tensors, uint64_t data_size);
void vi_free(vi_image *img);

/* The byte vi_build writes at position j of tensor number t. */
uint8_t vi_data_byte(size_t t, uint64_t j);

/* Overwrites a little-endian field in place. */
void vi_patch_u32(vi_image *img, size_t pos, uint32_t v);
void vi_patch_u64(vi_image *img, size_t pos, uint64_t v);

/* The standard test voice: every metadata type and every dtype. */
extern const vi_meta vi_std_meta[];
extern const size_t vi_std_meta_count;
/* Copies the standard tensors into out (room for vi_std_tensor_count) with their layout and
 * returns the data size. */
extern const size_t vi_std_tensor_count;
uint64_t vi_std_tensors(vi_tensor *out);

#endif
