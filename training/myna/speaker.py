"""Speaker encoder: log-mel of any speech -> L2-normalised speaker embedding.

One definition, mirrored operation for operation by synth/models/speaker_encoder.c (which uses
only synth/runtime/rt.h ops); docs/models.md ("Speaker encoder") is the specification.

    log-mel [T][n_mels] (training/myna/audio.py MelSpec, the voice's analysis)
    -> speech frames: frame energy e_t = mean of its log-mel; keep e_t > P95(e) - drop_nats
    -> gain: subtract the mean of e over the kept frames (a louder copy gives the same input)
    -> partials: windows of `partial` frames every `partial_hop` frames (one window of all
       frames when fewer than `partial`; at least `min_frames` are needed)
    -> per partial: conv(K, relu) x n_conv -> LSTM x n_lstm -> linear to dim
       -> mean over the partial's frames -> L2 normalise
    -> utterance: L2 normalise(mean of the partials' embeddings)

Linear then mean equals mean then linear (bias included), so the C side runs the projection as
a K=1 convolution over all frames and averages on the host.
"""
from dataclasses import asdict, dataclass

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


@dataclass
class SpeakerEncoderConfig:
    n_mels: int = 80
    conv_channels: int = 128
    conv_kernel: int = 5
    n_conv: int = 2
    lstm_hidden: int = 192
    n_lstm: int = 2
    dim: int = 128
    partial: int = 128       # frames per partial (1.49 s at hop 256 / 22,050 Hz)
    partial_hop: int = 64
    min_frames: int = 86     # about 1 s of speech
    drop_nats: float = 3.5   # frames this far below the loud ones are silence

    def to_dict(self):
        return asdict(self)


def speech_frames(mel, drop_nats):
    """Indices of the frames that carry speech (see the module docstring). numpy, float64
    arithmetic as in C."""
    e = mel.astype(np.float64).mean(axis=1)
    if len(e) == 0:
        return np.zeros(0, dtype=np.int64)
    thr = percentile95(e) - drop_nats
    return np.nonzero(e > thr)[0]


def percentile95(e):
    """The value at rank floor(0.95 * (n - 1)) of the sorted energies (no interpolation, so C
    computes the same number)."""
    s = np.sort(e)
    return s[int(0.95 * (len(s) - 1))]


def prepare(mel, cfg):
    """log-mel [T][n_mels] -> normalised speech frames [S][n_mels] float32, or None when fewer
    than cfg.min_frames of speech remain."""
    keep = speech_frames(mel, cfg.drop_nats)
    if len(keep) < cfg.min_frames:
        return None
    x = mel[keep].astype(np.float64)
    gain = x.mean(axis=1).mean()
    return (x - gain).astype(np.float32)


def partial_starts(n, cfg):
    """First frame of every partial of an n-frame input."""
    if n <= cfg.partial:
        return [0]
    starts = list(range(0, n - cfg.partial + 1, cfg.partial_hop))
    if starts[-1] + cfg.partial < n:  # the tail gets a partial of its own
        starts.append(n - cfg.partial)
    return starts


class SpeakerEncoder(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.cfg = cfg
        convs, ch = [], cfg.n_mels
        for _ in range(cfg.n_conv):
            convs.append(nn.Conv1d(ch, cfg.conv_channels, cfg.conv_kernel,
                                   padding=cfg.conv_kernel // 2))
            ch = cfg.conv_channels
        self.convs = nn.ModuleList(convs)
        lstms = []
        for _ in range(cfg.n_lstm):
            lstms.append(nn.LSTM(ch, cfg.lstm_hidden, batch_first=True))
            ch = cfg.lstm_hidden
        self.lstms = nn.ModuleList(lstms)
        self.proj = nn.Linear(ch, cfg.dim)

    def forward(self, x):
        """x [B][T][n_mels] (prepared frames of B partials) -> [B][dim] L2-normalised."""
        h = x.transpose(1, 2)
        for conv in self.convs:
            h = F.relu(conv(h))
        h = h.transpose(1, 2)
        for lstm in self.lstms:
            h, _ = lstm(h)
        e = self.proj(h).mean(dim=1)
        return F.normalize(e, dim=1)

    @torch.no_grad()
    def embed(self, mel):
        """Utterance embedding of one log-mel [T][n_mels] (numpy), or None when it has too
        little speech."""
        x = prepare(mel, self.cfg)
        if x is None:
            return None
        parts = [x[s:s + self.cfg.partial] for s in partial_starts(len(x), self.cfg)]
        lengths = {len(p) for p in parts}
        if len(lengths) == 1:
            e = self.forward(torch.from_numpy(np.stack(parts)))
        else:
            e = torch.cat([self.forward(torch.from_numpy(p)[None]) for p in parts])
        return F.normalize(e.double().mean(dim=0), dim=0).numpy()


class AAMSoftmax(nn.Module):
    """Additive angular margin softmax (ArcFace) over the training speakers."""

    def __init__(self, dim, n_classes, margin=0.2, scale=30.0):
        super().__init__()
        self.w = nn.Parameter(torch.randn(n_classes, dim) * 0.01)
        self.margin, self.scale = margin, scale

    def forward(self, emb, labels):
        cos = F.linear(emb, F.normalize(self.w, dim=1)).clamp(-1 + 1e-6, 1 - 1e-6)
        theta = torch.acos(cos)
        target = torch.cos(theta + self.margin)
        onehot = F.one_hot(labels, cos.shape[1]).bool()
        logits = torch.where(onehot, target, cos) * self.scale
        return F.cross_entropy(logits, labels), (cos.argmax(dim=1) == labels).float().mean()


def equal_error_rate(scores, is_target):
    """EER of verification trials: the rate where false accepts equal false rejects."""
    scores = np.asarray(scores, dtype=np.float64)
    is_target = np.asarray(is_target, dtype=bool)
    order = np.argsort(-scores)
    t = is_target[order]
    n_t, n_n = t.sum(), (~t).sum()
    if n_t == 0 or n_n == 0:
        return float("nan")
    fa = np.cumsum(~t) / n_n   # accepted non-targets at each threshold
    fr = 1.0 - np.cumsum(t) / n_t
    i = np.argmin(np.abs(fa - fr))
    return float((fa[i] + fr[i]) / 2)
