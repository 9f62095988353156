#!/usr/bin/python3
"""Myna's voice recipe: distils festival's US English HTS voice (cmu_us_slt_arctic_hts) into
Myna's acoustic model and vocoder, from text to an int8 voice file.

Stages, each resumable and skipped when its output exists (all under --work):
  corpus    teacher renderings of LJ Speech text, never LJ050 (render_corpus.py), --hours
  features  phoneme symbols from the C front end (`myna --phonemes`), log-mel, F0, audio
  align     durations per symbol: festival's own phone timings matched to Myna's symbols
            (--durations teacher, myna/teacher_timing.py), or Viterbi-EM forced alignment of
            the audio (--durations aligner); sanity figures + PNGs
  acoustic  acoustic model, teacher-forced durations           (checkpoint acoustic.pt)
  vocoder   vocoder on the teacher's mel and F0                 (checkpoint vocoder.pt)
  export    int8 voice file + model card + spectrogram plots
  pack      (on request) the training data, teacher audio for the vocoder, config and both
            checkpoints as a few compressed files of bounded size, for training on another
            machine (myna/remote.py)

    /usr/bin/python3 training/train_voice.py --myna build/app/cli/myna \\
        --out voices/en_US-myna.myna [--preset small] [--acoustic-steps N] [--vocoder-steps N]

Training on another machine (an accelerator): `--stage pack --pack DIR [--audio-mb N]` writes
the training data, config and checkpoints as a few compressed files; there
    python3 training/train_voice.py --pack DIR --stage acoustic|vocoder --device cuda --work W
trains from DIR and leaves W/acoustic.npz (W/vocoder.npz), which `--import` brings back into
this machine's work folder (any torch version reads them).

The acoustic and vocoder stages are independent, so on two cores they can run as two
processes at once (`--stage acoustic` and `--stage vocoder`, one thread each), then
`--stage export`. `--smoke` runs the whole recipe on a tiny corpus in a few minutes (CI).
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import time
import zlib

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from myna import plots  # noqa: E402
from myna import teacher_timing  # noqa: E402
from myna.align import Aligner, normalise, sanity  # noqa: E402
from myna.config import VoiceConfig  # noqa: E402
from myna.corpus import build_features, inventory, lj_texts, load_features  # noqa: E402
from myna.export import export_voice  # noqa: E402
from myna.remote import (checkpoint_to_portable, portable_to_checkpoint, read_pack,  # noqa: E402
                         write_audio_pack, write_pack)
from myna.trainer import checkpoint_step, load_checkpoint, train_acoustic, train_vocoder  # noqa: E402,E501

STAGES = ("corpus", "features", "align", "acoustic", "vocoder", "export")
EXTRA_STAGES = ("pack",)


def log(*a):
    print(time.strftime("%H:%M:%S"), *a, flush=True)


def blas_library():
    """The BLAS library torch's matrix products run on, from this process's memory map:
    Debian's reference BLAS (when OpenBLAS is missing) makes training several times slower."""
    torch.ones(2, 2) @ torch.ones(2, 2)
    try:
        with open("/proc/self/maps") as f:
            libs = {line.split()[-1] for line in f if "blas" in line.rsplit("/", 1)[-1]}
    except OSError:
        return "unknown"
    return ", ".join(sorted(libs)) or "none found"


def preset(name):
    """Network sizes. 'full' is config.py's default; 'small' trains several times faster on
    two cores and runs faster too (fewer, narrower layers)."""
    cfg = VoiceConfig()
    if name == "small":
        a, v = cfg.acoustic, cfg.vocoder
        a.emb_dim, a.enc_channels, a.enc_lstm_hidden, a.dur_channels = 128, 128, 96, 96
        a.dec_lstm_hidden, a.dec_lstm_layers = 128, 1
        a.postnet_layers, a.postnet_channels = 3, 128
        v.residual_channels, v.skip_channels, v.cond_channels = 32, 48, 48
        v.dilations = [1, 2, 4, 8, 16, 32] * 2
    elif name != "full":
        raise SystemExit("unknown preset %s" % name)
    return cfg


def stage_corpus(args):
    cmd = [sys.executable, os.path.join(HERE, "render_corpus.py"), "--shared", args.shared,
           "--out", args.corpus, "--hours", str(args.hours), "--jobs", str(args.jobs)]
    if args.smoke:
        cmd += ["--limit", str(args.limit)]
    log("corpus:", " ".join(cmd))
    subprocess.run(cmd, check=True)


