"""Phoneme durations from the teacher itself, instead of estimating them from its audio.

festival's HTS voice decides every phone's duration before it makes a sample, and reports the
times it used: each segment's end, on 5 ms steps. Those are the exact boundaries of the
teacher's audio, so they replace what an aligner can only estimate. Two steps:

1. `render_timings`: festival runs the same text through the same path as the corpus render
   (`tts_file`, one festival utterance per sentence it finds, the waves back to back), and
   prints each utterance's segments and wave length; times are made absolute by adding the
   lengths of the utterances before.
2. `symbol_durations`: festival's phones (its radio phone set) are matched to Myna's symbol
   sequence for the same text (from the C front end) by dynamic programming: one symbol to
   one phone, one symbol to two phones (`ɪɹ` = ih r), two symbols to one phone, or a symbol or
   phone left over. Each symbol gets the frames whose centres fall in its phones' time span
   (frame f is centred on f * hop samples). Pauses (`pau`) go to word breaks, punctuation or
   the sentence edges `^ $`. A phone left over gives its time to the symbol before it; a
   phoneme or sentence edge left with no time borrows a frame from a longer neighbour.
   When the match is poor (more than a tenth of the phonemes unmatched, or festival's times
   and the audio differ in length) the utterance is reported as failed, and the caller falls
   back to the aligner for it.
"""
import json
import os
import subprocess
import tempfile
from multiprocessing import Pool

import numpy as np

from .align import EDGES, NO_TIME, OPTIONAL

TEACHER_VOICE = "(voice_cmu_us_slt_arctic_hts)"

VOWELS = {"aa", "ae", "ah", "ao", "aw", "ax", "axr", "ay", "eh", "er", "ey", "ih", "iy", "ow",
          "oy", "uh", "uw"}

# Myna symbol -> festival phone sequences it is the same sound as (cost 0).
SAME = {
    "aɪ": ["ay"], "aɪə": ["ay ax", "ay", "ay er"], "aɪɚ": ["ay er", "ay ax r", "ay axr", "ay"],
    "aʊ": ["aw"], "b": ["b"], "d": ["d"], "dʒ": ["jh"], "eɪ": ["ey"], "f": ["f"], "h": ["hh"],
    "i": ["iy", "ih"], "iə": ["iy ax", "ih r", "iy er", "ih ax"], "iː": ["iy"], "j": ["y"],
    "k": ["k"], "l": ["l", "el"], "m": ["m", "em"], "n": ["n", "en"],
    "n̩": ["n", "en", "ax n"], "oʊ": ["ow"], "oː": ["ao", "ow"], "oːɹ": ["ao r", "ow r"],
    "p": ["p"], "r": ["r"], "s": ["s"], "t": ["t"], "tʃ": ["ch"], "uː": ["uw"], "v": ["v"],
    "w": ["w"], "z": ["z"], "æ": ["ae"], "ð": ["dh"], "ŋ": ["ng"], "ɐ": ["ax", "ah"],
    "ɑː": ["aa"], "ɑːɹ": ["aa r"], "ɔ": ["ao", "aa"], "ɔɪ": ["oy"], "ɔː": ["ao"],
    "ɔːɹ": ["ao r", "ow r"], "ə": ["ax", "ah"], "əl": ["ax l", "el", "l"],
    "ɚ": ["er", "axr", "ax r"], "ɛ": ["eh"], "ɛɹ": ["eh r", "er"], "ɜː": ["er"], "ɡ": ["g"],
    "ɪ": ["ih"], "ɪɹ": ["ih r", "iy r"], "ɹ": ["r"], "ɾ": ["t", "d"], "ʃ": ["sh"],
    "ʊ": ["uh"], "ʊɹ": ["uh r", "uw r", "er"], "ʌ": ["ah"], "ʒ": ["zh"], "ʔ": ["t"],
    "θ": ["th"], "ᵻ": ["ih", "ax"],
}
MYNA_VOWELS = {s for s, alts in SAME.items() if all(a.split()[0] in VOWELS for a in alts)}

BAD = 3.0          # a pairing that should not happen (a pause on a phoneme, say)
DROP_PHONEME = 2.0
DROP_PHONE = 2.0
DROP_PAUSE = 1.0   # festival paused where Myna has no break symbol
SPLIT = 1.0        # two symbols sharing one phone


def _kind(sym):
    if sym in EDGES:
        return "edge"
    if sym in OPTIONAL:
        return "break"
    return "phoneme"


