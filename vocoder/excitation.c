#include "excitation.h"

#include <math.h>

static const double two_pi = 6.283185307179586476925286766559;

static uint64_t splitmix64(uint64_t x)
{
    uint64_t z = x + 0x9e3779b97f4a7c15ull;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* Top 53 bits plus half an ulp: strictly inside (0, 1), so log() below is finite. */
static double unit_open(uint64_t bits)
{
    return ((double)(bits >> 11) + 0.5) * 0x1.0p-53;
}

double myna_noise(uint64_t seed, uint64_t n)
{
    double u1 = unit_open(splitmix64(seed ^ (2 * n)));
    double u2 = unit_open(splitmix64(seed ^ (2 * n + 1)));
    return sqrt(-2.0 * log(u1)) * cos(two_pi * u2);
}

/* Weights of the flat source's harmonics for one frame at hz; returns how many are summed:
 * h = 1 .. while h * hz < nyquist and, with a cutoff, (h * hz / cutoff)^order stays within
 * EXC_VOICING_STOP. The power is order-1 multiplications in sequence, as excitation.py takes
 * it, so both sides round alike. */
static int voicing_weights(const exc_params *p, double hz, double nyquist, double *w)
{
    const int max_h = p->n_harmonics < EXC_MAX_HARMONICS ? p->n_harmonics : EXC_MAX_HARMONICS;
    int count = 0;
    for (int h = 1; h <= max_h && h * hz < nyquist; h++) {
        double weight = 1.0;
        if (p->voicing_cutoff_hz > 0) {
            double x = h * hz / p->voicing_cutoff_hz, xp = x;
            for (int k = 1; k < p->voicing_order; k++)
                xp = xp * x;
            if (!(xp <= EXC_VOICING_STOP)) break;
            weight = 1.0 / (1.0 + xp);
        }
        w[count++] = weight;
    }
    return count;
}

/* sum of w[h-1] sin(h phi) for h = 1 .. count, by the Chebyshev recurrence
 * s_h = 2 cos(phi) s_(h-1) - s_(h-2): two library calls per sample whatever the count. The
 * order of operations is excitation.py's, so both round alike. */
static double harmonic_sum(double phi, const double *w, int count)
{
    double c2 = 2.0 * cos(phi), prev = 0.0, cur = sin(phi), sum = 0.0;
    for (int h = 0; h < count; h++) {
        sum += w[h] * cur;
        double next = c2 * cur - prev;
        prev = cur;
        cur = next;
    }
    return sum;
}

void exc_generate(const exc_params *p, const float *f0, int n_frames, double *phase,
                  uint64_t first_sample, float *out)
{
    const double nyquist = 0.5 * p->sample_rate;
    const double sine_gain = p->n_harmonics > 0 ? p->sine_amp / p->n_harmonics : 0.0;
    double phi = *phase;
    double weights[EXC_MAX_HARMONICS];
    uint64_t n = first_sample;
    for (int f = 0; f < n_frames; f++) {
        double hz = f0[f] > 0 && isfinite(f0[f]) ? f0[f] : 0.0;
        double step = two_pi * hz / p->sample_rate;
        double flat_gain = p->sine_amp * sqrt(2.0 * hz / p->sample_rate);
        int n_summed = hz > 0 && p->flat ? voicing_weights(p, hz, nyquist, weights) : 0;
        for (int i = 0; i < p->hop; i++, n++) {
            phi = fmod(phi + step, two_pi);
            double z = myna_noise(p->seed, n);
            double e;
            if (hz > 0 && p->flat) {
                e = flat_gain * harmonic_sum(phi, weights, n_summed) + p->noise_std * z;
            } else if (hz > 0) {
                double sum = 0.0;
                for (int h = 1; h <= p->n_harmonics && h * hz < nyquist; h++)
                    sum += sin(h * phi);
                e = sine_gain * sum + p->noise_std * z;
            } else {
                e = p->sine_amp / 3.0 * z;
            }
            *out++ = (float)e;
        }
    }
    *phase = phi;
}
