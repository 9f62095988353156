#!/usr/bin/python3
"""Speaker encoder recipe: corpus -> features -> train -> export -> evaluate.

Every stage is cached under --work (default ~/.cache/myna/speaker) and resumable; run it again
and finished work is skipped (training resumes from its last checkpoint).

  corpus    22,050 Hz mono WAVs, one folder per speaker class:
            - ../shared/data/speech/multispeaker_samples (107 voices reading one passage);
            - teacher voices rendering LJ Speech text (never LJ050-*): flite awb, rms, slt,
              kal16 and festival's slt HTS. The CMU ARCTIC speakers (awb, rms, slt) are one
              class each, whichever synthesiser rendered them, so the encoder learns the
              person rather than the synthesiser;
            - augmentation: every training class again at speed 0.9 and 1.1 (sox `speed`:
              pitch and formants scaled together, a different vocal tract), as new classes.
  features  log-mel (the voice analysis of training/myna/audio.py), speech frames, gain.
  train     AAM-softmax over the classes, random 128-frame crops.
  export    int8 .myna file (docs/models.md, "Speaker encoder").
  evaluate  equal error rate on speakers never trained on: HELD_OUT below (17 VCTK voices)
            and real_speaker_m1, enrolling on one 3-s segment and testing on the others.

    /usr/bin/python3 training/train_speaker_encoder.py --out voices/speaker-encoder.myna
"""
import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
import wave
from multiprocessing import Pool

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from myna.audio import MelSpec, hz_to_mel, mel_to_hz  # noqa: E402
from myna.config import AudioConfig  # noqa: E402
from myna.export import export_speaker_encoder  # noqa: E402
from myna.speaker import (AAMSoftmax, SpeakerEncoder, SpeakerEncoderConfig,  # noqa: E402
                          equal_error_rate, prepare)

RATE = 22050
TEACHERS = {  # class -> command rendering {txt} to {wav}
    "arctic_awb": ["flite", "-voice", "awb", "-f", "{txt}", "-o", "{wav}"],
    "arctic_rms": ["flite", "-voice", "rms", "-f", "{txt}", "-o", "{wav}"],
    "arctic_slt": ["flite", "-voice", "slt", "-f", "{txt}", "-o", "{wav}"],
    "flite_kal16": ["flite", "-voice", "kal16", "-f", "{txt}", "-o", "{wav}"],
    "arctic_slt#hts": ["text2wave", "-eval", "(voice_cmu_us_slt_arctic_hts)", "{txt}",
                       "-o", "{wav}"],
}
WARPS = (0.9, 1.1)
SEGMENT_S = 3.0


def clip_class(filename):
    """en_US_vctk_low_p225.flac -> vctk_p225; en_US_cmu-arctic_low_awb -> arctic_awb."""
    stem = filename.rsplit(".", 1)[0]
    parts = stem.split("_")
    corpus, speaker = parts[2], "_".join(parts[4:]) if len(parts) > 4 else parts[-1]
    corpus = {"cmu-arctic": "arctic", "m-ailabs": "mailabs", "hifi-tts": "hifitts"}.get(corpus,
                                                                                          corpus)
    return f"{corpus}_{speaker}"


# Speakers the encoder never trains on (every fifth VCTK voice of multispeaker_samples in name
# order), plus real_speaker_m1, which is only ever evaluated.
HELD_OUT = ["vctk_p228", "vctk_p234", "vctk_p241", "vctk_p248", "vctk_p255", "vctk_p261",
            "vctk_p267", "vctk_p273", "vctk_p280", "vctk_p286", "vctk_p295", "vctk_p302",
            "vctk_p310", "vctk_p317", "vctk_p333", "vctk_p341", "vctk_p362"]


def held_out(clips):
    missing = [c for c in HELD_OUT if c not in clips]
    if missing:
        raise SystemExit(f"held-out speakers missing from the clips: {missing}")
    return set(HELD_OUT)