def stage_features(args, cfg):
    ids = build_features(os.path.join(args.corpus, "wav"), lj_texts(args.shared), args.work,
                         args.myna, cfg.audio, limit=args.limit, jobs=args.jobs, log=log)
    log("features: %d utterances" % len(ids))
    return ids


def corpus_tables(args, ids):
    """Symbol inventory (fixed at first use so checkpoints stay valid) and the utterances."""
    utts = load_features(args.work, ids)
    path = os.path.join(args.work, "symbols.json")
    if not os.path.exists(path):
        json.dump(inventory(args.myna, args.shared, [u["symbols"] for u in utts],
                            lines=300 if args.smoke else 4000),
                  open(path, "w"), ensure_ascii=False)
    symbols = json.load(open(path))
    known = set(symbols)
    utts = [u for u in utts if all(s in known for s in u["symbols"])]
    return symbols, utts


def stage_align(args, cfg, symbols, utts):
    """Durations per symbol of every utterance, and the report the model card quotes."""
    if args.durations == "teacher":
        return teacher_durations(args, cfg.audio, symbols, utts)
    return aligner_durations(args, symbols, utts)


def cached_durations(work, name, utts):
    """(durations, report) from work/name.npz and .json when they are for these utterances."""
    path = os.path.join(work, name + ".npz")
    if not os.path.exists(path):
        return None
    z = np.load(path, allow_pickle=True)
    if list(z["ids"]) != [u["id"] for u in utts]:
        return None
    report_path = os.path.join(work, name + ".json")
    return list(z["frames"]), json.load(open(report_path)) if os.path.exists(report_path) else {}


def store_durations(args, name, utts, durs, report, plot_prefix):
    log("%s:" % name, json.dumps(report))
    json.dump(report, open(os.path.join(args.work, name + ".json"), "w"), indent=1)
    os.makedirs(os.path.join(args.work, "plots"), exist_ok=True)
    for k in range(min(4, len(utts))):
        i = k * len(utts) // 4
        plots.save_alignment(
            os.path.join(args.work, "plots", "%s_%s.png" % (plot_prefix, utts[i]["id"])),
            utts[i]["mel"], utts[i]["symbols"], durs[i], utts[i]["text"][:90])
    np.savez(os.path.join(args.work, name + ".npz"), ids=np.array([u["id"] for u in utts]),
             frames=np.array(durs, dtype=object))


def aligner_durations(args, symbols, utts):
    cached = cached_durations(args.work, "align", utts)
    if cached:
        return cached
    t0 = time.time()
    mels = normalise([u["mel"] for u in utts])
    aligner = Aligner(symbols, mels[0].shape[1])
    durs, history = aligner.fit([(u["symbols"], m) for u, m in zip(utts, mels)], log=log)
    report = sanity([u["symbols"] for u in utts], durs)
    report.update(method="aligner", iterations=len(history), log_likelihood=history,
                  seconds=round(time.time() - t0, 1), utterances=len(utts))
    store_durations(args, "align", utts, durs, report, "align")
    return durs, report


def teacher_durations(args, a, symbols, utts):
    """festival's own phone timings mapped onto Myna's symbols (myna/teacher_timing.py) at the
    frame rate of audio config `a`; an utterance whose phones do not match its symbols well
    falls back to the aligner."""
    cached = cached_durations(args.work, "durations_teacher", utts)
    if cached:
        return cached
    t0 = time.time()
    timings = teacher_timing.corpus_timings([(u["id"], u["text"]) for u in utts],
                                            os.path.join(args.work, "timing"), args.jobs, log=log)
    rendered = time.time() - t0
    durs, failed, costs = [], [], []
    for u in utts:
        segs = timings.get(u["id"])
        frames, rep = (teacher_timing.symbol_durations(u["symbols"], segs, len(u["mel"]),
                                                       a.sample_rate, a.hop)
                       if segs else (None, None))
        if rep:
            costs.append(rep["cost"] / max(rep["phonemes"], 1))
        if frames is None:
            failed.append(len(durs))
        durs.append(frames)
    if failed:
        log("teacher durations: %d utterances do not match festival's phones; the aligner "
            "times those" % len(failed))
        fallback, _ = aligner_durations(args, symbols, utts)
        for k in failed:
            durs[k] = fallback[k]
    report = sanity([u["symbols"] for u in utts], durs)
    report.update(method="teacher", utterances=len(utts), aligner_fallbacks=len(failed),
                  match_cost_per_phoneme=float(np.mean(costs)) if costs else None,
                  render_seconds=round(rendered, 1), seconds=round(time.time() - t0, 1))
    store_durations(args, "durations_teacher", utts, durs, report, "durations")
    return durs, report


