/* int8 GEMM, AVX2 (compiled with -mavx2 -mfma).
 *
 * Sign trick: maddubs multiplies unsigned by signed bytes, so feed it u = |x| and s = w*sign(x)
 * (u*s == x*w). With |x|, |w| <= 127 a pair sum is at most 2*127*127 = 32258 < 32767: the
 * 16-bit saturation can never trigger and the int32 totals are exact, equal to the scalar
 * kernel's. Tiles of 2 time rows x 4 weight rows keep 8 accumulators plus operands within the
 * 16 ymm registers; sums are reduced horizontally once per tile. */
#include "synth/runtime/cpu/kernels.h"

#include <immintrin.h>

#define INLINE static inline __attribute__((always_inline))

INLINE __m256i madd_signed(__m256i acc, __m256i ux, __m256i x, __m256i w, __m256i ones)
{
    __m256i p16 = _mm256_maddubs_epi16(ux, _mm256_sign_epi8(w, x));
    return _mm256_add_epi32(acc, _mm256_madd_epi16(p16, ones));
}

/* Four horizontal sums at once: [sum a, sum b, sum c, sum d]. */
INLINE __m128i hsum4(__m256i a, __m256i b, __m256i c, __m256i d)
{
    __m256i abcd = _mm256_hadd_epi32(_mm256_hadd_epi32(a, b), _mm256_hadd_epi32(c, d));
    return _mm_add_epi32(_mm256_castsi256_si128(abcd), _mm256_extracti128_si256(abcd, 1));
}

INLINE int32_t hsum1(__m256i a)
{
    __m128i s = _mm_add_epi32(_mm256_castsi256_si128(a), _mm256_extracti128_si256(a, 1));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0x4e));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0xb1));
    return _mm_cvtsi128_si32(s);
}

/* One NT x NO tile; NT and NO are constants at every call, so the loops unroll fully and
 * the accumulators stay in registers. */
INLINE void tile(const int8_t *x, size_t ldx, const int8_t *w, size_t ldw, size_t nbytes,
                 int32_t *acc, size_t ldacc, const int nt, const int no)
{
    const __m256i ones = _mm256_set1_epi16(1);
    __m256i a[2][4];
    for (int t = 0; t < nt; t++)
        for (int o = 0; o < no; o++)
            a[t][o] = _mm256_setzero_si256();
    for (size_t j = 0; j < nbytes; j += 32) {
        __m256i xv[2], ux[2];
        for (int t = 0; t < nt; t++) {
            xv[t] = _mm256_loadu_si256((const __m256i *)(x + (size_t)t * ldx + j));
            ux[t] = _mm256_sign_epi8(xv[t], xv[t]);
        }
        for (int o = 0; o < no; o++) {
            __m256i wv = _mm256_loadu_si256((const __m256i *)(w + (size_t)o * ldw + j));
            for (int t = 0; t < nt; t++)
                a[t][o] = madd_signed(a[t][o], ux[t], xv[t], wv, ones);
        }
    }
    for (int t = 0; t < nt; t++) {
        int32_t *dst = acc + (size_t)t * ldacc;
        if (no == 4)
            _mm_storeu_si128((__m128i *)dst, hsum4(a[t][0], a[t][1], a[t][2], a[t][3]));
        else
            for (int o = 0; o < no; o++)
                dst[o] = hsum1(a[t][o]);
    }
}

void gemm_i8_avx2(const int8_t *x, size_t ldx, int nt, const int8_t *w, size_t ldw, int no,
                  size_t nbytes, int32_t *acc, size_t ldacc)
{
    int t = 0;
    for (; t + 2 <= nt; t += 2) {
        const int8_t *xt = x + (size_t)t * ldx;
        int32_t *at = acc + (size_t)t * ldacc;
        int o = 0;
        for (; o + 4 <= no; o += 4)
            tile(xt, ldx, w + (size_t)o * ldw, ldw, nbytes, at + o, ldacc, 2, 4);
        for (; o < no; o++)
            tile(xt, ldx, w + (size_t)o * ldw, ldw, nbytes, at + o, ldacc, 2, 1);
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
