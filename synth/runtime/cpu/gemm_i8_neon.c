/* int8 GEMM, AArch64 Advanced SIMD. vmull_s8 widens products to 16 bits (|x*w| <= 16129, no
 * overflow) and vpadalq_s16 accumulates pairs into int32: exact, so it matches the scalar
 * kernel bit for bit. One time row x one weight row per inner loop; not yet tuned. */
#include "synth/runtime/cpu/kernels.h"

#include <arm_neon.h>

void gemm_i8_neon(const int8_t *x, size_t ldx, int nt, const int8_t *w, size_t ldw, int no,
                  size_t nbytes, int32_t *acc, size_t ldacc)
{
    for (int t = 0; t < nt; t++) {
        const int8_t *xr = x + (size_t)t * ldx;
        for (int o = 0; o < no; o++) {
            const int8_t *wr = w + (size_t)o * ldw;
            int32x4_t s = vdupq_n_s32(0);
            for (size_t j = 0; j < nbytes; j += 16) {
                int8x16_t xv = vld1q_s8(xr + j), wv = vld1q_s8(wr + j);
                s = vpadalq_s16(s, vmull_s8(vget_low_s8(xv), vget_low_s8(wv)));
                s = vpadalq_s16(s, vmull_high_s8(xv, wv));
            }
            acc[(size_t)t * ldacc + (size_t)o] = vaddvq_s32(s);
        }
    }
}
