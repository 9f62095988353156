#!/usr/bin/python3
"""Tests of the pure-math parts of training/evaluate.py: DCT, DTW, MCD, F0 pooling, word
alignment (deletion runs, repeats), spelt-out numbers and the shipped long-input sentences.
No festival, pocketsphinx or network needed.

Run: /usr/bin/python3 tests/training/test_evaluate.py  (ctest: training_evaluate).
Exits 77 (ctest "skipped") where numpy/torch are missing.
"""
import math
import os
import re
import sys
import unittest

try:
    import numpy as np
    import torch  # noqa: F401  (training/myna/audio.py needs it)
except ImportError:
    print("torch/numpy not available: skipped")
    sys.exit(77)

ROOT = os.environ.get("MYNA_SOURCE_DIR",
                      os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "training"))

import evaluate as ev  # noqa: E402

K = 10.0 / math.log(10.0)


def smooth_track(n, dims=24, seed=0):
    """A cepstrum-like trajectory whose frames are all distinct (no accidental matches)."""
    rng = np.random.RandomState(seed)
    t = np.arange(n)[:, None]
    freq = rng.uniform(0.01, 0.05, dims)[None, :]
    phase = rng.uniform(0, 2 * np.pi, dims)[None, :]
    return 3.0 * np.sin(2 * np.pi * freq * t + phase) + 0.05 * t


def dtw_reference(dist):
    """Textbook double-loop DTW, to check the vectorised rows against."""
    n, m = dist.shape
    acc = np.full((n + 1, m + 1), np.inf)
    acc[0, 0] = 0.0
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            acc[i, j] = dist[i - 1, j - 1] + min(acc[i - 1, j], acc[i, j - 1], acc[i - 1, j - 1])
    return acc[1:, 1:]


class DctTest(unittest.TestCase):
    def test_matches_direct_formula(self):
        n = 80
        x = np.random.RandomState(1).randn(5, n)
        got = x @ ev.dct2_matrix(n).T
        for k in (0, 1, 7, 24, 79):
            s = math.sqrt(1.0 / n) if k == 0 else math.sqrt(2.0 / n)
            direct = [s * sum(x[r, m] * math.cos(math.pi * k * (2 * m + 1) / (2 * n))
                              for m in range(n)) for r in range(5)]
            np.testing.assert_allclose(got[:, k], direct, rtol=1e-10, atol=1e-10)

    def test_orthonormal(self):
        c = ev.dct2_matrix(80)
        np.testing.assert_allclose(c @ c.T, np.eye(80), atol=1e-12)

    def test_cepstra_drop_c0_keep_24(self):
        lm = np.random.RandomState(2).randn(7, 80)
        cep = ev.mel_cepstra(lm)
        self.assertEqual(cep.shape, (7, 24))
        np.testing.assert_allclose(cep, (lm @ ev.dct2_matrix(80).T)[:, 1:25])
        # a level change only moves c0, so the cepstra ignore it
        np.testing.assert_allclose(ev.mel_cepstra(lm + 3.0), cep, atol=1e-9)


