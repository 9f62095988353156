/* Row operations (rowops_body.h) compiled with baseline flags: the reference every other ISA must
 * match. */
#define ROWOPS_NAME(f) f##_scalar
#include "synth/runtime/cpu/rowops_body.h"
