/* Fork-join worker pool with a generation counter: workers sleep on a condition variable
 * between jobs, so an idle context costs no CPU. */
#include "synth/runtime/cpu/thread_pool.h"

#include <pthread.h>
#include <stdlib.h>

struct thread_pool {
    int n;
    pthread_t *threads;
    pthread_mutex_t mu;
    pthread_cond_t wake, done;
    unsigned long generation;
    int active;  /* workers taking part in the current job (incl. caller) */
    int pending; /* helper workers still running the current job */
    int quit;
    pool_fn fn;
    void *arg;
};

typedef struct {
    thread_pool *p;
    int index;
} worker_arg;

static void *worker_main(void *argp)
{
    worker_arg *wa = argp;
    thread_pool *p = wa->p;
    int index = wa->index;
    free(wa);
    unsigned long seen = 0;
    pthread_mutex_lock(&p->mu);
    for (;;) {
        while (!p->quit && p->generation == seen)
            pthread_cond_wait(&p->wake, &p->mu);
        if (p->quit) break;
        seen = p->generation;
        if (index >= p->active) continue;
        pool_fn fn = p->fn;
        void *arg = p->arg;
        int n = p->active;
        pthread_mutex_unlock(&p->mu);
        fn(arg, index, n);
        pthread_mutex_lock(&p->mu);
        if (--p->pending == 0) pthread_cond_signal(&p->done);
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

rt_status pool_create(int n_workers, thread_pool **out)
{
    *out = NULL;
    if (n_workers < 1) n_workers = 1;
    thread_pool *p = calloc(1, sizeof *p);
    if (!p) return RT_ERR_NOMEM;
    p->n = 1;
    if (pthread_mutex_init(&p->mu, NULL) != 0) {
        free(p);
        return RT_ERR_BACKEND;
    }
    pthread_cond_init(&p->wake, NULL);
    pthread_cond_init(&p->done, NULL);
    p->threads = calloc((size_t)n_workers, sizeof *p->threads);
    if (!p->threads) {
        pool_destroy(p);
        return RT_ERR_NOMEM;
    }
    for (int i = 1; i < n_workers; i++) {
        worker_arg *wa = malloc(sizeof *wa);
        if (!wa) break;
        wa->p = p;
        wa->index = i;
        if (pthread_create(&p->threads[i], NULL, worker_main, wa) != 0) {
            free(wa);
            break; /* run with the workers we got */
        }
        p->n = i + 1;
    }
    *out = p;
    return RT_OK;
}

void pool_destroy(thread_pool *p)
{
    if (!p) return;
    pthread_mutex_lock(&p->mu);
    p->quit = 1;
    pthread_cond_broadcast(&p->wake);
    pthread_mutex_unlock(&p->mu);
    for (int i = 1; i < p->n; i++)
        pthread_join(p->threads[i], NULL);
    pthread_cond_destroy(&p->wake);
    pthread_cond_destroy(&p->done);
    pthread_mutex_destroy(&p->mu);
    free(p->threads);
    free(p);
}

int pool_size(const thread_pool *p)
{
    return p->n;
}

void pool_run(thread_pool *p, int n_workers, pool_fn fn, void *arg)
{
    if (n_workers > p->n) n_workers = p->n;
    if (n_workers <= 1) {
        fn(arg, 0, 1);
        return;
    }
    pthread_mutex_lock(&p->mu);
    p->fn = fn;
    p->arg = arg;
    p->active = n_workers;
    p->pending = n_workers - 1;
    p->generation++;
    pthread_cond_broadcast(&p->wake);
    pthread_mutex_unlock(&p->mu);
    fn(arg, 0, n_workers);
    pthread_mutex_lock(&p->mu);
    while (p->pending > 0)
        pthread_cond_wait(&p->done, &p->mu);
    pthread_mutex_unlock(&p->mu);
}

void pool_split(int total, int align, int w, int n, int *lo, int *hi)
{
    int units = (total + align - 1) / align;
    int per = units / n, extra = units % n;
    int u0 = w * per + (w < extra ? w : extra);
    int u1 = u0 + per + (w < extra ? 1 : 0);
    *lo = u0 * align < total ? u0 * align : total;
    *hi = u1 * align < total ? u1 * align : total;
}
