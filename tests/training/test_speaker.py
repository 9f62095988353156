#!/usr/bin/python3
"""training/myna/speaker.py: the speech-frame rule, partials, EER, the loss, and an encoder
that learns to tell synthetic speakers apart (the recipe's machinery at toy scale)."""
import os
import sys
import unittest

try:
    import numpy as np
    import torch
except ImportError:
    sys.exit(77)

ROOT = os.environ.get("MYNA_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "training"))
from myna.speaker import (AAMSoftmax, SpeakerEncoder, SpeakerEncoderConfig,  # noqa: E402
                          equal_error_rate, partial_starts, prepare, speech_frames)


class SpeechFramesTest(unittest.TestCase):
    def test_silence_is_dropped_and_gain_removed(self):
        rng = np.random.default_rng(0)
        mel = rng.normal(-2, 0.5, (200, 8)).astype(np.float32)
        mel[50:90] = -11.5
        keep = speech_frames(mel, 3.5)
        self.assertEqual(len(keep), 160)
        self.assertFalse(set(range(50, 90)) & set(keep.tolist()))
        cfg = SpeakerEncoderConfig(n_mels=8, min_frames=100)
        a, b = prepare(mel, cfg), prepare(mel + 2.0, cfg)  # +2 nats: a louder copy
        np.testing.assert_allclose(a, b, atol=1e-5)
        self.assertIsNone(prepare(mel[:120], SpeakerEncoderConfig(n_mels=8, min_frames=100)))

    def test_partials_cover_the_input(self):
        cfg = SpeakerEncoderConfig(partial=10, partial_hop=4)
        self.assertEqual(partial_starts(7, cfg), [0])
        self.assertEqual(partial_starts(10, cfg), [0])
        self.assertEqual(partial_starts(18, cfg), [0, 4, 8])
        self.assertEqual(partial_starts(19, cfg), [0, 4, 8, 9])


class EERTest(unittest.TestCase):
    def test_known_values(self):
        self.assertEqual(equal_error_rate([0.9, 0.8, 0.2, 0.1], [1, 1, 0, 0]), 0.0)
        self.assertEqual(equal_error_rate([0.1, 0.2, 0.8, 0.9], [1, 1, 0, 0]), 1.0)
        rng = np.random.default_rng(1)
        s = rng.normal(size=20000)
        t = rng.random(20000) < 0.5
        self.assertAlmostEqual(equal_error_rate(s, t), 0.5, delta=0.02)


class LearnsSpeakersTest(unittest.TestCase):
    def test_separates_synthetic_speakers(self):
        """Eight 'speakers' that differ in spectral tilt and a formant-like bump: after a short
        AAM-softmax training the EER on fresh crops is far below chance."""
        torch.manual_seed(0)
        rng = np.random.default_rng(2)
        cfg = SpeakerEncoderConfig(n_mels=16, conv_channels=16, conv_kernel=3, n_conv=1,
                                   lstm_hidden=16, n_lstm=1, dim=8, partial=24, partial_hop=12,
                                   min_frames=10)
        bins = np.arange(cfg.n_mels)
        shapes = [-0.15 * k * bins / 8 + 1.5 * np.exp(-(bins - 2 * k) ** 2 / 4) for k in range(8)]

        def crop(k):
            return (shapes[k] + rng.normal(0, 0.6, (cfg.partial, cfg.n_mels))).astype(np.float32)

        model, head = SpeakerEncoder(cfg), AAMSoftmax(cfg.dim, 8, margin=0.1, scale=10)
        opt = torch.optim.Adam(list(model.parameters()) + list(head.parameters()), lr=5e-3)
        for _ in range(150):
            y = rng.integers(0, 8, 32)
            x = torch.from_numpy(np.stack([crop(k) for k in y]))
            loss, _ = head(model(x), torch.from_numpy(y))
            opt.zero_grad()
            loss.backward()
            opt.step()
        model.eval()
        with torch.no_grad():
            ys = np.repeat(np.arange(8), 6)
            e = model(torch.from_numpy(np.stack([crop(k) for k in ys]))).numpy()
        scores, targets = [], []
        for i in range(len(ys)):
            for j in range(i + 1, len(ys)):
                scores.append(float(e[i] @ e[j]))
                targets.append(ys[i] == ys[j])
        eer = equal_error_rate(scores, targets)
        print(f"toy EER {eer * 100:.1f} %")
        self.assertLess(eer, 0.15)


if __name__ == "__main__":
    unittest.main(verbosity=2)
