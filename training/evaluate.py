#!/usr/bin/python3
"""Evaluation of a trained Myna voice against the festival teacher (cmu_us_slt_arctic_hts).

    /usr/bin/python3 training/evaluate.py --voice voices/en_US-myna.myna [--limit N]
        [--long-limit N] [--no-teacher] [--out DIR] [--shared ../shared]

1. WER + RTF: ../shared/tools/tts_eval.py on the dev set (eval/harvard20.txt followed by
   eval/ljspeech_heldout80.txt, 100 sentences) for `myna -v VOICE --backend cpu` (wall time of
   the whole process, start included, as tts_eval times it) and, side by side, for the teacher.
2. MCD (dB), Myna vs teacher on the same sentences. Both WAVs at 22050 Hz (the teacher's 32 kHz
   output resampled with sox) -> log-mel of training/myna/audio.py MelSpec (80 bands, natural
   log) -> mel-cepstrum c = orthonormal DCT-II over the bands, coefficients c1..c24 (c0, the
   level, excluded). Frames whose energy is more than 40 dB below the utterance's loudest frame
   are dropped in both. DTW (Euclidean distance on the cepstra, steps (1,0) (0,1) (1,1)) aligns
   them and
       MCD = (10 / ln 10) * sqrt(2 * sum_d (c_d - c'_d)^2)
   is averaged over the DTW path; the dev figure is the mean over sentences. This approximates
   the usual SPTK mcep-based MCD (all-pass warped cepstrum of a spectral envelope) with a
   cepstrum of the log-mel spectrum: use it to compare voices with each other, not with
   numbers from papers.
3. F0: audio.estimate_f0 (YIN) of both, read along the same DTW path; RMSE in cents
   (1200 log2(f / f')) and in Hz over the path pairs voiced in both, and the voicing decision
   disagreement (% of path pairs). Pooled over all path pairs of all sentences.
4. Long inputs (training/eval/long_sentences.txt, ten sentences of 60+ words): each is
   rendered by Myna and transcribed by pocketsphinx as tts_eval does; the hypothesis is aligned
   to the reference (Levenshtein with backtrace) for WER, the longest run of consecutive deleted
   reference words and repeats (a reference n-gram, n >= 3, found once in the reference but
   more than once in the hypothesis); the duration is compared with the teacher's.
   Numbers in these sentences are spelt out for the reference as both engines read them.
   Independent of the ASR, the same rendering's word events (`myna --word-times`) are compared
   with the input's words (each written word in its spoken, normalised form): a pass is event
   words = input words, in order; the longest word duration shows a stuck or looping word.

Results: <out>/eval.json and <out>/summary.md (also printed); default out is
~/.cache/myna/eval/<voice name>. Teacher renderings, transcripts and its tts_eval figures are
cached in ~/.cache/myna/eval/teacher (keyed by text and command) and reused between runs.
"""
import argparse
import hashlib
import importlib.util
import json
import math
import os
import re
import shlex
import shutil
import subprocess
import sys
import time
import wave
from collections import Counter

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, HERE)
from myna import audio  # noqa: E402
from myna.teacher_timing import TEACHER_VOICE  # noqa: E402

TEACHER_CMD = "text2wave -eval '%s' {text_file} -o {wav}" % TEACHER_VOICE
SR = 22050
N_CEP = 24          # c1..c24
SILENCE_DB = 40.0   # frames this far below the loudest frame are silence
MCD_K = 10.0 / math.log(10.0)
MCD_DEFINITION = ("MCD = (10/ln 10) * sqrt(2 * sum_{d=1..24} (c_d - c'_d)^2), c = orthonormal "
                  "DCT-II of the 80-band natural-log mel (MelSpec, 22050 Hz), frames < max-40 dB "
                  "dropped, averaged over the DTW path (Euclidean), mean over sentences; an "
                  "approximation to SPTK mcep-based MCD, comparable between Myna voices only")
F0_DEFINITION = ("F0 by audio.estimate_f0 (YIN) along the MCD DTW path; RMSE over pairs voiced in "
                 "both, in cents (1200 log2) and Hz; V/UV error = % of path pairs whose voicing "
                 "differs; pooled over all sentences")


# ---------------------------------------------------------------- pure math (unit-tested)

def dct2_matrix(n):
    """Orthonormal DCT-II basis [n][n]: C[k][m] = s_k cos(pi k (2m+1) / 2n), s_0 = sqrt(1/n),
    s_k = sqrt(2/n); orthonormal so a cepstral distance equals a log-mel distance (Parseval)."""
    k = np.arange(n)[:, None]
    m = np.arange(n)[None, :]
    c = np.cos(np.pi * k * (2 * m + 1) / (2.0 * n)) * np.sqrt(2.0 / n)
    c[0] /= np.sqrt(2.0)
    return c


