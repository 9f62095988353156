/* CPU backend state shared by its source files. */
#ifndef MYNA_CPU_INTERNAL_H
#define MYNA_CPU_INTERNAL_H

#include "synth/runtime/rt_backend.h"
#include "synth/runtime/cpu/kernels.h"
#include "synth/runtime/cpu/thread_pool.h"

/* Growable 64-byte aligned scratch memory. */
typedef struct {
    void *p;
    size_t bytes;
} cpu_scratch;

rt_status scratch_reserve(cpu_scratch *s, size_t bytes);
void scratch_free(cpu_scratch *s);

typedef struct {
    const cpu_kernels *k;
    thread_pool *pool;
    int threads;
    cpu_scratch *worker; /* [threads]: private to worker i during a job */
    cpu_scratch gates;   /* LSTM: input projections of all time steps */
    char desc[64];
} cpu_state;

static inline float *buf_f32(const rt_buf *b)
{
    return (float *)b->mem;
}

/* y = act(x (*) w) for an f32 or int8 weight; see rt_conv1d. Also the LSTM input projection. */
rt_status cpu_conv1d(void *impl, const rt_weight *w, const rt_buf *x, int dilation, rt_act act,
                     rt_buf *y);
/* The same into raw memory: y has T rows of stride ldy, before gating (O columns). */
rt_status cpu_conv1d_raw(cpu_state *s, const rt_weight *w, const float *x, int t_rows, int dilation,
                         rt_act act, float *y, int ldy);
rt_status cpu_lstm(void *impl, const rt_weight *w_ih, const rt_weight *w_hh, const rt_buf *x,
                   int reverse, rt_buf *y, int col0);

#endif
