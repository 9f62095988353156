#version 450
// int8 conv, step 1: the im2col row of each output time step t (the K taps concatenated, zero
// rows outside [0, T)), quantised with one scale max|row| / 127 and packed four bytes a word,
// zero padded to the weight's row stride. One workgroup per row. See rt_conv1d in rt.h.
#extension GL_GOOGLE_include_directive : require

layout(local_size_x = 64) in;

// After the layout: common.glsl uses gl_WorkGroupSize.
#include "common.glsl"

layout(std430, set = 0, binding = 0) readonly buffer X { float x[]; };
layout(std430, set = 0, binding = 1) writeonly buffer Q { uint q[]; };
layout(std430, set = 0, binding = 2) writeonly buffer SX { float sx[]; };

layout(push_constant) uniform PC {
    int T;         // time rows of x
    int I;         // input channels
    int K;         // taps
    int dil;       // dilation
    int row_words; // words of one packed row (row stride / 4)
} pc;

shared uint red[64];

// Input row of tap k for output row t, or -1 in the zero padding.
int tap_row(int t, int k)
{
    int r = t + (k - (pc.K - 1) / 2) * pc.dil;
    return r >= 0 && r < pc.T ? r : -1;
}

void main()
{
    int t = int(linear_group());
    if (t >= pc.T) return;
    uint lid = gl_LocalInvocationID.x;
    int n = pc.K * pc.I;

    // max|x| over the row on the bit patterns (the CPU's absmax_f32 does the same).
    uint m = 0u;
    for (int kk = int(lid); kk < n; kk += 64) {
        int r = tap_row(t, kk / pc.I);
        if (r >= 0) m = max(m, floatBitsToUint(x[r * pc.I + kk % pc.I]) & 0x7fffffffu);
    }
    red[lid] = m;
    barrier();
    for (uint s = 32u; s > 0u; s >>= 1) {
        if (lid < s) red[lid] = max(red[lid], red[lid + s]);
        barrier();
    }
    float mx = uintBitsToFloat(red[0]);
    float inv = mx > 0.0 ? div_rn(127.0, mx) : 0.0;
    if (lid == 0u) sx[t] = div_rn(mx, 127.0);

    for (int wd = int(lid); wd < pc.row_words; wd += 64) {
        uint word = 0u;
        for (int b = 0; b < 4; b++) {
            int kk = wd * 4 + b;
            if (kk >= n) break;
            int r = tap_row(t, kk / pc.I);
            if (r >= 0) word |= quant_byte(x[r * pc.I + kk % pc.I], inv) << (8 * b);
        }
        q[t * pc.row_words + wd] = word;
    }
}
