/* Neural-source-filter excitation: harmonic sines driven by F0 plus Gaussian noise
 * (docs/models.md, "Vocoder" step 1). Mirrored bit-for-bit in training/myna/excitation.py so the
 * vocoder sees the same excitation in training and in C.
 *
 * Two forms: NSF sines (each harmonic sine_amp / H), and the flat source that envelope shaping
 * (envelope.h) starts from: every harmonic below Nyquist up to H, each of amplitude
 * sine_amp * sqrt(2 f0 / sr), so the spectral density is the same whatever the F0. */
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
    int flat; /* nonzero: the flat source for envelope shaping */
} exc_params;

/* Excitation for n_frames frames of f0 (Hz, 0 = unvoiced) into out (n_frames * hop samples).
 * *phase carries the sine phase between calls (start at 0); first_sample is the absolute
 * sample index of out[0], which keys the noise. */
void exc_generate(const exc_params *p, const float *f0, int n_frames, double *phase,
                  uint64_t first_sample, float *out);

#endif