def training_data(symbols, utts, durs):
    index = {s: i for i, s in enumerate(symbols)}
    return {"ids": [np.array([index[s] for s in u["symbols"]], dtype=np.int64) for u in utts],
            "frames": list(durs), "mel": [u["mel"] for u in utts],
            "f0": [u["f0"] for u in utts], "audio": [u["audio"] for u in utts]}


def held_out(utt_id, every):
    """About one utterance in `every`, chosen by a hash of its id, so the choice does not
    depend on how large the corpus is (a grown corpus keeps the old held-out set)."""
    return every > 0 and zlib.crc32(utt_id.encode()) % every == 0


def split_held_out(ids, data, every):
    """(training data, held-out data or None) for the acoustic model."""
    keep = [not held_out(i, every) for i in ids]
    part = lambda want: {k: [x for x, f in zip(v, keep) if f == want] for k, v in data.items()}
    return part(True), (part(False) if not all(keep) else None)


def gta_mels(args, cfg, data):
    """The acoustic model's teacher-forced mels ("ground-truth aligned"): what the vocoder meets
    at synthesis, smoother than the teacher's, frame for frame with the teacher's audio. Frames
    the durations do not reach keep the teacher's mel. Records which acoustic step made them."""
    from myna.models import AcousticModel
    ac = AcousticModel(cfg.acoustic, cfg.audio.n_mels)
    ac_step = load_checkpoint(os.path.join(args.work, "acoustic.pt"), ac)[0]
    ac.eval()
    t0, mels = time.time(), []
    with torch.no_grad():
        for ids, frames, mel in zip(data["ids"], data["frames"], data["mel"]):
            m = ac(torch.from_numpy(ids), frames=torch.from_numpy(np.asarray(frames)))["mel"]
            n = min(len(m), len(mel))
            g = mel.copy()
            g[:n] = m[:n].numpy()
            mels.append(g)
    log("GTA mels from acoustic step %d for %d utterances in %.0f s" % (
        ac_step, len(mels), time.time() - t0))
    phases = gta_record(args.work)
    if not phases or phases[-1]["acoustic_step"] != ac_step:
        # a new phase: from this vocoder step on it learns from this acoustic step's mels
        voc_step = checkpoint_step(os.path.join(args.work, "vocoder.pt"))
        phases.append({"acoustic_step": ac_step, "vocoder_step": voc_step})
        json.dump(phases, open(os.path.join(args.work, "vocoder_gta.json"), "w"))
    return mels


def voice_config(args, symbols, utts):
    """Sizes fixed at the first run (resuming never changes them) plus corpus F0 statistics."""
    path = os.path.join(args.work, "config.json")
    if os.path.exists(path):
        return VoiceConfig.from_dict(json.load(open(path)))
    cfg = preset(args.preset)
    cfg.acoustic.n_symbols = len(symbols)
    voiced = np.log(np.concatenate([u["f0"][u["f0"] > 0] for u in utts]))
    cfg.acoustic.f0_mean = float(voiced.mean())
    cfg.acoustic.f0_std = float(max(voiced.std(), 0.05))
    json.dump(cfg.to_dict(), open(path, "w"), indent=1)
    return cfg


