#version 450
// dst[:, dst_col0 + c] (+)= src[:, src_col0 + c] for c < n. When src and dst overlap in the
// same buffer the host stages src through a scratch buffer first (memmove semantics).
#extension GL_GOOGLE_include_directive : require

layout(local_size_x = 256) in;

// After the layout: common.glsl uses gl_WorkGroupSize.
#include "common.glsl"

layout(std430, set = 0, binding = 0) readonly buffer S { float src[]; };
layout(std430, set = 0, binding = 1) buffer D { float dst[]; };

layout(push_constant) uniform PC {
    int rows;
    int n;
    int scols;
    int scol0;
    int dcols;
    int dcol0;
    int accumulate;
} pc;

void main()
{
    uint e = linear_id();
    if (e >= uint(pc.rows) * uint(pc.n)) return;
    int t = int(e) / pc.n, c = int(e) % pc.n;
    float v = src[t * pc.scols + pc.scol0 + c];
    int di = t * pc.dcols + pc.dcol0 + c;
    if (pc.accumulate != 0) {
        precise float s = dst[di] + v;
        dst[di] = s;
    } else {
        dst[di] = v;
    }
}
