/* Row operations (rowops_body.h) compiled with -mavx2 -mfma: 8 lanes. */
#define ROWOPS_NAME(f) f##_avx2
#include "synth/runtime/cpu/rowops_body.h"