def pair_cost(sym, phones):
    """Cost of symbol `sym` covering festival phones `phones` (a tuple of 1 or 2 names)."""
    kind = _kind(sym)
    if kind != "phoneme":
        return 0.0 if phones == ("pau",) else BAD
    if "pau" in phones:
        return BAD
    if " ".join(phones) in SAME.get(sym, ()):
        return 0.0
    if len(phones) == 2:
        return 1.5
    same_class = (phones[0] in VOWELS) == (sym in MYNA_VOWELS)
    return 0.6 if same_class else 1.5


def match(symbols, phones):
    """DP match of timed symbols to phones. Returns a list of (symbol indices, phone indices)
    groups covering both sequences in order, and the total cost."""
    n, m = len(symbols), len(phones)
    kinds = [_kind(s) for s in symbols]
    one = [[pair_cost(s, (p,)) for p in phones] for s in symbols]  # one symbol, one phone
    drop_symbol = [0.0 if k == "break" else BAD if k == "edge" else DROP_PHONEME for k in kinds]
    drop_phone = [DROP_PAUSE if p == "pau" else DROP_PHONE for p in phones]
    inf = float("inf")
    cost = [[inf] * (m + 1) for _ in range(n + 1)]
    back = [[None] * (m + 1) for _ in range(n + 1)]
    cost[0][0] = 0.0
    for i in range(n + 1):
        for j in range(m + 1):
            c = cost[i][j]
            if c == inf:
                continue
            moves = []
            if i < n and j < m:
                moves.append((1, 1, one[i][j]))
            if i < n and j + 1 < m:
                moves.append((1, 2, pair_cost(symbols[i], (phones[j], phones[j + 1]))))
            if i + 1 < n and j < m and kinds[i] == kinds[i + 1] == "phoneme":
                moves.append((2, 1, SPLIT + min(one[i][j], one[i + 1][j])))
            if i < n:
                moves.append((1, 0, drop_symbol[i]))
            if j < m:
                moves.append((0, 1, drop_phone[j]))
            for di, dj, mc in moves:
                if c + mc < cost[i + di][j + dj]:
                    cost[i + di][j + dj] = c + mc
                    back[i + di][j + dj] = (di, dj)
    groups, i, j = [], n, m
    while i > 0 or j > 0:
        di, dj = back[i][j]
        groups.append((list(range(i - di, i)), list(range(j - dj, j))))
        i, j = i - di, j - dj
    return groups[::-1], cost[n][m]


def _frame_at(t, sr, hop):
    """Number of frames whose centre (f * hop / sr) lies before time t."""
    x = t * sr / hop
    f = int(x)
    return f if f == x else f + 1


