#!/usr/bin/python3
"""Teacher corpus: renders LJ Speech training sentences with festival's US English HTS voice
(cmu_us_slt_arctic_hts), resampled to the voice rate, for distilling the default voice.

Resumable and parallel: each sentence becomes <out>/wav/<ID>.wav (written atomically), done
ones are skipped; <out>/manifest.tsv lists ID, seconds and text of everything rendered so far.
Sentences whose ID starts with LJ050- are held out (the dev set comes from them) and never
rendered.

    /usr/bin/python3 training/render_corpus.py --hours 4.5 [--jobs 2] [--out ~/.cache/myna/corpus/slt]
"""
import argparse
import csv
import os
import subprocess
import sys
import tempfile
import wave
from multiprocessing import Pool

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from myna.teacher_timing import TEACHER_VOICE  # noqa: E402  (the phone timings use it too)


def sentences(shared):
    path = os.path.join(shared, "data/text/ljspeech_metadata.csv")
    with open(path, encoding="utf-8") as f:
        for row in csv.reader(f, delimiter="|", quoting=csv.QUOTE_NONE):
            if len(row) >= 3 and not row[0].startswith("LJ050-") and row[2].strip():
                yield row[0], row[2].strip()


def seconds(path):
    with wave.open(path) as w:
        return w.getnframes() / w.getframerate()


def render(job):
    """Renders one sentence; returns (id, seconds, text) or (id, None, error)."""
    uid, text, out_dir, rate = job
    dst = os.path.join(out_dir, "wav", uid + ".wav")
    if os.path.exists(dst):
        return uid, seconds(dst), text
    with tempfile.TemporaryDirectory() as tmp:
        txt, raw = os.path.join(tmp, "t.txt"), os.path.join(tmp, "t.wav")
        with open(txt, "w", encoding="utf-8") as f:
            f.write(text + "\n")
        p = subprocess.run(["text2wave", "-eval", TEACHER_VOICE, txt, "-o", raw],
                           capture_output=True)
        if p.returncode != 0 or not os.path.exists(raw):
            return uid, None, p.stderr.decode(errors="replace")[-200:]
        part = dst + ".part.wav"
        p = subprocess.run(["sox", raw, "-r", str(rate), "-c", "1", "-b", "16", part],
                           capture_output=True)
        if p.returncode != 0:
            return uid, None, p.stderr.decode(errors="replace")[-200:]
        os.replace(part, dst)
    return uid, seconds(dst), text


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--shared", default=os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                     "..", "..", "shared"))
    ap.add_argument("--out", default=os.path.expanduser("~/.cache/myna/corpus/slt"))
    ap.add_argument("--hours", type=float, default=4.5, help="stop after this much audio")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--rate", type=int, default=22050)
    ap.add_argument("--limit", type=int, default=None, help="at most this many sentences")
    args = ap.parse_args()
    os.makedirs(os.path.join(args.out, "wav"), exist_ok=True)
    jobs = [(uid, text, args.out, args.rate) for uid, text in sentences(args.shared)]
    jobs = jobs[:args.limit] if args.limit else jobs
    total, failed = 0.0, 0
    manifest = os.path.join(args.out, "manifest.tsv")
    with open(manifest + ".part", "w", encoding="utf-8") as m, Pool(args.jobs) as pool:
        for uid, secs, text in pool.imap(render, jobs, chunksize=4):
            if secs is None:
                failed += 1
                print("failed %s: %s" % (uid, text), file=sys.stderr)
                continue
            m.write("%s\t%.3f\t%s\n" % (uid, secs, text))
            total += secs
            if total >= args.hours * 3600:
                pool.terminate()
                break
    os.replace(manifest + ".part", manifest)
    print("%.2f h rendered, %d failed, manifest %s" % (total / 3600, failed, manifest))


if __name__ == "__main__":
    main()
