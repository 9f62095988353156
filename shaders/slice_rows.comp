#version 450
// y = rows [row0, row0 + y.rows) of x: one contiguous run of floats (time-major buffers).
#extension GL_GOOGLE_include_directive : require

layout(local_size_x = 256) in;

// After the layout: common.glsl uses gl_WorkGroupSize.
#include "common.glsl"

layout(std430, set = 0, binding = 0) readonly buffer X { float x[]; };
layout(std430, set = 0, binding = 1) writeonly buffer Y { float y[]; };

layout(push_constant) uniform PC {
    int n;      // floats to copy
    int offset; // first float of x (row0 * cols)
} pc;

void main()
{
    uint e = linear_id();
    if (e >= uint(pc.n)) return;
    y[e] = x[uint(pc.offset) + e];
}
