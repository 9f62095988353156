/* Reference int8 GEMM: plain exact int32 dot products. The SIMD kernels must match it bit for
 * bit. */
#include "synth/runtime/cpu/kernels.h"

void gemm_i8_scalar(const int8_t *x, size_t ldx, int nt, const int8_t *w, size_t ldw, int no,
                    size_t nbytes, int32_t *acc, size_t ldacc)
{
    for (int t = 0; t < nt; t++) {
        const int8_t *xr = x + (size_t)t * ldx;
        for (int o = 0; o < no; o++) {
            const int8_t *wr = w + (size_t)o * ldw;
            int32_t s = 0;
            for (size_t j = 0; j < nbytes; j++)
                s += (int32_t)xr[j] * (int32_t)wr[j];
            acc[(size_t)t * ldacc + (size_t)o] = s;
        }
    }
}
