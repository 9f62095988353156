"""Audio features shared by training and export: Slaney mel filterbank, log-mel, F0.

The log-mel definition is the contract of docs/models.md ("Shared metadata"); the C engine's
Griffin-Lim path and every trained voice depend on it, so the numpy and torch versions here must
agree (tests/training checks that).
"""
import numpy as np
import torch

# Slaney's mel scale: linear below 1 kHz (3 mels per 200 Hz), logarithmic above.
_F_SP = 200.0 / 3.0
_MIN_LOG_HZ = 1000.0
_MIN_LOG_MEL = _MIN_LOG_HZ / _F_SP
_LOGSTEP = np.log(6.4) / 27.0


def hz_to_mel(hz):
    hz = np.asarray(hz, dtype=np.float64)
    mel = hz / _F_SP
    log_part = _MIN_LOG_MEL + np.log(np.maximum(hz, 1e-10) / _MIN_LOG_HZ) / _LOGSTEP
    return np.where(hz >= _MIN_LOG_HZ, log_part, mel)


def mel_to_hz(mel):
    mel = np.asarray(mel, dtype=np.float64)
    hz = mel * _F_SP
    log_part = _MIN_LOG_HZ * np.exp(_LOGSTEP * (mel - _MIN_LOG_MEL))
    return np.where(mel >= _MIN_LOG_MEL, log_part, hz)