def sox(src, dst, *effects):
    part = dst + ".part.wav"
    p = subprocess.run(["sox", src, "-r", str(RATE), "-c", "1", "-b", "16", part, *effects],
                       capture_output=True)
    if p.returncode != 0:
        raise RuntimeError(f"sox {src}: {p.stderr.decode(errors='replace')[-200:]}")
    os.replace(part, dst)


def lj_sentences(shared, n, offset):
    """n LJ Speech training sentences (never LJ050-*), every 37th from offset."""
    rows = []
    with open(os.path.join(shared, "data/text/ljspeech_metadata.csv"), encoding="utf-8") as f:
        for row in csv.reader(f, delimiter="|", quoting=csv.QUOTE_NONE):
            if len(row) >= 3 and not row[0].startswith("LJ050-") and row[2].strip():
                rows.append((row[0], row[2].strip()))
    return rows[offset::37][:n]


def render_teacher(job):
    cls, uid, text, out = job
    dst = os.path.join(out, uid + ".wav")
    if os.path.exists(dst):
        return None
    with tempfile.TemporaryDirectory() as tmp:
        txt, raw = os.path.join(tmp, "t.txt"), os.path.join(tmp, "t.wav")
        with open(txt, "w", encoding="utf-8") as f:
            f.write(text + "\n")
        cmd = [a.format(txt=txt, wav=raw) for a in TEACHERS[cls]]
        p = subprocess.run(cmd, capture_output=True)
        if p.returncode != 0 or not os.path.exists(raw):
            return f"{cls} {uid}: {p.stderr.decode(errors='replace')[-200:]}"
        sox(raw, dst)
    return None


def warp_job(job):
    src, dst, factor = job
    if not os.path.exists(dst):
        sox(src, dst, "speed", str(factor))
    return None


def stage_corpus(args):
    wav = os.path.join(args.work, "wav")
    clips_dir = os.path.join(args.shared, "data/speech/multispeaker_samples")
    clips = {clip_class(f): os.path.join(clips_dir, f)
             for f in sorted(os.listdir(clips_dir)) if f.endswith(".flac")}
    test = held_out(clips)
    if args.clips is not None:  # a toy corpus (the smoke test): the first N training voices
        train = [c for c in clips if c not in test][:args.clips]
        clips = {c: p for c, p in clips.items() if c in test or c in train}
    for cls, src in clips.items():
        d = os.path.join(wav, cls)
        os.makedirs(d, exist_ok=True)
        dst = os.path.join(d, "clip.wav")
        if not os.path.exists(dst):
            sox(src, dst)
    jobs = []
    for i, cls in enumerate(TEACHERS):
        d = os.path.join(wav, cls.split("#")[0])
        os.makedirs(d, exist_ok=True)
        for uid, text in lj_sentences(args.shared, args.teacher_sentences, i):
            jobs.append((cls, uid + ("_hts" if "#" in cls else ""), text, d))
    with Pool(args.jobs) as pool:
        for err in pool.imap_unordered(render_teacher, jobs, chunksize=4):
            if err:
                print("render failed:", err, file=sys.stderr)
    # The real speaker, for evaluation only.
    m1 = os.path.join(args.shared, "data/speech/real_speaker_m1", "wavs")
    d = os.path.join(args.work, "eval_m1")
    os.makedirs(d, exist_ok=True)
    for f in sorted(os.listdir(m1)):
        if f.endswith((".flac", ".wav")):
            dst = os.path.join(d, f.rsplit(".", 1)[0] + ".wav")
            if not os.path.exists(dst):
                sox(os.path.join(m1, f), dst)
    warp = []
    for cls in sorted(os.listdir(wav)):
        if "@" in cls or cls in test:
            continue
        for factor in WARPS:
            d = os.path.join(wav, f"{cls}@{factor}")
            os.makedirs(d, exist_ok=True)
            for f in os.listdir(os.path.join(wav, cls)):
                if f.endswith(".wav") and not f.endswith(".part.wav"):
                    warp.append((os.path.join(wav, cls, f), os.path.join(d, f), factor))
    with Pool(args.jobs) as pool:
        list(pool.imap_unordered(warp_job, warp, chunksize=8))
    with open(os.path.join(args.work, "split.json"), "w") as f:
        json.dump({"held_out": sorted(test)}, f, indent=1)
    print(f"corpus: {len(os.listdir(wav))} classes, held out {len(test)} + real_speaker_m1")


