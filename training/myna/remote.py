"""Training on another machine: one with an accelerator, a different torch and no access
to this machine's feature cache, reached by copying a few files of bounded size.

- The training data (symbols, durations, mel, F0) is packed into compressed shards of about
  `shard_mb` each. The mel is quantised to 8 bits over [MEL_LO, MEL_HI] (error at most
  0.028 in natural-log units, a small fraction of the model's own error) and coded as
  frame-to-frame differences, which lzma compresses to about two thirds; F0 stays float32.
- Teacher audio, for the vocoder, is optional and bounded separately (`write_audio_pack`):
  int16, coded as sample-to-sample differences split into low and high bytes (about 0.55 of
  the raw size after lzma), so a fraction of an hour travels in a few tens of MB.
- Checkpoints travel as numpy arrays + JSON, which any torch version reads back
  (`checkpoint_to_portable`, `portable_to_checkpoint`).
"""
import glob
import io
import json
import lzma
import multiprocessing
import os

import numpy as np
import torch

MEL_LO, MEL_HI = -11.6, 2.6  # log(1e-5) = -11.51 is the floor; teacher peaks stay below 1.2
_STEP = (MEL_HI - MEL_LO) / 255.0


def quantise_mel(mel):
    return np.clip(np.rint((np.asarray(mel) - MEL_LO) / _STEP), 0, 255).astype(np.uint8)


def dequantise_mel(q):
    return (q.astype(np.float32) * np.float32(_STEP) + np.float32(MEL_LO)).astype(np.float32)


def _save_xz(path, arrays):
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    with lzma.open(path + ".tmp", "wb", preset=6) as f:
        f.write(buf.getvalue())
    os.replace(path + ".tmp", path)


def _load_xz(path):
    with lzma.open(path, "rb") as f:
        return np.load(io.BytesIO(f.read()))


def _write_shard(job):
    path, utt_ids, ids, frames, mels, f0s = job
    q = [quantise_mel(m) for m in mels]
    # per utterance: first frame as is, then differences modulo 256 (undone by a uint8 cumsum)
    deltas = [np.concatenate([m[:1], m[1:] - m[:-1]]) for m in q]
    arrays = dict(
        utt=np.array(utt_ids),
        n_ids=np.array([len(x) for x in ids], dtype=np.int64),
        ids=np.concatenate(ids).astype(np.int32),
        frames=np.concatenate([np.asarray(x) for x in frames]).astype(np.int32),
        n_frames=np.array([len(m) for m in q], dtype=np.int64),
        mel=np.concatenate(deltas).astype(np.uint8),
        f0=np.concatenate(f0s).astype(np.float32))
    _save_xz(path, arrays)
    return path, len(utt_ids)


def write_pack(out_dir, utt_ids, data, shard_mb=40, jobs=1, log=print):
    """Writes shard-NNN.npz.xz files (utterances in corpus order) to out_dir, `jobs` shards
    at a time (lzma takes about 1.5 s a MB); returns their paths."""
    os.makedirs(out_dir, exist_ok=True)
    for old in glob.glob(os.path.join(out_dir, "shard-*.npz.xz")):
        os.remove(old)
    budget = shard_mb * 1e6 / 0.7  # about 0.7 compressed bytes per mel value on this corpus
    groups, idx, size = [], [], 0
    for i in range(len(utt_ids)):
        idx.append(i)
        size += data["mel"][i].size
        if size >= budget or i == len(utt_ids) - 1:
            groups.append(idx)
            idx, size = [], 0
    work = [(os.path.join(out_dir, "shard-%03d.npz.xz" % k), [utt_ids[i] for i in g],
             *([data[key][i] for i in g] for key in ("ids", "frames", "mel", "f0")))
            for k, g in enumerate(groups)]
    if jobs > 1:
        with multiprocessing.Pool(jobs) as pool:
            done = pool.map(_write_shard, work)
    else:
        done = [_write_shard(job) for job in work]
    for path, n in done:
        log("pack: %s, %d utterances, %.1f MB" % (path, n, os.path.getsize(path) / 1e6))
    return [path for path, _ in done]


