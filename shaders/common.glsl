// Helpers shared by the compute shaders (included; not a shader itself).
//
// Numerics follow the CPU backend (synth/runtime/cpu/fastmath.h, rowops_body.h): the same
// operations in the same order, each marked `precise` so the compiler neither fuses a multiply
// and an add nor reassociates. Vulkan guarantees correctly rounded add, sub and mul but only
// 2.5 ulp for division, so the divisions whose result feeds the int8 quantisation go through
// div_rn, which picks the correctly rounded quotient.

#define ACT_NONE 0
#define ACT_RELU 1
#define ACT_TANH 2
#define ACT_SIGMOID 3
#define ACT_GATED 4

// Linear invocation index of a 1-D problem dispatched as a 2-D grid of workgroups (the host
// splits large counts over y because a grid dimension is only guaranteed up to 65535).
uint linear_id()
{
    return (gl_WorkGroupID.y * gl_NumWorkGroups.x + gl_WorkGroupID.x) * gl_WorkGroupSize.x +
           gl_LocalInvocationID.x;
}

uint linear_group()
{
    return gl_WorkGroupID.y * gl_NumWorkGroups.x + gl_WorkGroupID.x;
}

// Exact product x*y = p + e (Dekker) using only correctly rounded mul/add. |x|,|y| < 2^100.
void two_prod(float x, float y, out float p, out float e)
{
    precise float pp = x * y;
    precise float cx = 4097.0 * x;
    precise float xh = cx - (cx - x);
    precise float xl = x - xh;
    precise float cy = 4097.0 * y;
    precise float yh = cy - (cy - y);
    precise float yl = y - yh;
    precise float ee = ((xh * yh - pp) + xh * yl + xl * yh) + xl * yl;
    p = pp;
    e = ee;
}

// |a - q*b|, accurate enough to rank candidate quotients q of a / b.
float residual(float a, float b, float q)
{
    float p, e;
    two_prod(q, b, p, e);
    precise float r = (a - p) - e;
    return abs(r);
}

// Correctly rounded a / b for positive finite a, b of moderate size (the quantisation scales).
// The hardware quotient is within a few ulps; the nearest of its neighbours wins.
float div_rn(float a, float b)
{
    float q = a / b;
    if (!(q > 0.0) || isinf(q) || b > 1e30 || b < 1e-30 || a > 1e30) return q;
    uint qb = floatBitsToUint(q);
    float best = q;
    float br = residual(a, b, q);
    for (int d = -3; d <= 3; d++) {
        if (d == 0) continue;
        float c = uintBitsToFloat(uint(int(qb) + d));
        float r = residual(a, b, c);
        if (r < br) {
            br = r;
            best = c;
        }
    }
    return best;
}

// fm_exp of fastmath.h, operation for operation.
float fm_exp(float xin)
{
    precise float x = clamp(xin, -87.0, 88.0);
    precise float n = roundEven(x * 1.44269504);
    precise float r = x - n * 0.693145752;
    r = r - n * 1.42860677e-6;
    precise float p = 1.0 / 720.0;
    p = p * r + 1.0 / 120.0;
    p = p * r + 1.0 / 24.0;
    p = p * r + 1.0 / 6.0;
    p = p * r + 0.5;
    p = p * r + 1.0;
    p = p * r + 1.0;
    float scale = intBitsToFloat((int(n) + 127) << 23);
    precise float res = p * scale;
    return res;
}

float fm_sigmoid(float x)
{
    precise float d = 1.0 + fm_exp(-x);
    precise float r = 1.0 / d;
    return r;
}

float fm_tanh(float x)
{
    precise float d = fm_exp(2.0 * x) + 1.0;
    precise float r = 1.0 - 2.0 / d;
    return r;
}

// Non-gated activation of one value.
float act_apply(int act, float v)
{
    if (act == ACT_RELU) return v > 0.0 ? v : 0.0;
    if (act == ACT_TANH) return fm_tanh(v);
    if (act == ACT_SIGMOID) return fm_sigmoid(v);
    return v;
}

// Gated unit: tanh(a) * sigmoid(b), in the CPU's order.
float act_gated(float a, float b)
{
    precise float r = fm_tanh(a) * fm_sigmoid(b);
    return r;
}

// Signed dot product of two words of four packed int8 values each.
int dot4_i8(uint a, uint b)
{
    ivec4 va = ivec4(bitfieldExtract(int(a), 0, 8), bitfieldExtract(int(a), 8, 8),
                     bitfieldExtract(int(a), 16, 8), bitfieldExtract(int(a), 24, 8));
    ivec4 vb = ivec4(bitfieldExtract(int(b), 0, 8), bitfieldExtract(int(b), 8, 8),
                     bitfieldExtract(int(b), 16, 8), bitfieldExtract(int(b), 24, 8));
    return va.x * vb.x + va.y * vb.y + va.z * vb.z + va.w * vb.w;
}

// One value quantised with the reciprocal scale inv, as quantize_i8 does: round half to even,
// clamp to [-127, 127], returned as the byte's bits.
uint quant_byte(float x, float inv)
{
    precise float v = roundEven(x * inv);
    v = clamp(v, -127.0, 127.0);
    return uint(int(v)) & 0xffu;
}