def read_wav(path):
    with wave.open(path) as w:
        assert w.getframerate() == RATE and w.getnchannels() == 1 and w.getsampwidth() == 2
        return np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").astype(np.float32) / 32768


_SPEC = []


def mel_spec():
    """The voices' analysis (one filterbank for the whole run, not one per file)."""
    if not _SPEC:
        a = AudioConfig()
        _SPEC.append(MelSpec(a.sample_rate, a.n_fft, a.hop, a.win, a.n_mels, a.fmin, a.fmax,
                             a.log_floor))
    return _SPEC[0]


def mel_of(path):
    return mel_spec().numpy(read_wav(path))


def feature_job(job):
    src_dir, dst, cfg = job
    if os.path.exists(dst):
        return
    utts = []
    for f in sorted(os.listdir(src_dir)):
        if f.endswith(".wav") and not f.endswith(".part.wav"):
            x = prepare(mel_of(os.path.join(src_dir, f)), cfg)
            if x is not None and len(x) >= cfg.partial:
                utts.append(x.astype(np.float16))
    np.savez(dst + ".part.npz", *utts)
    os.replace(dst + ".part.npz", dst)


def stage_features(args, cfg):
    wav, feat = os.path.join(args.work, "wav"), os.path.join(args.work, "features")
    os.makedirs(feat, exist_ok=True)
    test = set(json.load(open(os.path.join(args.work, "split.json")))["held_out"])
    jobs = [(os.path.join(wav, c), os.path.join(feat, c + ".npz"), cfg)
            for c in sorted(os.listdir(wav)) if c not in test]
    with Pool(args.jobs) as pool:
        list(pool.imap_unordered(feature_job, jobs))
    print(f"features: {len(jobs)} training classes")


def load_features(args):
    feat = os.path.join(args.work, "features")
    classes, data = [], []
    for f in sorted(os.listdir(feat)):
        if f.endswith(".npz") and not f.endswith(".part.npz"):
            z = np.load(os.path.join(feat, f))
            utts = [z[k] for k in z.files]
            if utts:
                classes.append(f[:-4])
                data.append(utts)
    return classes, data


def band_centres_hz(audio):
    """Centre frequency of each mel band of the analysis."""
    lo, hi = hz_to_mel(audio.fmin), hz_to_mel(audio.fmax)
    return np.array([mel_to_hz(lo + (m + 1) * (hi - lo) / (audio.n_mels + 1))
                     for m in range(audio.n_mels)])


def channel_augment(x, centres, rng):
    """What recording channels do to a prepared crop [T][n_mels], so that the encoder learns
    to ignore it: half the crops lose the bands above a cut-off of 3.5-8 kHz (a lower sample
    rate: a 16 kHz copy of a reference otherwise scored cosine 0.84 against its 22.05 kHz
    original, below a different sentence of the same voice), half get a random tilt and bump
    of up to +-1 nat (microphone and room colour). The gain is removed again afterwards."""
    if rng.random() < 0.5:
        fc = rng.uniform(3500.0, 8000.0)
        octaves = np.log2(np.maximum(centres / fc, 1.0))
        x = x - np.minimum(octaves * 24.0, 9.0)[None, :]  # about -24 nats per octave, floored
    if rng.random() < 0.5:
        pos = np.linspace(-1.0, 1.0, x.shape[1])
        bump = np.exp(-((pos - rng.uniform(-1, 1)) / rng.uniform(0.1, 0.5)) ** 2)
        x = x + rng.uniform(-0.5, 0.5) * pos + rng.uniform(-0.5, 0.5) * bump
    return x - x.mean()


