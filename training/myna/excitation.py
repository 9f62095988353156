"""NSF excitation (docs/models.md, "Vocoder" step 1), mirrored by vocoder/excitation.c.

The C engine regenerates this signal at synthesis time, so training must see exactly the same
one: the noise is a pure function of (seed, sample index), and the sine phase is accumulated
in float64 with a wrap to [0, 2*pi) after every sample.

splitmix64(v) here is the first output of the standard SplitMix64 generator started from state
v:  z = v + 0x9E3779B97F4A7C15;  z = (z ^ z>>30) * 0xBF58476D1CE4E5B9;
    z = (z ^ z>>27) * 0x94D049BB133111EB;  return z ^ z>>31      (all mod 2^64).
"""
import math

import numpy as np

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
TWO_PI = 2.0 * np.pi


def splitmix64(v):
    v = np.asarray(v, dtype=np.uint64)
    with np.errstate(over="ignore"):
        z = v + _GOLDEN
        z = (z ^ (z >> np.uint64(30))) * _M1
        z = (z ^ (z >> np.uint64(27))) * _M2
    return z ^ (z >> np.uint64(31))


def _uniform(bits):
    """Top 53 bits plus half an ulp: a double strictly inside (0, 1)."""
    return ((bits >> np.uint64(11)).astype(np.float64) + 0.5) * (1.0 / 9007199254740992.0)


def noise(seed, first, count):
    """Standard normals z[n] for n = first .. first+count-1 (float64).

    u1 = U(splitmix64(seed ^ 2n)), u2 = U(splitmix64(seed ^ (2n+1))),
    z = sqrt(-2 ln u1) * cos(2 pi u2)."""
    n = np.arange(first, first + count, dtype=np.uint64)
    s = np.uint64(seed & 0xFFFFFFFFFFFFFFFF)
    u1 = _uniform(splitmix64(s ^ (n << np.uint64(1))))
    u2 = _uniform(splitmix64(s ^ ((n << np.uint64(1)) | np.uint64(1))))
    return np.sqrt(-2.0 * np.log(u1)) * np.cos(TWO_PI * u2)


def phase(f0, hop, sr, phi0=0.0, exact=True):
    """phi[n] = (phi[n-1] + 2 pi f0[n // hop] / sr) mod 2 pi with phi[-1] = phi0.

    Sequential in float64 (like the C loop) so both sides round identically. Returns
    (phi [len(f0)*hop], last phase)."""
    inc = np.repeat(TWO_PI * np.asarray(f0, dtype=np.float64) / sr, hop)
    if not exact:
        # training's fast path: a running sum, off from the C loop by rounding only (~1e-12)
        out = np.mod(phi0 + np.cumsum(inc), TWO_PI)
        return out, float(out[-1]) if len(out) else float(phi0)
    out = np.empty(len(inc))
    p = float(phi0)
    two_pi = TWO_PI
    fmod = math.fmod  # exact, like C's fmod
    for i, d in enumerate(inc.tolist()):
        p = fmod(p + d, two_pi)
        out[i] = p
    return out, p


def voicing_weights(freqs, cutoff_hz, order):
    """Amplitude of a harmonic at freqs Hz in the flat source: 1 / (1 + (f / cutoff)^order),
    with the power taken by order-1 multiplications in sequence (as the C loop, so both sides
    round alike); cutoff_hz = 0 gives 1 everywhere. Returns (weights, xp = (f / cutoff)^order)."""
    freqs = np.asarray(freqs, dtype=np.float64)
    if cutoff_hz <= 0:
        return np.ones_like(freqs), np.zeros_like(freqs)
    x = freqs / cutoff_hz
    xp = x
    for _ in range(order - 1):
        xp = xp * x
    return 1.0 / (1.0 + xp), xp


# Harmonics whose voicing weight would be below 1 / (1 + VOICING_STOP) are left out.
VOICING_STOP = 1e4


def harmonics(phi, f0s, n_harmonics, nyquist, cutoff_hz=0.0, order=4):
    """sum over h = 1..n_harmonics with h*f0 < nyquist of w(h*f0) sin(h*phi), by the Chebyshev
    recurrence s_h = 2 cos(phi) s_(h-1) - s_(h-2) (as the C loop: one sin and one cos per
    sample whatever the number of harmonics). w is voicing_weights(); with a cutoff, the sum
    stops at the first harmonic whose (f / cutoff)^order exceeds VOICING_STOP."""
    c2 = 2.0 * np.cos(phi)
    prev, cur = np.zeros_like(phi), np.sin(phi)
    total = np.zeros_like(phi)
    live = np.ones(phi.shape, dtype=bool)
    for h in range(1, n_harmonics + 1):
        fh = h * f0s
        w, xp = voicing_weights(fh, cutoff_hz, order)
        live &= (fh < nyquist) & (xp <= VOICING_STOP)
        if not live.any():
            break
        total += np.where(live, w * cur, 0.0)
        prev, cur = cur, c2 * cur - prev
    return total


def excitation(f0, hop, sr, n_harmonics, sine_amp, noise_std, seed, first_sample=0, phi0=0.0,
               flat=False, exact=True, cutoff_hz=0.0, order=4):
    """Excitation e [len(f0)*hop] float32 for frame-rate F0 in Hz (0 = unvoiced).

    flat=False: NSF sines, each harmonic sine_amp / n_harmonics. flat=True (for envelope
    shaping): every harmonic below Nyquist (up to n_harmonics) with amplitude
    sine_amp * sqrt(2 f0 / sr), so voiced frames have the same flat spectral density whatever
    the F0, and the harmonics-to-noise ratio is sine_amp^2 / (2 noise_std^2) times the voicing
    weight squared: with cutoff_hz > 0 the harmonics fade above it (voicing_weights), so the
    noise carries the upper bands of voiced frames, as it does in recorded speech."""
    f0 = np.asarray(f0, dtype=np.float64)
    n = len(f0) * hop
    phi, _ = phase(f0, hop, sr, phi0, exact)
    z = noise(seed, first_sample, n)
    f0s = np.repeat(f0, hop)
    voiced = f0s > 0
    if flat:
        sines = harmonics(phi, f0s, n_harmonics, sr / 2.0, cutoff_hz, order)
        gain = sine_amp * np.sqrt(2.0 * f0s / sr)
        e = np.where(voiced, gain * sines + noise_std * z, sine_amp / 3.0 * z)
        return e.astype(np.float32)
    sines = np.zeros(n)
    for h in range(1, n_harmonics + 1):
        # a harmonic is present only while it stays below Nyquist
        keep = h * f0s < sr / 2.0
        sines += np.where(keep, np.sin(h * phi), 0.0)
    e = np.where(voiced, sine_amp / n_harmonics * sines + noise_std * z, sine_amp / 3.0 * z)
    return e.astype(np.float32)