def mel_cepstra(logmel, n_cep=N_CEP):
    """log-mel [T][n_mels] -> c1..c_n_cep [T][n_cep] (c0 is the level: excluded)."""
    lm = np.asarray(logmel, dtype=np.float64)
    return (lm @ dct2_matrix(lm.shape[1]).T)[:, 1:n_cep + 1]


def frame_energy_db(x, hop=256, n_fft=1024):
    """Energy in dB of the centred frames MelSpec analyses (frame f centred on f*hop, so the
    counts match: len(x)//hop + 1)."""
    x = np.asarray(x, dtype=np.float64)
    xp = np.pad(x, (n_fft // 2, n_fft // 2))
    cs = np.concatenate([[0.0], np.cumsum(xp * xp)])
    start = np.arange(audio.n_frames_for(len(x), hop)) * hop
    return 10.0 * np.log10(np.maximum(cs[start + n_fft] - cs[start], 1e-12))


def loud_frames(energy_db, floor_db=SILENCE_DB):
    """Indices of the frames within floor_db of the loudest one."""
    return np.nonzero(energy_db >= energy_db.max() - floor_db)[0]


def distance_matrix(a, b, rows=64):
    """Euclidean distances [len a][len b] from exact differences, summed one dimension at a time
    over blocks of rows: the |a|^2 + |b|^2 - 2ab shortcut leaves ~1e-7 residues between equal
    frames, and a whole [n][m][d] difference would be ~1 GB for a long sentence."""
    a = np.asarray(a, dtype=np.float64)
    bt = np.ascontiguousarray(np.asarray(b, dtype=np.float64).T)
    out = np.empty((len(a), bt.shape[1]))
    for k in range(0, len(a), rows):
        acc = np.zeros((min(rows, len(a) - k), bt.shape[1]))
        for d in range(a.shape[1]):
            t = a[k:k + rows, d:d + 1] - bt[d][None, :]
            acc += t * t
        out[k:k + rows] = np.sqrt(acc)
    return out


def dtw(dist):
    """DTW over a distance matrix with steps (1,0), (0,1), (1,1), all of weight 1.
    Returns (accumulated cost [n][m], path [L][2] from (0,0) to (n-1,m-1)).

    Row by row: with m_j = min(A[i-1][j], A[i-1][j-1]) the row recurrence
    A[i][j] = D[i][j] + min(m_j, A[i][j-1]) unrolls to A[i][j] = S_j + min_{k<=j}(m_k - S_{k-1})
    (S = cumulative sum of row i of D), one np.minimum.accumulate per row instead of a python
    loop over j."""
    dist = np.asarray(dist, dtype=np.float64)
    n, m = dist.shape
    acc = np.empty((n, m))
    acc[0] = np.cumsum(dist[0])
    for i in range(1, n):
        prev = acc[i - 1]
        best = prev.copy()
        best[1:] = np.minimum(prev[1:], prev[:-1])
        s = np.cumsum(dist[i])
        s_before = np.concatenate([[0.0], s[:-1]])
        acc[i] = s + np.minimum.accumulate(best - s_before)
    return acc, _backtrack(acc)


def _backtrack(acc):
    """Path from the far corner back to (0,0), preferring the diagonal on ties."""
    i, j = acc.shape[0] - 1, acc.shape[1] - 1
    path = [(i, j)]
    while i > 0 or j > 0:
        if i == 0:
            j -= 1
        elif j == 0:
            i -= 1
        else:
            steps = ((i - 1, j - 1), (i - 1, j), (i, j - 1))
            i, j = min(steps, key=lambda p: acc[p])
        path.append((i, j))
    return np.array(path[::-1])


def mcd_along(ca, cb, path):
    """Mean MCD in dB over the aligned frame pairs (definition: MCD_DEFINITION)."""
    diff = ca[path[:, 0]] - cb[path[:, 1]]
    return float(np.mean(MCD_K * np.sqrt(2.0 * (diff * diff).sum(1))))


def f0_along(fa, va, fb, vb, path):
    """Sums for pooled F0 statistics along a path: pairs, V/UV disagreements, pairs voiced in
    both, sum of squared cents and of squared Hz."""
    a, b = fa[path[:, 0]].astype(np.float64), fb[path[:, 1]].astype(np.float64)
    vpa, vpb = va[path[:, 0]], vb[path[:, 1]]
    both = vpa & vpb & (a > 0) & (b > 0)
    cents = 1200.0 * np.log2(a[both] / b[both])
    return dict(pairs=len(path), vuv_diff=int((vpa != vpb).sum()), voiced_both=int(both.sum()),
                sq_cents=float((cents ** 2).sum()), sq_hz=float(((a[both] - b[both]) ** 2).sum()))


def align_words(ref, hyp):
    """Levenshtein alignment of word lists; list of (op, ref index, hyp index) in order, op in
    ok/sub/del/ins (None index where the op consumes no word). Ties prefer ok/sub, then del."""
    n, m = len(ref), len(hyp)
    d = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(n + 1):
        d[i][0] = i
    for j in range(m + 1):
        d[0][j] = j
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1,
                          d[i - 1][j - 1] + (ref[i - 1] != hyp[j - 1]))
    ops, i, j = [], n, m
    while i > 0 or j > 0:
        if i > 0 and j > 0 and d[i][j] == d[i - 1][j - 1] + (ref[i - 1] != hyp[j - 1]):
            ops.append(("ok" if ref[i - 1] == hyp[j - 1] else "sub", i - 1, j - 1))
            i, j = i - 1, j - 1
        elif i > 0 and d[i][j] == d[i - 1][j] + 1:
            ops.append(("del", i - 1, None))
            i -= 1
        else:
            ops.append(("ins", None, j - 1))
            j -= 1
    return ops[::-1]


def edit_errors(ops):
    return sum(op != "ok" for op, _, _ in ops)


def longest_deletion_run(ops):
    """Most consecutive reference words deleted; an insertion consumes no reference word and so
    does not break a run, a matched or substituted word does."""
    best = run = 0
    for op, _, _ in ops:
        if op == "del":
            run += 1
            best = max(best, run)
        elif op != "ins":
            run = 0
    return best


def _ngrams(words, n):
    return Counter(tuple(words[k:k + n]) for k in range(len(words) - n + 1))


def repeated_ngrams(ref, hyp, n_min=3):
    """Reference n-grams (n >= n_min) that occur once in the reference and more than once in
    the hypothesis (a looping or stuttering decoder), keeping only the longest of nested ones."""
    found = []
    for n in range(n_min, min(len(ref), len(hyp)) + 1):
        rc, hc = _ngrams(ref, n), _ngrams(hyp, n)
        found += [g for g, c in rc.items() if c == 1 and hc.get(g, 0) > 1]
    found.sort(key=len, reverse=True)
    kept = []
    for g in found:
        if not any(_contains(k, g) for k in kept):
            kept.append(g)
    return [" ".join(g) for g in kept]


def _contains(big, small):
    return any(big[k:k + len(small)] == small for k in range(len(big) - len(small) + 1))


# Spoken form of the numbers in the long sentences, as espeak-ng (Myna's front end) and festival
# both read them: years 1100-1999 in pairs, cardinals without "and", "point" decimals, "%".
_ONES = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
         "fifteen sixteen seventeen eighteen nineteen").split()