def batch(data, cfg, size, rng, centres=None):
    x = np.empty((size, cfg.partial, cfg.n_mels), dtype=np.float32)
    y = rng.integers(0, len(data), size)
    for b, c in enumerate(y):
        u = data[c][rng.integers(0, len(data[c]))]
        s = rng.integers(0, len(u) - cfg.partial + 1)
        crop = u[s:s + cfg.partial].astype(np.float32)
        x[b] = crop if centres is None else channel_augment(crop, centres, rng)
    return torch.from_numpy(x), torch.from_numpy(y)


def stage_train(args, cfg):
    torch.set_num_threads(args.threads)
    classes, data = load_features(args)
    print(f"train: {len(classes)} classes, "
          f"{sum(len(u) for d in data for u in d) * 256 / RATE / 3600:.2f} h of speech frames")
    model, head = SpeakerEncoder(cfg), AAMSoftmax(cfg.dim, len(classes), margin=args.margin)
    params = list(model.parameters()) + list(head.parameters())
    opt = torch.optim.Adam(params, lr=args.lr)
    ckpt = os.path.join(args.work, "checkpoint.pt")
    step, history = 0, []
    if os.path.exists(ckpt):
        st = torch.load(ckpt)
        if st["classes"] == classes:
            model.load_state_dict(st["model"])
            head.load_state_dict(st["head"])
            opt.load_state_dict(st["opt"])
            step, history = st["step"], st["history"]
            print(f"resumed at step {step}")
    rng = np.random.default_rng(1234 + step)
    centres = band_centres_hz(AudioConfig())
    t0, last_save = time.time(), time.time()
    model.train()
    while step < args.steps:
        lr = args.lr * 0.5 * (1 + np.cos(np.pi * step / args.steps))
        for g in opt.param_groups:
            g["lr"] = lr
        # the margin grows from 0 over the first fifth: with it from the start, AAM-softmax
        # stalled near chance here (loss 11.8, accuracy 0.4 % after 300 steps)
        head.margin = args.margin * min(1.0, step / (0.2 * args.steps))
        x, y = batch(data, cfg, args.batch, rng, centres if args.augment else None)
        loss, acc = head(model(x), y)
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 3.0)
        opt.step()
        step += 1
        history.append((step, float(loss), float(acc)))
        if step % 50 == 0 or step == args.steps:
            recent = history[-50:]
            print(f"step {step}/{args.steps} loss {np.mean([h[1] for h in recent]):.3f} "
                  f"acc {np.mean([h[2] for h in recent]):.3f} lr {lr:.2e} "
                  f"{(time.time() - t0) / 60:.1f} min", flush=True)
        if time.time() - last_save > 120 or step == args.steps:
            torch.save({"model": model.state_dict(), "head": head.state_dict(),
                        "opt": opt.state_dict(), "step": step, "history": history,
                        "classes": classes, "cfg": cfg.to_dict()}, ckpt + ".part")
            os.replace(ckpt + ".part", ckpt)
            last_save = time.time()
    return model


def load_model(args):
    st = torch.load(os.path.join(args.work, "checkpoint.pt"))
    model = SpeakerEncoder(SpeakerEncoderConfig(**st["cfg"]))
    model.load_state_dict(st["model"])
    model.eval()
    return model, st


def segments(path, seconds=SEGMENT_S):
    """Consecutive non-overlapping segments of a WAV, as audio arrays."""
    x = read_wav(path)
    n = int(seconds * RATE)
    return [x[i:i + n] for i in range(0, len(x) - n + 1, n)]


class MeanMelBaseline:
    """A reference point that learns nothing: the mean of the prepared log-mel frames
    (centred), as an embedding. The encoder must beat it by far."""

    def __init__(self, cfg):
        self.cfg = cfg

    def embed(self, mel):
        x = prepare(mel, self.cfg)
        if x is None:
            return None
        m = x.astype(np.float64).mean(axis=0)
        m -= m.mean()
        return m / max(np.linalg.norm(m), 1e-12)


