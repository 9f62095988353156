/* Spectral-envelope shaping of the vocoder's source (docs/models.md, "Vocoder" step 1b;
 * training/myna/shaping.py is the reference).
 *
 * A flat-spectrum excitation (harmonics of F0 plus noise, excitation.h) gets the target mel
 * envelope frame by frame: each frame of its STFT (the log-mel's own framing, stft.h) is
 * multiplied by per-bin gains that make its mel spectrum equal the target log-mel, and the
 * frames are overlap-added with the same window, normalised by the summed squared window.
 * Band m's gain is exp(min(logmel[f][m] - ln(max(sum_k fb[m][k] |E_f[k]|, log_floor)), 12))
 * (0 where that is NaN); bin k takes sum_m fb[m][k] g_m / sum_m fb[m][k], or, where no filter
 * covers it (0 Hz, above fmax), the gain of the strongest band of the nearest covered bin.
 * `passes` applies the shaping that many times, each to the previous pass's output.
 *
 * Any frame range of a sentence can be shaped on its own: env_shape reads the context it
 * needs from the whole-sentence excitation, so shaped blocks concatenate to exactly the
 * whole-sentence result. */
#ifndef MYNA_ENVELOPE_H
#define MYNA_ENVELOPE_H

enum {
    ENV_OK = 0,
    ENV_ERR_ARG = -1,   /* invalid parameters or input */
    ENV_ERR_NOMEM = -2, /* allocation or FFTW planning failed */
};

typedef struct env_shaper env_shaper;

typedef struct {
    int n_fft;               /* even, <= 65536 */
    int hop, win, n_mels;    /* 1 <= win <= n_fft, 2 * hop <= win (frames must overlap) */
    int passes;              /* 1 .. ENV_MAX_PASSES */
    float log_floor;         /* > 0 */
    const float *filterbank; /* [n_mels][n_fft/2+1], copied by env_create */
} env_params;

#define ENV_MAX_PASSES 8

/* On failure *out is NULL and the result is ENV_ERR_ARG or ENV_ERR_NOMEM. Plans under
 * fft_plan.h's lock: any thread may create and destroy. */
int env_create(const env_params *p, env_shaper **out);
void env_destroy(env_shaper *e); /* NULL is ignored */

/* out[(hi - lo) * hop] = the shaped source for frames [lo, hi) of a sentence whose excitation
 * is exc[n_frames * hop] and log-mel logmel[n_frames][n_mels]. 0 <= lo <= hi <= n_frames.
 * One thread at a time per shaper (it holds scratch buffers). ENV_OK or an ENV_ERR_*. */
int env_shape(env_shaper *e, const float *exc, const float *logmel, int n_frames, int lo, int hi,
              float *out);

#endif
