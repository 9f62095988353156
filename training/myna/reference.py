"""Plain numpy forward passes that read a voice file, written line by line from docs/models.md.

They share no code with models.py, so agreement between the two checks the exporter (layouts,
folding, names) and gives the C side a readable reference of every step. Slow; tests only.
int8 weights are dequantised (activations are not quantised, unlike the C kernels).
"""
import numpy as np

from .excitation import excitation
from .voicefile import dequantize, read_voice


class Voice:
    def __init__(self, path):
        self.meta, self.tensors = read_voice(path)

    def m(self, key):
        return self.meta[key]

    def layer(self, name):
        """(weight [O][K][I] float64, bias [O]) of conv/linear `name` (name.weight, name.scale)."""
        return dequantize(self.tensors, name).astype(np.float64), \
            self.tensors[name + ".bias"].astype(np.float64)

    def weight(self, name):
        """A bare weight tensor (LSTM name.w_ih / name.w_hh, int8 scale in name + ".scale")."""
        w = self.tensors[name].astype(np.float64)
        if self.tensors[name].dtype == np.int8:
            w = w * self.tensors[name + ".scale"].astype(np.float64)[:, None, None]
        return w


def conv(x, layer, dilation=1):
    """rt_conv1d without activation: x [T][I] -> [T][O], zero "same" padding."""
    w, b = layer
    o, k, _ = w.shape
    half = (k - 1) // 2 * dilation
    xp = np.pad(x, ((half, half), (0, 0)))
    y = np.tile(b, (len(x), 1))
    for j in range(k):
        y += xp[j * dilation:j * dilation + len(x)] @ w[:, j, :].T
    return y


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def lstm(v, x, prefix, reverse):
    w_ih, w_hh = v.weight(prefix + ".w_ih")[:, 0], v.weight(prefix + ".w_hh")[:, 0]
    bias = v.tensors[prefix + ".bias"].astype(np.float64)
    hidden = w_hh.shape[1]
    h, c = np.zeros(hidden), np.zeros(hidden)
    out = np.zeros((len(x), hidden))
    steps = range(len(x) - 1, -1, -1) if reverse else range(len(x))
    for t in steps:
        g = w_ih @ x[t] + w_hh @ h + bias
        i, f, gg, o = np.split(g, 4)
        c = sigmoid(f) * c + sigmoid(i) * np.tanh(gg)
        h = sigmoid(o) * np.tanh(c)
        out[t] = h
    return out


def bilstm(v, x, prefix):
    return np.concatenate([lstm(v, x, prefix + ".fwd", False), lstm(v, x, prefix + ".bwd", True)],
                          axis=1)


def acoustic(v, ids, speaker=0, dur_scale=1.0, pitch=0.0, frames=None):
    """Returns dict(mel, mel0, lf0, vuv, f0, log_dur, frames, h)."""
    x = v.tensors["ac.embedding"][np.asarray(ids)].astype(np.float64)
    for i in range(v.m("acoustic.enc_conv_layers")):
        x = np.maximum(conv(x, v.layer(f"ac.enc.conv{i}")), 0)
    h = bilstm(v, x, "ac.enc.lstm")
    if v.m("acoustic.spk_dim") > 0:
        w, b = v.layer("ac.enc.spk_proj")
        h = h + (w[:, 0] @ v.tensors["ac.speaker_embedding"][speaker] + b)
    d = np.maximum(conv(h, v.layer("ac.dur.conv0")), 0)
    d = np.maximum(conv(d, v.layer("ac.dur.conv1")), 0)
    log_dur = conv(d, v.layer("ac.dur.out"))[:, 0]
    if frames is None:
        x = (np.exp(log_dur) - 1.0) * dur_scale
        frames = np.maximum(0, np.floor(x + 0.5)).astype(np.int64)
    frames = np.asarray(frames, dtype=np.int64)
    rows = np.repeat(np.arange(len(ids)), frames)
    pos = np.concatenate([(np.arange(n) + 0.5) / n for n in frames if n > 0] or [np.zeros(0)])
    u = np.concatenate([h[rows], pos[:, None]], axis=1)
    for l in range(v.m("acoustic.dec_lstm_layers")):
        u = bilstm(v, u, f"ac.dec.lstm{l}")
    o = conv(u, v.layer("ac.dec.out"))
    n_mels = v.m("mel.n_mels")
    mel0, lf0, vuv = o[:, :n_mels], o[:, n_mels], o[:, n_mels + 1]
    r = mel0
    n_post = v.m("acoustic.postnet_layers")
    for i in range(n_post):
        r = conv(r, v.layer(f"ac.post.conv{i}"))
        if i < n_post - 1:
            r = np.tanh(r)
    f0 = np.exp(lf0 * v.m("acoustic.f0_std") + v.m("acoustic.f0_mean")) * 2.0 ** (pitch / 12.0)
    f0 = np.where(vuv > 0, f0, 0.0)
    return dict(mel=mel0 + r, mel0=mel0, lf0=lf0, vuv=vuv, f0=f0, log_dur=log_dur,
                frames=frames, h=h)