def symbol_durations(symbols, segments, n_frames, sr, hop, max_unmatched=0.1,
                     max_length_mismatch=4):
    """symbols: Myna's symbols of the utterance (with NO_TIME ones); segments: [(start, end,
    phone)] in seconds. Returns (frames per symbol, report) or (None, report) when the match
    is too poor to trust."""
    timed = [k for k, s in enumerate(symbols) if s not in NO_TIME]
    tsyms = [symbols[k] for k in timed]
    phones = [p for _, _, p in segments]
    groups, total = match(tsyms, phones)
    frames = [0] * len(symbols)
    edges = [min(_frame_at(e, sr, hop), n_frames) for _, e, _ in segments]
    starts = [0] + edges[:-1]
    unmatched_phonemes = 0
    last_owner = 0  # a phone with no symbol gives its time to the symbol before it (or the first)
    for sidx, pidx in groups:
        if not pidx:
            unmatched_phonemes += sum(_kind(tsyms[i]) == "phoneme" for i in sidx)
            continue
        span = sum(edges[j] - starts[j] for j in pidx)
        if not sidx:
            frames[timed[last_owner]] += span
            continue
        share = [span // len(sidx) + (r < span % len(sidx)) for r in range(len(sidx))]
        for i, f in zip(sidx, share):
            frames[timed[i]] += f
        last_owner = sidx[-1]
    # frames after festival's last boundary (the wave is a little longer) go to the last symbol
    frames[timed[-1]] += n_frames - sum(frames)
    _give_every_phoneme_a_frame(symbols, frames)
    frames = np.asarray(frames, dtype=np.int64)
    n_phonemes = sum(_kind(s) == "phoneme" for s in tsyms)
    # festival's last boundary and the audio's end differ by the resampler's rounding only
    mismatch = abs(n_frames - _frame_at(segments[-1][1], sr, hop))
    report = {"cost": total, "unmatched_phonemes": unmatched_phonemes, "phonemes": n_phonemes,
              "length_mismatch_frames": mismatch}
    if mismatch > max_length_mismatch or unmatched_phonemes > max_unmatched * max(n_phonemes, 1):
        return None, report
    return frames, report


def _give_every_phoneme_a_frame(symbols, frames):
    """Phonemes and sentence edges take at least one frame (as the aligner gives them)."""
    for k, s in enumerate(symbols):
        if s in NO_TIME or _kind(s) == "break" or frames[k] > 0:
            continue
        donors = [d for d in (k - 1, k + 1, k - 2, k + 2)
                  if 0 <= d < len(symbols) and frames[d] >= 2]
        if donors:
            d = max(donors, key=lambda x: frames[x])
            frames[d] -= 1
            frames[k] += 1


# ------------------------------------------------------------------ festival
_SCHEME_HEAD = """%s
(define (myna_segdump utt)
  (let ((info (wave.info (utt.wave utt))))
    (format t "--- %%s %%s\\n" (cadr (assoc 'num_samples info)) (cadr (assoc 'sample_rate info)))
    (mapcar (lambda (s) (format t "%%s %%s\\n" (item.feat s "end") (item.name s)))
            (utt.relation.items utt 'Segment))
    utt))
(set! tts_hooks (list utt.synth myna_segdump))
"""


def _scheme_string(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def parse_festival_output(text):
    """festival's printout -> {id: [(start, end, phone)]} with absolute times."""
    out, cur, offset, utt_start, prev_end = {}, None, 0.0, 0.0, 0.0
    for line in text.splitlines():
        if line.startswith("=== "):
            cur, offset = line[4:].strip(), 0.0
            out[cur] = []
        elif line.startswith("--- ") and cur is not None:
            n, rate = line[4:].split()
            utt_start = offset
            prev_end = utt_start
            offset += int(n) / float(rate)
        elif cur is not None and line.strip():
            end, phone = line.split()[:2]
            end = utt_start + float(end)
            out[cur].append((prev_end, end, phone))
            prev_end = end
    return out


def render_timings(texts, tmp_dir=None):
    """texts: [(id, text)] -> {id: [(start, end, phone)]}; one festival process for all."""
    with tempfile.TemporaryDirectory(dir=tmp_dir) as tmp:
        lines = [_SCHEME_HEAD % TEACHER_VOICE]
        for k, (uid, text) in enumerate(texts):
            path = os.path.join(tmp, "%d.txt" % k)
            with open(path, "w", encoding="utf-8") as f:
                f.write(text + "\n")
            lines.append('(format t "=== %%s\\n" %s)' % _scheme_string(uid))
            lines.append("(tts_file %s nil)" % _scheme_string(path))
        script = os.path.join(tmp, "timings.scm")
        with open(script, "w", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")
        p = subprocess.run(["festival", "-b", script], capture_output=True, text=True)
    return parse_festival_output(p.stdout)


def _render_batch(job):
    batch, path = job
    segs = render_timings(batch)
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(segs, f)
    os.replace(tmp, path)
    return len(segs), len(batch)


def _load_cache(cache_dir):
    have = {}
    for name in sorted(os.listdir(cache_dir)):
        if name.endswith(".json"):
            with open(os.path.join(cache_dir, name), encoding="utf-8") as f:
                have.update(json.load(f))
    return have


def corpus_timings(texts, cache_dir, jobs=2, batch=100, log=print):
    """texts: [(id, text)] -> {id: [(start, end, phone)]}, rendered in batches of `batch`
    texts on `jobs` festival processes. Each finished batch is a JSON file in cache_dir, so
    an interrupted run resumes where it stopped. A text festival does not time is left out
    (each call tries it again)."""
    os.makedirs(cache_dir, exist_ok=True)
    have = _load_cache(cache_dir)
    todo = [t for t in texts if t[0] not in have]
    if todo:
        start = len([n for n in os.listdir(cache_dir) if n.endswith(".json")])
        work = [(todo[k:k + batch], os.path.join(cache_dir, "%05d.json" % (start + n)))
                for n, k in enumerate(range(0, len(todo), batch))]
        log("teacher timings: %d of %d texts to render in %d batches" %
            (len(todo), len(texts), len(work)))
        done = 0
        with Pool(max(1, jobs)) as pool:
            for got, asked in pool.imap_unordered(_render_batch, work):
                done += asked
                if got != asked:
                    log("teacher timings: festival timed %d of a batch of %d" % (got, asked))
                log("teacher timings: %d / %d" % (done, len(todo)))
        have = _load_cache(cache_dir)
    wanted = {t[0] for t in texts}
    return {k: [tuple(s) for s in v] for k, v in have.items() if k in wanted}
