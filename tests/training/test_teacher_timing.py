#!/usr/bin/python3
"""training/myna/teacher_timing.py: festival's phone times become frames per Myna symbol."""
import os
import shutil
import sys
import tempfile
import unittest

ROOT = os.environ.get("MYNA_SOURCE_DIR",
                      os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "training"))

from myna import teacher_timing as tt  # noqa: E402

SR, HOP = 22050, 256
FRAME = HOP / SR  # seconds per frame


def segments(spec):
    """[(phone, frames)] -> [(start, end, phone)] on frame boundaries (a hair past each
    boundary, as festival's 5 ms steps rarely land on one)."""
    out, t = [], 0.0
    for phone, n in spec:
        out.append((t, t + n * FRAME, phone))
        t += n * FRAME
    return [(s + 1e-4 if s else s, e + 1e-4, p) for s, e, p in out]


class MatchTest(unittest.TestCase):
    def test_one_to_one_word_with_stress_and_edges(self):
        # "hello world." in Myna's symbols; festival: pau hh ax l ow w er l d pau
        syms = "^ h ə l ˈ oʊ # w ˈ ɜː l d . $".split()
        segs = segments([("pau", 10), ("hh", 4), ("ax", 3), ("l", 5), ("ow", 9), ("w", 4),
                         ("er", 8), ("l", 4), ("d", 3), ("pau", 12)])
        n = 62
        frames, rep = tt.symbol_durations(syms, segs, n, SR, HOP)
        got = dict(zip(range(len(syms)), frames))
        self.assertEqual(sum(frames), n)
        self.assertEqual([got[k] for k in (1, 2, 3, 5)], [4, 3, 5, 9])   # h ə l oʊ
        self.assertEqual([got[k] for k in (7, 9, 10, 11)], [4, 8, 4, 3])  # w ɜː l d
        self.assertEqual(got[4] + got[8], 0)   # stress marks take no time
        self.assertEqual(got[6], 0)            # no pause between the words
        self.assertEqual(got[0], 11)           # 10 of silence, plus frame 0 centred at 0
        # the final pause ('.' or '$') has what is left: frame 0 went to '^', so 11 of its 12
        self.assertEqual(got[12] + got[13], 11)
        self.assertEqual(rep["unmatched_phonemes"], 0)
        self.assertEqual(rep["cost"], 0.0)

    def test_a_pause_between_words_goes_to_the_word_break(self):
        syms = "^ ɐ # b ˈ ɔɪ $".split()
        segs = segments([("pau", 5), ("ax", 4), ("pau", 6), ("b", 3), ("oy", 10), ("pau", 5)])
        frames, _ = tt.symbol_durations(syms, segs, 34, SR, HOP)
        self.assertEqual(frames[2], 6)  # '#'
        self.assertEqual(frames[1], 4)

    def test_one_symbol_covers_two_phones(self):
        # "years": j ɪɹ z  <->  y ih r z
        syms = "^ j ˈ ɪɹ z $".split()
        segs = segments([("pau", 5), ("y", 6), ("ih", 7), ("r", 5), ("z", 9), ("pau", 4)])
        frames, rep = tt.symbol_durations(syms, segs, 37, SR, HOP)
        self.assertEqual(frames[3], 12)
        self.assertEqual(frames[1], 6)
        self.assertEqual(rep["cost"], 0.0)

    def test_a_phoneme_festival_does_not_say_still_gets_a_frame(self):
        # Myna says "t ə" where festival has only "t": the schwa borrows a frame
        syms = "^ t ə k $".split()
        segs = segments([("pau", 5), ("t", 6), ("k", 7), ("pau", 5)])
        frames, rep = tt.symbol_durations(syms, segs, 24, SR, HOP)
        self.assertEqual(sum(frames), 24)
        self.assertGreaterEqual(min(frames[1:4]), 1)
        self.assertGreater(rep["cost"], 0.0)

    def test_festival_phone_without_symbol_gives_its_time_to_the_one_before(self):
        syms = "^ s ɪ t $".split()
        segs = segments([("pau", 5), ("s", 6), ("ih", 7), ("t", 4), ("s", 5), ("pau", 5)])
        frames, _ = tt.symbol_durations(syms, segs, 33, SR, HOP)
        self.assertEqual(frames[3], 4 + 5)
        self.assertEqual(sum(frames), 33)

    def test_unrelated_sequences_are_rejected(self):
        syms = "^ m ə n i m ə n i $".split()
        segs = segments([("pau", 5), ("s", 6), ("pau", 20), ("pau", 5)])
        frames, rep = tt.symbol_durations(syms, segs, 37, SR, HOP)
        self.assertIsNone(frames)
        self.assertGreater(rep["unmatched_phonemes"], 0)

    def test_times_that_do_not_cover_the_audio_are_rejected(self):
        syms = "^ b ˈ ɔɪ $".split()
        segs = segments([("pau", 5), ("b", 3), ("oy", 10), ("pau", 5)])
        self.assertIsNotNone(tt.symbol_durations(syms, segs, 23, SR, HOP)[0])
        frames, rep = tt.symbol_durations(syms, segs, 40, SR, HOP)  # audio 17 frames longer
        self.assertIsNone(frames)
        self.assertEqual(rep["length_mismatch_frames"], 16)

    def test_same_table_uses_festival_phones_only(self):
        radio = tt.VOWELS | {"b", "ch", "d", "dh", "el", "em", "en", "f", "g", "hh", "jh", "k",
                             "l", "m", "n", "ng", "p", "r", "s", "sh", "t", "th", "v", "w",
                             "y", "z", "zh"}
        for sym, alts in tt.SAME.items():
            for alt in alts:
                self.assertTrue(set(alt.split()) <= radio, (sym, alt))


