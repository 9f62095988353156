/* FFTW plans made and destroyed under one process-wide lock. FFTW's planner keeps global state
 * and is not thread-safe (only fftwf_execute is), and voices, log-mel analysers and
 * Griffin-Lim renders are created from whatever threads the host uses, so every plan in Myna
 * goes through these two functions. Executing a plan needs no lock. */
#ifndef MYNA_FFT_PLAN_H
#define MYNA_FFT_PLAN_H

#include <fftw3.h>

/* Real-to-complex (forward) or complex-to-real (inverse, unnormalised) 1-D plan of size n over
 * the given buffers, FFTW_ESTIMATE (deterministic, no measurement). NULL on failure. */
fftwf_plan fft_plan_r2c(int n, float *in, fftwf_complex *out);
fftwf_plan fft_plan_c2r(int n, fftwf_complex *in, float *out);
void fft_plan_destroy(fftwf_plan p); /* NULL is ignored */

#endif
