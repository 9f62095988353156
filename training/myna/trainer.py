"""Training loops of the two networks, resumable from a checkpoint and bounded by steps and by
wall-clock minutes (whichever comes first), so a run can be split over short sessions.

`data` is a dict of equally long sequences: ids [N] int64, frames [N] int64 (target
durations), mel [F][n_mels], f0 [F] Hz, audio [F*hop] float32.
"""
import collections
import os
import time

import numpy as np
import torch

from .excitation import excitation
from .losses import acoustic_loss, stft_loss
from .models import AcousticModel, Vocoder


Checkpoint = collections.namedtuple("Checkpoint", "step loss seconds history val runs")


def load_checkpoint(path, model, opt=None):
    """Resumes from path if it exists. Without opt only the weights are loaded (export).
    runs: one record per training run (steps, batch, corpus size, device, time), for the
    model card."""
    if os.path.exists(path):
        ck = torch.load(path, map_location="cpu")
        model.load_state_dict(ck["model"])
        if opt is not None:
            opt.load_state_dict(ck["opt"])
        return Checkpoint(ck["step"], ck["loss"], ck.get("seconds", 0.0), ck.get("history", []),
                          ck.get("val", []), ck.get("runs", []))
    return Checkpoint(0, float("nan"), 0.0, [], [], [])


def device_name(device):
    d = torch.device(device)
    if d.type == "cuda":
        return torch.cuda.get_device_name(d)
    n = torch.get_num_threads()
    return "%s, %d thread%s" % (d.type, n, "" if n == 1 else "s")


class RunRecord:
    """This run's entry in the checkpoint's run list (added once it has made a step)."""

    def __init__(self, previous, step, batch, n_utterances, device, anneal=0):
        self.previous, self.t0 = list(previous), time.time()
        self.run = {"start": step, "end": step, "batch": batch, "utterances": n_utterances,
                    "device": device_name(device), "minutes": 0.0}
        if anneal:
            self.run["anneal"] = anneal

    def runs(self, step):
        self.run.update(end=step, minutes=round((time.time() - self.t0) / 60.0, 2))
        return self.previous + ([dict(self.run)] if step > self.run["start"] else [])


def checkpoint_step(path):
    """The step a checkpoint reached (0 if there is none), without building its model."""
    return torch.load(path, map_location="cpu")["step"] if os.path.exists(path) else 0


def save_checkpoint(path, model, opt, step, loss, seconds, history, **extra):
    torch.save(dict(model=model.state_dict(), opt=opt.state_dict(), step=step, loss=loss,
                    seconds=seconds, history=history, **extra), path + ".tmp")
    os.replace(path + ".tmp", path)


def pad(arrs, dtype):
    m = max(len(a) for a in arrs)
    out = np.zeros((len(arrs), m) + arrs[0].shape[1:], dtype=dtype)
    for i, a in enumerate(arrs):
        out[i, :len(a)] = a
    return torch.from_numpy(out)


def length_batches(rng, lengths, size):
    """Endless batches of similar-length items (less padding, so less wasted LSTM time):
    items sorted by length with a little noise, cut into batches, batches shuffled per epoch."""
    lengths = np.asarray(lengths, dtype=np.float64)
    while True:
        order = np.argsort(lengths * rng.uniform(0.9, 1.1, len(lengths)))
        chunks = [order[i:i + size] for i in range(0, len(order), size)]
        for j in rng.permutation(len(chunks)):
            yield chunks[j]


class Budget:
    """Stops at `steps` or after `minutes` of this run, whichever comes first."""

    def __init__(self, steps, minutes):
        self.steps, self.deadline = steps, time.time() + 60.0 * minutes if minutes else None

    def more(self, step):
        return step < self.steps and (self.deadline is None or time.time() < self.deadline)


def _lr(step, peak, warmup=200):
    """Linear warm-up, then inverse square root decay: it does not depend on the step target,
    so a run resumed with a larger target continues smoothly."""
    if step < warmup:
        return peak * (step + 1) / warmup
    return peak * (warmup / (step + 1)) ** 0.5


def _anneal(step, steps, anneal):
    """Factor on the rate: 1, then linearly down to 0 over the last `anneal` steps."""
    return min(1.0, max(0.0, (steps - step) / anneal)) if anneal > 0 else 1.0


def _update(model, opt, loss, lr):
    """One optimiser step at learning rate lr, gradients clipped to norm 1."""
    for g in opt.param_groups:
        g["lr"] = lr
    opt.zero_grad()
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    opt.step()


def acoustic_batch_loss(model, cfg, data, idx, device="cpu"):
    """Teacher-forced loss of the utterances idx: (total, dict of parts)."""
    ids = pad([data["ids"][i] for i in idx], np.int64).to(device)
    frames = pad([data["frames"][i] for i in idx], np.int64).to(device)
    n_ids = torch.tensor([len(data["ids"][i]) for i in idx], device=device)
    mel = pad([data["mel"][i] for i in idx], np.float32).to(device)
    f0 = pad([data["f0"][i] for i in idx], np.float32).to(device)
    out = model(ids, n_ids=n_ids, frames=frames)
    t_len = out["mel"].shape[1]
    mel, f0 = mel[:, :t_len], f0[:, :t_len]
    voiced = f0 > 0
    lf0 = (torch.log(f0.clamp(min=1.0)) - cfg.acoustic.f0_mean) / cfg.acoustic.f0_std
    return acoustic_loss(out, mel, lf0, voiced, frames, n_ids, out["n_frames"])


