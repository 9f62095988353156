/* Neural-source-filter excitation: harmonic sines driven by F0 plus Gaussian noise
 * (docs/models.md, "Vocoder" step 1). Mirrored bit-for-bit in training/myna/excitation.py so the
 * vocoder sees the same excitation in training and in C.
 *
 * Two forms: NSF sines (each harmonic sine_amp / H), and the flat source that envelope shaping
 * (envelope.h) starts from: every harmonic below Nyquist up to H, each of amplitude
 * sine_amp * sqrt(2 f0 / sr), so the spectral density is the same whatever the F0. A voicing
 * cutoff fades the flat source's harmonics above it, 1 / (1 + (f / cutoff)^order), so noise
 * carries the upper bands of voiced frames as it does in recorded speech. */
#ifndef MYNA_EXCITATION_H
#define MYNA_EXCITATION_H

#include <stdint.h>

/* Standard normal sample number n of the stream `seed`. Counter-based: any sample can be made
 * independently of the others, so chunked synthesis needs no generator state. */
double myna_noise(uint64_t seed, uint64_t n);

typedef struct {
    int hop;         /* samples per frame */
    int sample_rate; /* Hz */
    int n_harmonics; /* H */
    double sine_amp, noise_std;
    uint64_t seed;
    int flat;                 /* nonzero: the flat source for envelope shaping */
    double voicing_cutoff_hz; /* flat source only; 0: every harmonic at full amplitude */
    int voicing_order;        /* 1 .. EXC_MAX_VOICING_ORDER, used with a cutoff */
} exc_params;

#define EXC_MAX_VOICING_ORDER 16
/* The flat source stops at the first harmonic whose (f / cutoff)^order exceeds this (weight
 * below 1e-4, -80 dB), so the harmonic loop ends sooner. */
#define EXC_VOICING_STOP 1e4
/* Harmonics beyond this are never summed (the voice loader caps n_harmonics at it). */
#define EXC_MAX_HARMONICS 1024

/* Excitation for n_frames frames of f0 (Hz, 0 = unvoiced) into out (n_frames * hop samples).
 * *phase carries the sine phase between calls (start at 0); first_sample is the absolute
 * sample index of out[0], which keys the noise. */
void exc_generate(const exc_params *p, const float *f0, int n_frames, double *phase,
                  uint64_t first_sample, float *out);

#endif