MODEL_CARD = """# {name}

US English female voice distilled from festival's HTS voice `cmu_us_slt_arctic_hts` by
`training/train_voice.py` (preset `{preset}`).

- Teacher: festival 2.5 with festvox-us-slt-hts (CMU ARCTIC SLT data, HTS models; free
  licence, see `/usr/share/doc/festvox-us-slt-hts/copyright`). Myna learns from its audio
  and, for durations, the phone timings it reports.
- Text: {n} LJ Speech 1.1 sentences (public domain), none from LJ050 (the dev set's source).
- Audio: {hours:.2f} h at {sr} Hz, rendered by the teacher.
- Durations: {durations}
- Acoustic model: {ac_steps} steps, final loss {ac_loss:.3f} ({ac_parts}).{held}
  Runs: {ac_runs}.
- Vocoder: the source is harmonics of F0 plus noise given the mel envelope ({passes} shaping
  passes{voicing}); the WaveNet learns a correction to it: {voc_steps} steps on crops of {voc_seg}
  frames, final multi-resolution STFT loss {voc_loss:.3f}. Runs: {voc_runs}.{gta}
- Training time: {ac_min:.0f} min acoustic + {voc_min:.0f} min vocoder (devices in the runs),
  plus corpus rendering, features and durations ({align_min:.0f} min for the last, festival's
  timings taken from the cache when they are there).
- Weights: {weights}.
- Reproduce: `/usr/bin/python3 training/train_voice.py --myna build/app/cli/myna --out {out}
  --preset {preset}` trains from scratch; each run above is one invocation with
  `--acoustic-steps` / `--vocoder-steps` at its last step and its batch (`--stage pack`, then
  `--pack DIR --device cuda` for runs on a GPU){gta_cmd}.

## Measured quality
{quality}
"""


def durations_text(r):
    """The model card's line on where the phoneme durations came from."""
    shares = ("zero-length share of timed symbols %.1f%% (word breaks and punctuation may be 0 "
              "frames: %.1f%% of them are)" % (100 * r.get("zero_share_all_timed", 0),
                                                100 * r.get("zero_share", {}).get("optional", 0)))
    if r.get("method") == "teacher":
        return ("festival's own phone timings, matched to Myna's symbols (%d of %d utterances "
                "timed by the aligner instead); %s; phonemes of 1 frame %.1f%%." % (
                    r.get("aligner_fallbacks", 0), r.get("utterances", 0), shares,
                    100 * r.get("phoneme_one_frame_share", 0)))
    return ("Viterbi-EM HMM aligner in Myna's symbols (%d iterations); %s; phonemes at the "
            "2-frame minimum %.1f%%." % (r.get("iterations", 0), shares,
                                         100 * r.get("phoneme_at_minimum_share", 0)))


def voicing_note(v):
    if v.voicing_cutoff_hz <= 0:
        return ""
    return ("; the harmonics fade above %g Hz, 1 / (1 + (f / %g)^%d), so noise carries the "
            "upper bands of voiced frames" % (v.voicing_cutoff_hz, v.voicing_cutoff_hz,
                                               v.voicing_order))


def gta_record(work):
    """The vocoder's GTA phases, oldest first: [{"vocoder_step": from which step,
    "acoustic_step": whose teacher-forced mels}] (a single object in older work folders)."""
    path = os.path.join(work, "vocoder_gta.json")
    if not os.path.exists(path):
        return []
    record = json.load(open(path))
    return record if isinstance(record, list) else [record]


def gta_note(phases):
    if not phases:
        return ""
    steps = "; ".join("from step %d on, those of acoustic step %d" % (
        g["vocoder_step"], g["acoustic_step"]) for g in phases)
    return ("\n  It then learnt from the acoustic model's teacher-forced mels instead of the "
            "teacher's: %s." % steps)


def gta_command(phases, voc_step):
    if not phases:
        return ""
    ends = [g["vocoder_step"] for g in phases[1:]] + [voc_step]
    runs = ", ".join("`--stage vocoder --gta --vocoder-steps %d` with the acoustic model at "
                     "step %d" % (end, g["acoustic_step"]) for g, end in zip(phases, ends))
    return "; the vocoder's GTA phases: %s; then `--stage export`" % runs


def runs_text(runs):
    """The checkpoint's run records, one clause each."""
    if not runs:
        return "not recorded"

    def utterances(r):  # a count, or a description of a corpus that grew during the run
        u = r["utterances"]
        return "{:,} utterances".format(u) if isinstance(u, int) else u

    return "; ".join(
        "steps {:,}-{:,}, batch {}, {}, {}, {:.0f} min{}".format(
            r["start"], r["end"], r["batch"], utterances(r), r["device"], r["minutes"],
            ", rate annealed to 0 over the last {:,}".format(r["anneal"]) if r.get("anneal")
            else "")
        for r in runs)


def parts_text(parts):
    return ", ".join("%s %.3f" % kv for kv in parts.items())