def eval_embeddings(args, model):
    """{speaker: [embedding of each 3-s segment]} for the held-out voices and m1."""
    spec = mel_spec()
    test = json.load(open(os.path.join(args.work, "split.json")))["held_out"]
    out = {}
    for cls in test:
        segs = segments(os.path.join(args.work, "wav", cls, "clip.wav"))
        out[cls] = [e for e in (model.embed(spec.numpy(s)) for s in segs) if e is not None]
    m1_dir = os.path.join(args.work, "eval_m1")
    m1 = []
    for f in sorted(os.listdir(m1_dir))[:40]:  # one segment each of 40 recordings
        segs = segments(os.path.join(m1_dir, f))
        e = model.embed(spec.numpy(segs[0])) if segs else None
        if e is not None:
            m1.append(e)
    out["real_speaker_m1"] = m1
    return out


def band_limited(x, rate):
    """x (at RATE) through `rate` and back with sox, as a reference recorded at that rate."""
    with tempfile.TemporaryDirectory() as tmp:
        a, b, c = (os.path.join(tmp, n) for n in ("a.wav", "b.wav", "c.wav"))
        write_wav(a, x)
        subprocess.run(["sox", a, "-r", str(rate), b], check=True)
        subprocess.run(["sox", b, "-r", str(RATE), c], check=True)
        return read_wav(c)


def cross_rate_eer(args, model, rate=16000):
    """EER of held-out trials enrolled on a full-band segment and tested on other segments
    recorded at `rate` (band-limited copies), and the mean cosine of a segment to its own copy."""
    spec = mel_spec()
    test = json.load(open(os.path.join(args.work, "split.json")))["held_out"]
    full, low = [], []
    for cls in test:
        for k, x in enumerate(segments(os.path.join(args.work, "wav", cls, "clip.wav"))):
            e, f = model.embed(spec.numpy(x)), model.embed(spec.numpy(band_limited(x, rate)))
            if e is not None and f is not None:
                full.append((cls, k, e))
                low.append((cls, k, f))
    scores, targets = [], []
    for spk_a, ka, ea in full:
        for spk_b, kb, eb in low:
            if (spk_a, ka) != (spk_b, kb):
                scores.append(float(ea @ eb))
                targets.append(spk_a == spk_b)
    own = np.mean([float(e @ f) for (_, _, e), (_, _, f) in zip(full, low)])
    return equal_error_rate(scores, targets), float(own)


