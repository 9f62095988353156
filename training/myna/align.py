"""Forced alignment of phoneme symbols to log-mel frames, in Myna's own symbol inventory.

A flat-start hidden Markov model trained by Viterbi EM, with monotonic alignment search as the
decoder: every timed symbol owns one or two left-to-right states, each state a diagonal
Gaussian over the utterance's z-scored log-mel frame. Starting from an even spread of frames, it
alternates (a) re-estimating every state's Gaussian from the frames aligned to it and (b) the
best monotonic path of every utterance under those Gaussians, until the mean log-likelihood per
frame stops improving. A teacher voice is perfectly consistent, so a single Gaussian per state
aligns it well; the model is cheap enough to run on two cores in minutes.

Symbol classes (what the engine predicts a duration for, docs/models.md):
  - stress marks and length marks take no time: 0 frames, not aligned;
  - word breaks `#` and punctuation are optional pauses: 0 frames, or 1+ frames of one state;
  - `^` and `$` (the silence before and after a sentence): one state, at least 1 frame;
  - phonemes: two states (onset, rest), at least 2 frames (23 ms at hop 256 / 22,050 Hz).
"""
import numpy as np

NO_TIME = {"_", "ˈ", "ˌ", "ː", "ˑ"}
OPTIONAL = {"#", ",", ".", "?", "!", ";", ":"}
EDGES = {"^", "$"}
PHONEME_STATES = 2
_NEG = -1e30


def states_of(symbol):
    if symbol in NO_TIME:
        return 0
    if symbol in OPTIONAL or symbol in EDGES:
        return 1
    return PHONEME_STATES


def state_layout(symbols, index):
    """-> (state ids [M] into the model's state table, owner token [M], optional flag [M]).
    State table rows: symbol id * PHONEME_STATES + state number."""
    sid, owner, opt = [], [], []
    for t, s in enumerate(symbols):
        # every pause (sentence edges, word breaks, punctuation) shares one silence model:
        # the edges give it plenty of frames, so a pause inside a sentence lands on its #
        # or comma instead of stretching the phoneme beside it
        row = index["^"] * PHONEME_STATES if s in OPTIONAL or s in EDGES else None
        for k in range(states_of(s)):
            sid.append(row if row is not None else index[s] * PHONEME_STATES + k)
            owner.append(t)
            opt.append(s in OPTIONAL)
    return np.array(sid), np.array(owner), np.array(opt, dtype=bool)


def emissions(x, mean, ivar, logdet):
    """Log-likelihood [T][M] of frames x [T][D] under diagonal Gaussians (rows of mean/ivar)."""
    quad = (x * x) @ ivar.T - 2.0 * x @ (mean * ivar).T + (mean * mean * ivar).sum(1)[None]
    return -0.5 * (quad + logdet[None] + x.shape[1] * np.log(2 * np.pi))


def viterbi(emit, optional):
    """Best monotonic path through states 0..M-1 starting in 0 and ending in M-1; a state may
    be skipped when it is optional. emit [T][M]. -> (state per frame [T], total log-lik)."""
    t_len, m = emit.shape
    # predecessor offsets: 1 (next state), plus 1 + k when the k states before are all optional
    offsets = [1]
    run = np.zeros(m, dtype=np.int64)  # optional states immediately before state j
    for j in range(1, m):
        run[j] = run[j - 1] + 1 if optional[j - 1] else 0
    for k in range(1, int(run.max(initial=0)) + 1):
        offsets.append(1 + k)
    score = np.full(m, _NEG)
    score[0] = emit[0, 0]
    for j in range(1, m):  # the first frame may also enter past optional states at the start
        if optional[j - 1] and run[j] == j:
            score[j] = emit[0, j]
    back = np.zeros((t_len, m), dtype=np.int8)  # 0 = stay, o = came from j - o
    for t in range(1, t_len):
        best = score.copy()
        arg = np.zeros(m, dtype=np.int8)
        for o in offsets:
            cand = np.full(m, _NEG)
            cand[o:] = score[:-o]
            if o > 1:
                cand[run < o - 1] = _NEG  # only skip over optional states
            better = cand > best
            best[better] = cand[better]
            arg[better] = o
        score = best + emit[t]
        back[t] = arg
    path = np.empty(t_len, dtype=np.int64)
    j = m - 1
    if score[j] <= _NEG / 2:
        raise ValueError("no alignment: %d frames for %d states" % (t_len, m))
    total = float(score[j])
    for t in range(t_len - 1, -1, -1):
        path[t] = j
        j -= int(back[t, j])
    return path, total


