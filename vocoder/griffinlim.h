/* Griffin-Lim mel inversion (FFTW): a debugging vocoder that needs no trained weights. */
#ifndef MYNA_GRIFFINLIM_H
#define MYNA_GRIFFINLIM_H

typedef struct {
    int sample_rate, n_fft, hop, win, n_mels;
    const float *filterbank; /* [n_mels][n_fft/2+1], from the voice file */
    int iterations;          /* 32 is plenty for debugging */
} gl_params;

/* mel: [n_frames][n_mels] natural-log mel. out: n_frames * hop samples. 0 or negative error. */
int gl_render(const gl_params *p, const float *mel, int n_frames, float *out);

#endif
