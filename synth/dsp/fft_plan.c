/* See fft_plan.h: the lock is the second piece of process-global state in Myna, forced by
 * FFTW's global planner like the first (synth/text/espeak_lock.c) is by libespeak-ng. */
#include "fft_plan.h"

#include <pthread.h>

static pthread_mutex_t planner_mutex = PTHREAD_MUTEX_INITIALIZER;

fftwf_plan fft_plan_r2c(int n, float *in, fftwf_complex *out)
{
    pthread_mutex_lock(&planner_mutex);
    fftwf_plan p = fftwf_plan_dft_r2c_1d(n, in, out, FFTW_ESTIMATE);
    pthread_mutex_unlock(&planner_mutex);
    return p;
}

fftwf_plan fft_plan_c2r(int n, fftwf_complex *in, float *out)
{
    pthread_mutex_lock(&planner_mutex);
    fftwf_plan p = fftwf_plan_dft_c2r_1d(n, in, out, FFTW_ESTIMATE);
    pthread_mutex_unlock(&planner_mutex);
    return p;
}

void fft_plan_destroy(fftwf_plan p)
{
    if (!p) return;
    pthread_mutex_lock(&planner_mutex);
    fftwf_destroy_plan(p);
    pthread_mutex_unlock(&planner_mutex);
}
