#!/usr/bin/python3
"""Smoke recipe: a small, honestly trained voice from a short run of the real training code.

It exercises every step of a full recipe at toy scale so the engine has a loadable, speaking
voice for end-to-end tests while the distilled default voice is not trained yet:
  1. text     LJ Speech sentences (never LJ050-*), one sentence each per the C front end
  2. audio    rendered with espeak-ng (teacher), 22,050 Hz
  3. symbols  phoneme symbols from the C front end (`myna --phonemes`), never reimplemented
  4. features log-mel and F0/voicing (myna.audio), identical to the engine's definition
  5. durations crude: leading/trailing silence to ^/$, the rest spread over symbols by a
              per-class weight (an aligner replaces this in the full recipe)
  6. training both networks for a few hundred steps, checkpointed (resumable)
  7. export   int8 voice file with a model card

Everything intermediate lives under --cache (default ~/.cache/myna/smoke); every step skips
work already done. Nothing here is tuned for quality: the voice is for tests.
"""
import argparse
import csv
import json
import os
import subprocess
import sys
import time
import wave

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from myna.audio import MelSpec, estimate_f0  # noqa: E402
from myna.config import VoiceConfig  # noqa: E402
from myna.corpus import inventory, phonemes, read_wav  # noqa: E402
from myna.excitation import excitation  # noqa: E402
from myna.export import export_voice  # noqa: E402
from myna.losses import acoustic_loss, stft_loss  # noqa: E402
from myna.models import AcousticModel, Vocoder  # noqa: E402

VOWEL_CHARS = set("aeiouyɑɐɒæɛɜəɪʊʌɔøœɚɝʏɘɵɤɯɨʉ")
MARKS = {"ˈ", "ˌ", "ː", "ˑ", "#"}
PUNCT = {",", ".", "?", "!", ";", ":"}


def log(*a):
    print(time.strftime("%H:%M:%S"), *a, flush=True)


def pick_sentences(shared, n, myna):
    """First n LJ lines (outside LJ050) of moderate length that the front end keeps as one
    sentence."""
    rows = []
    with open(os.path.join(shared, "data/text/ljspeech_metadata.csv"), encoding="utf-8") as f:
        for row in csv.reader(f, delimiter="|", quoting=csv.QUOTE_NONE):
            if len(row) < 3 or row[0].startswith("LJ050-"):
                continue
            text = row[2].strip()
            if 30 <= len(text) <= 140:
                rows.append((row[0], text))
    picked = []
    for uid, text in rows:
        lines = phonemes(myna, text)
        if len(lines) == 1:
            picked.append((uid, text, lines[0]))
        if len(picked) == n:
            break
    return picked


def crude_durations(tokens, mel, total):
    """Frames per symbol: silent frames at the ends go to ^ and $, the voiced middle is shared
    in proportion to vowel 3 / consonant 2 / pause 3 / marks 0."""
    energy = mel.max(axis=1)
    loud = np.nonzero(energy > energy.max() - 6.0)[0]
    lead = int(loud[0]) if len(loud) else 0
    trail = int(total - 1 - loud[-1]) if len(loud) else 0
    w = []
    for t in tokens:
        if t in MARKS or t in ("^", "$"):
            w.append(0.0)
        elif t in PUNCT:
            w.append(3.0)
        elif any(c in VOWEL_CHARS for c in t):
            w.append(3.0)
        else:
            w.append(2.0)
    w = np.array(w)
    middle = max(total - lead - trail, 0)
    share = middle * w / max(w.sum(), 1e-9)
    frames = np.floor(share).astype(np.int64)
    # hand out the rounding remainder to the largest fractional parts, so the sum is exact
    rest = middle - frames.sum()
    order = np.argsort(-(share - frames))
    frames[order[:rest]] += 1
    frames[tokens.index("^")] += lead
    frames[len(tokens) - 1 - tokens[::-1].index("$")] += trail
    assert frames.sum() == total
    return frames


