#version 450
// Length regulation. The host turns the counts into a map of two words per output row: the
// source row, and the position-in-run value (computed in double on the host, as the CPU does).
#extension GL_GOOGLE_include_directive : require

layout(local_size_x = 256) in;

// After the layout: common.glsl uses gl_WorkGroupSize.
#include "common.glsl"

layout(std430, set = 0, binding = 0) readonly buffer X { float x[]; };
layout(std430, set = 0, binding = 1) readonly buffer M { uint map[]; };
layout(std430, set = 0, binding = 2) writeonly buffer Y { float y[]; };

layout(push_constant) uniform PC {
    int rows;  // rows of y
    int xcols;
    int ycols; // xcols or xcols + 1 (position column)
} pc;

void main()
{
    uint e = linear_id();
    if (e >= uint(pc.rows) * uint(pc.ycols)) return;
    int r = int(e) / pc.ycols, c = int(e) % pc.ycols;
    int src = int(map[2 * r]);
    y[e] = c < pc.xcols ? x[src * pc.xcols + c] : uintBitsToFloat(map[2 * r + 1]);
}
