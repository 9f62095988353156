#version 450
// f32 conv1d / linear: a 16 x 16 tile of (time, unit) per workgroup; the im2col row is read
// on the fly from x (zero outside [0, T)). Bias and activation fused as in gemm_i8.comp.
#extension GL_GOOGLE_include_directive : require

layout(local_size_x = 16, local_size_y = 16) in;

// After the layout: common.glsl uses gl_WorkGroupSize.
#include "common.glsl"

layout(std430, set = 0, binding = 0) readonly buffer X { float x[]; };
layout(std430, set = 0, binding = 1) readonly buffer W { float w[]; };
layout(std430, set = 0, binding = 4) readonly buffer B { float bias[]; };
layout(std430, set = 0, binding = 5) buffer Y { float y[]; };

layout(push_constant) uniform PC {
    int T;
    int U;
    int I;
    int K;
    int dil;
    int act;
    int has_bias;
    int ldy;
    int y_off;
} pc;

shared float as_[16][17];
shared float bs[2][16][17];

void main()
{
    int lx = int(gl_LocalInvocationID.x), ly = int(gl_LocalInvocationID.y);
    int t0 = int(gl_WorkGroupID.y) * 16, u0 = int(gl_WorkGroupID.x) * 16;
    int halves = pc.act == ACT_GATED ? 2 : 1;
    int n = pc.K * pc.I, half_k = (pc.K - 1) / 2;
    float acc0 = 0.0, acc1 = 0.0;
    for (int k0 = 0; k0 < n; k0 += 16) {
        int kk = k0 + lx, ta = t0 + ly, ub = u0 + ly;
        float a = 0.0;
        if (ta < pc.T && kk < n) {
            int r = ta + (kk / pc.I - half_k) * pc.dil;
            if (r >= 0 && r < pc.T) a = x[r * pc.I + kk % pc.I];
        }
        as_[ly][lx] = a;
        for (int h = 0; h < halves; h++)
            bs[h][ly][lx] = ub < pc.U && kk < n ? w[(ub + h * pc.U) * n + kk] : 0.0;
        barrier();
        for (int j = 0; j < 16; j++) {
            float av = as_[ly][j];
            acc0 += av * bs[0][lx][j];
            if (halves == 2) acc1 += av * bs[1][lx][j];
        }
        barrier();
    }
    int t = t0 + ly, u = u0 + lx;
    if (t >= pc.T || u >= pc.U) return;
    float z0 = acc0 + (pc.has_bias != 0 ? bias[u] : 0.0);
    float r;
    if (halves == 2)
        r = act_gated(z0, acc1 + (pc.has_bias != 0 ? bias[u + pc.U] : 0.0));
    else
        r = act_apply(pc.act, z0);
    y[pc.y_off + t * pc.ldy + u] = r;
}
