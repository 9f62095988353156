#version 450
// y = act(x) element-wise (in place allowed), or for GATED: x has 2C columns, y has C,
// y[t][c] = tanh(x[t][c]) * sigmoid(x[t][C + c]).
#extension GL_GOOGLE_include_directive : require

layout(local_size_x = 256) in;

// After the layout: common.glsl uses gl_WorkGroupSize.
#include "common.glsl"

layout(std430, set = 0, binding = 0) readonly buffer X { float x[]; };
layout(std430, set = 0, binding = 1) writeonly buffer Y { float y[]; };

layout(push_constant) uniform PC {
    int n;   // elements of y
    int act;
    int cols; // columns of y (C when gated)
} pc;

void main()
{
    uint e = linear_id();
    if (e >= uint(pc.n)) return;
    if (pc.act == ACT_GATED) {
        int t = int(e) / pc.cols, c = int(e) % pc.cols;
        int base = t * 2 * pc.cols + c;
        y[e] = act_gated(x[base], x[base + pc.cols]);
    } else {
        y[e] = act_apply(pc.act, x[e]);
    }
}