def read_pack(pack_dir):
    """(utterance ids, data dict with ids, frames, mel, f0, audio) from every shard in
    pack_dir; audio is None for the utterances without packed audio."""
    paths = sorted(glob.glob(os.path.join(pack_dir, "shard-*.npz.xz")))
    if not paths:
        raise FileNotFoundError("no shard-*.npz.xz in %s" % pack_dir)
    utt_ids, data = [], {"ids": [], "frames": [], "mel": [], "f0": []}
    for path in paths:
        z = _load_xz(path)
        i_ends = np.cumsum(z["n_ids"])
        f_ends = np.cumsum(z["n_frames"])
        ids = np.split(z["ids"].astype(np.int64), i_ends[:-1])
        frames = np.split(z["frames"].astype(np.int64), i_ends[:-1])
        mels = np.split(z["mel"], f_ends[:-1])
        f0s = np.split(z["f0"], f_ends[:-1])
        utt_ids += [str(u) for u in z["utt"]]
        data["ids"] += ids
        data["frames"] += frames
        data["mel"] += [dequantise_mel(np.cumsum(d, axis=0, dtype=np.uint8)) for d in mels]
        data["f0"] += f0s
    data["audio"] = [None] * len(utt_ids)
    where = {u: k for k, u in enumerate(utt_ids)}
    for path in sorted(glob.glob(os.path.join(pack_dir, "audio-*.npz.xz"))):
        z = _load_xz(path)
        delta = (z["hi"].astype(np.int16) << 8) | z["lo"].astype(np.int16)
        ends = np.cumsum(z["n_samples"])
        for u, d in zip(z["utt"], np.split(delta, ends[:-1])):
            pcm = np.cumsum(d, dtype=np.int16)
            data["audio"][where[str(u)]] = pcm.astype(np.float32) / 32768.0
    return utt_ids, data


def write_audio_pack(out_dir, utt_ids, audio, mb, shard_mb=40, log=print):
    """The audio (float, int16 values / 32768 as the feature cache gives it) of the first
    utterances, up to about `mb` MB compressed in all, as audio-NNN.npz.xz files; returns how
    many utterances it holds."""
    for old in glob.glob(os.path.join(out_dir, "audio-*.npz.xz")):
        os.remove(old)
    per_sample = 2 * 0.56  # compressed bytes per sample, measured on this corpus
    n_done, k, total = 0, 0, 0.0
    while n_done < len(utt_ids) and total < mb * 1e6:
        idx, size = [], 0.0
        for i in range(n_done, len(utt_ids)):
            if size >= shard_mb * 1e6 or total + size >= mb * 1e6:
                break
            idx.append(i)
            size += len(audio[i]) * per_sample
        # int16 differences wrap around, and the int16 cumsum in read_pack wraps back
        pcm = [np.rint(np.asarray(audio[i]) * 32768.0).astype(np.int16) for i in idx]
        deltas = [np.diff(x, prepend=np.int16(0)) for x in pcm]
        flat = np.concatenate(deltas).view(np.uint16)
        path = os.path.join(out_dir, "audio-%03d.npz.xz" % k)
        _save_xz(path, dict(utt=np.array([utt_ids[i] for i in idx]),
                            n_samples=np.array([len(d) for d in deltas], dtype=np.int64),
                            lo=(flat & 0xFF).astype(np.uint8), hi=(flat >> 8).astype(np.uint8)))
        log("pack: %s, audio of %d utterances, %.1f MB" % (path, len(idx),
                                                           os.path.getsize(path) / 1e6))
        n_done, k, total = n_done + len(idx), k + 1, total + os.path.getsize(path)
    return n_done


def _flatten(obj, arrays):
    """Tensors (nested in dicts and lists) -> arrays[key]; the rest stays as JSON."""
    if torch.is_tensor(obj):
        key = "a%d" % len(arrays)
        arrays[key] = obj.detach().cpu().numpy()
        return {"__array__": key}
    if isinstance(obj, dict):
        return {"__dict__": [[_flatten(k, arrays), _flatten(v, arrays)]
                             for k, v in obj.items()]}
    if isinstance(obj, (list, tuple)):
        return [_flatten(v, arrays) for v in obj]
    return obj


def _unflatten(obj, arrays):
    if isinstance(obj, dict) and "__array__" in obj:
        return torch.from_numpy(np.array(arrays[obj["__array__"]]))
    if isinstance(obj, dict) and "__dict__" in obj:
        return {_unflatten(k, arrays): _unflatten(v, arrays) for k, v in obj["__dict__"]}
    if isinstance(obj, list):
        return [_unflatten(v, arrays) for v in obj]
    return obj


def checkpoint_to_portable(ckpt_path, out_path):
    """A torch checkpoint -> one .npz (arrays + a JSON tree), readable by any torch.
    Returns the checkpoint's step."""
    ck = torch.load(ckpt_path, map_location="cpu")
    arrays = {}
    tree = _flatten(ck, arrays)
    np.savez_compressed(out_path, __tree__=np.array(json.dumps(tree)), **arrays)
    return ck["step"]


def portable_to_checkpoint(npz_path, ckpt_path):
    """Inverse of checkpoint_to_portable (tuples come back as lists); returns the step."""
    z = np.load(npz_path)
    ck = _unflatten(json.loads(str(z["__tree__"])), z)
    torch.save(ck, ckpt_path + ".tmp")
    os.replace(ckpt_path + ".tmp", ckpt_path)
    return ck["step"]
