#!/usr/bin/python3
"""The C log-mel (vocoder/logmel.c, run through tools/myna-logmel) against training's
MelSpec.numpy on the same samples, with the shipped voice's parameters and filterbank.

Run: MYNA_LOGMEL=build/tools/myna-logmel /usr/bin/python3 tests/training/test_logmel.py
(ctest: logmel_c_vs_python). Exits 77 (ctest "skipped") where numpy/torch are missing, or where
espeak-ng is missing and everything else passed (the speech comparison could not run).
"""
import os
import shutil
import subprocess
import sys
import tempfile
import unittest
import wave

try:
    import numpy as np
    import torch  # noqa: F401  (myna.audio imports it)
except ImportError:
    print("torch/numpy not available: skipped")
    sys.exit(77)

ROOT = os.environ.get("MYNA_SOURCE_DIR",
                      os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "training"))
VOICE = os.path.join(ROOT, "voices", "en_US-myna.myna")
TOOL = os.environ.get("MYNA_LOGMEL", os.path.join(ROOT, "build", "tools", "myna-logmel"))

from myna import audio  # noqa: E402
from myna.voicefile import read_voice  # noqa: E402

# Max |C - numpy| in the log domain. The C FFT is float32 (FFTW), numpy's is float64; the
# window, the float32 frame products and the float64 filterbank product and log are the same.
# Observed (FFTW 3.3.10, numpy 1.24, espeak-ng 1.51, x86-64): 1.4e-4 on speech (the largest
# errors are in quiet bands 1-2 nats above the floor, where the FFT's absolute rounding is
# relatively largest), 4.5e-6 on the sine + noise, 1.4e-6 on the short inputs. 1e-3 is ~7x the
# worst case; framing or padding errors are far larger (a frame start off by one sample gave
# 0.14 on speech, edge padding instead of reflect 0.55; see also the one-sample-shift check in
# test_speech).
TOL = 1e-3

SENTENCE = ("The quick brown fox jumps over the lazy dog, while seven wizards quietly hex "
            "the jovial banjo player.")

espeak_missing = False


