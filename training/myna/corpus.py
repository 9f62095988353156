"""Training corpus: phoneme symbols from the C front end, WAV reading, and cached per-utterance
features (log-mel, F0, audio) for a directory of teacher renderings.

Symbols always come from the engine's own front end (`myna --phonemes`), so training and
synthesis can never disagree on them. Features are cached one file per utterance under
<work>/feat, so an interrupted run resumes where it stopped.
"""
import csv
import os
import subprocess
import wave
from multiprocessing import Pool

import numpy as np

from .audio import MelSpec, estimate_f0


def phonemes(myna, text, language="en-us"):
    """Symbols of text, one list per sentence as the C front end splits it."""
    out = subprocess.run([myna, "--phonemes", "--language", language, "-f", "-"], input=text,
                         capture_output=True, text=True, check=True).stdout
    return [line.split(" ") for line in out.splitlines() if line.strip()]


def utterance_symbols(myna, text, language="en-us"):
    """One symbol sequence for a whole recording: its sentences back to back (each keeps its
    own ^ ... $, which the aligner gives the pause between them)."""
    return [s for sentence in phonemes(myna, text, language) for s in sentence]


def read_wav(path):
    """Mono 16-bit WAV -> (float32 samples in [-1, 1), sample rate)."""
    with wave.open(path) as w:
        if w.getnchannels() != 1 or w.getsampwidth() != 2:
            raise ValueError("%s: need mono 16-bit PCM" % path)
        x = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").astype(np.float32)
        return x / 32768.0, w.getframerate()


def lj_texts(shared):
    """LJ Speech id -> normalised text (third column)."""
    texts = {}
    with open(os.path.join(shared, "data/text/ljspeech_metadata.csv"), encoding="utf-8") as f:
        for row in csv.reader(f, delimiter="|", quoting=csv.QUOTE_NONE):
            if len(row) >= 3:
                texts[row[0]] = row[2].strip()
    return texts


def _extract(job):
    uid, text, wav_path, dst, myna, audio_cfg = job
    if os.path.exists(dst):
        return uid, None
    a = audio_cfg
    x, sr = read_wav(wav_path)
    if sr != a.sample_rate:
        return uid, "%s: %d Hz, voice wants %d" % (wav_path, sr, a.sample_rate)
    mel = MelSpec(sr, a.n_fft, a.hop, a.win, a.n_mels, a.fmin, a.fmax, a.log_floor).numpy(x)
    f0, _ = estimate_f0(x, sr, a.hop)
    n = mel.shape[0]
    audio = np.zeros(n * a.hop, dtype=np.int16)
    pcm = np.clip(np.round(x * 32768.0), -32768, 32767).astype(np.int16)[:len(audio)]
    audio[:len(pcm)] = pcm
    symbols = utterance_symbols(myna, text)
    tmp = dst + ".tmp.npz"
    np.savez(tmp, symbols=np.array(symbols), mel=mel.astype(np.float32),
             f0=f0[:n].astype(np.float32), audio=audio, text=np.array(text))
    os.replace(tmp, dst)
    return uid, None


def build_features(wav_dir, texts, work, myna, audio_cfg, limit=None, jobs=2, log=print):
    """Extracts features of every <wav_dir>/<ID>.wav whose ID has a text (sorted by ID, at most
    limit). Returns the list of IDs with features."""
    feat_dir = os.path.join(work, "feat")
    os.makedirs(feat_dir, exist_ok=True)
    ids = sorted(f[:-4] for f in os.listdir(wav_dir)
                 if f.endswith(".wav") and not f.endswith(".part.wav") and f[:-4] in texts)
    ids = ids[:limit] if limit else ids
    todo = [(u, texts[u], os.path.join(wav_dir, u + ".wav"), os.path.join(feat_dir, u + ".npz"),
             myna, audio_cfg) for u in ids]
    missing = [j for j in todo if not os.path.exists(j[3])]
    if missing:
        log("features: %d of %d utterances to extract" % (len(missing), len(todo)))
        with Pool(jobs) as pool:
            for uid, err in pool.imap_unordered(_extract, missing, chunksize=4):
                if err:
                    raise RuntimeError(err)
    return ids


def load_features(work, ids):
    """[{symbols, mel, f0, audio (float32), text}] for ids, from the cache."""
    out = []
    for uid in ids:
        with np.load(os.path.join(work, "feat", uid + ".npz")) as z:
            out.append({"id": uid, "symbols": [str(s) for s in z["symbols"]],
                        "mel": z["mel"], "f0": z["f0"],
                        "audio": z["audio"].astype(np.float32) / 32768.0,
                        "text": str(z["text"])})
    return out


def inventory(myna, shared, symbol_lists, lines=4000):
    """Symbols of the training utterances plus those of a wider slice of LJ text (never LJ050),
    so ordinary English at synthesis time meets few symbols the voice has no row for.
    Id 0 is the pad symbol `_`."""
    seen = set()
    for syms in symbol_lists:
        seen.update(syms)
    with open(os.path.join(shared, "data/text/ljspeech_metadata.csv"), encoding="utf-8") as f:
        texts = [r.split("|")[2].strip() for r in f.read().splitlines()[:lines]
                 if not r.startswith("LJ050-") and r.count("|") >= 2]
    for line in phonemes(myna, " ".join(texts)):
        seen.update(line)
    seen.discard("_")
    return ["_"] + sorted(seen)