class FestivalOutputTest(unittest.TestCase):
    def test_utterances_are_placed_back_to_back(self):
        text = ("=== LJ1\n--- 32000 32000\n0.2 pau\n0.5 hh\n1.0 pau\n"
                "--- 16000 32000\n0.1 pau\n0.4 ay\n0.5 pau\n=== LJ2\n--- 3200 32000\n0.1 pau\n")
        got = tt.parse_festival_output(text)
        self.assertEqual(sorted(got), ["LJ1", "LJ2"])
        self.assertEqual([p for _, _, p in got["LJ1"]], ["pau", "hh", "pau", "pau", "ay", "pau"])
        self.assertAlmostEqual(got["LJ1"][3][0], 1.0)   # second utterance starts after 1 s
        self.assertAlmostEqual(got["LJ1"][4][1], 1.4)
        self.assertAlmostEqual(got["LJ2"][0][1], 0.1)   # a new text starts at 0 again

    def test_quotes_and_backslashes_reach_festival_as_text(self):
        self.assertEqual(tt._scheme_string('say "hi" \\ now'), '"say \\"hi\\" \\\\ now"')


@unittest.skipUnless(shutil.which("festival"), "festival is not installed")
class RealFestivalTest(unittest.TestCase):
    def test_times_cover_the_rendered_text(self):
        got = tt.render_timings([("a", 'He said "yes". Then he left.'), ("b", "Hello.")])
        self.assertEqual(sorted(got), ["a", "b"])
        phones = [p for _, _, p in got["a"]]
        self.assertIn("y", phones)
        self.assertGreaterEqual(phones.count("pau"), 3)  # two sentences, each with edges
        ends = [e for _, e, _ in got["a"]]
        self.assertEqual(ends, sorted(ends))
        self.assertGreater(ends[-1], 1.0)

    def test_corpus_timings_are_cached_per_batch_and_resumed(self):
        texts = [("x", "One."), ("y", "Two words.")]
        with tempfile.TemporaryDirectory() as cache:
            said = []
            first = tt.corpus_timings(texts[:1], cache, jobs=1, batch=1, log=said.append)
            self.assertEqual(sorted(first), ["x"])
            self.assertEqual(len(os.listdir(cache)), 1)
            both = tt.corpus_timings(texts, cache, jobs=1, batch=1, log=said.append)
            self.assertEqual(sorted(both), ["x", "y"])
            self.assertEqual(both["x"], first["x"])
            self.assertIn("teacher timings: 1 of 2 texts to render in 1 batches", said)
            said.clear()
            self.assertEqual(tt.corpus_timings(texts, cache, log=said.append), both)
            self.assertEqual(said, [])  # nothing left to render


if __name__ == "__main__":
    unittest.main()
