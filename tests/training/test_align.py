#!/usr/bin/python3
"""training/myna/align.py: the Viterbi search and the EM aligner recover known segmentations."""
import os
import sys
import unittest

try:
    import numpy as np
except ImportError:
    print("numpy not available: skipped")
    sys.exit(77)

ROOT = os.environ.get("MYNA_SOURCE_DIR",
                      os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "training"))

from myna.align import Aligner, durations, sanity, state_layout, viterbi  # noqa: E402

TABLE = ["_", "#", ",", "$", "^", "a", "b", "c", "ˈ"]


class Viterbi(unittest.TestCase):
    def test_follows_the_best_states_in_order(self):
        # 3 states, 6 frames; emissions favour 0,0,1,1,2,2
        emit = np.full((6, 3), -10.0)
        for t, m in enumerate([0, 0, 1, 1, 2, 2]):
            emit[t, m] = 0.0
        path, total = viterbi(emit, np.zeros(3, dtype=bool))
        self.assertEqual(path.tolist(), [0, 0, 1, 1, 2, 2])
        self.assertEqual(total, 0.0)

    def test_skips_an_optional_state_only(self):
        # state 1 optional and never likely: skipped; a mandatory state cannot be skipped
        emit = np.full((4, 3), -10.0)
        emit[:2, 0] = 0.0
        emit[2:, 2] = 0.0
        path, _ = viterbi(emit, np.array([False, True, False]))
        self.assertEqual(path.tolist(), [0, 0, 2, 2])
        path, total = viterbi(emit, np.zeros(3, dtype=bool))
        self.assertIn(1, path.tolist())
        self.assertLess(total, -5.0)

    def test_skips_runs_of_optional_states(self):
        emit = np.full((4, 4), -10.0)
        emit[:2, 0] = 0.0
        emit[2:, 3] = 0.0
        path, _ = viterbi(emit, np.array([False, True, True, False]))
        self.assertEqual(path.tolist(), [0, 0, 3, 3])

    def test_too_few_frames_is_an_error(self):
        with self.assertRaises(ValueError):
            viterbi(np.zeros((2, 3)), np.zeros(3, dtype=bool))


def synthetic(rng, durs):
    """Frames of ^ X # Y , Z $ (X, Y, Z drawn from a b c, so no phoneme always sits beside a
    pause, as in speech) with the given durations: pauses share one silence mean."""
    means = {"sil": np.array([0.0, 0, 0, 0]), "a": np.array([4.0, 0, 0, 0]),
             "b": np.array([0.0, 4, 0, 0]), "c": np.array([0.0, 0, 4, 0])}
    x, y, z = rng.permutation(["a", "b", "c"])  # neighbours differ: a boundary to find
    symbols = ["^", str(x), "#", "ˈ", str(y), ",", str(z), "$"]
    frames = []
    for s, d in zip(symbols, durs):
        m = means.get(s, means["sil"])
        frames.append(m + 0.3 * rng.standard_normal((d, 4)))
    return symbols, np.concatenate(frames)


class EM(unittest.TestCase):
    def test_recovers_known_durations(self):
        rng = np.random.default_rng(7)
        truth, utts = [], []
        for _ in range(30):
            d = [int(rng.integers(3, 9)), int(rng.integers(3, 12)), 0, 0,
                 int(rng.integers(3, 12)), int(rng.integers(0, 2)) * int(rng.integers(2, 6)),
                 int(rng.integers(3, 12)), int(rng.integers(3, 9))]
            sym, x = synthetic(rng, d)
            truth.append(d)
            utts.append((sym, x))
        durs, history = Aligner(TABLE, 4).fit(utts, log=lambda *a: None)
        self.assertGreater(history[-1], history[0])  # EM improves the likelihood
        exact = sum(list(d) == t for d, t in zip(durs, truth))
        self.assertGreaterEqual(exact, 27, "durations: %s vs %s" % (durs[:3], truth[:3]))
        for d, (sym, x) in zip(durs, utts):
            self.assertEqual(int(d.sum()), len(x))
            self.assertEqual(int(d[sym.index("ˈ")]), 0)  # stress marks take no time
        report = sanity([u[0] for u in utts], durs)
        self.assertEqual(report["zero_share"]["phoneme"], 0.0)
        self.assertGreaterEqual(report["zero_share"]["optional"], 0.5)  # every # is 0 here

    def test_layout_states(self):
        index = {s: i for i, s in enumerate(TABLE)}
        sid, owner, opt = state_layout(["^", "a", "ˈ", "#", "$"], index)
        self.assertEqual(owner.tolist(), [0, 1, 1, 3, 4])  # phoneme: 2 states, mark: none
        self.assertEqual(opt.tolist(), [False, False, False, True, False])
        self.assertEqual(sid[0], sid[3])  # the word break shares the silence model
        self.assertEqual(sid[0], sid[4])
        self.assertEqual(durations(np.array([0, 0, 1, 2, 2, 4]), owner, 5).tolist(),
                         [2, 3, 0, 0, 1])


if __name__ == "__main__":
    unittest.main()