def mel_filterbank(sr, n_fft, n_mels, fmin=0.0, fmax=None):
    """Triangular filters [n_mels, n_fft//2 + 1], equally spaced on the Slaney mel scale, each
    scaled by 2 / (bandwidth in Hz) so every filter has the same area ("slaney" norm)."""
    fmax = sr / 2.0 if fmax is None else fmax
    fft_hz = np.linspace(0.0, sr / 2.0, n_fft // 2 + 1)
    edges = mel_to_hz(np.linspace(hz_to_mel(fmin), hz_to_mel(fmax), n_mels + 2))
    widths = np.diff(edges)
    # distance of every FFT bin from every edge, then the rising and falling slopes
    dist = edges[:, None] - fft_hz[None, :]
    rising = -dist[:-2] / widths[:-1, None]
    falling = dist[2:] / widths[1:, None]
    fb = np.maximum(0.0, np.minimum(rising, falling))
    fb *= (2.0 / (edges[2:] - edges[:-2]))[:, None]
    return fb.astype(np.float32)


def hann_periodic(win):
    n = np.arange(win)
    return (0.5 - 0.5 * np.cos(2.0 * np.pi * n / win)).astype(np.float32)


def n_frames_for(n_samples, hop):
    """Frames of a centred STFT: frame f is centred on sample f*hop."""
    return n_samples // hop + 1


class MelSpec:
    """Log-mel analysis with the parameters stored in a voice file."""

    def __init__(self, sr=22050, n_fft=1024, hop=256, win=1024, n_mels=80, fmin=0.0,
                 fmax=8000.0, log_floor=1e-5):
        assert win <= n_fft and n_fft % 2 == 0
        self.sr, self.n_fft, self.hop, self.win = sr, n_fft, hop, win
        self.n_mels, self.fmin, self.fmax, self.log_floor = n_mels, fmin, fmax, log_floor
        self.fb = mel_filterbank(sr, n_fft, n_mels, fmin, fmax)
        # a window shorter than the FFT is centred inside it (as torch.stft does)
        w = np.zeros(n_fft, dtype=np.float32)
        left = (n_fft - win) // 2
        w[left:left + win] = hann_periodic(win)
        self.window = w

    def numpy(self, audio):
        """audio [n] -> log-mel [n//hop + 1][n_mels] (float32)."""
        x = np.asarray(audio, dtype=np.float32)
        pad = self.n_fft // 2
        x = np.pad(x, (pad, pad), mode="reflect")
        n_frames = (len(x) - self.n_fft) // self.hop + 1
        idx = np.arange(n_frames)[:, None] * self.hop + np.arange(self.n_fft)[None, :]
        spec = np.abs(np.fft.rfft(x[idx] * self.window, axis=1))
        mel = spec @ self.fb.T.astype(np.float64)
        return np.log(np.maximum(mel, self.log_floor)).astype(np.float32)

    def torch(self, audio):
        """audio [..., n] tensor -> log-mel [..., n//hop + 1, n_mels]; differentiable."""
        shape = audio.shape[:-1]
        x = audio.reshape(-1, audio.shape[-1])
        spec = torch.stft(x, self.n_fft, hop_length=self.hop, win_length=self.n_fft,
                          window=torch.from_numpy(self.window).to(x.device), center=True,
                          pad_mode="reflect", return_complex=True).abs()
        fb = torch.from_numpy(self.fb).to(x.device)
        mel = torch.matmul(fb, spec).transpose(1, 2)
        mel = torch.log(torch.clamp(mel, min=self.log_floor))
        return mel.reshape(*shape, mel.shape[-2], mel.shape[-1])


def estimate_f0(audio, sr, hop, fmin=60.0, fmax=500.0, threshold=0.15, voicing_max=0.35,
                silence_db=-50.0, adapt_range=2.5):
    """F0 in Hz per centred frame (n//hop + 1 frames), 0 where unvoiced. Returns (f0, voiced).

    A first pass over [fmin, fmax] finds the speaker's median F0 m; a second pass searches only
    [m / adapt_range, m * adapt_range], which removes most octave errors (adapt_range=None
    skips it)."""
    f0, voiced = _yin(audio, sr, hop, fmin, fmax, threshold, voicing_max, silence_db)
    if adapt_range and voiced.sum() >= 10:
        m = float(np.median(f0[voiced]))
        lo, hi = max(fmin, m / adapt_range), min(fmax, m * adapt_range)
        f0, voiced = _yin(audio, sr, hop, lo, hi, threshold, voicing_max, silence_db)
    return f0, voiced


def _yin(audio, sr, hop, fmin, fmax, threshold, voicing_max, silence_db):
    """One pass of YIN (de Cheveigne & Kawahara 2002), vectorised over frames:
    cumulative-mean-normalised difference function, first dip under `threshold` (else the
    global minimum, voiced only if below `voicing_max`), parabolic refinement. Frames quieter
    than `silence_db` below the loudest frame are unvoiced.
    """
    x = np.asarray(audio, dtype=np.float64)
    x = x - x.mean()
    tau_min = max(2, int(sr / fmax))
    tau_max = int(np.ceil(sr / fmin))
    win = 2 * tau_max  # integration window: two periods of the lowest F0
    span = win + tau_max
    n_frames = n_frames_for(len(x), hop)
    half = span // 2
    xp = np.pad(x, (half, span), mode="constant")
    idx = np.arange(n_frames)[:, None] * hop + np.arange(span)[None, :]
    fr = xp[idx]  # frame f covers samples centred on f*hop
    fr = fr - fr.mean(axis=1, keepdims=True)  # recordings carry DC offsets

    # d(tau) = E(0) + E(tau) - 2 r(tau), windows of length win starting at 0 and tau
    n_fft = 1 << int(np.ceil(np.log2(span + win)))
    a = np.fft.rfft(fr[:, :win], n_fft)
    b = np.fft.rfft(fr, n_fft)
    r = np.fft.irfft(np.conj(a) * b, n_fft)[:, :tau_max + 1]
    sq = np.cumsum(np.pad(fr ** 2, ((0, 0), (1, 0))), axis=1)
    e0 = sq[:, win][:, None]
    taus = np.arange(tau_max + 1)
    etau = sq[:, taus + win] - sq[:, taus]
    d = np.maximum(e0 + etau - 2.0 * r, 0.0)
    cum = np.cumsum(d[:, 1:], axis=1)
    cmnd = np.ones_like(d)
    silent = cum < 1e-9 * np.maximum(cum[:, -1:], 1e-30) + 1e-20
    cmnd[:, 1:] = np.where(silent, 1.0, d[:, 1:] * taus[1:] / np.maximum(cum, 1e-20))

    search = cmnd[:, tau_min:tau_max]
    below = search < threshold
    # first dip under the threshold, then walk down to its local minimum
    has = below.any(axis=1)
    first = np.where(has, below.argmax(axis=1), search.argmin(axis=1))
    best = first.copy()
    for _ in range(tau_max):
        nxt = np.minimum(best + 1, search.shape[1] - 1)
        step = has & (search[np.arange(n_frames), nxt] < search[np.arange(n_frames), best])
        if not step.any():
            break
        best = np.where(step, nxt, best)
    tau = best + tau_min
    rows = np.arange(n_frames)
    val = cmnd[rows, tau]
    # parabolic interpolation around the chosen lag
    lo = cmnd[rows, np.maximum(tau - 1, 1)]
    hi = cmnd[rows, np.minimum(tau + 1, tau_max)]
    denom = lo - 2.0 * val + hi
    shift = np.where(np.abs(denom) > 1e-12, 0.5 * (lo - hi) / np.where(denom == 0, 1, denom), 0.0)
    shift = np.clip(shift, -1.0, 1.0)
    f0 = sr / (tau + shift)

    energy = 10.0 * np.log10(np.maximum(e0[:, 0] / win, 1e-20))
    loud = energy > energy.max() + silence_db
    voiced = (val < voicing_max) & loud
    f0 = np.where(voiced, f0, 0.0)
    return f0.astype(np.float32), voiced