_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()


def number_words(n):
    if n < 20:
        return _ONES[n]
    if n < 100:
        return _TENS[n // 10] + ("" if n % 10 == 0 else " " + _ONES[n % 10])
    for size, name in ((10 ** 9, "billion"), (10 ** 6, "million"), (1000, "thousand"),
                       (100, "hundred")):
        if n >= size:
            rest = n % size
            return (number_words(n // size) + " " + name
                    + ("" if rest == 0 else " " + number_words(rest)))
    raise AssertionError(n)


def _spell_number(match):
    digits, frac, pct = match.group(1), match.group(2), match.group(3)
    if "," not in digits and len(digits) == 4 and 1100 <= int(digits) <= 1999 \
            and int(digits) % 100 != 0 and not frac:
        words = number_words(int(digits[:2])) + " " + number_words(int(digits[2:]))
    else:
        words = number_words(int(digits.replace(",", "")))
    if frac:
        words += " point " + " ".join(_ONES[int(c)] for c in frac)
    return " " + words + (" percent" if pct else "") + " "


def spoken_reference(text):
    return re.sub(r"(\d[\d,]*\d|\d)(?:\.(\d+))?(%?)", _spell_number, text)


# Word events (myna --word-times) against the input text.
JOIN_MAX = 2  # synth/text/align.c groups at most three words: two without an event of their own


def read_word_times(path):
    """`myna --word-times` output -> [(start s, end s, word as written)]."""
    rows = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            start, end, word = line.rstrip("\n").split("\t", 2)
            rows.append((float(start), float(end), word))
    return rows


def event_word_check(events, text, norm):
    """The word events of one rendering against its input text. Both sides are compared per
    written word (events carry the input's whitespace-separated words, punctuation attached) in
    spoken form, norm(spoken_reference(word)) joined by spaces; words that say nothing are
    left out. events_match: the event words equal the input's words, in order.
    Differences: "merged" = an input word without an event of its own right after one that has
    an event (at most JOIN_MAX in a row): libespeak-ng read it together with a neighbour and the
    front end's word alignment (synth/text/align.c) gave the group one event, which can sit on
    the neighbouring written word ("that the wind": events "that" = ðætðə, "the" = wɪnd, none
    for "wind"); "dropped" (any other word without an event), "extra" (an event for no input
    word, e.g. a repeat) and "changed" (an event for another word) are engine errors."""
    def say(w):
        return " ".join(norm(spoken_reference(w)))
    ref = [x for x in map(say, text.split()) if x]
    got = [x for x in (say(w) for _, _, w in events) if x]
    merged, dropped, extra, changed = [], [], [], []
    anchored, run = False, 0
    for op, i, j in align_words(ref, got):
        if op == "del":
            run += 1
            (merged if anchored and run <= JOIN_MAX else dropped).append(ref[i])
            continue
        run, anchored = 0, op == "ok"
        if op == "ins":
            extra.append(got[j])
        elif op == "sub":
            changed.append("%s -> %s" % (ref[i], got[j]))
    longest = max(events, key=lambda e: e[1] - e[0], default=None)
    return dict(word_events=len(events), input_words=len(ref),
                event_words=sum(len(g.split()) for g in got), events_match=got == ref,
                events_match_but_merged=not (dropped or extra or changed), merged=merged,
                dropped=dropped, extra=extra, changed=changed,
                longest_word=longest[2] if longest else None,
                longest_word_s=round(longest[1] - longest[0], 3) if longest else None)


def word_events_summary(rows):
    """The report's line on the long inputs' word events (rows of long_check)."""
    if not rows:
        return "no long inputs checked"
    if "word_events" not in rows[0]:
        return "not measured (the myna CLI lacks --word-times)"
    measured = [r for r in rows if r.get("word_events") is not None]
    n = len(rows)
    line = ("%d of %d long sentences pass (word events = input words, in order); %d of %d "
            "when merged words (no event of their own after one with an event) are allowed"
            % (sum(bool(r.get("events_match")) for r in rows), n,
               sum(bool(r.get("events_match_but_merged")) for r in rows), n))
    if len(measured) < n:
        line += "; %d not rendered" % (n - len(measured))
    longest = max(measured, key=lambda r: r["longest_word_s"] or 0, default=None)
    if longest and longest["longest_word_s"] is not None:
        line += "; longest word %.2f s (#%d, \"%s\")" % (
            longest["longest_word_s"], longest["index"], longest["longest_word"])
    return line


# ---------------------------------------------------------------- audio and features

def read_wav(path):
    """16-bit PCM WAV -> (float32 mono in [-1, 1), rate)."""
    with wave.open(path) as w:
        assert w.getsampwidth() == 2, path
        x = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2")
        x = x.reshape(-1, w.getnchannels()).mean(axis=1)
        return (x / 32768.0).astype(np.float32), w.getframerate()


def wav_seconds(path):
    with wave.open(path) as w:
        return w.getnframes() / float(w.getframerate())


def resampled(src, dst, rate=SR):
    """src resampled by sox to rate, mono 16 bit (made once, then reused)."""
    if not os.path.exists(dst):
        subprocess.run(["sox", src, "-r", str(rate), "-c", "1", "-b", "16", dst + ".part.wav"],
                       check=True, capture_output=True)
        os.replace(dst + ".part.wav", dst)
    return dst


def features(path, mel=None):
    """Cepstra of the loud frames (and their frame indices), F0 and voicing of all frames."""
    x, sr = read_wav(path)
    assert sr == SR, "%s: %d Hz, expected %d" % (path, sr, SR)
    mel = mel or audio.MelSpec(sr=SR)
    keep = loud_frames(frame_energy_db(x, mel.hop, mel.n_fft))
    cep = mel_cepstra(mel.numpy(x))[keep]
    f0, voiced = audio.estimate_f0(x, SR, mel.hop)
    return dict(cep=cep, keep=keep, f0=f0, voiced=voiced)


def sptk_scale(mcd_db, n_mels=80):
    """The same distance with cepstra scaled as SPTK's mel-cepstra: there
    log|H(w)| = c0 + sum_m c_m cos(m w), so c_m are cosine-series coefficients (2/N) sum_n,
    while the orthonormal DCT gives sqrt(2/N) sum_n, sqrt(N/2) times larger. This is the figure
    reported (still only roughly comparable with published MCDs: mel bands here, an all-pass
    warped mcep there)."""
    return mcd_db / math.sqrt(n_mels / 2.0)


def compare(myna_wav, teacher_wav):
    """MCD and F0 sums of one sentence (teacher_wav already at SR)."""
    a, b = features(myna_wav), features(teacher_wav)
    _, path = dtw(distance_matrix(a["cep"], b["cep"]))
    frames = np.stack([a["keep"][path[:, 0]], b["keep"][path[:, 1]]], axis=1)
    mcd = mcd_along(a["cep"], b["cep"], path)
    out = dict(mcd_db=round(mcd, 3), mcd_db_sptk_scale=round(sptk_scale(mcd), 3),
               path_len=len(path))
    out.update(f0_along(a["f0"], a["voiced"], b["f0"], b["voiced"], frames))
    return out


def pool_f0(rows):
    """Pooled F0 RMSE (cents, Hz) and V/UV error % over per-sentence sums."""
    tot = {k: sum(r[k] for r in rows) for k in ("pairs", "vuv_diff", "voiced_both", "sq_cents",
                                                 "sq_hz")}
    vb = tot["voiced_both"]
    return dict(f0_rmse_cents=round(math.sqrt(tot["sq_cents"] / vb), 1) if vb else None,
                f0_rmse_hz=round(math.sqrt(tot["sq_hz"] / vb), 2) if vb else None,
                vuv_error_pct=round(100.0 * tot["vuv_diff"] / max(tot["pairs"], 1), 1),
                voiced_both_pairs=vb)


# ---------------------------------------------------------------- engines, cache, tts_eval

def load_tts_eval(shared):
    """tools/tts_eval.py as a module: long inputs are transcribed and normalised exactly as the
    dev set is."""
    path = os.path.join(shared, "tools", "tts_eval.py")
    spec = importlib.util.spec_from_file_location("tts_eval", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def key(*parts):
    return hashlib.sha1("\x00".join(parts).encode("utf-8")).hexdigest()[:20]


class TeacherCache:
    """Teacher WAVs (festival's native rate and SR), transcripts and tts_eval figures, keyed by
    the command and the text, so a re-run (or another voice) never renders the same text twice."""

    def __init__(self, root):
        self.root = root
        os.makedirs(root, exist_ok=True)

    def wav(self, text):
        return os.path.join(self.root, key(TEACHER_CMD, text) + ".wav")

    def wav_sr(self, text):
        return resampled(self.wav(text), self.wav(text)[:-4] + ".%d.wav" % SR)

    def results_path(self, sents):
        return os.path.join(self.root, "tts_eval-%s.json" % key(TEACHER_CMD, *sents))

    def results(self, sents):
        """Cached tts_eval figures for exactly these sentences, if every WAV is still there."""
        path = self.results_path(sents)
        if os.path.exists(path) and all(os.path.exists(self.wav(s)) for s in sents):
            with open(path) as f:
                return json.load(f)
        return None

    def store_run(self, sents, run_dir, res):
        for i, s in enumerate(sents):
            src = os.path.join(run_dir, "%03d.wav" % i)
            if os.path.exists(src):
                shutil.copyfile(src, self.wav(s))
        res = dict(res, measured=time.strftime("%Y-%m-%d %H:%M:%S"))
        with open(self.results_path(sents), "w") as f:
            json.dump(res, f, indent=1)
        return res

    def render(self, text):
        """Teacher WAV of one text, rendered now if not cached; (path, seconds or None)."""
        dst = self.wav(text)
        if not os.path.exists(dst):
            tf = dst[:-4] + ".txt"
            with open(tf, "w", encoding="utf-8") as f:
                f.write(text + "\n")
            cmd = TEACHER_CMD.format(text_file=shlex.quote(tf), wav=shlex.quote(dst + ".part.wav"))
            subprocess.run(cmd, shell=True, capture_output=True)
            if not os.path.exists(dst + ".part.wav"):
                return dst, None
            os.replace(dst + ".part.wav", dst)
        return dst, wav_seconds(dst)

    def transcript(self, text, te):
        """pocketsphinx transcript of the teacher's rendering (deterministic: cached)."""
        path = self.wav(text)[:-4] + ".hyp.txt"
        if not os.path.exists(path):
            tmp = self.wav(text)[:-4] + ".16k.wav"
            hyp = te.asr(self.wav(text), tmp)
            os.remove(tmp)  # pocketsphinx's input copy: no use once transcribed
            with open(path, "w", encoding="utf-8") as f:
                f.write(hyp + "\n")
        with open(path, encoding="utf-8") as f:
            return f.read().strip()


def myna_argv(args):
    argv = [args.myna, "-v", args.voice, "--backend", "cpu", "-q"]
    return argv + (["-t", str(args.threads)] if args.threads is not None else [])


def myna_template(args):
    """The Myna command as a tts_eval template (paths quoted, braces escaped for .format)."""
    fixed = " ".join(shlex.quote(a).replace("{", "{{").replace("}", "}}") for a in myna_argv(args))
    return fixed + " -f {text_file} -o {wav}"


def run_tts_eval(args, dev_file, sents, cache, out):
    """tts_eval for Myna and (unless cached or --no-teacher) the teacher; returns its results
    per engine name, the teacher's marked cached=True when taken from the cache."""
    tts_dir = os.path.join(out, "tts")
    shutil.rmtree(tts_dir, ignore_errors=True)  # stale WAVs would pass for this run's
    engines = [] if args.teacher_only else [("myna", myna_template(args))]
    cached = None if args.no_teacher else cache.results(sents)
    if not args.no_teacher and cached is None:
        engines.append(("festival", TEACHER_CMD))
    cmd = [sys.executable, os.path.join(args.shared, "tools", "tts_eval.py"), dev_file, tts_dir]
    for name, template in engines:
        cmd += [name, template]
    log("tts_eval: %s" % ", ".join(n for n, _ in engines)
        + (" (festival from the cache)" if cached else ""))
    subprocess.run(cmd, check=True, stdout=sys.stderr)
    with open(os.path.join(tts_dir, "results.json")) as f:
        res = json.load(f)
    if "festival" in res:
        res["festival"] = cache.store_run(sents, os.path.join(tts_dir, "festival"),
                                          res["festival"])
        res["festival"]["cached"] = False
    elif cached:
        res["festival"] = dict(cached, cached=True)
    return res, os.path.join(tts_dir, "myna")


def dev_mcd(sents, myna_dir, cache):
    """Per-sentence MCD/F0 rows and their summary (sentences Myna failed on are skipped)."""
    rows = []
    for i, s in enumerate(sents):
        wav = os.path.join(myna_dir, "%03d.wav" % i)
        if not os.path.exists(wav) or not os.path.exists(cache.wav(s)):
            continue
        r = compare(wav, cache.wav_sr(s))
        rows.append(dict(r, index=i))
    if not rows:
        return rows, {}
    mcd = float(np.mean([r["mcd_db"] for r in rows]))
    summary = dict(mcd_db=round(mcd, 2), mcd_db_sptk_scale=round(sptk_scale(mcd), 2),
                   mcd_sentences=len(rows))
    summary.update(pool_f0(rows))
    return rows, summary


def render_myna(args, text, wav, times=None):
    """Myna rendering of text to wav (and its word times to times, if given); (seconds of audio
    or None, wall seconds)."""
    tf = wav[:-4] + ".txt"
    with open(tf, "w", encoding="utf-8") as f:
        f.write(text + "\n")
    for old in (wav, times):
        if old and os.path.exists(old):
            os.remove(old)
    t = time.perf_counter()
    p = subprocess.run(myna_argv(args) + ["-f", tf, "-o", wav]
                       + (["--word-times", times] if times else []), capture_output=True)
    wall = time.perf_counter() - t
    ok = p.returncode == 0 and os.path.exists(wav) and (not times or os.path.exists(times))
    return (wav_seconds(wav) if ok else None), wall


def word_report(ref_text, hyp, te):
    ref, hw = te.norm(spoken_reference(ref_text)), te.norm(hyp)
    ops = align_words(ref, hw)
    return dict(ref_words=len(ref), hyp_words=len(hw),
                wer=round(100.0 * edit_errors(ops) / max(len(ref), 1), 1),
                longest_deletion_run=longest_deletion_run(ops),
                repeats=repeated_ngrams(ref, hw))


def long_check(args, te, cache, out):
    """Per long sentence: Myna WER / deletion run / repeats, word events against the input (if
    the CLI has --word-times), teacher WER, durations, MCD."""
    with open(args.long, encoding="utf-8") as f:
        texts = [l.strip() for l in f if l.strip()][:args.long_limit]
    d = os.path.join(out, "long")
    os.makedirs(d, exist_ok=True)
    rows = []
    for i, text in enumerate(texts):
        log("long sentence %d/%d" % (i + 1, len(texts)))
        wav = os.path.join(d, "%02d.wav" % i)
        times = wav[:-4] + ".words.tsv" if getattr(args, "word_times", False) else None
        secs, wall = render_myna(args, text, wav, times)
        hyp = te.asr(wav, wav[:-4] + ".16k.wav") if secs else ""
        row = dict(index=i, myna_s=round(secs, 2) if secs else None,
                   myna_rtf=round(wall / secs, 4) if secs else None, hyp=hyp)
        row.update(word_report(text, hyp, te))
        if times:
            row.update(event_word_check(read_word_times(times), text, te.norm) if secs
                       else dict(word_events=None))
        if not args.no_teacher:
            row.update(teacher_long(text, wav if secs else None, secs, te, cache))
        rows.append(row)
    return rows


def warm_teacher_long(args, te, cache):
    """Teacher renderings and transcripts of the long inputs, for the cache."""
    with open(args.long, encoding="utf-8") as f:
        for text in [l.strip() for l in f if l.strip()][:args.long_limit]:
            if cache.render(text)[1] is not None:
                cache.transcript(text, te)
                cache.wav_sr(text)


def teacher_long(text, myna_wav, myna_s, te, cache):
    twav, tsecs = cache.render(text)
    if tsecs is None:
        return dict(teacher_s=None)
    row = dict(teacher_s=round(tsecs, 2), teacher_wer=word_report(text, cache.transcript(text, te),
                                                                 te)["wer"])
    if myna_wav:
        row["duration_ratio"] = round(myna_s / tsecs, 3)
        row["mcd_db"] = round(compare(myna_wav, cache.wav_sr(text))["mcd_db_sptk_scale"], 2)
    return row


def cli_has_word_times(args):
    """Whether the myna CLI writes word events (--word-times in its --help)."""
    h = subprocess.run([args.myna, "--help"], capture_output=True, text=True).stdout
    return "--word-times" in h


# ---------------------------------------------------------------- report

def fmt(v, spec="%s"):
    return "-" if v is None else spec % v


def markdown(res):
    e = res["engines"]
    lines = ["# Myna evaluation: %s" % res["voice"], "",
             "Dev set: %d sentences%s. %s." % (res["dev_sentences"],
                                                " (--limit)" if res["limit"] else "",
                                                res["date"]), "",
             "| engine | WER % | RTF | audio s | MCD dB | F0 RMSE cents (Hz) "
             "| V/UV error % |", "|---|---|---|---|---|---|---|"]
    for name, r in e.items():
        f0 = fmt(r.get("f0_rmse_cents"), "%.1f") + (" (%s)" % fmt(r.get("f0_rmse_hz"), "%.1f")
                                                     if r.get("f0_rmse_hz") is not None else "")
        label = name + (" (cached %s)" % r.get("measured", "") if r.get("cached") else "")
        lines.append("| %s | %s | %s | %s | %s | %s | %s |" % (
            label, fmt(r.get("wer")), fmt(r.get("rtf")), fmt(r.get("audio_s")),
            fmt(r.get("mcd_db_sptk_scale"), "%.2f"),
            f0 if name == "myna" else "-",
            fmt(r.get("vuv_error_pct"), "%.1f")))
    lines += ["", "MCD: " + MCD_DEFINITION + "; reported with SPTK's cepstrum scaling (the "
              "orthonormal figure divided by sqrt(80/2)), for a rough comparison with published "
              "MCDs.",
              "F0: " + F0_DEFINITION + ".", ""]
    if res.get("long"):
        lines += long_markdown(res)
    lines += ["Word events: " + res["word_events"] + "."]
    return "\n".join(lines) + "\n"


def long_markdown(res):
    lines = ["## Long inputs (%s)" % res["long_file"], "",
             "| # | ref words | WER % | teacher WER % | longest deletion run | repeats | "
             "word events | event words | events = input | longest word | "
             "Myna s | teacher s | ratio | MCD dB |", "|---" * 14 + "|"]
    for r in res["long"]:
        longest = ("%s %.2f s" % (r["longest_word"], r["longest_word_s"])
                   if r.get("longest_word") is not None else None)
        lines.append("| %d | %d | %s | %s | %d | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
            r["index"], r["ref_words"], r["wer"], fmt(r.get("teacher_wer")),
            r["longest_deletion_run"], "; ".join(r["repeats"]) or "none",
            fmt(r.get("word_events")), fmt(r.get("event_words")), events_cell(r), fmt(longest),
            fmt(r["myna_s"]), fmt(r.get("teacher_s")), fmt(r.get("duration_ratio")),
            fmt(r.get("mcd_db"))))
    lines += ["", "WER against the text with its numbers spelt out; ratio = Myna duration / "
              "teacher duration; repeats = reference n-grams (n >= 3) found once in the "
              "reference and more than once in the transcript.",
              "Word events from `myna --word-times` (no ASR involved): event words = their "
              "spoken words, to compare with ref words; events = input: \"yes\" when the event "
              "words are the input's words in order, else the differences: merged = words "
              "without an event of their own after one with an event (libespeak-ng read them "
              "with a neighbour; the front end's alignment gave the group one event, which may "
              "sit on the neighbouring written word), dropped / extra / changed = engine "
              "errors. Longest word: the "
              "event's duration up to the next event, so a pause after it (comma, sentence end) "
              "counts to it.", ""]
    return lines


def events_cell(r):
    if r.get("word_events") is None:
        return "-"
    if r["events_match"]:
        return "yes"
    parts = [("%s: %s" % (k, ", ".join(r[k]))) for k in ("dropped", "extra", "changed", "merged")
             if r[k]]
    return "no (" + "; ".join(parts) + ")"


def log(msg):
    print("[evaluate] " + msg, file=sys.stderr, flush=True)


# ---------------------------------------------------------------- main

def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--voice", default=os.path.join(REPO, "voices", "en_US-myna.myna"),
                   help="voice file (int8) to evaluate")
    p.add_argument("--myna", default=os.path.join(REPO, "build", "app", "cli", "myna"))
    p.add_argument("--shared", default=os.path.join(REPO, "..", "shared"))
    p.add_argument("--out", help="default: ~/.cache/myna/eval/<voice name>")
    p.add_argument("--cache", default=os.path.expanduser("~/.cache/myna/eval/teacher"),
                   help="teacher renderings and figures, reused between runs")
    p.add_argument("--limit", type=int, help="only the first N dev sentences")
    p.add_argument("--long", default=os.path.join(HERE, "eval", "long_sentences.txt"))
    p.add_argument("--long-limit", type=int, default=None, help="only the first N long inputs")
    p.add_argument("--no-teacher", action="store_true", help="Myna only: no festival, no MCD/F0")
    p.add_argument("--teacher-only", action="store_true",
                   help="only fill the teacher cache (festival renderings, transcripts)")
    p.add_argument("--threads", type=int, help="passed to myna -t (default: the CLI's)")
    a = p.parse_args(argv)
    a.voice, a.myna, a.shared = (os.path.abspath(x) for x in (a.voice, a.myna, a.shared))
    name = os.path.splitext(os.path.basename(a.voice))[0]
    a.out = os.path.abspath(a.out or os.path.expanduser("~/.cache/myna/eval/" + name))
    return a


def dev_sentences(shared, limit):
    """harvard20 + ljspeech_heldout80, one sentence a line."""
    sents = []
    for name in ("harvard20.txt", "ljspeech_heldout80.txt"):
        with open(os.path.join(shared, "eval", name), encoding="utf-8") as f:
            sents += [l.strip() for l in f if l.strip()]
    return sents[:limit] if limit else sents


def main(argv=None):
    args = parse_args(argv)
    t0 = time.time()
    os.makedirs(args.out, exist_ok=True)
    te, cache = load_tts_eval(args.shared), TeacherCache(args.cache)
    sents = dev_sentences(args.shared, args.limit)
    dev_file = os.path.join(args.out, "dev.txt")
    with open(dev_file, "w", encoding="utf-8") as f:
        f.write("\n".join(sents) + "\n")

    timing = {}  # seconds per stage, to size full runs from quick ones
    engines, myna_dir = run_tts_eval(args, dev_file, sents, cache, args.out)
    if args.teacher_only:
        warm_teacher_long(args, te, cache)
        log("teacher cached in %s (%.0f s)" % (args.cache, time.time() - t0))
        return 0
    timing["tts_eval_s"] = round(time.time() - t0, 1)
    per_sentence = []
    if not args.no_teacher:
        log("MCD / F0 on %d sentences" % len(sents))
        per_sentence, summary = dev_mcd(sents, myna_dir, cache)
        engines["myna"].update(summary)
        timing["mcd_f0_s"] = round(time.time() - t0 - timing["tts_eval_s"], 1)
    res = dict(voice=args.voice, voice_sha1=file_sha1(args.voice), myna=args.myna,
               command=myna_template(args), teacher_command=TEACHER_CMD,
               date=time.strftime("%Y-%m-%d %H:%M:%S"), limit=args.limit,
               dev_sentences=len(sents), engines=engines,
               definitions=dict(mcd=MCD_DEFINITION, f0=F0_DEFINITION),
               mcd_per_sentence=per_sentence, long_file=os.path.relpath(args.long, REPO))
    t1 = time.time()
    args.word_times = cli_has_word_times(args)
    res["long"] = long_check(args, te, cache, args.out)
    res["word_events"] = word_events_summary(res["long"])
    res["word_events_pass"] = sum(bool(r.get("events_match")) for r in res["long"])
    timing["long_s"] = round(time.time() - t1, 1)
    res["timing"] = timing
    res["elapsed_s"] = round(time.time() - t0, 1)
    write_outputs(args.out, res)
    return 0


def file_sha1(path):
    h = hashlib.sha1()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def write_outputs(out, res):
    with open(os.path.join(out, "eval.json"), "w") as f:
        json.dump(res, f, indent=1)
    md = markdown(res)
    with open(os.path.join(out, "summary.md"), "w") as f:
        f.write(md)
    sys.stdout.write(md)
    print("\n(%s, %s; %.0f s)" % (os.path.join(out, "eval.json"), os.path.join(out, "summary.md"),
                                  res["elapsed_s"]))


if __name__ == "__main__":
    sys.exit(main())
