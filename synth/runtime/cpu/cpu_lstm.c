/* LSTM on the CPU. The input projection of all time steps is one GEMM (threaded, through
 * cpu_conv1d_raw); the recurrence h_{t-1} -> gates is a matrix-vector product per step on the
 * calling thread: at H = 128..256 it is a few microseconds, less than a pool round trip. For
 * int8 w_hh, h_{t-1} is quantised like any other activation row. */
#include "synth/runtime/cpu/cpu_internal.h"

#include <string.h>

static size_t align64(size_t n)
{
    return (n + 63) & ~(size_t)63;
}

/* z[0..4H) = W_hh h (+ its bias if it has one), added onto z. */
static void recurrent_matvec(const cpu_state *s, const rt_weight *w_hh, const float *h, int8_t *hq,
                             int32_t *acc, float *z)
{
    const rt_weight_desc *d = &w_hh->desc;
    int g = d->out, hn = d->in;
    if (d->dtype == RT_I8) {
        float m = s->k->absmax_f32(h, hn);
        float inv = m > 0.0f ? 127.0f / m : 0.0f, sh = m / 127.0f;
        s->k->quantize_i8(h, hn, inv, hq);
        memset(hq + hn, 0, w_hh->row_bytes - (size_t)hn);
        s->k->gemm_i8(hq, w_hh->row_bytes, 1, d->data, w_hh->row_bytes, g, w_hh->row_bytes, acc,
                      (size_t)g);
        for (int o = 0; o < g; o++)
            z[o] += (float)acc[o] * (sh * d->scale[o]);
    } else {
        const float *wd = d->data;
        for (int o = 0; o < g; o++)
            z[o] += s->k->dot_f32(h, wd + (size_t)o * hn, hn);
    }
    if (d->bias)
        for (int o = 0; o < g; o++)
            z[o] += d->bias[o];
}

rt_status cpu_lstm(void *impl, const rt_weight *w_ih, const rt_weight *w_hh, const rt_buf *x,
                   int reverse, rt_buf *y, int col0)
{
    cpu_state *s = impl;
    int t_rows = x->rows, hn = w_hh->desc.in, g = 4 * hn;
    size_t gates_bytes = align64((size_t)t_rows * g * sizeof(float));
    size_t state_bytes = align64((size_t)hn * sizeof(float)) * 2 + align64(w_hh->row_bytes + 64) +
                         align64((size_t)g * sizeof(int32_t));
    rt_status st = scratch_reserve(&s->gates, gates_bytes + state_bytes);
    if (st != RT_OK) return st;
    char *p = s->gates.p;
    float *gates = (float *)p;
    p += gates_bytes;
    float *h = (float *)p;
    p += align64((size_t)hn * sizeof(float));
    float *c = (float *)p;
    p += align64((size_t)hn * sizeof(float));
    int8_t *hq = (int8_t *)p;
    p += align64(w_hh->row_bytes + 64);
    int32_t *acc = (int32_t *)p;

    st = cpu_conv1d_raw(s, w_ih, buf_f32(x), t_rows, 1, RT_ACT_NONE, gates, g);
    if (st != RT_OK) return st;
    memset(h, 0, (size_t)hn * sizeof(float));
    memset(c, 0, (size_t)hn * sizeof(float));
    float *out = buf_f32(y);
    for (int step = 0; step < t_rows; step++) {
        int t = reverse ? t_rows - 1 - step : step;
        float *z = gates + (size_t)t * g;
        if (step > 0 || w_hh->desc.bias) recurrent_matvec(s, w_hh, h, hq, acc, z);
        s->k->lstm_cell(z, c, h, hn);
        memcpy(out + (size_t)t * y->cols + col0, h, (size_t)hn * sizeof(float));
    }
    return RT_OK;
}
