#version 450
// int8 conv, step 2: int32 sums of the quantised im2col rows against the int8 weight rows
// (exact, so any summation order gives the CPU's sums), then rescale, bias and activation
// fused: z = float(acc) * (sx[t] * scale[o]) + bias[o]. A 16 x 16 tile of (time, unit) per
// workgroup, 16-word (64-byte) steps: the row stride is a multiple of 64 bytes, so no step
// needs a bound check. Gated output column u combines weight rows u and u + U.
#extension GL_GOOGLE_include_directive : require

layout(local_size_x = 16, local_size_y = 16) in;

// After the layout: common.glsl uses gl_WorkGroupSize.
#include "common.glsl"

layout(std430, set = 0, binding = 0) readonly buffer Q { uint q[]; };
layout(std430, set = 0, binding = 1) readonly buffer W { uint w[]; };
layout(std430, set = 0, binding = 2) readonly buffer SX { float sx[]; };
layout(std430, set = 0, binding = 3) readonly buffer S { float scale[]; };
layout(std430, set = 0, binding = 4) readonly buffer B { float bias[]; };
layout(std430, set = 0, binding = 5) buffer Y { float y[]; };

layout(push_constant) uniform PC {
    int T;         // rows
    int U;         // output columns (O, or O/2 when gated)
    int row_words; // words per packed row, a multiple of 16
    int act;
    int has_bias;
    int ldy;       // row stride of y in floats
    int y_off;     // first element of y
} pc;

shared uint as_[16][17];
shared uint bs[2][16][17];

void main()
{
    int lx = int(gl_LocalInvocationID.x), ly = int(gl_LocalInvocationID.y);
    int t0 = int(gl_WorkGroupID.y) * 16, u0 = int(gl_WorkGroupID.x) * 16;
    int halves = pc.act == ACT_GATED ? 2 : 1;
    int acc0 = 0, acc1 = 0;
    for (int k0 = 0; k0 < pc.row_words; k0 += 16) {
        int ta = t0 + ly, ub = u0 + ly;
        as_[ly][lx] = ta < pc.T ? q[ta * pc.row_words + k0 + lx] : 0u;
        for (int h = 0; h < halves; h++)
            bs[h][ly][lx] = ub < pc.U ? w[(ub + h * pc.U) * pc.row_words + k0 + lx] : 0u;
        barrier();
        for (int j = 0; j < 16; j++) {
            uint a = as_[ly][j];
            acc0 += dot4_i8(a, bs[0][lx][j]);
            if (halves == 2) acc1 += dot4_i8(a, bs[1][lx][j]);
        }
        barrier();
    }
    int t = t0 + ly, u = u0 + lx;
    if (t >= pc.T || u >= pc.U) return;
    float s = sx[t];
    precise float z0 = float(acc0) * (s * scale[u]) + (pc.has_bias != 0 ? bias[u] : 0.0);
    float r;
    if (halves == 2) {
        int o1 = u + pc.U;
        precise float z1 = float(acc1) * (s * scale[o1]) + (pc.has_bias != 0 ? bias[o1] : 0.0);
        r = act_gated(z0, z1);
    } else {
        r = act_apply(pc.act, z0);
    }
    y[pc.y_off + t * pc.ldy + u] = r;
}