class DtwTest(unittest.TestCase):
    def test_rows_equal_double_loop(self):
        rng = np.random.RandomState(3)
        for n, m in ((1, 1), (1, 6), (6, 1), (9, 13), (20, 11)):
            d = rng.rand(n, m)
            acc, _ = ev.dtw(d)
            np.testing.assert_allclose(acc, dtw_reference(d), rtol=1e-12, atol=1e-12)

    def test_distance_matrix(self):
        rng = np.random.RandomState(9)
        x, y = rng.randn(70, 24), rng.randn(131, 24)  # not multiples of the row block
        direct = np.sqrt(((x[:, None, :] - y[None, :, :]) ** 2).sum(-1))
        np.testing.assert_allclose(ev.distance_matrix(x, y), direct, rtol=1e-12)
        self.assertEqual(ev.distance_matrix(x, x).diagonal().max(), 0.0)

    def test_stretched_copy(self):
        a = smooth_track(120)
        idx = np.floor(np.arange(300) * 120 / 300.0).astype(int)  # 2.5x time stretch
        b = a[idx]
        acc, path = ev.dtw(ev.distance_matrix(a, b))
        self.assertEqual(tuple(path[0]), (0, 0))
        self.assertEqual(tuple(path[-1]), (119, 299))
        steps = np.diff(path, axis=0)
        self.assertTrue(np.all(steps >= 0) and np.all(steps <= 1) and np.all(steps.sum(1) >= 1))
        self.assertLess(acc[-1, -1], 1e-5)
        self.assertLess(ev.mcd_along(a, b, path), 1e-3)
        # every frame of b is matched to the frame it was copied from
        np.testing.assert_array_equal(path[:, 0], idx[path[:, 1]])

    def test_stays_fast(self):
        import time
        d = np.random.RandomState(4).rand(500, 500)
        t = time.perf_counter()
        ev.dtw(d)
        self.assertLess(time.perf_counter() - t, 2.0)


class McdTest(unittest.TestCase):
    def test_constant_offset_is_analytic(self):
        a = smooth_track(80, seed=5)
        delta = np.random.RandomState(6).randn(24) * 0.05
        expect = K * math.sqrt(2.0 * float((delta ** 2).sum()))
        diag = np.stack([np.arange(80)] * 2, axis=1)
        self.assertAlmostEqual(ev.mcd_along(a, a + delta, diag), expect, places=9)
        # frames far apart, offset small: DTW keeps the diagonal, same value end to end
        _, path = ev.dtw(ev.distance_matrix(a, a + delta))
        np.testing.assert_array_equal(path, diag)
        self.assertAlmostEqual(ev.mcd_along(a, a + delta, path), expect, places=9)

    def test_one_coefficient(self):
        a = np.zeros((3, 24))
        b = a.copy()
        b[:, 4] = 1.0
        self.assertAlmostEqual(ev.mcd_along(a, b, np.array([[0, 0], [1, 1], [2, 2]])),
                               K * math.sqrt(2.0), places=12)


class F0Test(unittest.TestCase):
    def test_cents_hz_and_vuv(self):
        fa = np.array([200.0, 100.0, 0.0, 150.0], np.float32)
        fb = np.array([100.0, 100.0, 120.0, 0.0], np.float32)
        va, vb = fa > 0, fb > 0
        path = np.array([[0, 0], [1, 1], [2, 2], [3, 3]])
        s = ev.f0_along(fa, va, fb, vb, path)
        self.assertEqual((s["pairs"], s["vuv_diff"], s["voiced_both"]), (4, 2, 2))
        p = ev.pool_f0([s])
        self.assertAlmostEqual(p["f0_rmse_cents"], round(math.sqrt(1200.0 ** 2 / 2), 1))
        self.assertAlmostEqual(p["f0_rmse_hz"], round(math.sqrt(100.0 ** 2 / 2), 2))
        self.assertEqual(p["vuv_error_pct"], 50.0)


