"""Spectral-envelope shaping of the excitation (docs/models.md, "Vocoder" step 1b), mirrored by
vocoder/envelope.c.

A flat-spectrum source (harmonics of F0 plus noise) is given the mel envelope frame by frame:
every frame of the excitation's STFT (the log-mel's own frames: centred on f*hop, reflect
padding, periodic Hann) is multiplied by a gain that makes its mel spectrum equal the target
log-mel, and the frames are overlap-added back with the same window. The gain of mel band m is

    g_m = exp(min(logmel[f][m] - ln(max(sum_k fb[m][k] |E_f[k]|, log_floor)), MAX_LOG_GAIN))

and bin k takes the filterbank-weighted mean of the band gains, sum_m fb[m][k] g_m /
sum_m fb[m][k]; a bin no filter covers (0 Hz, above fmax) takes the nearest band's gain.
The result is already speech-like; the WaveNet learns only what it gets wrong.
"""
import numpy as np

MAX_LOG_GAIN = 12.0


def gain_map(fb):
    """[n_mels][n_bins] weights from band gains to bin gains."""
    fb = np.asarray(fb, dtype=np.float64)
    n_mels, n_bins = fb.shape
    total = fb.sum(axis=0)
    g = np.where(total > 0, fb / np.where(total > 0, total, 1.0), 0.0)
    covered = np.nonzero(total > 0)[0]
    for k in np.nonzero(total <= 0)[0]:
        # nearest covered bin's strongest band
        near = covered[np.argmin(np.abs(covered - k))]
        g[np.argmax(fb[:, near]), k] = 1.0
    return g


def shape(exc, logmel, melspec):
    """exc [F*hop] (float), logmel [F][n_mels] -> shaped excitation [F*hop] float32."""
    ms = melspec
    logmel = np.asarray(logmel, dtype=np.float64)
    n_frames, hop, n_fft = len(logmel), ms.hop, ms.n_fft
    n = n_frames * hop
    x = np.asarray(exc, dtype=np.float64)
    assert len(x) == n, (len(x), n)
    pad = n_fft // 2
    xp = np.pad(x, (pad, pad), mode="reflect")
    need = (n_frames - 1) * hop + n_fft
    if len(xp) < need:
        xp = np.pad(xp, (0, need - len(xp)))
    w = ms.window.astype(np.float64)
    idx = np.arange(n_frames)[:, None] * hop + np.arange(n_fft)[None, :]
    spec = np.fft.rfft(xp[idx] * w, axis=1)
    fb = ms.fb.astype(np.float64)
    em = np.abs(spec) @ fb.T
    log_gain = np.minimum(logmel - np.log(np.maximum(em, ms.log_floor)), MAX_LOG_GAIN)
    gain = np.exp(np.where(np.isfinite(log_gain), log_gain, -np.inf)) @ gain_map(fb)
    frames = np.fft.irfft(spec * gain, n_fft, axis=1) * w
    out = np.zeros(need)
    norm = np.zeros(need)
    for f in range(n_frames):
        out[f * hop:f * hop + n_fft] += frames[f]
        norm[f * hop:f * hop + n_fft] += w * w
    y = out[pad:pad + n] / norm[pad:pad + n]
    return y.astype(np.float32)
