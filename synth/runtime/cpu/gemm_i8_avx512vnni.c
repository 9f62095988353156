/* int8 GEMM, AVX-512 VNNI (compiled with -mavx512f -mavx512bw -mavx512vl -mavx512vnni).
 *
 * vpdpbusd multiplies unsigned by signed bytes and adds groups of four straight into int32,
 * so the sign trick (u = |x|, s = w * sign(x)) is exact without any 16-bit step. AVX-512 has
 * no vpsignb; the sign is applied with a masked subtract from zero under the mask of negative
 * x bytes (x == 0 needs no care: u is 0 there). Tiles of 4 time rows x 4 weight rows: 16
 * accumulators of the 32 zmm registers. */
#include "synth/runtime/cpu/kernels.h"

#include <immintrin.h>

#define INLINE static inline __attribute__((always_inline))

INLINE __m256i fold512(__m512i a)
{
    return _mm256_add_epi32(_mm512_castsi512_si256(a), _mm512_extracti64x4_epi64(a, 1));
}

INLINE __m128i hsum4(__m512i a, __m512i b, __m512i c, __m512i d)
{
    __m256i ab = _mm256_hadd_epi32(fold512(a), fold512(b));
    __m256i cd = _mm256_hadd_epi32(fold512(c), fold512(d));
    __m256i abcd = _mm256_hadd_epi32(ab, cd);
    return _mm_add_epi32(_mm256_castsi256_si128(abcd), _mm256_extracti128_si256(abcd, 1));
}

INLINE void tile(const int8_t *x, size_t ldx, const int8_t *w, size_t ldw, size_t nbytes,
                 int32_t *acc, size_t ldacc, const int nt, const int no)
{
    const __m512i zero = _mm512_setzero_si512();
    __m512i a[4][4];
    for (int t = 0; t < nt; t++)
        for (int o = 0; o < no; o++)
            a[t][o] = _mm512_setzero_si512();
    for (size_t j = 0; j < nbytes; j += 64) {
        __m512i ux[4];
        __mmask64 neg[4];
        for (int t = 0; t < nt; t++) {
            __m512i xv = _mm512_loadu_si512((const void *)(x + (size_t)t * ldx + j));
            ux[t] = _mm512_abs_epi8(xv);
            neg[t] = _mm512_movepi8_mask(xv);
        }
        for (int o = 0; o < no; o++) {
            __m512i wv = _mm512_loadu_si512((const void *)(w + (size_t)o * ldw + j));
            for (int t = 0; t < nt; t++) {
                __m512i sw = _mm512_mask_sub_epi8(wv, neg[t], zero, wv);
                a[t][o] = _mm512_dpbusd_epi32(a[t][o], ux[t], sw);
            }
        }
    }
    for (int t = 0; t < nt; t++) {
        int32_t *dst = acc + (size_t)t * ldacc;
        if (no == 4)
            _mm_storeu_si128((__m128i *)dst, hsum4(a[t][0], a[t][1], a[t][2], a[t][3]));
        else
            for (int o = 0; o < no; o++)
                dst[o] = _mm512_reduce_add_epi32(a[t][o]);
    }
}

void gemm_i8_avx512vnni(const int8_t *x, size_t ldx, int nt, const int8_t *w, size_t ldw, int no,
                        size_t nbytes, int32_t *acc, size_t ldacc)
{
    int t = 0;
    for (; t + 4 <= nt; t += 4) {
        const int8_t *xt = x + (size_t)t * ldx;
        int32_t *at = acc + (size_t)t * ldacc;
        int o = 0;
        for (; o + 4 <= no; o += 4)
            tile(xt, ldx, w + (size_t)o * ldw, ldw, nbytes, at + o, ldacc, 4, 4);
        for (; o < no; o++)
            tile(xt, ldx, w + (size_t)o * ldw, ldw, nbytes, at + o, ldacc, 4, 1);
    }
    for (; t < nt; t++) {
        const int8_t *xt = x + (size_t)t * ldx;
        int32_t *at = acc + (size_t)t * ldacc;
        int o = 0;
        for (; o + 4 <= no; o += 4)
            tile(xt, ldx, w + (size_t)o * ldw, ldw, nbytes, at + o, ldacc, 1, 4);
        for (; o < no; o++)
            tile(xt, ldx, w + (size_t)o * ldw, ldw, nbytes, at + o, ldacc, 1, 1);
    }
}
