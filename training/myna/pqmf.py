"""Pseudo-QMF bank for the sub-band vocoder, and its synthesis as one B->B band-rate conv.

Prototype: a Kaiser-windowed sinc lowpass of N (odd) taps; the cutoff and Kaiser beta are picked
by a small search that maximises analysis->synthesis reconstruction SNR on white noise (the
"Kaiser window approach" to cosine-modulated filterbanks). Band filters, n = 0..N-1:
  h_k[n] = 2 p[n] cos((2k+1) pi/(2B) (n - (N-1)/2) + (-1)^k pi/4)   analysis
  g_k[n] = 2 p[n] cos((2k+1) pi/(2B) (n - (N-1)/2) - (-1)^k pi/4)   synthesis
Both are applied zero-phase (centred, delay (N-1)/2 removed), so sub-band signals are aligned
with the full-band signal and reconstruction has no delay:
  analysis   b_k[j] = sum_n x[n] h_k[j B + D - n]              D = (N-1)/2
  synthesis  y[m B + r] = B sum_k sum_j b_k[j] g_k[(m - j) B + r + D]
The synthesis is exactly a band-rate conv over the folded signal [T][B] (docs/models.md,
vocoder step 7): with q = m - j,
  W[r][k][c - q] = B g_k[q B + r + D],   c = (Kq - 1) / 2,
and Kq is the smallest odd size covering every q with a tap in range (N=63, B=4 -> Kq=17).
"""
import functools

import numpy as np
import torch
import torch.nn.functional as F


def prototype(n_taps, cutoff, beta):
    """Lowpass prototype, cutoff in cycles/sample (0..0.5)."""
    n = np.arange(n_taps) - (n_taps - 1) / 2.0
    h = 2.0 * cutoff * np.sinc(2.0 * cutoff * n)
    return h * np.kaiser(n_taps, beta)


def band_filters(n_bands, proto):
    n_taps = len(proto)
    n = np.arange(n_taps) - (n_taps - 1) / 2.0
    k = np.arange(n_bands)[:, None]
    arg = (2 * k + 1) * np.pi / (2 * n_bands) * n[None, :]
    sign = np.where(k % 2 == 0, 1.0, -1.0) * np.pi / 4
    h = 2.0 * proto[None, :] * np.cos(arg + sign)
    g = 2.0 * proto[None, :] * np.cos(arg - sign)
    return h, g


def analysis(x, h):
    """x [n] (n % B == 0) -> sub-bands [n/B][B] (numpy, float64)."""
    n_bands, n_taps = h.shape
    d = (n_taps - 1) // 2
    xp = np.pad(np.asarray(x, dtype=np.float64), (d, d))
    out = np.stack([np.convolve(xp, hk, mode="valid")[::n_bands] for hk in h], axis=1)
    return out[: len(x) // n_bands]


def synthesis_kernel_size(n_bands, n_taps):
    d = (n_taps - 1) // 2
    q_max = (n_taps - 1 - d) // n_bands
    q_min = -((n_bands - 1 + d) // n_bands)
    return 2 * max(q_max, -q_min) + 1


def synthesis_weight(g):
    """Synthesis filters g [B][N] -> conv weight W [B out (r)][B in (k)][Kq] (PyTorch layout)."""
    n_bands, n_taps = g.shape
    d = (n_taps - 1) // 2
    kq = synthesis_kernel_size(n_bands, n_taps)
    c = (kq - 1) // 2
    w = np.zeros((n_bands, n_bands, kq))
    for q in range(-c, c + 1):
        for r in range(n_bands):
            i = q * n_bands + r + d
            if 0 <= i < n_taps:
                w[r, :, c - q] = n_bands * g[:, i]
    return w


def synthesis(bands, w):
    """bands [T][B] -> samples [T*B] with the band-rate conv W (numpy reference of the C op)."""
    t_len, n_bands = bands.shape
    kq = w.shape[2]
    c = (kq - 1) // 2
    xp = np.pad(bands, ((c, c), (0, 0)))
    y = np.zeros((t_len, n_bands))
    for t in range(kq):
        y += xp[t:t + t_len] @ w[:, :, t].T
    return y.reshape(-1)


def reconstruction_snr(n_bands, h, g, n=1 << 14, seed=0):
    """SNR in dB of analysis->synthesis on white noise, ignoring the edges."""
    x = np.random.RandomState(seed).randn(n)
    y = synthesis(analysis(x, h), synthesis_weight(g))
    m = 4 * h.shape[1]
    err = y[m:-m] - x[m:-m]
    return 10.0 * np.log10(np.sum(x[m:-m] ** 2) / np.sum(err ** 2))


@functools.lru_cache(maxsize=None)
def design(n_bands, n_taps):
    """Best prototype over a grid of cutoffs and betas. Returns (h, g, W, snr_db)."""
    assert n_taps % 2 == 1 and n_bands >= 2
    best = None
    base = 0.5 / (2 * n_bands)  # the ideal prototype cutoff is half a band width
    for beta in np.arange(1.0, 12.01, 0.5):
        for cutoff in base * np.linspace(0.8, 1.4, 61):
            h, g = band_filters(n_bands, prototype(n_taps, cutoff, beta))
            snr = reconstruction_snr(n_bands, h, g, n=1 << 12)
            if best is None or snr > best[0]:
                best = (snr, h, g)
    _, h, g = best
    return h, g, synthesis_weight(g), reconstruction_snr(n_bands, h, g)


class PQMF(torch.nn.Module):
    """Fixed (not trained) analysis and synthesis in torch, batch-major [batch][B][T]."""

    def __init__(self, n_bands, n_taps):
        super().__init__()
        h, g, w, self.snr_db = design(n_bands, n_taps)
        self.n_bands, self.n_taps = n_bands, n_taps
        # analysis as a strided full-rate conv with the flipped filters
        self.register_buffer("h", torch.tensor(h[:, None, ::-1].copy(), dtype=torch.float32))
        self.register_buffer("w", torch.tensor(w, dtype=torch.float32))

    @property
    def kernel(self):
        return self.w.shape[2]

    def analysis(self, x):
        """x [batch][n] -> [batch][B][n/B]."""
        d = (self.n_taps - 1) // 2
        return F.conv1d(F.pad(x[:, None, :], (d, d)), self.h, stride=self.n_bands)

    def synthesis(self, bands):
        """[batch][B][T] -> [batch][T*B]."""
        y = F.conv1d(bands, self.w, padding=(self.kernel - 1) // 2)
        return y.transpose(1, 2).reshape(bands.shape[0], -1)
