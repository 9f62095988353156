#!/usr/bin/python3
"""The whole voice recipe at toy scale (training/train_voice.py --smoke): festival renders a
few LJ Speech sentences, the C front end gives symbols, festival's phone times give durations
(checked against the aligner's), both trainers and the exporter run, and the engine loads the
exported voice and speaks with it. A second run of the same command must resume: nothing
re-rendered, re-extracted or retrained.

Needs festival with the slt HTS voice, sox and ../shared (LJ Speech text); exits 77 (ctest
"skipped") without them. MYNA_CLI is the built myna program.
"""
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import unittest
import wave

try:
    import numpy as np
except ImportError:
    print("numpy not available: skipped")
    sys.exit(77)

ROOT = os.environ.get("MYNA_SOURCE_DIR",
                      os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
SHARED = os.environ.get("MYNA_SHARED_DIR", os.path.join(ROOT, "..", "shared"))
MYNA = os.environ.get("MYNA_CLI", os.path.join(ROOT, "build", "app", "cli", "myna"))
RECIPE = os.path.join(ROOT, "training", "train_voice.py")


def missing():
    if not shutil.which("text2wave") or not shutil.which("sox"):
        return "festival (text2wave) or sox not installed"
    if not os.path.exists("/usr/share/festival/voices/us/cmu_us_slt_arctic_hts"):
        return "festvox-us-slt-hts not installed"
    if not os.path.exists(os.path.join(SHARED, "data/text/ljspeech_metadata.csv")):
        return "no LJ Speech text at %s" % SHARED
    if not os.access(MYNA, os.X_OK):
        return "no myna program at %s" % MYNA
    return None


class RecipeSmoke(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="myna-recipe-")
        cls.voice = os.path.join(cls.tmp, "smoke.myna")
        cls.cmd = [sys.executable, RECIPE, "--smoke", "--myna", MYNA, "--out", cls.voice,
                   "--shared", SHARED, "--corpus", os.path.join(cls.tmp, "corpus"),
                   "--work", os.path.join(cls.tmp, "work"), "--jobs", "2"]
        t0 = time.time()
        cls.first = subprocess.run(cls.cmd, capture_output=True, text=True)
        cls.first_s = time.time() - t0

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_1_recipe_runs_and_exports(self):
        self.assertEqual(self.first.returncode, 0, self.first.stdout[-3000:] +
                         self.first.stderr[-3000:])
        print("recipe smoke: %.0f s" % self.first_s)
        self.assertTrue(os.path.getsize(self.voice) > 10000)
        info = subprocess.run([MYNA, "--voice-info", self.voice], capture_output=True, text=True)
        self.assertEqual(info.returncode, 0, info.stderr)
        self.assertIn("en_US-myna", info.stdout)
        card = open(os.path.splitext(self.voice)[0] + ".md").read()
        self.assertIn("30 steps", card)  # the smoke's step count reached the model card
        self.assertRegex(card, r"Runs: steps 0-30, batch 4, \d+ utterances, cpu")  # one run

    def test_2_durations_are_sane(self):
        """The default durations are festival's own phone times on Myna's symbols; the
        aligner (--durations aligner) times the same audio, and the two agree closely."""
        work = os.path.join(self.tmp, "work")
        report = json.load(open(os.path.join(work, "durations_teacher.json")))
        self.assertEqual(report["method"], "teacher")
        self.assertEqual(report["zero_share"]["phoneme"], 0.0)
        self.assertEqual(report["zero_share"]["edge"], 0.0)
        self.assertEqual(report["aligner_fallbacks"], 0)
        self.assertLess(report["match_cost_per_phoneme"], 0.3)
        p = subprocess.run(self.cmd + ["--stage", "align", "--durations", "aligner"],
                           capture_output=True, text=True)
        self.assertEqual(p.returncode, 0, p.stdout[-3000:] + p.stderr[-3000:])
        aligned = json.load(open(os.path.join(work, "align.json")))
        self.assertEqual(aligned["zero_share"]["phoneme"], 0.0)
        self.assertGreater(aligned["log_likelihood"][-1], aligned["log_likelihood"][0])
        teacher = np.load(os.path.join(work, "durations_teacher.npz"), allow_pickle=True)
        hmm = np.load(os.path.join(work, "align.npz"), allow_pickle=True)
        self.assertEqual(list(teacher["ids"]), list(hmm["ids"]))
        gaps = np.concatenate([np.abs(np.cumsum(a) - np.cumsum(b))
                               for a, b in zip(teacher["frames"], hmm["frames"])])
        self.assertEqual([sum(a) for a in teacher["frames"]], [sum(b) for b in hmm["frames"]])
        print("symbol ends, festival vs aligner: mean %.2f frames" % gaps.mean())
        self.assertLess(gaps.mean(), 3.0)
        pngs = [f for f in os.listdir(os.path.join(work, "plots")) if f.endswith(".png")]
        self.assertGreaterEqual(len([p for p in pngs if p.startswith("durations_")]), 2)
        self.assertGreaterEqual(len([p for p in pngs if p.startswith("align_")]), 2)
        for p in pngs:
            with open(os.path.join(work, "plots", p), "rb") as f:
                self.assertEqual(f.read(8), b"\x89PNG\r\n\x1a\n", p)

    def test_3_engine_speaks_with_the_voice(self):
        wav = os.path.join(self.tmp, "hello.wav")
        p = subprocess.run([MYNA, "-v", self.voice, "--backend", "cpu", "-q", "-o", wav,
                            "The quick brown fox jumps over the lazy dog."],
                           capture_output=True, text=True)
        self.assertEqual(p.returncode, 0, p.stderr)
        with wave.open(wav) as w:
            n, sr = w.getnframes(), w.getframerate()
            pcm = struct.unpack("<%dh" % n, w.readframes(n))
        seconds = n / sr
        # 9 words: a sane duration from the trained duration predictor, not 0 and not minutes
        self.assertGreater(seconds, 0.5)
        self.assertLess(seconds, 20.0)
        rms = (sum(s * s for s in pcm) / n) ** 0.5
        self.assertGreater(rms, 30.0, "silent output")  # about -60 dBFS
        clipped = sum(1 for s in pcm if abs(s) >= 32767) / n
        self.assertLess(clipped, 0.05, "mostly clipped output")

    def test_4_second_run_resumes(self):
        t0 = time.time()
        again = subprocess.run(self.cmd, capture_output=True, text=True)
        seconds = time.time() - t0
        self.assertEqual(again.returncode, 0, again.stderr[-3000:])
        out = again.stdout
        self.assertNotIn("to extract", out)         # features cached
        self.assertNotIn("teacher timings", out)    # durations cached
        self.assertNotIn("aligner iteration", out)
        self.assertNotIn("acoustic step", out)      # checkpoints already at the target
        self.assertNotIn("vocoder step", out)
        self.assertLess(seconds, self.first_s)

    def test_5_vocoder_on_predicted_mels(self):
        """--gta retrains the vocoder on the acoustic model's teacher-forced mels and records
        which acoustic checkpoint made them."""
        work = os.path.join(self.tmp, "work")
        os.rename(os.path.join(work, "vocoder.pt"), os.path.join(work, "vocoder.first.pt"))
        p = subprocess.run(self.cmd + ["--stage", "vocoder", "--gta"], capture_output=True,
                           text=True)
        self.assertEqual(p.returncode, 0, p.stdout[-3000:] + p.stderr[-3000:])
        self.assertIn("GTA mels from acoustic step 30", p.stdout)
        self.assertIn("vocoder step 30", p.stdout)
        record = json.load(open(os.path.join(work, "vocoder_gta.json")))
        self.assertEqual(record, [{"acoustic_step": 30, "vocoder_step": 0}])

    def test_6_training_elsewhere_from_a_pack(self):
        """--stage pack, then both training stages from the pack alone in another work folder
        (as on a machine with an accelerator: no corpus, features or myna there), then
        --import back and an export that the engine loads."""
        work, pack = os.path.join(self.tmp, "work"), os.path.join(self.tmp, "pack")
        p = subprocess.run(self.cmd + ["--stage", "pack", "--pack", pack, "--audio-mb", "0.2",
                                       "--shard-mb", "0.1"], capture_output=True, text=True)
        self.assertEqual(p.returncode, 0, p.stdout[-3000:] + p.stderr[-3000:])
        names = os.listdir(pack)
        for name in ("acoustic.npz", "vocoder.npz", "config.json", "symbols.json"):
            self.assertIn(name, names)
        self.assertGreater(len([n for n in names if n.startswith("shard-")]), 1)
        self.assertTrue(any(n.startswith("audio-") for n in names))
        far = os.path.join(self.tmp, "far")
        base = [sys.executable, RECIPE, "--pack", pack, "--work", far, "--threads", "1",
                "--save-every", "60"]
        p = subprocess.run(base + ["--stage", "acoustic", "--acoustic-steps", "34", "--batch",
                                   "4", "--anneal", "2"], capture_output=True, text=True)
        self.assertEqual(p.returncode, 0, p.stdout[-3000:] + p.stderr[-3000:])
        self.assertIn("acoustic step 34", p.stdout)  # resumed from the packed step 30
        p = subprocess.run(base + ["--stage", "vocoder", "--gta", "--vocoder-steps", "33",
                                   "--voc-batch", "2", "--voc-seg", "16"],
                           capture_output=True, text=True)
        self.assertEqual(p.returncode, 0, p.stdout[-3000:] + p.stderr[-3000:])
        self.assertIn("vocoder step 33", p.stdout)
        voice = os.path.join(self.tmp, "far.myna")
        cmd = list(self.cmd)
        cmd[cmd.index("--out") + 1] = voice
        p = subprocess.run(cmd + ["--stage", "export", "--import",
                                  os.path.join(far, "acoustic.npz"),
                                  os.path.join(far, "vocoder.npz")],
                           capture_output=True, text=True)
        self.assertEqual(p.returncode, 0, p.stdout[-3000:] + p.stderr[-3000:])
        self.assertIn("acoustic step 34", p.stdout)  # "imported ...: acoustic step 34"
        self.assertIn("vocoder step 33", p.stdout)
        card = open(os.path.splitext(voice)[0] + ".md").read()
        self.assertIn("34 steps", card)
        # the acoustic model's two runs: here, then from the pack with its own batch and anneal
        self.assertRegex(card, r"steps 0-30, batch 4, \d+ utterances, cpu, \d threads?, \d+ min; "
                               r"steps 30-34, batch 4, \d+ utterances, cpu, 1 thread, \d+ min, "
                               r"rate annealed to 0 over the last 2")
        wav = os.path.join(self.tmp, "far.wav")
        p = subprocess.run([MYNA, "-v", voice, "--backend", "cpu", "-q", "-o", wav, "Hello."],
                           capture_output=True, text=True)
        self.assertEqual(p.returncode, 0, p.stderr)


if __name__ == "__main__":
    why = missing()
    if why:
        print("skipped: " + why)
        sys.exit(77)
    unittest.main()
