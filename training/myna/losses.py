"""Training losses (docs/models.md "Losses", plus a spectral loss for the vocoder)."""
import torch
import torch.nn.functional as F


def masked_mean(x, mask):
    mask = mask.to(x.dtype)
    while mask.dim() < x.dim():
        mask = mask[..., None]
    mask = mask.expand_as(x)
    return (x * mask).sum() / mask.sum().clamp(min=1.0)


def acoustic_loss(out, mel, lf0, voiced, frames, n_ids, n_frames):
    """out: AcousticModel output (teacher forced); mel [B][F][n_mels], lf0 [B][F] normalised,
    voiced [B][F] bool, frames [B][N] targets. Returns (total, dict of parts)."""
    fmask = torch.arange(mel.shape[1], device=mel.device)[None, :] < n_frames[:, None]
    imask = torch.arange(frames.shape[1], device=frames.device)[None, :] < n_ids[:, None]
    parts = {}
    for key in ("mel0", "mel"):
        d = out[key] - mel
        parts[key] = masked_mean(d.abs(), fmask) + masked_mean(d * d, fmask)
    parts["lf0"] = masked_mean((out["lf0"] - lf0) ** 2, fmask & voiced)
    parts["vuv"] = masked_mean(F.binary_cross_entropy_with_logits(
        out["vuv"], voiced.float(), reduction="none"), fmask)
    parts["dur"] = masked_mean((out["log_dur"] - torch.log1p(frames.float())) ** 2, imask)
    return sum(parts.values()), parts


def stft_loss(y, x, resolutions=((512, 128, 512), (1024, 256, 1024), (256, 64, 256))):
    """Multi-resolution STFT loss: spectral convergence + log-magnitude L1."""
    total = 0.0
    for n_fft, hop, win in resolutions:
        window = torch.hann_window(win, device=y.device)
        sy = torch.stft(y, n_fft, hop, win, window, return_complex=True).abs().clamp(min=1e-7)
        sx = torch.stft(x, n_fft, hop, win, window, return_complex=True).abs().clamp(min=1e-7)
        sc = torch.norm(sx - sy) / torch.norm(sx).clamp(min=1e-7)
        total = total + sc + F.l1_loss(torch.log(sy), torch.log(sx))
    return total / len(resolutions)
