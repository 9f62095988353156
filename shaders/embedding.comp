#version 450
// y[i][c] = table[ids[i]][c]; table and ids were uploaded from host memory for this call.
#extension GL_GOOGLE_include_directive : require

layout(local_size_x = 256) in;

// After the layout: common.glsl uses gl_WorkGroupSize.
#include "common.glsl"

layout(std430, set = 0, binding = 0) readonly buffer TB { float table[]; };
layout(std430, set = 0, binding = 1) readonly buffer ID { int ids[]; };
layout(std430, set = 0, binding = 2) writeonly buffer Y { float y[]; };

layout(push_constant) uniform PC {
    int n;    // rows of y
    int cols;
} pc;

void main()
{
    uint e = linear_id();
    if (e >= uint(pc.n) * uint(pc.cols)) return;
    int i = int(e) / pc.cols, c = int(e) % pc.cols;
    y[e] = table[ids[i] * pc.cols + c];
}