def stage_export(args, cfg, symbols, utts, data, align_report):
    from myna.models import AcousticModel, Vocoder
    ac = AcousticModel(cfg.acoustic, cfg.audio.n_mels)
    voc = Vocoder(cfg.vocoder, cfg.audio)
    ac_path = os.path.join(args.work, "acoustic.pt")
    ac_step, ac_loss, ac_sec, ac_hist, val, ac_runs = load_checkpoint(ac_path, ac)
    voc_step, voc_loss, voc_sec, _, _, voc_runs = load_checkpoint(
        os.path.join(args.work, "vocoder.pt"), voc)
    ac.eval()
    voc.eval()
    os.makedirs(os.path.join(args.work, "plots"), exist_ok=True)
    # Look at a prediction next to its target (teacher-forced and with predicted durations).
    with torch.no_grad():
        i = len(utts) // 2
        ids = torch.from_numpy(data["ids"][i])
        forced = ac(ids, frames=torch.from_numpy(np.asarray(data["frames"][i])))
        free = ac(ids)
    plots.save_mels(os.path.join(args.work, "plots", "mel_%s.png" % utts[i]["id"]),
                    [utts[i]["mel"], forced["mel"].numpy(), free["mel"].numpy()],
                    ["teacher", "predicted, teacher durations", "predicted, own durations"])
    if ac_hist:
        keys = list(ac_hist[-1][1].keys())
        plots.save_curves(os.path.join(args.work, "plots", "acoustic_loss.png"),
                          {k: [(s, p[k]) for s, p in ac_hist[::5]] for k in keys})
    quality = "Not measured yet: run `training/evaluate.py --voice %s`." % args.out
    qpath = os.path.splitext(args.out)[0] + ".quality.md"
    if os.path.exists(qpath):
        quality = open(qpath).read().strip()
    parts = parts_text(ac_hist[-1][1]) if ac_hist else ""
    seconds = sum(len(u["audio"]) for u in utts) / cfg.audio.sample_rate
    gta = gta_record(args.work)
    held = ("\n  Held-out loss %.3f (%s) at step %d, on the 1 in %d utterances (by id hash) it "
            "does not train on." % (sum(val[-1][1].values()), parts_text(val[-1][1]), val[-1][0],
                                    args.held_out) if val else "")
    card = MODEL_CARD.format(
        name=args.name, preset=args.preset, n=len(utts), hours=seconds / 3600,
        sr=cfg.audio.sample_rate, durations=durations_text(align_report),
        align_min=align_report.get("seconds", 0) / 60, ac_steps=ac_step,
        ac_runs=runs_text(ac_runs), ac_loss=ac_loss, ac_parts=parts, held=held,
        voc_steps=voc_step, voc_runs=runs_text(voc_runs), voc_seg=args.voc_seg,
        voc_loss=voc_loss, ac_min=ac_sec / 60,
        weights="f32" if args.f32 else
                "int8 per output channel for the hidden layers, f32 for first and last layers",
        passes=cfg.vocoder.envelope_passes, voicing=voicing_note(cfg.vocoder), gta=gta_note(gta),
        gta_cmd=gta_command(gta, voc_step),
        voc_min=voc_sec / 60, out=args.out, quality=quality)
    export_voice(args.out, cfg, ac, voc, symbols, ["slt"], int8=not args.f32, name=args.name,
                 language="en-us", license="see model card (distilled from festvox-us-slt-hts)",
                 model_card=card, description="Myna US English female (distilled from HTS slt)")
    with open(os.path.splitext(args.out)[0] + ".md", "w") as f:
        f.write(card)
    log("wrote %s (%d bytes)" % (args.out, os.path.getsize(args.out)))


PACKED_FILES = ("symbols.json", "config.json", "vocoder_gta.json")
NETWORKS = ("acoustic", "vocoder")


def copy_files(src_dir, dst_dir, names, overwrite):
    for name in names:
        src, dst = os.path.join(src_dir, name), os.path.join(dst_dir, name)
        if os.path.exists(src) and (overwrite or not os.path.exists(dst)):
            shutil.copyfile(src, dst)


