#version 450
// y = a * alpha + b * beta, element-wise; a, b and y may be one buffer (bound three times).
#extension GL_GOOGLE_include_directive : require

layout(local_size_x = 256) in;

// After the layout: common.glsl uses gl_WorkGroupSize.
#include "common.glsl"

layout(std430, set = 0, binding = 0) readonly buffer A { float a[]; };
layout(std430, set = 0, binding = 1) readonly buffer B { float b[]; };
layout(std430, set = 0, binding = 2) writeonly buffer Y { float y[]; };

layout(push_constant) uniform PC {
    int n;
    float alpha;
    float beta;
} pc;

void main()
{
    uint e = linear_id();
    if (e >= uint(pc.n)) return;
    precise float v = a[e] * pc.alpha + b[e] * pc.beta;
    y[e] = v;
}
