/* A small fork-join pool: pool_run(fn) calls fn on every worker (the caller is worker 0) and
 * returns when all are done. Each worker picks its own slice of the work from its index, so a
 * job's partition depends only on the worker count, never on timing. */
#ifndef MYNA_CPU_THREAD_POOL_H
#define MYNA_CPU_THREAD_POOL_H

#include "synth/runtime/rt.h"

typedef struct thread_pool thread_pool;
typedef void (*pool_fn)(void *arg, int worker, int n_workers);

rt_status pool_create(int n_workers, thread_pool **out);
void pool_destroy(thread_pool *p);
int pool_size(const thread_pool *p);
/* Runs fn on min(n_workers, pool size) workers (n_workers >= 1). */
void pool_run(thread_pool *p, int n_workers, pool_fn fn, void *arg);

/* Worker `w` of `n` gets [*lo, *hi) of [0, total), boundaries on multiples of `align`, so the
 * SIMD tiles a row falls into do not change with the worker count. */
void pool_split(int total, int align, int w, int n, int *lo, int *hi);

#endif