def stage_pack(args, cfg, ids, data):
    """Everything training needs, for another machine: the acoustic data in files of at most
    --shard-mb, teacher audio for the vocoder up to --audio-mb, the config and both
    checkpoints as portable .npz files."""
    write_pack(args.pack, ids, {k: data[k] for k in ("ids", "frames", "mel", "f0")},
               args.shard_mb, jobs=args.jobs, log=log)
    if args.audio_mb > 0:
        n = write_audio_pack(args.pack, ids, data["audio"], args.audio_mb, args.shard_mb,
                             log=log)
        log("pack: audio of %d utterances, %.2f h" % (
            n, sum(len(a) for a in data["audio"][:n]) / cfg.audio.sample_rate / 3600))
    copy_files(args.work, args.pack, PACKED_FILES, overwrite=True)
    for net in NETWORKS:
        ckpt = os.path.join(args.work, net + ".pt")
        if os.path.exists(ckpt):
            step = checkpoint_to_portable(ckpt, os.path.join(args.pack, net + ".npz"))
            log("pack: %s checkpoint at step %d" % (net, step))


def packed_training(args):
    """(symbols, config, utterance ids, data) from --pack; the work folder gets the pack's
    files and checkpoints where it has none."""
    copy_files(args.pack, args.work, PACKED_FILES, overwrite=False)
    for net in NETWORKS:
        ckpt, portable = (os.path.join(args.work, net + ".pt"),
                          os.path.join(args.pack, net + ".npz"))
        if not os.path.exists(ckpt) and os.path.exists(portable):
            portable_to_checkpoint(portable, ckpt)
    symbols = json.load(open(os.path.join(args.work, "symbols.json")))
    cfg = VoiceConfig.from_dict(json.load(open(os.path.join(args.work, "config.json"))))
    ids, data = read_pack(args.pack)
    return symbols, cfg, ids, data


def import_checkpoints(args):
    """--import: portable checkpoints named acoustic*.npz / vocoder*.npz replace the work
    folder's acoustic.pt / vocoder.pt."""
    for path in args.import_ckpt:
        net = next((n for n in NETWORKS if os.path.basename(path).startswith(n)), None)
        if net is None:
            raise SystemExit("--import %s: the name must start with acoustic or vocoder" % path)
        step = portable_to_checkpoint(path, os.path.join(args.work, net + ".pt"))
        log("imported %s: %s step %d" % (path, net, step))


def train_acoustic_stage(args, cfg, ids, data):
    train, held = split_held_out(ids, data, args.held_out)
    log("acoustic: %d utterances to train on, %d held out, on %s" % (
        len(train["ids"]), len(held["ids"]) if held else 0, args.device))
    ckpt = os.path.join(args.work, "acoustic.pt")
    train_acoustic(cfg, train, ckpt, args.acoustic_steps, args.minutes, args.batch, log=log,
                   val=held, device=args.device, save_every_s=args.save_every,
                   anneal=args.anneal)
    if args.pack:
        checkpoint_to_portable(ckpt, os.path.join(args.work, "acoustic.npz"))


