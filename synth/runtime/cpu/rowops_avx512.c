/* Row operations (rowops_body.h) compiled with -mavx512f -mavx512bw -mavx512vl, 512-bit vectors
 * preferred: 16 lanes. */
#define ROWOPS_NAME(f) f##_avx512
#include "synth/runtime/cpu/rowops_body.h"
