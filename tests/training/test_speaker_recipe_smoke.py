#!/usr/bin/python3
"""The speaker encoder recipe at toy scale: 4 training voices plus 2 flite sentences per
teacher, 40 steps, then export and the evaluation through the C engine. Checks that every
stage ran, the exported file embeds in C as in PyTorch (the same EER from both), and that a
second run resumes without re-rendering or retraining.

Needs flite, festival's slt HTS voice, sox, torch and ../shared; exits 77 (skipped) without.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

ROOT = os.environ.get("MYNA_SOURCE_DIR",
                      os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
SHARED = os.environ.get("MYNA_SHARED_DIR", os.path.join(ROOT, "..", "shared"))
MYNA = os.environ.get("MYNA_CLI", os.path.join(ROOT, "build", "app", "cli", "myna"))
RECIPE = os.path.join(ROOT, "training", "train_speaker_encoder.py")

for tool in ("flite", "text2wave", "sox"):
    if not shutil.which(tool):
        print(f"{tool} not installed: skipped")
        sys.exit(77)
if not os.path.isdir(os.path.join(SHARED, "data/speech/multispeaker_samples")):
    print("../shared speech data not found: skipped")
    sys.exit(77)
try:
    import torch  # noqa: F401
except ImportError:
    print("torch not available: skipped")
    sys.exit(77)


class SpeakerRecipeSmoke(unittest.TestCase):
    def run_recipe(self, work, out):
        t0 = time.time()
        p = subprocess.run([sys.executable, RECIPE, "--shared", SHARED, "--work", work,
                            "--out", out, "--myna", MYNA, "--clips", "4",
                            "--teacher-sentences", "2", "--steps", "40", "--batch", "16",
                            "--threads", "1", "--jobs", "2"],
                           capture_output=True, text=True, timeout=900)
        self.assertEqual(p.returncode, 0, p.stderr[-2000:])
        return p.stdout, time.time() - t0

    def test_recipe(self):
        with tempfile.TemporaryDirectory() as tmp:
            work, out = os.path.join(tmp, "work"), os.path.join(tmp, "enc.myna")
            log, first = self.run_recipe(work, out)
            print(log[-600:])
            self.assertIn("step 40/40", log)
            # voices apope, arctic_ahw, arctic_aup, arctic_awb (one class with flite's awb),
            # the teachers' arctic_rms, arctic_slt and flite_kal16: 7 classes, each also at two
            # speeds; the held-out voices get no features
            feats = sorted(f[:-4] for f in os.listdir(os.path.join(work, "features")))
            self.assertEqual(len(feats), 21, feats)
            self.assertIn("arctic_slt@1.1", feats)
            self.assertFalse([f for f in feats if f.startswith("vctk_p228")])
            with open(os.path.join(work, "eval.json")) as f:
                r = json.load(f)
            self.assertEqual(len(r["speakers"]), 18)
            self.assertGreater(r["target_trials"], 100)
            self.assertLess(r["eer"], 0.5)  # 40 steps already beat chance
            self.assertAlmostEqual(r["engine_eer"], r["eer"], delta=0.02)
            p = subprocess.run([MYNA, "--speaker-embedding", "--speaker-encoder", out,
                                os.path.join(work, "wav", "vctk_p228", "clip.wav")],
                               capture_output=True, text=True)
            self.assertEqual(p.returncode, 0, p.stderr)
            self.assertEqual(len(p.stdout.split("\t")[1].split()), 128)
            log2, second = self.run_recipe(work, out)
            # training resumed at its end and took no step; nothing was rendered again
            self.assertIn("resumed at step 40", log2)
            self.assertNotIn("step 40/40", log2)
            print(f"first run {first:.0f} s, second {second:.0f} s")


if __name__ == "__main__":
    unittest.main(verbosity=2)
