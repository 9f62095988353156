/* Test helper: an editable in-memory voice. Start from a fixture (or empty), add, replace or
 * remove metadata and tensors, then open the result with vf_open_memory. Used to build
 * inconsistent voices that pass the container checks but must be refused by the models. */
#ifndef MYNA_TEST_MODEL_VOICE_H
#define MYNA_TEST_MODEL_VOICE_H

#include <stddef.h>
#include <stdint.h>

#include "synth/voice/voicefile.h"

typedef struct mv_voice mv_voice;

mv_voice *mv_new(void);
/* Copies every metadata entry and tensor of f. NULL on failure. */
mv_voice *mv_copy(const vf_file *f);
void mv_free(mv_voice *v);

/* Set (add or replace) metadata. */
int mv_set_i64(mv_voice *v, const char *key, int64_t value);
int mv_set_f64(mv_voice *v, const char *key, double value);
int mv_set_i64_array(mv_voice *v, const char *key, const int64_t *values, size_t n);
int mv_set_str_array(mv_voice *v, const char *key, const char *const *values, size_t n);
/* Set (add or replace) a tensor; data holds nbytes bytes as they go to the file (int8 rows
 * already padded). */
int mv_set_tensor(mv_voice *v, const char *name, vf_dtype dtype, int n_dims, const int64_t *dims,
                  const void *data, size_t nbytes);
/* f32 tensor of the given dims filled with value. */
int mv_set_f32_fill(mv_voice *v, const char *name, int n_dims, const int64_t *dims, float value);
/* Removes a metadata key or tensor of that name (0 if found). */
int mv_remove(mv_voice *v, const char *name);

/* Serialises and opens. *image must be freed (free()) after vf_close. Returns a vf_status. */
int mv_open(const mv_voice *v, vf_file **out, void **image, char *err, size_t err_len);

/* Path of a fixture file (MYNA_SOURCE_DIR aware) into buf. */
const char *mv_fixture_path(const char *name, char *buf, size_t len);
/* vf_open of that fixture; NULL (with the reason on stderr) when it cannot be opened. */
vf_file *mv_open_fixture(const char *name);

#endif