def acoustic_validation(model, cfg, data, batch=16, device="cpu"):
    """Mean teacher-forced loss parts over every utterance of data, in eval mode (no dropout,
    running batch-norm statistics), batches weighted by their size."""
    was_training = model.training
    model.eval()
    n = len(data["ids"])
    order = np.argsort([len(m) for m in data["mel"]])
    sums = {}
    with torch.no_grad():
        for k in range(0, n, batch):
            idx = order[k:k + batch]
            _, parts = acoustic_batch_loss(model, cfg, data, idx, device)
            for key, v in parts.items():
                sums[key] = sums.get(key, 0.0) + float(v) * len(idx)
    model.train(was_training)
    parts = {k: v / n for k, v in sums.items()}
    return sum(parts.values()), parts


def _parts_text(parts):
    return " ".join("%s %.3f" % (k, float(v)) for k, v in parts.items())


def train_acoustic(cfg, data, ckpt, steps, minutes=None, batch=16, lr=2e-3, log=print,
                   every=25, val=None, val_every=200, device="cpu", save_every_s=0.0,
                   anneal=0):
    """val: held-out utterances (same layout as data) whose loss is logged every val_every
    steps and at the end, and kept in the checkpoint ("val": [(step, parts)]). The checkpoint
    is written at the log points at most every save_every_s seconds (fast devices log more
    often than a 13 MB file is worth writing) and at the end. anneal > 0: the rate falls
    linearly to zero over the last `anneal` steps before `steps` (a final phase)."""
    model = AcousticModel(cfg.acoustic, cfg.audio.n_mels).to(device)
    opt = torch.optim.Adam(model.parameters(), lr=lr)  # loading moves its state to device
    step, loss_v, seconds, history, val_history, runs = load_checkpoint(ckpt, model, opt)
    record = RunRecord(runs, step, batch, len(data["ids"]), device, anneal)
    budget, t0 = Budget(steps, minutes), time.time()
    rng = np.random.default_rng(step)
    it = length_batches(rng, [len(m) for m in data["mel"]], batch)
    model.train()
    saved = t0
    while budget.more(step):
        loss, parts = acoustic_batch_loss(model, cfg, data, next(it), device)
        _update(model, opt, loss, _lr(step, lr) * _anneal(step, steps, anneal))
        step += 1
        loss_v = loss.item()
        history.append((step, {k: float(v) for k, v in parts.items()}))
        last = not budget.more(step)
        if val is not None and (step % val_every == 0 or last):
            v_loss, v_parts = acoustic_validation(model, cfg, val, batch, device)
            val_history.append((step, v_parts))
            log("acoustic step %d held-out loss %.3f (%s) on %d utterances" % (
                step, v_loss, _parts_text(v_parts), len(val["ids"])))
        if step % every == 0 or last:
            log("acoustic step %d loss %.3f (%s)" % (step, loss_v, _parts_text(parts)))
            if last or time.time() - saved >= save_every_s:
                save_checkpoint(ckpt, model, opt, step, loss_v, seconds + time.time() - t0,
                                history, val=val_history, runs=record.runs(step))
                saved = time.time()
    model.eval()
    return model, step, loss_v, seconds + time.time() - t0, history


def train_vocoder(cfg, data, ckpt, steps, minutes=None, batch=8, seg=32, lr=2e-3, log=print,
                  every=25, device="cpu", save_every_s=0.0):
    model = Vocoder(cfg.vocoder, cfg.audio).to(device)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    step, loss_v, seconds, history, _, runs = load_checkpoint(ckpt, model, opt)
    v, hop = cfg.vocoder, cfg.audio.hop
    t1 = time.time()
    flat = v.envelope_passes > 0
    # Whole utterances, so segments see the same phase, noise and STFT context as synthesis.
    excs = [model.source(mel, excitation(f0[:len(mel)], hop, cfg.audio.sample_rate,
                                         v.n_harmonics, v.sine_amp, v.noise_std, v.seed,
                                         flat=flat, exact=False, cutoff_hz=v.voicing_cutoff_hz,
                                         order=v.voicing_order))
            for f0, mel in zip(data["f0"], data["mel"])]
    log("vocoder sources for %d utterances in %.0f s" % (len(excs), time.time() - t1))
    budget, t0 = Budget(steps, minutes), time.time()  # minutes of training, sources aside
    record = RunRecord(runs, step, batch, len(data["mel"]), device)
    usable = [i for i, m in enumerate(data["mel"]) if len(m) >= seg]
    rng = np.random.default_rng(1000 + step)
    model.train()
    saved = t0
    while budget.more(step):
        mels, es, ys = [], [], []
        for i in rng.choice(usable, size=batch):
            s = int(rng.integers(0, len(data["mel"][i]) - seg + 1))
            mels.append(data["mel"][i][s:s + seg])
            es.append(excs[i][s * hop:(s + seg) * hop])
            ys.append(data["audio"][i][s * hop:(s + seg) * hop])
        y = model(torch.from_numpy(np.stack(mels)).to(device),
                  torch.from_numpy(np.stack(es)).to(device), shaped=True)
        loss = stft_loss(y, torch.from_numpy(np.stack(ys)).to(device))
        _update(model, opt, loss, _lr(step, lr))
        step += 1
        loss_v = loss.item()
        history.append((step, {"stft": loss_v}))
        last = not budget.more(step)
        if step % every == 0 or last:
            log("vocoder step %d loss %.3f" % (step, loss_v))
            if last or time.time() - saved >= save_every_s:
                save_checkpoint(ckpt, model, opt, step, loss_v, seconds + time.time() - t0,
                                history, runs=record.runs(step))
                saved = time.time()
    model.eval()
    return model, step, loss_v, seconds + time.time() - t0, history
