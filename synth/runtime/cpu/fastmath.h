/* Fast activations. expf/tanhf from libm are slow and block vectorisation; these are branch-free
 * (the compiler vectorises loops over them) and accurate to ~2e-7 relative for exp, which keeps
 * tanh and sigmoid within 1e-6 absolute (tests/runtime bounds it). */
#ifndef MYNA_CPU_FASTMATH_H
#define MYNA_CPU_FASTMATH_H

#include <stdint.h>
#include <string.h>

#include "synth/runtime/rt.h"

/* Round to nearest even for |v| < 2^22 without a libm call: adding 1.5 * 2^23 pushes the
 * fraction bits out of the mantissa. */
static inline float fm_round(float v)
{
    return (v + 12582912.0f) - 12582912.0f;
}

static inline float fm_exp(float x)
{
    x = x < -87.0f ? -87.0f : x;
    x = x > 88.0f ? 88.0f : x;
    float n = fm_round(x * 1.44269504f);
    /* Cody-Waite: ln 2 split in a part exact in float and a small correction. */
    float r = x - n * 0.693145752f;
    r = r - n * 1.42860677e-6f;
    float p = 1.0f / 720.0f;
    p = p * r + 1.0f / 120.0f;
    p = p * r + 1.0f / 24.0f;
    p = p * r + 1.0f / 6.0f;
    p = p * r + 0.5f;
    p = p * r + 1.0f;
    p = p * r + 1.0f;
    int32_t bits = ((int32_t)n + 127) << 23;
    float scale;
    memcpy(&scale, &bits, sizeof scale);
    return p * scale;
}

static inline float fm_sigmoid(float x)
{
    return 1.0f / (1.0f + fm_exp(-x));
}

static inline float fm_tanh(float x)
{
    return 1.0f - 2.0f / (fm_exp(2.0f * x) + 1.0f);
}

/* Applies a (non-gated) activation to n values in place. */
static inline void fm_activate(float *v, int n, rt_act act)
{
    switch (act) {
    case RT_ACT_RELU:
        for (int i = 0; i < n; i++)
            v[i] = v[i] > 0.0f ? v[i] : 0.0f;
        break;
    case RT_ACT_TANH:
        for (int i = 0; i < n; i++)
            v[i] = fm_tanh(v[i]);
        break;
    case RT_ACT_SIGMOID:
        for (int i = 0; i < n; i++)
            v[i] = fm_sigmoid(v[i]);
        break;
    default:
        break;
    }
}

#endif
