/* Error figures between a computed signal and its reference. */
#ifndef MYNA_TEST_MODELS_COMPARE_H
#define MYNA_TEST_MODELS_COMPARE_H

#include <math.h>
#include <stddef.h>

typedef struct {
    double max_abs;  /* max |a - ref| */
    double ref_peak; /* max |ref| */
    double rel;      /* max_abs / max(ref_peak, 1e-12) */
    double snr_db;   /* 10 log10(sum ref^2 / sum (a - ref)^2) */
} cmp_stats;

static inline cmp_stats cmp_compute(const float *a, const float *ref, size_t n)
{
    cmp_stats s = {0, 0, 0, 0};
    double sig = 0, err = 0;
    for (size_t i = 0; i < n; i++) {
        double d = (double)a[i] - (double)ref[i];
        if (!(fabs(d) <= s.max_abs)) /* NaN propagates as an infinite error */
            s.max_abs = isnan(d) ? INFINITY : fabs(d);
        if (fabs(ref[i]) > s.ref_peak) s.ref_peak = fabs(ref[i]);
        sig += (double)ref[i] * ref[i];
        err += d * d;
    }
    s.rel = s.max_abs / (s.ref_peak > 1e-12 ? s.ref_peak : 1e-12);
    s.snr_db = err > 0 ? 10.0 * log10(sig / err) : INFINITY;
    return s;
}

#endif
