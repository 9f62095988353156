/* CPU feature detection and the kernel table per instruction set. */
#include "synth/runtime/cpu/kernels.h"

#include <stddef.h>
#include <stdlib.h>

static rt_isa detected_isa(void)
{
#if defined(MYNA_RT_X86)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
        __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512vnni"))
        return RT_ISA_AVX512VNNI;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return RT_ISA_AVX2;
#elif defined(MYNA_RT_NEON)
    return RT_ISA_NEON; /* Advanced SIMD is mandatory on AArch64. */
#endif
    return RT_ISA_SCALAR;
}

/* $MYNA_CPU_ISA caps the level, so that one machine can run the kernels of smaller ones (the
 * test suite runs the AVX2 and scalar paths on an AVX-512 machine this way). A cap this
 * architecture lacks (neon on x86, avx2 on ARM) falls to the next level below that it has;
 * a value that names no level is ignored: rt_ctx_describe() shows the level in use. */
static rt_isa capped(rt_isa isa)
{
    rt_isa cap = rt_isa_from_name(getenv("MYNA_CPU_ISA"));
    if (cap == RT_ISA_AUTO || isa <= cap) return isa;
#if defined(MYNA_RT_X86)
    return cap == RT_ISA_NEON ? RT_ISA_SCALAR : cap;
#else
    return cap;
#endif
}

rt_isa rt_cpu_best_isa(void)
{
    return capped(detected_isa());
}

#define ROWOPS(isa)                                                                                \
    absmax_f32_##isa, quantize_i8_##isa, im2col_row_i8_##isa, rescale_i32_##isa,                 \
        activate_row_##isa, lstm_cell_##isa

static const cpu_kernels k_scalar = {RT_ISA_SCALAR, gemm_i8_scalar, dot_f32_scalar, ROWOPS(scalar)};
#if defined(MYNA_RT_X86)
static const cpu_kernels k_avx2 = {RT_ISA_AVX2, gemm_i8_avx2, dot_f32_avx2, ROWOPS(avx2)};
static const cpu_kernels k_avx512vnni = {RT_ISA_AVX512VNNI, gemm_i8_avx512vnni, dot_f32_avx2,
                                         ROWOPS(avx512)};
#endif
#if defined(MYNA_RT_NEON)
/* Baseline AArch64 code already has Advanced SIMD, so the scalar-built row ops are vector. */
static const cpu_kernels k_neon = {RT_ISA_NEON, gemm_i8_neon, dot_f32_scalar, ROWOPS(scalar)};
#endif

const cpu_kernels *cpu_kernels_for(rt_isa isa)
{
    rt_isa best = rt_cpu_best_isa();
    if (isa == RT_ISA_AUTO) isa = best;
    switch (isa) {
    case RT_ISA_SCALAR:
        return &k_scalar;
#if defined(MYNA_RT_X86)
    case RT_ISA_AVX2:
        return best >= RT_ISA_AVX2 ? &k_avx2 : NULL;
    case RT_ISA_AVX512VNNI:
        return best >= RT_ISA_AVX512VNNI ? &k_avx512vnni : NULL;
#endif
#if defined(MYNA_RT_NEON)
    case RT_ISA_NEON:
        return &k_neon;
#endif
    default:
        return NULL;
    }
}
