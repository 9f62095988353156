"""The acoustic model and the vocoder, exactly as docs/models.md defines them.

Tensors are batch-first; a batch of one in eval() mode is what the C engine computes. Every
convolution is "same" with zero padding (K-1)/2*d, and padded time steps of a batch are zeroed
before each convolution so a padded batch sees the same borders as a single utterance.
"""
import math

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from .audio import MelSpec
from .config import AcousticConfig, AudioConfig, VocoderConfig
from .pqmf import PQMF
from .shaping import shape


def same_conv(c_in, c_out, kernel, dilation=1):
    assert kernel % 2 == 1
    return nn.Conv1d(c_in, c_out, kernel, dilation=dilation, padding=(kernel - 1) // 2 * dilation)


def length_mask(lengths, max_len):
    return torch.arange(max_len, device=lengths.device)[None, :] < lengths[:, None]


def _lstm_direction(lstm, x, suffix):
    """One direction of a single-layer nn.LSTM over a batch-first x, zero initial state."""
    weights = [getattr(lstm, n + suffix) for n in ("weight_ih_l0", "weight_hh_l0", "bias_ih_l0",
                                                   "bias_hh_l0")]
    h0 = x.new_zeros(1, x.shape[0], lstm.hidden_size)
    return torch._VF.lstm(x, (h0, h0), weights, True, 1, 0.0, lstm.training, False, True)[0]


def run_lstm(lstm, x, lengths):
    """Bidirectional LSTM over the valid steps only, so the backward direction of every item
    starts at its own last step (as the C code does). Padding sits after each item, so the
    forward direction never sees it before a valid step; the backward direction runs over each
    item reversed within its own length. (Packed sequences would do the same, but their
    backward pass is ~20x slower on the CPU.)"""
    t_len = x.shape[1]
    t = torch.arange(t_len, device=x.device)[None, :]
    n = lengths.clamp(min=1)[:, None].to(x.device)
    rev = torch.where(t < n, n - 1 - t, t)  # an involution: applying it twice is identity
    fwd = _lstm_direction(lstm, x, "")
    xr = x.gather(1, rev[..., None].expand(-1, -1, x.shape[2]))
    bwd = _lstm_direction(lstm, xr, "_reverse")
    bwd = bwd.gather(1, rev[..., None].expand(-1, -1, bwd.shape[2]))
    return torch.cat([fwd, bwd], dim=2)


def predicted_frames(log_dur, dur_scale):
    """frames = max(0, round((exp(l) - 1) * ds)); round half away from zero like C's roundf."""
    x = (torch.exp(log_dur) - 1.0) * dur_scale
    return torch.clamp(torch.floor(x + 0.5), min=0).long()


def regulate_length(h, frames, n_ids):
    """Repeats row i of h frames[i] times and appends the position (j + 0.5) / frames[i].
    h [B][N][D], frames [B][N] -> (u [B][Fmax][D + 1], n_frames [B])."""
    rows, counts = [], []
    for b in range(h.shape[0]):
        f = frames[b, :n_ids[b]]
        idx = torch.repeat_interleave(torch.arange(len(f), device=h.device), f)
        start = torch.cumsum(f, 0) - f
        j = torch.arange(len(idx), device=h.device) - start[idx]
        pos = (j.float() + 0.5) / f[idx].float()
        rows.append(torch.cat([h[b, idx], pos[:, None]], dim=1))
        counts.append(len(idx))
    n_frames = torch.tensor(counts, device=h.device)
    u = h.new_zeros(h.shape[0], max(max(counts), 1), h.shape[2] + 1)
    for b, r in enumerate(rows):
        u[b, :len(r)] = r
    return u, n_frames


class AcousticModel(nn.Module):
    """Phoneme ids -> log-mel + F0 (docs/models.md, "Acoustic model")."""

    def __init__(self, cfg: AcousticConfig, n_mels: int):
        super().__init__()
        self.cfg, self.n_mels = cfg, n_mels
        c = cfg
        self.embedding = nn.Embedding(c.n_symbols, c.emb_dim)
        self.enc_convs = nn.ModuleList(
            same_conv(c.emb_dim if i == 0 else c.enc_channels, c.enc_channels, c.enc_conv_kernel)
            for i in range(c.enc_conv_layers))
        self.enc_norms = nn.ModuleList(nn.BatchNorm1d(c.enc_channels)
                                       for _ in range(c.enc_conv_layers))
        self.enc_lstm = nn.LSTM(c.enc_channels, c.enc_lstm_hidden, batch_first=True,
                                bidirectional=True)
        h2 = 2 * c.enc_lstm_hidden
        if c.spk_dim > 0:
            self.speaker_embedding = nn.Embedding(c.n_speakers, c.spk_dim)
            self.spk_proj = nn.Linear(c.spk_dim, h2)
        self.dur_conv0 = same_conv(h2, c.dur_channels, c.dur_kernel)
        self.dur_conv1 = same_conv(c.dur_channels, c.dur_channels, c.dur_kernel)
        self.dur_out = nn.Linear(c.dur_channels, 1)
        self.dec_lstms = nn.ModuleList(
            nn.LSTM(h2 + 1 if i == 0 else 2 * c.dec_lstm_hidden, c.dec_lstm_hidden,
                    batch_first=True, bidirectional=True)
            for i in range(c.dec_lstm_layers))
        self.dec_out = nn.Linear(2 * c.dec_lstm_hidden, n_mels + 2)
        chans = [n_mels] + [c.postnet_channels] * (c.postnet_layers - 1) + [n_mels]
        self.post_convs = nn.ModuleList(same_conv(chans[i], chans[i + 1], c.postnet_kernel)
                                        for i in range(c.postnet_layers))
        self.post_norms = nn.ModuleList(nn.BatchNorm1d(chans[i + 1])
                                        for i in range(c.postnet_layers))

    def _conv(self, conv, x, mask):
        """[B][T][C] -> [B][T][O], zeroing padded steps first."""
        return conv((x * mask).transpose(1, 2)).transpose(1, 2)

    def _bn(self, norm, x):
        return norm(x.transpose(1, 2)).transpose(1, 2)

    def encode(self, ids, n_ids, speaker=None):
        """Steps 1-5: returns (h [B][N][2He], l [B][N] predicted ln(1 + frames))."""
        mask = length_mask(n_ids, ids.shape[1])[..., None].float()
        x = self.embedding(ids)
        for conv, norm in zip(self.enc_convs, self.enc_norms):
            x = F.relu(self._bn(norm, self._conv(conv, x, mask)))
            x = F.dropout(x, self.cfg.dropout, self.training)
        h = run_lstm(self.enc_lstm, x * mask, n_ids)
        if self.cfg.spk_dim > 0:
            if speaker is None:
                speaker = torch.zeros(ids.shape[0], dtype=torch.long, device=ids.device)
            h = h + self.spk_proj(self.speaker_embedding(speaker))[:, None, :]
        h = h * mask
        d = F.relu(self._conv(self.dur_conv0, h, mask))
        d = F.relu(self._conv(self.dur_conv1, d, mask))
        log_dur = self.dur_out(d).squeeze(-1)
        return h, log_dur

    def forward(self, ids, n_ids=None, frames=None, speaker=None, dur_scale=1.0, pitch=0.0):
        """ids [B][N] (or [N]); frames [B][N] target durations (teacher forcing) or None to
        use the predicted ones. Returns a dict of batch-first tensors."""
        single = ids.dim() == 1
        if single:
            ids = ids[None]
            frames = None if frames is None else frames[None]
            speaker = None if speaker is None else torch.as_tensor([speaker])
        if n_ids is None:
            n_ids = torch.full((ids.shape[0],), ids.shape[1], dtype=torch.long)
        h, log_dur = self.encode(ids, n_ids, speaker)
        if frames is None:
            frames = predicted_frames(log_dur, dur_scale)
        frames = frames * length_mask(n_ids, ids.shape[1])
        u, n_frames = regulate_length(h, frames, n_ids)
        for lstm in self.dec_lstms:
            u = run_lstm(lstm, u, n_frames)
        o = self.dec_out(u)
        fmask = length_mask(n_frames, o.shape[1])[..., None].float()
        mel0 = o[..., :self.n_mels] * fmask
        lf0, vuv = o[..., self.n_mels], o[..., self.n_mels + 1]
        r = mel0
        for i, (conv, norm) in enumerate(zip(self.post_convs, self.post_norms)):
            r = self._bn(norm, self._conv(conv, r, fmask))
            if i < len(self.post_convs) - 1:
                r = F.dropout(torch.tanh(r), self.cfg.dropout, self.training)
        mel = (mel0 + r) * fmask
        f0 = torch.exp(lf0 * self.cfg.f0_std + self.cfg.f0_mean) * 2.0 ** (pitch / 12.0)
        f0 = torch.where(vuv > 0, f0, torch.zeros_like(f0)) * fmask[..., 0]
        out = dict(mel0=mel0, mel=mel, lf0=lf0, vuv=vuv, f0=f0, log_dur=log_dur,
                   frames=frames, n_frames=n_frames)
        if single:
            out = {k: v[0] for k, v in out.items()}
        return out


def upsample_linear(c, factor):
    """rt_add_upsampled on [batch][C][F] -> [batch][C][F*factor]: band step t reads frame
    position p = (t + 0.5)/factor - 0.5, clamped to [0, F-1], interpolating rows floor(p) and
    min(floor(p) + 1, F-1). That is exactly PyTorch's linear interpolation without aligned
    corners, whose kernel is linear in the length forward and backward."""
    return F.interpolate(c, size=c.shape[2] * factor, mode="linear", align_corners=False)


class Vocoder(nn.Module):
    """Sub-band WaveNet NSF vocoder: (mel, excitation) -> audio (docs/models.md, "Vocoder")."""

    def __init__(self, cfg: VocoderConfig, audio: AudioConfig):
        super().__init__()
        self.cfg, self.audio = cfg, audio
        c = cfg
        assert audio.hop % c.n_bands == 0
        self.up = audio.hop // c.n_bands
        r, s = c.residual_channels, c.skip_channels
        self.input = same_conv(c.n_bands, r, c.input_kernel)
        self.cond = same_conv(audio.n_mels, c.cond_channels, 3)
        self.cond_proj = nn.Linear(c.cond_channels, len(c.dilations) * 2 * r)
        self.layer_convs = nn.ModuleList(same_conv(r, 2 * r, c.kernel, d) for d in c.dilations)
        self.layer_outs = nn.ModuleList(nn.Linear(r, r + s) for _ in c.dilations)
        self.post1 = nn.Linear(s, s)
        self.post2 = nn.Linear(s, c.n_bands)
        self.pqmf = PQMF(c.n_bands, c.pqmf_taps) if c.n_bands > 1 else None
        self.melspec = MelSpec(audio.sample_rate, audio.n_fft, audio.hop, audio.win, audio.n_mels,
                               audio.fmin, audio.fmax, audio.log_floor)
        if c.envelope_passes > 0:
            # the correction starts at zero: an untrained vocoder already speaks like the source
            nn.init.zeros_(self.post2.weight)
            nn.init.zeros_(self.post2.bias)

    @property
    def pqmf_kernel(self):
        return self.pqmf.kernel if self.pqmf is not None else 1

    def bands(self, mel, exc):
        """Steps 2-6: sub-band output b [batch][B][T] before PQMF synthesis."""
        nb, r = self.cfg.n_bands, self.cfg.residual_channels
        n_frames = mel.shape[1]
        t_len = n_frames * self.up
        e = exc.reshape(exc.shape[0], t_len, nb).transpose(1, 2)
        x = self.input(e)
        c = torch.tanh(self.cond(mel.transpose(1, 2))).transpose(1, 2)
        cp = self.cond_proj(c)  # [batch][F][L*2R]
        # Upsampled per layer: slicing one upsampled [L*2R] tensor instead makes autograd
        # zero-fill a full-size gradient for every layer, which was most of the training step.
        cps = torch.split(cp.transpose(1, 2), 2 * r, dim=1)
        skip = 0.0
        for l, (conv, out) in enumerate(zip(self.layer_convs, self.layer_outs)):
            z = conv(x) + upsample_linear(cps[l], self.up)
            g = torch.tanh(z[:, :r]) * torch.sigmoid(z[:, r:])
            o = out(g.transpose(1, 2)).transpose(1, 2)
            x = (x + o[:, :r]) * math.sqrt(0.5)
            skip = skip + o[:, r:]
        s = F.relu(self.post1(F.relu(skip).transpose(1, 2)))
        return self.post2(s).transpose(1, 2)

    def source(self, mel, exc):
        """Step 1b: the excitation with the mel envelope (numpy in, numpy out; no parameters),
        or the excitation itself for a voice without envelope shaping."""
        src = np.asarray(exc, dtype=np.float32)
        for _ in range(self.cfg.envelope_passes):
            src = shape(src, mel, self.melspec)
        return src

    def forward(self, mel, exc, shaped=False):
        """mel [batch][F][n_mels] (or [F][n_mels]), exc [batch][F*hop] -> audio [batch][F*hop].
        exc is the raw excitation, or with shaped=True already source() (training caches it).
        With envelope shaping the network's output is a correction added to the source."""
        single = mel.dim() == 2
        if single:
            mel, exc = mel[None], exc[None]
        if not shaped and self.cfg.envelope_passes > 0:
            exc = torch.from_numpy(np.stack([self.source(m.detach().numpy(), e.detach().numpy())
                                             for m, e in zip(mel, exc)]))
        b = self.bands(mel, exc)
        if self.pqmf is not None:
            y = self.pqmf.synthesis(b)
        else:
            y = b.transpose(1, 2).reshape(b.shape[0], -1)
        if self.cfg.envelope_passes > 0:
            y = y + exc
        return y[0] if single else y
