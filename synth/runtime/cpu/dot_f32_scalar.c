/* Portable f32 dot product. Eight independent partial sums let the compiler vectorise it at
 * -O2 without -ffast-math, and fix the summation order so results do not depend on threads. */
#include "synth/runtime/cpu/kernels.h"

float dot_f32_scalar(const float *a, const float *b, int n)
{
    float s[8] = {0};
    int j = 0;
    for (; j + 8 <= n; j += 8)
        for (int l = 0; l < 8; l++)
            s[l] += a[j + l] * b[j + l];
    float tail = 0.0f;
    for (; j < n; j++)
        tail += a[j] * b[j];
    return ((s[0] + s[4]) + (s[1] + s[5])) + ((s[2] + s[6]) + (s[3] + s[7])) + tail;
}