def train_vocoder_stage(args, cfg, data):
    if args.gta:
        data = dict(data, mel=gta_mels(args, cfg, data))
    ckpt = os.path.join(args.work, "vocoder.pt")
    train_vocoder(cfg, data, ckpt, args.vocoder_steps, args.minutes, args.voc_batch,
                  args.voc_seg, log=log, device=args.device, save_every_s=args.save_every)
    if args.pack:
        checkpoint_to_portable(ckpt, os.path.join(args.work, "vocoder.npz"))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--myna", help="path to the built myna CLI (required but with --pack on "
                    "a training stage)")
    ap.add_argument("--out", help="voice file to write (likewise)")
    ap.add_argument("--shared", default=os.path.join(HERE, "..", "..", "shared"))
    ap.add_argument("--corpus", default=os.path.expanduser("~/.cache/myna/corpus/slt"))
    ap.add_argument("--work", default=os.path.expanduser("~/.cache/myna/voice"))
    ap.add_argument("--stage", choices=STAGES + EXTRA_STAGES + ("all",), default="all")
    ap.add_argument("--preset", default="small", choices=("small", "full"))
    ap.add_argument("--hours", type=float, default=4.5, help="corpus size to render")
    ap.add_argument("--limit", type=int, default=None, help="use at most N utterances")
    ap.add_argument("--acoustic-steps", type=int, default=6000)
    ap.add_argument("--vocoder-steps", type=int, default=6000)
    ap.add_argument("--minutes", type=float, default=None, help="stop a training stage after")
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--held-out", type=int, default=50, metavar="N",
                    help="hold about 1 in N utterances out of acoustic training and log their "
                         "loss (0: none)")
    ap.add_argument("--voc-batch", type=int, default=8)
    ap.add_argument("--voc-seg", type=int, default=32)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--threads", type=int, default=None, help="torch threads per stage")
    ap.add_argument("--name", default="en_US-myna")
    ap.add_argument("--durations", choices=("teacher", "aligner"), default="teacher",
                    help="phoneme durations from festival's own phone timings (teacher) or "
                         "from the Viterbi-EM aligner on its audio")
    ap.add_argument("--gta", action="store_true",
                    help="train the vocoder on the acoustic model's teacher-forced mels")
    ap.add_argument("--smoke", action="store_true", help="tiny corpus and few steps (CI)")
    ap.add_argument("--f32", action="store_true",
                    help="export f32 weights instead of int8 (to measure what int8 costs)")
    ap.add_argument("--device", default="cpu", help="torch device of the training stages")
    ap.add_argument("--save-every", type=float, default=0.0, metavar="S",
                    help="write a training stage's checkpoint at most every S seconds")
    ap.add_argument("--anneal", type=int, default=0, metavar="N",
                    help="the acoustic rate falls to zero over the last N of --acoustic-steps")
    ap.add_argument("--pack", metavar="DIR",
                    help="with --stage pack: write the packed training data there; with "
                         "--stage acoustic or vocoder: train from it (no corpus or features "
                         "needed; the vocoder uses the utterances with packed audio)")
    ap.add_argument("--shard-mb", type=float, default=40, help="size of a packed shard")
    ap.add_argument("--audio-mb", type=float, default=0,
                    help="with --stage pack: teacher audio for the vocoder, about this many MB")
    ap.add_argument("--import", dest="import_ckpt", metavar="NPZ", nargs="+",
                    help="first replace the work folder's acoustic.pt / vocoder.pt by these "
                         "portable checkpoints (acoustic*.npz, vocoder*.npz from a --pack run)")
    args = ap.parse_args()
    remote = args.pack and args.stage in NETWORKS
    if not remote and not (args.myna and args.out):
        ap.error("--myna and --out are required (except for --pack with a training stage)")
    if args.stage == "pack" and not args.pack:
        ap.error("--stage pack needs --pack DIR")
    if args.smoke:
        args.limit = args.limit or 12
        args.acoustic_steps = min(args.acoustic_steps, 30)
        args.vocoder_steps = min(args.vocoder_steps, 30)
        args.batch, args.voc_batch, args.voc_seg = 4, 2, 16
    torch.set_num_threads(args.threads or (1 if args.stage in ("acoustic", "vocoder") else 2))
    torch.manual_seed(0)
    blas = blas_library()
    log("BLAS: %s%s" % (blas, " (reference BLAS: install libopenblas0-openmp, "
                              "tools/install-deps.sh)" if "/blas/" in blas else ""))
    os.makedirs(args.work, exist_ok=True)
    if args.import_ckpt:
        import_checkpoints(args)
    if remote:
        symbols, cfg, ids, data = packed_training(args)
        log("packed: %d utterances, %d with audio, %d symbols" % (
            len(ids), sum(a is not None for a in data["audio"]), len(symbols)))
        if args.stage == "acoustic":
            train_acoustic_stage(args, cfg, ids, data)
        else:
            keep = [k for k, a in enumerate(data["audio"]) if a is not None]
            train_vocoder_stage(args, cfg, {key: [v[k] for k in keep] for key, v in data.items()})
        return
    run = STAGES if args.stage == "all" else (args.stage,)
    if "corpus" in run:
        stage_corpus(args)
    ids = stage_features(args, VoiceConfig())
    symbols, utts = corpus_tables(args, ids)
    cfg = voice_config(args, symbols, utts)
    # the vocoder needs no durations, so it can train while the aligner runs
    durs, align_report = (stage_align(args, cfg, symbols, utts)
                          if run != ("vocoder",) or args.gta else ([None] * len(utts), {}))
    data = training_data(symbols, utts, durs)
    log("%d utterances, %.2f h, %d symbols" % (
        len(utts), sum(len(u["audio"]) for u in utts) / cfg.audio.sample_rate / 3600,
        len(symbols)))
    if args.stage == "pack":
        stage_pack(args, cfg, [u["id"] for u in utts], data)
    if "acoustic" in run:
        train_acoustic_stage(args, cfg, [u["id"] for u in utts], data)
    if "vocoder" in run:
        train_vocoder_stage(args, cfg, data)
    if "export" in run:
        stage_export(args, cfg, symbols, utts, data, align_report)


if __name__ == "__main__":
    main()
