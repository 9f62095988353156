/* Loading network layers from a voice file into runtime weights, with every tensor's dtype and
 * shape checked against the sizes the model expects (which come from the voice's metadata).
 * Shared by the acoustic model and the vocoder; depends only on the runtime and the voice file,
 * so the layering stays one-directional.
 *
 * Naming conventions (docs/voice-format.md): a conv/linear layer X has X.weight [O,K,I] (f32, or
 * int8 with X.scale f32 [O]) and X.bias f32 [O]; an LSTM direction X has X.w_ih [4H,1,I],
 * X.w_hh [4H,1,H] (each with .scale when int8) and X.bias [4H]. */
#ifndef MYNA_LAYER_LOADER_H
#define MYNA_LAYER_LOADER_H

#include <stddef.h>
#include <stdint.h>

#include "../runtime/rt.h"
#include "../voice/voicefile.h"

/* Returned (with a message) when the voice file lacks something or is inconsistent. */
#define ML_ERR_VOICE (-100)

/* Everything a loading pass needs; the first error message is kept in err. */
typedef struct {
    const vf_file *vf;
    rt_ctx *ctx;
    char *err;
    size_t err_len;
} ml_loader;

/* An LSTM direction: input weights (with the summed bias) and recurrent weights. */
typedef struct {
    rt_weight *w_ih;
    rt_weight *w_hh;
} ml_lstm;

/* Integer metadata key that must lie in [lo, hi]. */
int ml_get_int(ml_loader *L, const char *key, int64_t lo, int64_t hi, int *out);
/* Finite f64 metadata key (I64 accepted). */
int ml_get_f64(ml_loader *L, const char *key, double *out);
/* f32 table [rows, cols] used in place. */
int ml_get_table(ml_loader *L, const char *name, int rows, int cols, const float **out);

/* Conv/linear layer `name` with weight [O, K, I]. bias_required = 0 accepts a missing bias
 * (treated as zeros). */
int ml_load_layer(ml_loader *L, const char *name, int O, int K, int I, int bias_required,
                  rt_weight **out);
/* LSTM direction `name` with hidden size H and input size I. */
int ml_load_lstm(ml_loader *L, const char *name, int H, int I, ml_lstm *out);

void ml_lstm_free(rt_ctx *ctx, ml_lstm *l);
/* Destroys *w if set and clears it, so a half-loaded model can be freed the same way. */
void ml_weight_free(rt_ctx *ctx, rt_weight **w);

/* snprintf into L->err; returns ML_ERR_VOICE so callers can `return ml_fail(...)`. */
int ml_fail(ml_loader *L, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

#endif