def write_wav(path, samples, sr, channels=1):
    """int16 WAV from floats in [-1, 1) ([n] or [n, channels])."""
    pcm = np.clip(np.round(np.asarray(samples) * 32768.0), -32768, 32767).astype("<i2")
    with wave.open(path, "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(2)
        w.setframerate(sr)
        w.writeframes(pcm.tobytes())


def read_wav(path):
    """(samples float32 = int16 / 32768, sample rate) of a mono 16-bit WAV."""
    with wave.open(path, "rb") as w:
        assert w.getnchannels() == 1 and w.getsampwidth() == 2, path
        pcm = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2")
        return pcm.astype(np.float32) / 32768.0, w.getframerate()


class LogMelCVsPython(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.meta, tensors = read_voice(VOICE)
        cls.fb = tensors["mel.filterbank"]
        m = cls.meta
        cls.mel = audio.MelSpec(sr=m["audio.sample_rate"], n_fft=m["mel.n_fft"],
                                hop=m["mel.hop"], win=m["mel.win"], n_mels=m["mel.n_mels"],
                                fmin=m["mel.fmin"], fmax=m["mel.fmax"],
                                log_floor=m["mel.log_floor"])
        cls.sr = m["audio.sample_rate"]
        cls.tmp = tempfile.TemporaryDirectory()

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def path(self, name):
        return os.path.join(self.tmp.name, name)

    def run_tool(self, wav, voice=VOICE):
        out = wav + ".f32"
        if os.path.exists(out):
            os.remove(out)
        p = subprocess.run([TOOL, voice, wav, out], capture_output=True, text=True)
        return p, out

    def c_logmel(self, wav):
        p, out = self.run_tool(wav)
        self.assertEqual(p.returncode, 0, p.stderr)
        raw = np.fromfile(out, dtype="<f4")
        self.assertEqual(raw.size % self.mel.n_mels, 0)
        return raw.reshape(-1, self.mel.n_mels)

    def compare(self, x, wav, what):
        """C log-mel of wav vs MelSpec.numpy(x); returns (c, ref, max error)."""
        c = self.c_logmel(wav)
        ref = self.mel.numpy(x)
        self.assertEqual(ref.shape, (len(x) // self.mel.hop + 1, self.mel.n_mels))
        self.assertEqual(c.shape, ref.shape, f"{what}: frame count")
        self.assertTrue(np.all(np.isfinite(c)), what)
        err = float(np.abs(c.astype(np.float64) - ref).max())
        print(f"{what}: {len(x)} samples, {c.shape[0]} frames, max |C - numpy| = {err:.3g}")
        self.assertLessEqual(err, TOL, what)
        return c, ref, err

    def test_filterbank_is_trainings(self):
        # the C side uses the stored filterbank, numpy recomputes it: they must be the same
        self.assertEqual(self.fb.shape, self.mel.fb.shape)
        self.assertEqual(self.fb.dtype, np.float32)
        np.testing.assert_allclose(self.fb, self.mel.fb, rtol=0, atol=1e-6 * self.mel.fb.max())

    def test_speech(self):
        global espeak_missing
        espeak = shutil.which("espeak-ng")
        if not espeak:
            espeak_missing = True
            self.skipTest("espeak-ng not found")
        wav = self.path("speech.wav")
        subprocess.run([espeak, "-v", "en-us", "-w", wav, SENTENCE], check=True,
                       capture_output=True)
        x, sr = read_wav(wav)
        self.assertEqual(sr, self.sr, "espeak-ng renders at the voice's rate")
        self.assertGreater(len(x), sr)  # a few seconds of speech
        c, ref, err = self.compare(x, wav, "speech")
        # The comparison is not between two floors: most cells carry real energy, with a wide
        # dynamic range.
        floor = np.log(self.mel.log_floor)
        self.assertGreater(float(np.mean(ref > floor + 3.0)), 0.5)
        self.assertGreater(float(ref.max() - np.median(ref)), 5.0)
        # A framing error as small as one sample would be caught by far.
        shifted = self.mel.numpy(np.concatenate([x[1:], x[-1:]]))
        self.assertGreater(float(np.abs(c - shifted).max()), 20 * TOL)

    def test_sine_and_noise(self):
        n = int(0.3 * self.sr)
        t = np.arange(n) / self.sr
        rng = np.random.RandomState(3)
        x = 0.5 * np.sin(2 * np.pi * 440.0 * t) + 0.05 * rng.randn(n)
        wav = self.path("sine_noise.wav")
        write_wav(wav, x, self.sr)
        xs, _ = read_wav(wav)
        c, ref, _ = self.compare(xs, wav, "440 Hz + noise")
        # the tone dominates the band that contains it (the test is about real content)
        edges = audio.mel_to_hz(np.linspace(audio.hz_to_mel(self.mel.fmin),
                                            audio.hz_to_mel(self.mel.fmax),
                                            self.mel.n_mels + 2))
        band = int(np.argmax(c[2:-2].mean(axis=0)))
        self.assertLess(edges[band], 440.0)
        self.assertGreater(edges[band + 2], 440.0)

    def test_short_inputs(self):
        # shorter than the padding (n_fft/2): numpy reflects several times, and a single
        # sample is repeated; around one hop and one FFT length the frame count changes
        rng = np.random.RandomState(5)
        hop, n_fft = self.mel.hop, self.mel.n_fft
        for n in (1, 2, 3, 17, hop - 1, hop, hop + 1, n_fft // 2 + 1, n_fft, n_fft + 3):
            x = 0.3 * rng.randn(n)
            wav = self.path(f"short{n}.wav")
            write_wav(wav, x, self.sr)
            xs, _ = read_wav(wav)
            self.compare(xs, wav, f"short input ({n})")

    def test_rejects_unusable_input(self):
        cases = {
            "empty.wav": (np.zeros(0), self.sr, 1, "no samples"),
            "16k.wav": (np.zeros(1600), 16000, 1, "Hz"),
            "stereo.wav": (np.zeros((1000, 2)), self.sr, 2, "channels"),
        }
        for name, (x, sr, ch, message) in cases.items():
            wav = self.path(name)
            write_wav(wav, x, sr, ch)
            p, out = self.run_tool(wav)
            self.assertNotEqual(p.returncode, 0, name)
            self.assertIn(message, p.stderr, name)
            self.assertFalse(os.path.exists(out), name)
        wav = self.path("ok.wav")
        write_wav(wav, np.zeros(100), self.sr)
        p, _ = self.run_tool(wav, voice=self.path("missing.myna"))
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("missing.myna", p.stderr)
        p = subprocess.run([TOOL], capture_output=True, text=True)
        self.assertEqual(p.returncode, 2)
        self.assertIn("usage", p.stderr)


def main():
    if not os.path.isfile(TOOL) or not os.access(TOOL, os.X_OK):
        print(f"myna-logmel not found at {TOOL} (set MYNA_LOGMEL)", file=sys.stderr)
        return 1
    result = unittest.main(verbosity=2, exit=False).result
    if not result.wasSuccessful():
        return 1
    if espeak_missing:
        print("espeak-ng missing: the speech comparison was skipped")
        return 77
    return 0


if __name__ == "__main__":
    sys.exit(main())