class SilenceTest(unittest.TestCase):
    def test_quiet_frames_dropped(self):
        sr, hop = 22050, 256
        x = np.zeros(sr)
        x[: sr // 2] = 0.5 * np.sin(2 * np.pi * 220 * np.arange(sr // 2) / sr)
        x[sr // 2:] = 1e-4 * np.random.RandomState(7).randn(sr - sr // 2)  # -70 dB or so
        e = ev.frame_energy_db(x, hop, 1024)
        self.assertEqual(len(e), sr // hop + 1)
        keep = ev.loud_frames(e)
        self.assertTrue(np.all(keep * hop < sr // 2 + 1024))
        self.assertGreater(len(keep), (sr // 2) // hop - 4)


def words(s):
    return s.split()


class AlignTest(unittest.TestCase):
    def edit_distance(self, r, h):
        d = list(range(len(h) + 1))
        for i in range(1, len(r) + 1):
            prev, d[0] = d[0], i
            for j in range(1, len(h) + 1):
                prev, d[j] = d[j], min(d[j] + 1, d[j - 1] + 1, prev + (r[i - 1] != h[j - 1]))
        return d[len(h)]

    def test_deletion_run(self):
        ref = words("the cat sat on the warm mat by the door today")
        hyp = words("the cat sat today")
        ops = ev.align_words(ref, hyp)
        self.assertEqual(ev.edit_errors(ops), 7)
        self.assertEqual(ev.longest_deletion_run(ops), 7)
        # the ops cover every reference and hypothesis word once, in order
        self.assertEqual([r for _, r, _ in ops if r is not None], list(range(len(ref))))
        self.assertEqual([h for _, _, h in ops if h is not None], list(range(len(hyp))))

    def test_substitution_breaks_runs(self):
        ref = words("a b c d e f g h")
        hyp = words("a x e h")
        ops = ev.align_words(ref, hyp)
        self.assertEqual(ev.edit_errors(ops), self.edit_distance(ref, hyp))
        self.assertEqual(ev.longest_deletion_run(ops), 2)

    def test_counts_match_plain_edit_distance(self):
        rng = np.random.RandomState(8)
        vocab = words("a b c d e")
        for _ in range(50):
            r = list(rng.choice(vocab, rng.randint(0, 9)))
            h = list(rng.choice(vocab, rng.randint(0, 9)))
            self.assertEqual(ev.edit_errors(ev.align_words(r, h)), self.edit_distance(r, h))

    def test_repeat_detection(self):
        ref = words("one day the old man walked to the river and sat down")
        hyp = words("one day the old man walked to the river walked to the river and sat down")
        self.assertEqual(ev.repeated_ngrams(ref, hyp), ["walked to the river"])
        self.assertEqual(ev.repeated_ngrams(ref, ref), [])
        # twice in the reference: saying it twice is no repeat
        ref2 = words("go to the shop and go to the shop")
        self.assertEqual(ev.repeated_ngrams(ref2, ref2 + words("go to the")), [])
        # two-word repeats are below the threshold
        self.assertEqual(ev.repeated_ngrams(words("a b c d"), words("a b a b c d")), [])


class NumbersTest(unittest.TestCase):
    def test_spoken_reference(self):
        # what espeak-ng and festival both say for this text
        got = re.sub(r"[^a-z ]", "", ev.spoken_reference(
            "In 1998, 42 people paid 12,500 dollars, 3.5 percent, 250 more, and 7%.").lower())
        self.assertEqual(got.split(), words(
            "in nineteen ninety eight forty two people paid twelve thousand five hundred dollars "
            "three point five percent two hundred fifty more and seven percent"))
        self.assertEqual(ev.spoken_reference("2,000,017 and 0.25").split(),
                         words("two million seventeen and zero point two five"))

    def test_long_sentences_file(self):
        path = os.path.join(ROOT, "training", "eval", "long_sentences.txt")
        with open(path, encoding="utf-8") as f:
            lines = [l.strip() for l in f if l.strip()]
        self.assertEqual(len(lines), 10)
        for line in lines:
            self.assertGreaterEqual(len(line.split()), 60, line[:40])
        self.assertTrue(any(re.search(r"\d", l) for l in lines))
        spoken = ev.spoken_reference(" ".join(lines))
        self.assertIsNone(re.search(r"\d", spoken))


def tts_norm(s):
    """../shared/tools/tts_eval.py's norm (the ASR side's), copied so no shared/ is needed."""
    s = s.lower().replace("-", " ")
    return re.sub(r"[^a-z' ]+", " ", s).split()


def events(words, step=0.3):
    return [(k * step, (k + 1) * step, w) for k, w in enumerate(words)]


class WordEventsTest(unittest.TestCase):
    TEXT = "At 7, about 240 part-time workers left the harbor at a quarter past seven."

    def check(self, event_words, text=TEXT):
        return ev.event_word_check(events(event_words), text, tts_norm)

    def test_all_words_in_order(self):
        r = self.check(self.TEXT.split())
        self.assertTrue(r["events_match"] and r["events_match_but_merged"])
        self.assertEqual((r["word_events"], r["input_words"]), (14, 14))
        # spoken words: "seven", "two hundred forty", "part time" -> comparable to ref words
        self.assertEqual(r["event_words"], len(tts_norm(ev.spoken_reference(self.TEXT))))
        self.assertEqual(r["event_words"], 17)
        self.assertEqual(r["dropped"] + r["extra"] + r["changed"] + r["merged"], [])

    def test_punctuation_and_case_do_not_matter(self):
        words = [w.strip(",.").upper() for w in self.TEXT.split()]
        self.assertTrue(self.check(words)["events_match"])

    def test_merged_words(self):
        # libespeak-ng reads "at a" as one word: the event is at "at", none for "a"
        words = self.TEXT.split()
        del words[words.index("a")]
        r = self.check(words)
        self.assertFalse(r["events_match"])
        self.assertTrue(r["events_match_but_merged"])
        self.assertEqual(r["merged"], ["a"])
        self.assertEqual(r["dropped"], [])

    def test_dropped_repeated_changed(self):
        words = self.TEXT.split()
        r = self.check(words[1:])  # the first word: nothing before it to be joined with
        self.assertEqual((r["dropped"], r["merged"]), (["at"], []))
        self.assertFalse(r["events_match_but_merged"])
        r = self.check(words[:6] + ["left"] + words[6:])
        self.assertEqual(r["extra"], ["left"])
        self.assertFalse(r["events_match"] or r["events_match_but_merged"])
        r = self.check(words[:3] + ["241"] + words[4:])
        self.assertEqual(r["changed"], ["two hundred forty -> two hundred forty one"])
        self.assertFalse(r["events_match_but_merged"])
        # more missing in a row than the front end ever groups: dropped, not merged
        r = self.check(words[:8] + words[11:])
        self.assertEqual((r["merged"], r["dropped"]), (["harbor", "at"], ["a"]))
        # no events at all (a sentence whose symbols the voice lacks)
        r = self.check([])
        self.assertEqual((r["word_events"], len(r["dropped"])), (0, 14))
        self.assertIsNone(r["longest_word_s"])

    def test_longest_word(self):
        ev_ = events(self.TEXT.split())
        ev_[5] = (ev_[5][0], ev_[5][0] + 4.25, ev_[5][2])  # a stuck word
        r = ev.event_word_check(ev_, self.TEXT, tts_norm)
        self.assertEqual((r["longest_word"], r["longest_word_s"]), ("workers", 4.25))

    def test_read_word_times(self):
        import tempfile
        with tempfile.NamedTemporaryFile("w", suffix=".tsv", delete=False, encoding="utf-8") as f:
            f.write("0.000000\t0.290249\tGreen\n0.290249\t1.5\tcafé, ok\n")
        try:
            self.assertEqual(ev.read_word_times(f.name),
                             [(0.0, 0.290249, "Green"), (0.290249, 1.5, "café, ok")])
        finally:
            os.remove(f.name)

    def test_summary(self):
        ok = dict(index=0, word_events=3, events_match=True, events_match_but_merged=True,
                  longest_word="escort.", longest_word_s=0.8)
        joins = dict(ok, index=1, events_match=False, longest_word="a", longest_word_s=2.5)
        failed = dict(index=2, word_events=None)
        line = ev.word_events_summary([ok, joins, failed])
        self.assertTrue(line.startswith("1 of 3 long sentences pass"), line)
        self.assertIn("2 of 3 when merged words", line)
        self.assertIn("1 not rendered", line)
        self.assertIn('longest word 2.50 s (#1, "a")', line)
        self.assertIn("lacks --word-times", ev.word_events_summary([dict(index=0, wer=1.0)]))


if __name__ == "__main__":
    unittest.main()
