"""Crude phoneme durations for bootstrapping a voice without an aligner.

The frames of an utterance are spread over its symbols in proportion to a per-symbol weight
(vowels long, consonants shorter, stress marks and word breaks nothing or little, punctuation a
pause). Good enough for a smoke-test voice; a real voice wants forced alignment.
"""
import numpy as np

_VOWEL_CHARS = set("aeiouyæɑɐɒɔəɘɚɛɜɞɤɨɪɯɵɶʉʊʌʏø")
_NO_TIME = {"_", "ˈ", "ˌ", "ː"}


def symbol_weight(sym):
    if sym in _NO_TIME:
        return 0.0
    if sym in ("^", "$"):
        return 1.5  # the renderer's leading/trailing silence
    if sym == "#":
        return 0.2
    if sym in (",", ";", ":"):
        return 3.0
    if sym in (".", "?", "!"):
        return 4.0
    if any(c in _VOWEL_CHARS for c in sym):
        return 2.0
    return 1.0


def spread_frames(symbols, n_frames):
    """Integer frames per symbol summing exactly to n_frames."""
    w = np.array([symbol_weight(s) for s in symbols], dtype=np.float64)
    if w.sum() <= 0:
        w = np.ones(len(symbols))
    edges = np.rint(np.concatenate([[0.0], np.cumsum(w)]) / w.sum() * n_frames).astype(np.int64)
    return np.diff(edges)