def write_wav(path, x):
    with wave.open(path, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes((np.clip(x, -1, 1) * 32767).astype("<i2").tobytes())


def engine_embeddings(args, encoder):
    """The same segments as eval_embeddings, embedded by the C engine (`myna
    --speaker-embedding` with the exported int8 encoder)."""
    test = json.load(open(os.path.join(args.work, "split.json")))["held_out"]
    jobs = [(cls, segments(os.path.join(args.work, "wav", cls, "clip.wav"))) for cls in test]
    m1_dir = os.path.join(args.work, "eval_m1")
    m1 = [segments(os.path.join(m1_dir, f)) for f in sorted(os.listdir(m1_dir))[:40]]
    jobs.append(("real_speaker_m1", [s[0] for s in m1 if s]))
    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        paths, owners = [], []
        for cls, segs in jobs:
            for k, x in enumerate(segs):
                paths.append(os.path.join(tmp, f"{cls}_{k}.wav"))
                owners.append(cls)
                write_wav(paths[-1], x)
        p = subprocess.run([args.myna, "--speaker-embedding", "--speaker-encoder", encoder,
                            "--threads", "1", *paths], capture_output=True, text=True)
        lines = {l.split("\t")[0]: np.array(l.split("\t")[1].split(), dtype=np.float64)
                 for l in p.stdout.splitlines() if "\t" in l}
        for path, cls in zip(paths, owners):
            if path in lines:  # a segment without enough speech is refused, as in PyTorch
                out.setdefault(cls, []).append(lines[path])
    return out


def eer_report(emb):
    """Every pair of 3-s segments is a trial (target when both are of one speaker): each
    segment enrols in turn and is tested against the others, whose words differ. Returns
    (EER over all speakers, EER of the trials with real_speaker_m1 enrolled: m1 against m1
    and m1 against every other speaker, target and non-target trial counts)."""
    items = [(spk, e) for spk, es in emb.items() for e in es]
    scores, targets, m1_scores, m1_targets = [], [], [], []
    for i in range(len(items)):
        for j in range(i + 1, len(items)):
            (a, ea), (b, eb) = items[i], items[j]
            s = float(ea @ eb)
            scores.append(s)
            targets.append(a == b)
            if "real_speaker_m1" in (a, b):
                m1_scores.append(s)
                m1_targets.append(a == b)
    return (equal_error_rate(scores, targets), equal_error_rate(m1_scores, m1_targets),
            sum(targets), len(targets) - sum(targets))


def stage_evaluate(args, model):
    base_eer, base_m1, _, _ = eer_report(eval_embeddings(args, MeanMelBaseline(model.cfg)))
    emb = eval_embeddings(args, model)
    eer, eer_m1, n_t, n_n = eer_report(emb)
    result = {"eer": eer, "eer_m1": eer_m1, "target_trials": n_t, "nontarget_trials": n_n,
              "baseline_eer": base_eer, "baseline_eer_m1": base_m1,
              "speakers": {k: len(v) for k, v in emb.items()}}
    print(f"EER held-out speakers {eer * 100:.2f} % ({n_t} target / {n_n} non-target trials); "
          f"real_speaker_m1 trials {eer_m1 * 100:.2f} %; mean log-mel baseline "
          f"{base_eer * 100:.2f} % / {base_m1 * 100:.2f} %")
    x_eer, own = cross_rate_eer(args, model)
    result.update(eer_16k_tests=x_eer, cosine_to_16k_copy=own)
    print(f"16 kHz test segments against full-band enrolment: EER {x_eer * 100:.2f} %; "
          f"a segment against its own 16 kHz copy: mean cosine {own:.3f}")
    if args.myna and args.out and os.path.exists(args.out):
        c_eer, c_m1, _, _ = eer_report(engine_embeddings(args, args.out))
        result.update(engine_eer=c_eer, engine_eer_m1=c_m1)
        print(f"C engine, int8 ({args.out}): EER {c_eer * 100:.2f} %, "
              f"real_speaker_m1 trials {c_m1 * 100:.2f} %")
    with open(os.path.join(args.work, "eval.json"), "w") as f:
        json.dump(result, f, indent=1)
    return result


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--shared", default=os.path.join(here, "..", "..", "shared"))
    ap.add_argument("--work", default=os.path.expanduser("~/.cache/myna/speaker"))
    ap.add_argument("--out", default=None, help="exported encoder (.myna)")
    ap.add_argument("--myna", default=None,
                    help="the myna command: also measure the exported encoder in C")
    ap.add_argument("--stage", default="all",
                    choices=["all", "corpus", "features", "train", "export", "evaluate"])
    ap.add_argument("--teacher-sentences", type=int, default=100)
    ap.add_argument("--clips", type=int, default=None,
                    help="use only this many training voices of the clips (toy runs)")
    ap.add_argument("--steps", type=int, default=6000)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--margin", type=float, default=0.2, help="AAM-softmax margin")
    ap.add_argument("--augment", type=int, default=1, help="channel augmentation (0 = off)")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    os.makedirs(args.work, exist_ok=True)
    cfg = SpeakerEncoderConfig()
    run = lambda s: args.stage in ("all", s)  # noqa: E731
    if run("corpus"):
        stage_corpus(args)
    if run("features"):
        stage_features(args, cfg)
    model = stage_train(args, cfg) if run("train") else None
    if run("evaluate") or run("export"):
        model, st = load_model(args)
        if args.out and run("export"):
            card = (f"Trained {st['step']} steps (AAM-softmax, batch {args.batch}) on "
                    f"{len(st['classes'])} speaker classes; held out: "
                    f"{', '.join(HELD_OUT)} and real_speaker_m1 (training/README.md)")
            export_speaker_encoder(args.out, model, AudioConfig(), card=card)
            print("wrote", args.out)
        if run("evaluate"):
            stage_evaluate(args, model)


if __name__ == "__main__":
    main()
