#!/usr/bin/python3
"""Tests of training/myna: features, excitation, PQMF, export and the parity fixtures.

Run: /usr/bin/python3 tests/training/test_training.py  (ctest: training_python).
Exits 77 (ctest "skipped") where torch/numpy are missing.
"""
import os
import sys
import tempfile
import unittest

try:
    import numpy as np
    import torch
except ImportError:
    print("torch/numpy not available: skipped")
    sys.exit(77)

ROOT = os.environ.get("MYNA_SOURCE_DIR",
                      os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "training"))
FIXTURES = os.path.join(ROOT, "tests", "models", "fixtures")

import make_fixtures  # noqa: E402
from myna import audio, excitation, pqmf, reference  # noqa: E402
from myna.export import export_voice  # noqa: E402
from myna.voicefile import read_voice  # noqa: E402

torch.set_num_threads(1)


class MelTest(unittest.TestCase):
    def test_sine_lands_in_its_mel_band(self):
        sr, f = 22050, 2000.0
        mel = audio.MelSpec(sr=sr)
        x = np.sin(2 * np.pi * f * np.arange(sr) / sr).astype(np.float32)
        lm = mel.numpy(x)
        self.assertEqual(lm.shape, (sr // 256 + 1, 80))
        band = int(np.argmax(lm[5:-5].mean(axis=0)))
        # centre frequencies of the filters; the sine must sit in the loudest one's support
        edges = audio.mel_to_hz(np.linspace(0, audio.hz_to_mel(8000.0), 82))
        self.assertLess(edges[band], f)
        self.assertGreater(edges[band + 2], f)
        self.assertLess(abs(edges[band + 1] - f), edges[band + 2] - edges[band])

    def test_numpy_and_torch_agree(self):
        mel = audio.MelSpec()
        x = np.random.RandomState(0).randn(8000).astype(np.float32) * 0.1
        a = mel.numpy(x)
        b = mel.torch(torch.from_numpy(x)).numpy()
        self.assertEqual(a.shape, b.shape)
        self.assertLess(np.abs(a - b).max(), 1e-4)

    def test_filterbank_slaney_area_norm(self):
        fb = audio.mel_filterbank(22050, 1024, 80, 0.0, 8000.0)
        self.assertEqual(fb.shape, (80, 513))
        self.assertTrue(np.all(fb >= 0))
        # Slaney: the linear part is 200/3 Hz per mel, 1000 Hz is mel 15
        self.assertAlmostEqual(float(audio.hz_to_mel(1000.0)), 15.0)
        self.assertAlmostEqual(float(audio.mel_to_hz(audio.hz_to_mel(3456.0))), 3456.0, 6)
        # triangle peak height 2 / (f_hi - f_lo) (the "slaney" area normalisation)
        edges = audio.mel_to_hz(np.linspace(0, audio.hz_to_mel(8000.0), 82))
        peak = 2.0 / (edges[2:] - edges[:-2])
        self.assertTrue(np.all(fb.max(axis=1) <= peak * (1 + 1e-5)))
        self.assertTrue(np.all(fb[20:].max(axis=1) > 0.45 * peak[20:]))


class F0Test(unittest.TestCase):
    def test_150hz_tone(self):
        sr = 22050
        t = np.arange(sr) / sr
        x = 0.5 * np.sin(2 * np.pi * 150 * t) + 0.2 * np.sin(2 * np.pi * 300 * t + 1.0)
        f0, voiced = audio.estimate_f0(x, sr, 256)
        self.assertEqual(len(f0), sr // 256 + 1)
        self.assertGreater(voiced[3:-3].mean(), 0.95)
        self.assertLess(np.abs(f0[3:-3] - 150.0).max(), 1.5)

    def test_silence_and_noise_unvoiced(self):
        sr = 22050
        x = np.concatenate([np.zeros(sr // 2), 0.3 * np.random.RandomState(1).randn(sr // 2)])
        f0, voiced = audio.estimate_f0(x, sr, 256)
        self.assertLess(voiced.mean(), 0.1)
        self.assertTrue(np.all(f0[~voiced] == 0))


class ExcitationTest(unittest.TestCase):
    def test_splitmix64_reference_value(self):
        # first output of SplitMix64 seeded with 0
        self.assertEqual(int(excitation.splitmix64(0)), 0xE220A8397B1DCDAF)

    def test_noise_is_counter_based(self):
        a = excitation.noise(1234, 0, 1000)
        b = excitation.noise(1234, 500, 500)
        np.testing.assert_array_equal(a[500:], b)
        z = excitation.noise(1234, 0, 200000)
        self.assertLess(abs(z.mean()), 0.01)
        self.assertLess(abs(z.std() - 1.0), 0.01)
        self.assertFalse(np.array_equal(a, excitation.noise(1235, 0, 1000)))

    def test_deterministic_and_harmonics_below_nyquist(self):
        f0 = [0, 100, 1500, 3000]
        args = (8, 8000, 3, 0.1, 0.0, 7)
        e1 = excitation.excitation(f0, *args)
        np.testing.assert_array_equal(e1, excitation.excitation(f0, *args))
        self.assertEqual(e1.dtype, np.float32)
        phi, _ = excitation.phase(f0, 8, 8000)
        # frame 2 (1500 Hz): harmonics 1, 2 only; frame 3 (3000 Hz): harmonic 1 only
        two = np.sin(phi[16:24]) + np.sin(2 * phi[16:24])
        np.testing.assert_allclose(e1[16:24], 0.1 / 3 * two, atol=1e-7)
        np.testing.assert_allclose(e1[24:32], 0.1 / 3 * np.sin(phi[24:32]), atol=1e-7)
        # unvoiced frame with noise_std 0 is still noise: sine_amp / 3 * z
        np.testing.assert_allclose(e1[:8], 0.1 / 3 * excitation.noise(7, 0, 8), atol=1e-7)

    def test_voicing_cutoff_weights_and_stop(self):
        # flat source at 16 kHz; cutoff 600 Hz, order 4: harmonic h of f0 weighted
        # 1 / (1 + (h f0 / 600)^4), none above 600 * 1e4^(1/4) = 6 kHz (below Nyquist)
        f0 = [200.0] * 8 + [0.0] + [450.0] * 8
        args = (100, 16000, 200, 0.1, 0.0, 7)
        e = excitation.excitation(f0, *args, flat=True, cutoff_hz=600.0, order=4)
        phi, _ = excitation.phase(f0, 100, 16000)
        f0s = np.repeat(f0, 100)
        want = np.zeros(len(phi))
        for h in range(1, 200):
            fh = h * f0s
            keep = (fh < 8000) & (fh <= 6000 * (1 + 1e-12)) & (f0s > 0)
            want += np.where(keep, np.sin(h * phi) / (1 + (fh / 600.0) ** 4), 0.0)
        want *= 0.1 * np.sqrt(2 * f0s / 16000)
        voiced = f0s > 0
        np.testing.assert_allclose(e[voiced], want[voiced], atol=1e-6)
        # no cutoff: the weights are exactly 1, so the source is the one older voices had
        flat = excitation.excitation(f0, *args, flat=True)
        self.assertGreater(np.abs(flat - e).max(), 0.01)
        w, _ = excitation.voicing_weights([100.0, 600.0], 0.0, 4)
        np.testing.assert_array_equal(w, [1.0, 1.0])

    def test_phase_carries_across_calls(self):
        f0 = np.linspace(80, 300, 20)
        whole, _ = excitation.phase(f0, 16, 16000)
        a, last = excitation.phase(f0[:7], 16, 16000)
        b, _ = excitation.phase(f0[7:], 16, 16000, last)
        np.testing.assert_array_equal(whole, np.concatenate([a, b]))


class PqmfTest(unittest.TestCase):
    def test_reconstruction(self):
        for bands, taps, bound in ((4, 63, 55.0), (2, 13, 35.0)):
            h, g, w, snr = pqmf.design(bands, taps)
            print(f"PQMF B={bands} N={taps}: Kq={w.shape[2]}, reconstruction SNR {snr:.1f} dB")
            self.assertGreater(snr, bound)
        self.assertEqual(pqmf.synthesis_kernel_size(4, 63), 17)

    def test_torch_matches_numpy(self):
        p = pqmf.PQMF(4, 63)
        h, g, w, _ = pqmf.design(4, 63)
        x = np.random.RandomState(2).randn(1024)
        b_np = pqmf.analysis(x, h)
        b_t = p.analysis(torch.tensor(x[None], dtype=torch.float32))[0].T.numpy()
        self.assertLess(np.abs(b_np - b_t).max(), 1e-4)
        y_np = pqmf.synthesis(b_np, w)
        y_t = p.synthesis(torch.tensor(b_np.T[None], dtype=torch.float32))[0].numpy()
        self.assertLess(np.abs(y_np - y_t).max(), 1e-4)


class ExportTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.cfg, cls.ac, cls.voc = make_fixtures.build(5, 4, 2, 1, 2)
        cls.path = os.path.join(cls.tmp.name, "t.myna")
        export_voice(cls.path, cls.cfg, cls.ac, cls.voc, make_fixtures.SYMBOLS, ["a", "b"],
                     int8=False, name="t")

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_round_trip_metadata_and_layout(self):
        meta, t = read_voice(self.path)
        for key in ("general.name", "general.language", "general.license", "general.model_card",
                    "general.description", "audio.sample_rate", "mel.n_fft", "mel.hop",
                    "mel.win", "mel.n_mels", "mel.fmin", "mel.fmax", "mel.log_floor",
                    "phonemes.symbols", "speakers.names", "acoustic.n_symbols",
                    "acoustic.f0_mean", "acoustic.f0_std", "vocoder.dilations",
                    "vocoder.pqmf_kernel", "vocoder.seed"):
            self.assertIn(key, meta)
        self.assertEqual(meta["phonemes.symbols"], make_fixtures.SYMBOLS)
        self.assertEqual(meta["vocoder.dilations"], [1, 2, 4])
        self.assertEqual(meta["vocoder.pqmf_kernel"], 7)
        self.assertEqual(t["mel.filterbank"].shape, (10, 33))
        # conv layout [O][K][I] is PyTorch's [O][I][K] transposed
        w = self.voc.layer_convs[1].weight.detach().numpy()
        np.testing.assert_array_equal(t["voc.layer1.conv.weight"], w.transpose(0, 2, 1))
        lstm = self.ac.enc_lstm
        np.testing.assert_allclose(t["ac.enc.lstm.bwd.bias"],
                                   (lstm.bias_ih_l0_reverse + lstm.bias_hh_l0_reverse).detach(),
                                   rtol=1e-6)
        self.assertEqual(t["ac.dec.lstm1.fwd.w_hh"].shape, (24, 1, 6))

    def test_int8_layers(self):
        path = os.path.join(self.tmp.name, "q.myna")
        export_voice(path, self.cfg, self.ac, self.voc, make_fixtures.SYMBOLS, ["a", "b"],
                     int8=True)
        _, t = read_voice(path)
        for name in ("ac.enc.conv0.weight", "ac.enc.lstm.fwd.w_ih", "ac.dur.conv1.weight",
                     "ac.dec.lstm0.bwd.w_hh", "ac.post.conv1.weight", "voc.layer2.out.weight",
                     "voc.post1.weight", "voc.cond_proj.weight"):
            self.assertEqual(t[name].dtype, np.int8, name)
        for name in ("ac.dec.out.weight", "ac.dur.out.weight", "voc.input.weight",
                     "voc.cond.weight", "voc.post2.weight", "voc.pqmf.weight"):
            self.assertEqual(t[name].dtype, np.float32, name)
        _, t32 = read_voice(self.path)
        # (weight tensor, its scale): conv/linear X.weight + X.scale, LSTM X.w_ih + X.w_ih.scale
        for wname, sname in (("ac.enc.conv1.weight", "ac.enc.conv1.scale"),
                             ("voc.layer0.conv.weight", "voc.layer0.conv.scale"),
                             ("ac.dec.lstm1.fwd.w_ih", "ac.dec.lstm1.fwd.w_ih.scale")):
            ref = t32[wname]
            deq = t[wname].astype(np.float32) * t[sname][:, None, None]
            step = np.abs(ref).max(axis=(1, 2)) / 127
            self.assertTrue(np.all(np.abs(deq - ref) <= step[:, None, None] * 0.5 + 1e-7), wname)

    def test_numpy_reference_matches_torch(self):
        """The exported file, run by an independent numpy implementation of docs/models.md,
        reproduces the PyTorch outputs (checks layouts, batch-norm folding, names)."""
        v = reference.Voice(self.path)
        ids = torch.tensor(make_fixtures.IDS)
        frames = torch.tensor(make_fixtures.TARGET_FRAMES)
        with torch.no_grad():
            tf = self.ac(ids, frames=frames, speaker=1)
            pred = self.ac(ids, speaker=1, dur_scale=1.25, pitch=2.0)
        r = reference.acoustic(v, make_fixtures.IDS, 1, frames=make_fixtures.TARGET_FRAMES)
        for key in ("mel0", "mel", "lf0", "vuv", "f0", "log_dur"):
            np.testing.assert_allclose(r[key], tf[key].numpy(), atol=1e-4, rtol=1e-4, err_msg=key)
        r = reference.acoustic(v, make_fixtures.IDS, 1, dur_scale=1.25, pitch=2.0)
        np.testing.assert_array_equal(r["frames"], pred["frames"].numpy())
        np.testing.assert_allclose(r["mel"], pred["mel"].numpy(), atol=1e-4)

        f0 = np.array(make_fixtures.VOC_F0, dtype=np.float64)
        exc = reference.vocoder_excitation(v, f0)
        mel = tf["mel"].numpy()
        with torch.no_grad():
            y = self.voc(torch.from_numpy(mel), torch.from_numpy(exc)).numpy()
        ry, _ = reference.vocoder(v, mel, exc)
        self.assertEqual(len(y), len(f0) * 8)
        np.testing.assert_allclose(ry, y, atol=1e-5)


class BatchTest(unittest.TestCase):
    def test_padded_batch_equals_single_items(self):
        """Training runs padded batches; every item must come out as if it ran alone (what the
        C engine computes), in particular the backward LSTM must start at the item's own end."""
        from myna.config import VoiceConfig
        from myna.models import AcousticModel
        torch.manual_seed(3)
        cfg = VoiceConfig()
        a = cfg.acoustic
        a.n_symbols, a.emb_dim, a.enc_channels, a.enc_lstm_hidden = 12, 8, 8, 6
        a.dur_channels, a.dec_lstm_hidden, a.postnet_channels, a.dropout = 8, 6, 8, 0.0
        model = AcousticModel(a, 10).eval()
        seqs = [[1, 4, 5, 2, 7, 3], [2, 9, 3]]
        frames = [[1, 2, 0, 3, 1, 2], [2, 1, 3]]
        ids = torch.zeros(2, 6, dtype=torch.long)
        fr = torch.zeros(2, 6, dtype=torch.long)
        for b, (s_, f_) in enumerate(zip(seqs, frames)):
            ids[b, :len(s_)] = torch.tensor(s_)
            fr[b, :len(f_)] = torch.tensor(f_)
        with torch.no_grad():
            batch = model(ids, n_ids=torch.tensor([6, 3]), frames=fr)
            for b, (s_, f_) in enumerate(zip(seqs, frames)):
                one = model(torch.tensor(s_), frames=torch.tensor(f_))
                n = int(batch["n_frames"][b])
                self.assertEqual(n, sum(f_))
                np.testing.assert_allclose(batch["mel"][b, :n].numpy(), one["mel"].numpy(),
                                           atol=1e-5)
                np.testing.assert_allclose(batch["log_dur"][b, :len(s_)].numpy(),
                                           one["log_dur"].numpy(), atol=1e-5)


class TrainerTest(unittest.TestCase):
    """The acoustic training loop's held-out loss and the recipe's held-out split."""

    @staticmethod
    def toy_data(n, cfg, rng):
        data = {"ids": [], "frames": [], "mel": [], "f0": []}
        for _ in range(n):
            k = int(rng.integers(3, 7))
            frames = rng.integers(1, 4, k)
            f = int(frames.sum())
            data["ids"].append(rng.integers(0, cfg.acoustic.n_symbols, k).astype(np.int64))
            data["frames"].append(frames.astype(np.int64))
            data["mel"].append(np.cumsum(rng.normal(0, 0.3, (f, cfg.audio.n_mels)), 0)
                               .astype(np.float32) - 4.0)
            data["f0"].append(np.where(rng.random(f) < 0.7, rng.uniform(150, 220, f), 0.0)
                              .astype(np.float32))
        return data

    def test_held_out_loss_logged_kept_and_side_effect_free(self):
        from myna.models import AcousticModel
        from myna.trainer import acoustic_validation, train_acoustic
        cfg = make_fixtures.tiny_config(0, 1, 0)
        rng = np.random.default_rng(5)
        data = self.toy_data(12, cfg, rng)
        torch.manual_seed(0)
        model = AcousticModel(cfg.acoustic, cfg.audio.n_mels).train()
        before = {k: v.clone() for k, v in model.state_dict().items()}
        total, parts = acoustic_validation(model, cfg, data, batch=5)
        self.assertTrue(model.training)  # mode restored
        for k, v in model.state_dict().items():  # no update, no running-statistics change
            self.assertTrue(torch.equal(v, before[k]), k)
        self.assertEqual(set(parts), {"mel0", "mel", "lf0", "vuv", "dur"})
        self.assertAlmostEqual(total, sum(parts.values()), places=5)
        # batching only regroups the utterances: one batch or several give similar means
        total_one, _ = acoustic_validation(model, cfg, data, batch=12)
        self.assertLess(abs(total - total_one) / total, 0.2)
        with tempfile.TemporaryDirectory() as tmp:
            ckpt, lines = os.path.join(tmp, "a.pt"), []
            train_acoustic(cfg, data, ckpt, steps=30, batch=4, lr=1e-2, log=lines.append,
                           every=10, val=data, val_every=15)
            val = torch.load(ckpt)["val"]
            self.assertEqual([s for s, _ in val], [15, 30])
            self.assertEqual(sum("held-out loss" in line for line in lines), 2)
            # learning the very utterances it is scored on: the held-out loss must fall
            self.assertLess(sum(val[-1][1].values()), total)
            train_acoustic(cfg, data, ckpt, steps=35, batch=4, log=lines.append, every=10,
                           val=data, val_every=15)  # resumed: history continues
            self.assertEqual([s for s, _ in torch.load(ckpt)["val"]], [15, 30, 35])

    def test_held_out_split_is_stable_as_the_corpus_grows(self):
        import train_voice
        ids = ["LJ%03d-%04d" % (c, k) for c in range(1, 40) for k in range(1, 60)]
        data = {"ids": list(range(len(ids))), "mel": list(ids)}
        train, held = train_voice.split_held_out(ids, data, 50)
        self.assertEqual(len(train["ids"]) + len(held["ids"]), len(ids))
        self.assertTrue(10 < len(held["ids"]) < 90)  # about 1 in 50 of 2,301
        self.assertEqual(train["mel"], [ids[i] for i in train["ids"]])  # fields stay paired
        small = ids[:700]
        _, held_small = train_voice.split_held_out(small, {"mel": small}, 50)
        self.assertEqual(held_small["mel"], [i for i in held["mel"] if i in set(small)])
        train0, held0 = train_voice.split_held_out(ids, data, 0)
        self.assertIsNone(held0)
        self.assertEqual(train0["mel"], ids)


class RemoteTest(unittest.TestCase):
    """Training data and checkpoints as they travel to and from another machine."""

    def test_pack_round_trip_across_shards(self):
        from myna import remote
        cfg = make_fixtures.tiny_config(0, 1, 0)
        rng = np.random.default_rng(9)
        data = TrainerTest.toy_data(9, cfg, rng)
        data["mel"][0][:] = np.log(1e-5)  # the floor (silence) and a peak must survive
        data["mel"][1][0, 0] = 1.1
        ids = ["LJ%03d-0001" % k for k in range(9)]
        with tempfile.TemporaryDirectory() as tmp:
            # about 300 mel values a shard: several shards of a few utterances
            paths = remote.write_pack(tmp, ids, data, shard_mb=0.0002, jobs=2,
                                      log=lambda *a: None)
            self.assertGreater(len(paths), 2)
            got_ids, got = remote.read_pack(tmp)
        self.assertEqual(got_ids, ids)
        for k in range(9):
            np.testing.assert_array_equal(got["ids"][k], data["ids"][k])
            np.testing.assert_array_equal(got["frames"][k], data["frames"][k])
            np.testing.assert_array_equal(got["f0"][k], data["f0"][k])  # F0 kept exact
            self.assertEqual(got["mel"][k].dtype, np.float32)
            # 8-bit mel: within half a quantisation step everywhere
            err = np.abs(got["mel"][k] - data["mel"][k]).max()
            self.assertLessEqual(err, (remote.MEL_HI - remote.MEL_LO) / 255 / 2 + 1e-5)
        self.assertEqual(got["audio"], [None] * 9)  # no audio packed
        with tempfile.TemporaryDirectory() as tmp:
            with self.assertRaises(FileNotFoundError):
                remote.read_pack(tmp)

    def test_audio_pack_is_exact_and_bounded(self):
        from myna import remote
        cfg = make_fixtures.tiny_config(0, 1, 0)
        data = TrainerTest.toy_data(6, cfg, np.random.default_rng(3))
        rng = np.random.default_rng(8)
        pcm = [rng.integers(-32768, 32768, 4000).astype(np.int16) for _ in range(6)]
        pcm[0][:2] = [32767, -32768]  # the largest jump wraps around in int16 differences
        data["audio"] = [x.astype(np.float32) / 32768.0 for x in pcm]
        ids = ["LJ001-%04d" % k for k in range(6)]
        with tempfile.TemporaryDirectory() as tmp:
            remote.write_pack(tmp, ids, data, log=lambda *a: None)
            # white noise hardly compresses: ~8 kB an utterance, so 0.02 MB holds 2 or 3
            n = remote.write_audio_pack(tmp, ids, data["audio"], mb=0.02, shard_mb=0.01,
                                        log=lambda *a: None)
            self.assertTrue(2 <= n <= 3, n)
            _, got = remote.read_pack(tmp)
        for k in range(6):
            if k < n:
                np.testing.assert_array_equal(got["audio"][k], data["audio"][k])
            else:
                self.assertIsNone(got["audio"][k])

    def test_portable_checkpoint_resumes_training_identically(self):
        """A checkpoint converted to numpy + JSON and back resumes exactly where the original
        would: same weights, optimiser moments, step and histories."""
        from myna import remote
        from myna.trainer import train_acoustic
        cfg = make_fixtures.tiny_config(0, 1, 0)
        data = TrainerTest.toy_data(8, cfg, np.random.default_rng(2))
        with tempfile.TemporaryDirectory() as tmp:
            a, b = os.path.join(tmp, "a.pt"), os.path.join(tmp, "b.pt")
            torch.manual_seed(0)
            train_acoustic(cfg, data, a, steps=6, batch=4, log=lambda *x: None, val=data,
                           val_every=3)
            remote.checkpoint_to_portable(a, os.path.join(tmp, "a.npz"))
            remote.portable_to_checkpoint(os.path.join(tmp, "a.npz"), b)
            ca, cb = torch.load(a), torch.load(b)
            self.assertEqual(cb["step"], 6)
            self.assertEqual([list(h) for h in ca["val"]], cb["val"])
            self.assertEqual(len(cb["history"]), 6)
            for key in ca["model"]:
                self.assertTrue(torch.equal(ca["model"][key], cb["model"][key]), key)
            for runs in (a, b):
                torch.manual_seed(1)
                train_acoustic(cfg, data, runs, steps=9, batch=4, log=lambda *x: None)
            ca, cb = torch.load(a), torch.load(b)
            for key in ca["model"]:
                np.testing.assert_allclose(ca["model"][key].numpy(), cb["model"][key].numpy(),
                                           atol=1e-6, err_msg=key)

    def test_anneal_falls_linearly_over_the_last_steps(self):
        from myna.trainer import _anneal
        self.assertEqual(_anneal(10, 100, 0), 1.0)  # off
        self.assertEqual(_anneal(50, 100, 40), 1.0)  # before the last 40 updates
        self.assertAlmostEqual(_anneal(80, 100, 40), 0.5)
        self.assertAlmostEqual(_anneal(99, 100, 40), 1 / 40)  # the last update
        self.assertEqual(_anneal(100, 100, 40), 0.0)


class FixturesTest(unittest.TestCase):
    def test_fixtures_are_current(self):
        """Regenerating gives the checked-in fixtures (within float noise), and the checked-in
        I/O file agrees with the numpy reference run on the checked-in voices."""
        with tempfile.TemporaryDirectory() as tmp:
            argv, sys.argv = sys.argv, ["make_fixtures.py", tmp]
            try:
                make_fixtures.main()
            finally:
                sys.argv = argv
            total = 0
            for name in sorted(os.listdir(tmp)):
                path = os.path.join(FIXTURES, name)
                self.assertTrue(os.path.exists(path), f"{name} missing; run make_fixtures.py")
                total += os.path.getsize(path)
                m_new, t_new = read_voice(os.path.join(tmp, name))
                m_old, t_old = read_voice(path)
                self.assertEqual(m_new, m_old, name)
                self.assertEqual(sorted(t_new), sorted(t_old), name)
                for k in t_new:
                    np.testing.assert_allclose(t_new[k].astype(np.float64),
                                               t_old[k].astype(np.float64), atol=1e-4,
                                               err_msg=f"{name}:{k}")
            self.assertLess(total, 256 * 1024)
        for base in ("tiny", "tiny_spk"):
            meta, io = read_voice(os.path.join(FIXTURES, base + "_io.myna"))
            v = reference.Voice(os.path.join(FIXTURES, base + "_f32.myna"))
            ids = io["io.ids"].astype(np.int64)
            r = reference.acoustic(v, ids, meta["io.speaker"], frames=io["io.frames"])
            np.testing.assert_allclose(r["mel"], io["io.tf.mel"], atol=1e-4)
            np.testing.assert_allclose(r["h"], io["io.enc"], atol=1e-4)
            r = reference.acoustic(v, ids, meta["io.speaker"], meta["io.dur_scale"],
                                   meta["io.pitch"])
            np.testing.assert_array_equal(r["frames"], io["io.pred.frames"])
            np.testing.assert_allclose(r["f0"], io["io.pred.f0"], rtol=1e-4)
            exc = reference.vocoder_excitation(v, io["io.voc.f0"])
            np.testing.assert_array_equal(exc, io["io.voc.excitation"])
            y, b = reference.vocoder(v, io["io.voc.mel"], exc)
            np.testing.assert_allclose(b, io["io.voc.bands"], atol=1e-5)
            np.testing.assert_allclose(y, io["io.voc.audio"], atol=1e-5)


if __name__ == "__main__":
    unittest.main(verbosity=2)
