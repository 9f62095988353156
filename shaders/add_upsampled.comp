#version 450
// y[t][c] += linear interpolation of src[.][col0 + c] at p = (t0 + t + 0.5) / factor - 0.5,
// clamped to [0, last]. In integers: p = num / (2 factor) with num = 2 (t0 + t) + 1 - factor.
// The host rebases t0 by whole frames (ibase) so every index stays small whatever the
// utterance length.
#extension GL_GOOGLE_include_directive : require

layout(local_size_x = 256) in;

// After the layout: common.glsl uses gl_WorkGroupSize.
#include "common.glsl"

layout(std430, set = 0, binding = 0) buffer Y { float y[]; };
layout(std430, set = 0, binding = 1) readonly buffer S { float src[]; };

layout(push_constant) uniform PC {
    int rows;
    int ycols;
    int scols;
    int col0;
    int factor;
    int t0r;   // t0 - ibase * factor
    int ibase; // frames skipped by the rebase
    int last;  // src rows - 1
} pc;

void main()
{
    uint e = linear_id();
    if (e >= uint(pc.rows) * uint(pc.ycols)) return;
    int t = int(e) / pc.ycols, c = int(e) % pc.ycols;
    int num = 2 * (pc.t0r + t) + 1 - pc.factor, den = 2 * pc.factor;
    int i0 = 0;
    float f = 0.0;
    if (num > 0) {
        i0 = pc.ibase + num / den;
        f = float(num % den) / float(den);
    } else {
        i0 = pc.ibase;
    }
    if (i0 >= pc.last) {
        i0 = pc.last;
        f = 0.0;
    }
    int i1 = i0 < pc.last ? i0 + 1 : pc.last;
    float a = src[i0 * pc.scols + pc.col0 + c];
    float b = src[i1 * pc.scols + pc.col0 + c];
    precise float v = y[e] + (a + f * (b - a));
    y[e] = v;
}