def durations(path, owner, n_symbols):
    """Frames per token from a state path."""
    return np.bincount(owner[path], minlength=n_symbols).astype(np.int64)


class Aligner:
    """Viterbi-EM aligner. utterances: list of (symbols, mel [T][D])."""

    def __init__(self, symbols_table, dim, var_floor=0.05):
        self.index = {s: i for i, s in enumerate(symbols_table)}
        n = len(symbols_table) * PHONEME_STATES
        self.mean = np.zeros((n, dim))
        self.var = np.ones((n, dim))
        self.var_floor = var_floor

    def _layouts(self, utts):
        return [state_layout(sym, self.index) for sym, _ in utts]

    def initialise(self, utts, layouts):
        """Even spread of each utterance's frames over its states."""
        paths = []
        for (_, x), (sid, _, _) in zip(utts, layouts):
            edges = np.rint(np.linspace(0, len(x), len(sid) + 1)).astype(np.int64)
            paths.append(np.repeat(np.arange(len(sid)), np.diff(edges)))
        return paths

    def estimate(self, utts, layouts, paths):
        n, d = self.mean.shape
        cnt = np.zeros(n)
        s1 = np.zeros((n, d))
        s2 = np.zeros((n, d))
        for (_, x), (sid, _, _), path in zip(utts, layouts, paths):
            onehot = np.zeros((len(x), n))  # a matmul is far faster than np.add.at
            onehot[np.arange(len(x)), sid[path]] = 1.0
            cnt += onehot.sum(0)
            s1 += onehot.T @ x
            s2 += onehot.T @ (x * x)
        seen = cnt > 0
        self.mean[seen] = s1[seen] / cnt[seen, None]
        self.var[seen] = np.maximum(s2[seen] / cnt[seen, None] - self.mean[seen] ** 2,
                                    self.var_floor)

    def align(self, utts, layouts):
        ivar, logdet = 1.0 / self.var, np.log(self.var).sum(1)
        paths, total, frames = [], 0.0, 0
        for (_, x), (sid, _, opt) in zip(utts, layouts):
            path, ll = viterbi(emissions(x, self.mean[sid], ivar[sid], logdet[sid]), opt)
            paths.append(path)
            total += ll
            frames += len(x)
        return paths, total / max(frames, 1)

    def fit(self, utts, iterations=8, tol=0.01, log=print):
        """Runs EM; returns (durations per utterance, log of mean log-likelihood per frame)."""
        layouts = self._layouts(utts)
        paths = self.initialise(utts, layouts)
        history = []
        for it in range(iterations):
            self.estimate(utts, layouts, paths)
            paths, ll = self.align(utts, layouts)
            history.append(ll)
            log("aligner iteration %d: mean log-likelihood per frame %.3f" % (it + 1, ll))
            if it > 0 and ll - history[-2] < tol:
                break
        durs = [durations(p, owner, len(sym))
                for p, (_, owner, _), (sym, _) in zip(paths, layouts, utts)]
        return durs, history


def normalise(mels):
    """z-scores log-mels with the corpus mean and std per band."""
    allx = np.concatenate(mels)
    mu, sd = allx.mean(0), allx.std(0) + 1e-3
    return [(m - mu) / sd for m in mels]


def sanity(symbol_lists, durs):
    """Figures that show a broken alignment: zero-length shares per class, phonemes stuck at
    the minimum, longest phoneme."""
    zero = {"phoneme": [0, 0], "optional": [0, 0], "edge": [0, 0]}
    at_min, phon_frames = 0, []
    for syms, d in zip(symbol_lists, durs):
        for s, f in zip(syms, d):
            if s in NO_TIME:
                continue
            cls = "optional" if s in OPTIONAL else "edge" if s in EDGES else "phoneme"
            zero[cls][0] += int(f == 0)
            zero[cls][1] += 1
            if cls == "phoneme":
                phon_frames.append(int(f))
                at_min += int(f == PHONEME_STATES)
    pf = np.array(phon_frames or [0])
    return {
        "zero_share": {k: v[0] / max(v[1], 1) for k, v in zero.items()},
        "zero_share_all_timed": sum(v[0] for v in zero.values()) /
        max(sum(v[1] for v in zero.values()), 1),
        "phoneme_at_minimum_share": at_min / max(len(phon_frames), 1),
        "phoneme_one_frame_share": float((pf == 1).sum()) / max(len(phon_frames), 1),
        "phoneme_frames_mean": float(pf.mean()),
        "phoneme_frames_p99": float(np.percentile(pf, 99)),
        "phoneme_frames_max": int(pf.max()),
    }