def prepare(args, cfg):
    cache = args.cache
    os.makedirs(os.path.join(cache, "wav"), exist_ok=True)
    data_path = os.path.join(cache, "data.npz")
    meta_path = os.path.join(cache, "meta.json")
    if os.path.exists(data_path) and os.path.exists(meta_path):
        meta = json.load(open(meta_path))
        return meta, dict(np.load(data_path, allow_pickle=True))
    log("choosing sentences")
    utts = pick_sentences(args.shared, args.sentences, args.myna)
    symbols = inventory(args.myna, args.shared, [toks for _, _, toks in utts])
    index = {s: i for i, s in enumerate(symbols)}
    mels = MelSpec(cfg.audio.sample_rate, cfg.audio.n_fft, cfg.audio.hop, cfg.audio.win,
                   cfg.audio.n_mels, cfg.audio.fmin, cfg.audio.fmax, cfg.audio.log_floor)
    items = {"ids": [], "frames": [], "mel": [], "f0": [], "audio": []}
    log("rendering %d sentences with espeak-ng" % len(utts))
    for uid, text, toks in utts:
        wav = os.path.join(cache, "wav", uid + ".wav")
        if not os.path.exists(wav):
            subprocess.run(["espeak-ng", "-v", "en-us", "-w", wav + ".tmp", text], check=True)
            os.replace(wav + ".tmp", wav)
        x, sr = read_wav(wav)
        assert sr == cfg.audio.sample_rate, "espeak-ng rendered %d Hz" % sr
        mel = mels.numpy(x)
        f0, _ = estimate_f0(x, sr, cfg.audio.hop)
        n = mel.shape[0]
        audio = np.zeros(n * cfg.audio.hop, dtype=np.float32)
        audio[:min(len(x), len(audio))] = x[:len(audio)]
        items["ids"].append(np.array([index[t] for t in toks], dtype=np.int64))
        items["frames"].append(crude_durations(toks, mel, n))
        items["mel"].append(mel)
        items["f0"].append(f0[:n].astype(np.float32))
        items["audio"].append(audio)
    data = {k: np.array(v, dtype=object) for k, v in items.items()}
    np.savez(data_path, **data)
    meta = {"symbols": symbols, "n": len(utts),
            "seconds": float(sum(len(a) for a in items["audio"]) / cfg.audio.sample_rate)}
    json.dump(meta, open(meta_path, "w"))
    return meta, data


MODEL_CARD = """# {name}

Smoke voice: a small, honestly trained voice from a short run of `training/smoke_voice.py`,
shipped so the engine and its tests have a voice until the distilled default voice is trained.
It speaks, but it is not meant to sound good.

- Teacher audio: espeak-ng (en-us), GPL-3.0-or-later program; rendered from text below.
- Text: {n} LJ Speech 1.1 sentences (public domain), none from LJ050.
- Audio: {seconds:.1f} s at {sr} Hz.
- Durations: crude (silence at the ends, proportional spread inside), no aligner.
- Acoustic model: {ac_steps} steps, final loss {ac_loss:.3f}; vocoder: {voc_steps} steps,
  final multi-resolution STFT loss {voc_loss:.3f}.
- Weights: int8 per-output-channel for the hidden layers, f32 for first/last layers.
- Reproduce: `/usr/bin/python3 training/smoke_voice.py --myna build/app/cli/myna --out {out}`
  (training {ac_min:.0f} + {voc_min:.0f} minutes on 2 shared cores, data preparation apart).
"""


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--myna", required=True, help="path to the built myna CLI")
    ap.add_argument("--out", required=True, help="voice file to write")
    ap.add_argument("--shared", default=os.path.join(os.path.dirname(__file__), "../../shared"))
    ap.add_argument("--cache", default=os.path.expanduser("~/.cache/myna/smoke"))
    ap.add_argument("--sentences", type=int, default=200)
    ap.add_argument("--steps-acoustic", type=int, default=60)
    ap.add_argument("--steps-vocoder", type=int, default=100)
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--name", default="en_US-myna")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    cfg = VoiceConfig()
    meta, data = prepare(args, cfg)
    cfg.acoustic.n_symbols = len(meta["symbols"])
    voiced = np.concatenate([f[f > 0] for f in data["f0"]])
    cfg.acoustic.f0_mean = float(np.log(voiced).mean())
    cfg.acoustic.f0_std = float(max(np.log(voiced).std(), 0.05))
    log("%d sentences, %.1f s of audio, %d symbols" % (meta["n"], meta["seconds"],
                                                       len(meta["symbols"])))
    ac, ac_steps, ac_loss, ac_sec = train_acoustic(args, cfg, data)
    voc, voc_steps, voc_loss, voc_sec = train_vocoder(args, cfg, data)
    card = MODEL_CARD.format(name=args.name, n=meta["n"], seconds=meta["seconds"],
                             sr=cfg.audio.sample_rate, ac_steps=ac_steps, ac_loss=ac_loss,
                             voc_steps=voc_steps, voc_loss=voc_loss, out=args.out,
                             ac_min=ac_sec / 60, voc_min=voc_sec / 60)
    export_voice(args.out, cfg, ac, voc, meta["symbols"], ["default"], int8=True,
                 name=args.name, language="en-us", license="CC0-1.0 (weights); see model card",
                 model_card=card, description="Myna smoke voice (test quality)")
    with open(os.path.splitext(args.out)[0] + ".md", "w") as f:
        f.write(card)
    log("wrote %s (%d bytes)" % (args.out, os.path.getsize(args.out)))


if __name__ == "__main__":
    main()