def envelope_passes(v):
    return v.meta.get("vocoder.envelope_passes", 0)


def vocoder_excitation(v, f0):
    return excitation(f0, v.m("mel.hop"), v.m("audio.sample_rate"), v.m("vocoder.n_harmonics"),
                      v.m("vocoder.sine_amp"), v.m("vocoder.noise_std"), v.m("vocoder.seed"),
                      flat=envelope_passes(v) > 0,
                      cutoff_hz=v.meta.get("vocoder.voicing_cutoff_hz", 0.0),
                      order=v.meta.get("vocoder.voicing_order", 4))


def envelope_pass(v, x, mel):
    """One pass of step 1b, frame by frame as docs/models.md words it."""
    n_fft, hop, win = v.m("mel.n_fft"), v.m("mel.hop"), v.m("mel.win")
    fb = v.tensors["mel.filterbank"].astype(np.float64)
    floor = v.m("mel.log_floor")
    n = len(x)
    w = np.zeros(n_fft)
    off = (n_fft - win) // 2
    w[off:off + win] = 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(win) / win)
    w = w.astype(np.float32).astype(np.float64)
    cover = fb.sum(axis=0)
    covered = [k for k in range(fb.shape[1]) if cover[k] > 0]

    def reflect(i):
        while i < 0 or i >= n:
            i = -i if i < 0 else 2 * (n - 1) - i
        return i

    acc, norm = np.zeros(n), np.zeros(n)
    for f in range(len(mel)):
        start = f * hop - n_fft // 2
        frame = np.array([x[reflect(start + i)] for i in range(n_fft)], dtype=np.float64) * w
        spec = np.fft.rfft(frame)
        band = fb @ np.abs(spec)
        lg = np.minimum(mel[f] - np.log(np.maximum(band, floor)), 12.0)
        g_band = np.where(np.isnan(lg), 0.0, np.exp(lg))
        g_bin = np.empty(len(spec))
        for k in range(len(spec)):
            if cover[k] > 0:
                g_bin[k] = np.dot(fb[:, k], g_band) / cover[k]
            else:
                near = min(covered, key=lambda c: (abs(c - k), c))
                g_bin[k] = g_band[int(np.argmax(fb[:, near]))]
        y = np.fft.irfft(spec * g_bin, n_fft) * w
        for i in range(n_fft):
            if 0 <= start + i < n:
                acc[start + i] += y[i]
                norm[start + i] += w[i] * w[i]
    return (acc / norm).astype(np.float32)


def vocoder_source(v, mel, exc):
    src = np.asarray(exc, dtype=np.float32)
    for _ in range(envelope_passes(v)):
        src = envelope_pass(v, src, np.asarray(mel, dtype=np.float64))
    return src


def vocoder(v, mel, exc):
    """mel [F][n_mels], exc [F*hop] (raw excitation) -> (audio [F*hop], bands [T][B])."""
    src = vocoder_source(v, mel, exc)
    y, b = vocoder_network(v, mel, src)
    return (y + src if envelope_passes(v) > 0 else y), b


def vocoder_network(v, mel, exc):
    """Steps 2-7 on the source exc."""
    nb, r = v.m("vocoder.n_bands"), v.m("vocoder.residual_channels")
    hop = v.m("mel.hop")
    up = hop // nb
    n_frames = len(mel)
    e = np.asarray(exc, dtype=np.float64).reshape(-1, nb)
    x = conv(e, v.layer("voc.input"))
    c = np.tanh(conv(np.asarray(mel, dtype=np.float64), v.layer("voc.cond")))
    cp = conv(c, v.layer("voc.cond_proj"))
    t = np.arange(len(e))
    p = np.clip((t + 0.5) / up - 0.5, 0, n_frames - 1)
    i0 = np.floor(p).astype(np.int64)
    i1 = np.minimum(i0 + 1, n_frames - 1)
    wt = (p - i0)[:, None]
    skip = 0.0
    for l, d in enumerate(v.m("vocoder.dilations")):
        cols = slice(l * 2 * r, (l + 1) * 2 * r)
        z = conv(x, v.layer(f"voc.layer{l}.conv"), d)
        z += cp[i0, cols] * (1 - wt) + cp[i1, cols] * wt
        g = np.tanh(z[:, :r]) * sigmoid(z[:, r:])
        o = conv(g, v.layer(f"voc.layer{l}.out"))
        x = (x + o[:, :r]) * np.sqrt(0.5)
        skip = skip + o[:, r:]
    s = np.maximum(conv(np.maximum(skip, 0), v.layer("voc.post1")), 0)
    b = conv(s, v.layer("voc.post2"))
    y = conv(b, v.layer("voc.pqmf")) if nb > 1 else b
    return y.reshape(-1), b
