#!/usr/bin/python3
"""Regenerates tests/models/fixtures/: tiny random voices and the PyTorch outputs the C parity
tests compare against. Deterministic; run from anywhere:

    /usr/bin/python3 training/make_fixtures.py [OUTDIR]

Files and tensor names are described in tests/models/fixtures/README.md.
"""
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from myna.config import AcousticConfig, AudioConfig, VocoderConfig, VoiceConfig  # noqa: E402
from myna.excitation import excitation  # noqa: E402
from myna.export import export_speaker_encoder, export_voice  # noqa: E402
from myna.models import AcousticModel, Vocoder  # noqa: E402
from myna.speaker import SpeakerEncoder, SpeakerEncoderConfig, prepare  # noqa: E402
from myna.voicefile import VoiceWriter  # noqa: E402

SYMBOLS = ["_", "^", "$", "#", ",", ".", "a", "b", "k", "i", "u", "ˈ"]
# Input of every run: BOS, phonemes, a word break, EOS (ids into SYMBOLS).
IDS = [1, 7, 6, 11, 8, 3, 9, 10, 4, 6, 5, 2]
# Target durations for the teacher-forced run; includes zeros (empty runs) on purpose.
TARGET_FRAMES = [2, 3, 1, 0, 4, 1, 3, 2, 0, 5, 2, 3]
DUR_SCALE = 1.25     # used by the predicted-duration run
PITCH = 2.0          # semitones, predicted-duration run
# Vocoder F0 track per frame: unvoiced, low, rising, and high enough (1500 Hz at 8 kHz) that
# the 3rd harmonic passes Nyquist and must be dropped.
# One value per frame of the teacher-forced run (sum of TARGET_FRAMES).
VOC_F0 = [0, 0, 110, 120, 130, 140, 0, 200, 250, 1500, 1500, 900, 0, 0, 180, 175, 170, 165,
          160, 0, 0, 300, 310, 320, 0, 0]


def tiny_config(spk_dim, n_speakers, envelope_passes):
    return VoiceConfig(
        audio=AudioConfig(sample_rate=8000, n_fft=64, hop=8, win=64, n_mels=10, fmin=0.0,
                          fmax=4000.0, log_floor=1e-5),
        acoustic=AcousticConfig(n_symbols=len(SYMBOLS), n_speakers=n_speakers, emb_dim=8,
                                enc_conv_layers=2, enc_conv_kernel=5, enc_channels=8,
                                enc_lstm_hidden=6, spk_dim=spk_dim, dur_channels=8, dur_kernel=3,
                                dec_lstm_hidden=6, dec_lstm_layers=2, postnet_layers=2,
                                postnet_kernel=5, postnet_channels=8, dropout=0.0,
                                f0_mean=float(np.log(180.0)), f0_std=0.3),
        vocoder=VocoderConfig(n_bands=2, residual_channels=8, skip_channels=8, cond_channels=6,
                              kernel=3, dilations=[1, 2, 4], input_kernel=5, pqmf_taps=13,
                              n_harmonics=3, sine_amp=0.1, noise_std=0.003, seed=1234,
                              envelope_passes=envelope_passes,
                              # low enough that the 900 and 1500 Hz frames stop early
                              voicing_cutoff_hz=100.0 if envelope_passes else 0.0,
                              voicing_order=3))


def randomise_norms(model, gen):
    """Non-trivial batch-norm statistics so the exporter's folding is exercised."""
    for m in model.modules():
        if isinstance(m, torch.nn.BatchNorm1d):
            n = m.num_features
            m.running_mean.copy_(torch.randn(n, generator=gen) * 0.3)
            m.running_var.copy_(torch.rand(n, generator=gen) + 0.5)
            m.weight.data.copy_(1.0 + 0.3 * torch.randn(n, generator=gen))
            m.bias.data.copy_(0.2 * torch.randn(n, generator=gen))


def durations_are_safe(model, ids, speaker, dur_scale):
    """True when no predicted duration sits within 0.02 of a rounding boundary, so float
    differences between PyTorch and C cannot change a frame count."""
    with torch.no_grad():
        _, log_dur = model.encode(ids[None], torch.tensor([len(ids)]), torch.tensor([speaker]))
    x = (torch.exp(log_dur[0]) - 1.0) * dur_scale
    frac = (x - torch.floor(x)).numpy()
    return bool(np.all(np.abs(frac - 0.5) > 0.02))


def build(seed, spk_dim, n_speakers, speaker, envelope_passes):
    cfg = tiny_config(spk_dim, n_speakers, envelope_passes)
    gen = torch.Generator().manual_seed(seed)
    torch.manual_seed(seed)
    ac = AcousticModel(cfg.acoustic, cfg.audio.n_mels)
    voc = Vocoder(cfg.vocoder, cfg.audio)
    randomise_norms(ac, gen)
    with torch.no_grad():
        # a trained correction is not zero: neither may the fixture's be (models.py zeroes it)
        voc.post2.weight.copy_(0.3 * torch.randn(voc.post2.weight.shape, generator=gen))
        voc.post2.bias.copy_(0.05 * torch.randn(voc.post2.bias.shape, generator=gen))
    ids = torch.tensor(IDS)
    with torch.no_grad():
        # Rescale the duration output so ln(1 + frames) spreads around ln(3.5) (about 1..5
        # frames), nudged until no duration sits on a rounding boundary.
        _, l = ac.encode(ids[None], torch.tensor([len(IDS)]), torch.tensor([speaker]))
        gain = 0.45 / float(l.std())
        centre = gain * (float(l.mean()) - float(ac.dur_out.bias))
        ac.dur_out.weight.mul_(gain)
        offset = 0.0
        while True:
            ac.dur_out.bias.fill_(1.25 + offset - centre)
            if durations_are_safe(ac, ids, speaker, DUR_SCALE):
                break
            offset += 0.01
        # voicing logit centred so that about two thirds of the frames are voiced
        tf = ac(ids, frames=torch.tensor(TARGET_FRAMES), speaker=speaker)
        ac.dec_out.bias[-1] -= float(torch.quantile(tf["vuv"], 1.0 / 3.0))
    ac.eval()
    voc.eval()
    return cfg, ac, voc


def run_io(cfg, ac, voc, speaker):
    ids = torch.tensor(IDS)
    frames = torch.tensor(TARGET_FRAMES)
    with torch.no_grad():
        tf = ac(ids, frames=frames, speaker=speaker)
        pred = ac(ids, speaker=speaker, dur_scale=DUR_SCALE, pitch=PITCH)
        h, _ = ac.encode(ids[None], torch.tensor([len(IDS)]), torch.tensor([speaker]))
        mel = tf["mel"]
        assert len(mel) == len(VOC_F0)
        a = cfg.audio
        v = cfg.vocoder
        exc = excitation(np.array(VOC_F0, dtype=np.float64), a.hop, a.sample_rate,
                         v.n_harmonics, v.sine_amp, v.noise_std, v.seed,
                         flat=v.envelope_passes > 0, cutoff_hz=v.voicing_cutoff_hz,
                         order=v.voicing_order)
        exc_t = torch.from_numpy(exc)
        source = torch.from_numpy(voc.source(mel.numpy(), exc))
        bands = voc.bands(mel[None], source[None])[0].transpose(0, 1)
        audio = voc(mel, exc_t)
    f32 = lambda t: np.asarray(t, dtype=np.float32)  # noqa: E731
    w = VoiceWriter()
    w.add_i64("io.speaker", speaker)
    w.add_f64("io.dur_scale", DUR_SCALE)
    w.add_f64("io.pitch", PITCH)
    w.add_tensor_f32("io.ids", f32(IDS))
    w.add_tensor_f32("io.frames", f32(TARGET_FRAMES))
    w.add_tensor_f32("io.enc", f32(h[0]))
    w.add_tensor_f32("io.log_dur", f32(tf["log_dur"]))
    for key in ("mel0", "mel", "lf0", "vuv", "f0"):
        w.add_tensor_f32(f"io.tf.{key}", f32(tf[key]))
    w.add_tensor_f32("io.pred.frames", f32(pred["frames"]))
    for key in ("mel", "f0"):
        w.add_tensor_f32(f"io.pred.{key}", f32(pred[key]))
    w.add_tensor_f32("io.voc.mel", f32(mel))
    w.add_tensor_f32("io.voc.f0", f32(VOC_F0))
    w.add_tensor_f32("io.voc.excitation", exc)
    w.add_tensor_f32("io.voc.source", f32(source))
    w.add_tensor_f32("io.voc.bands", f32(bands))
    w.add_tensor_f32("io.voc.audio", f32(audio))
    summary = dict(tf_frames=int(tf["n_frames"]), pred_frames=pred["frames"].tolist(),
                   voiced=float((tf["vuv"] > 0).float().mean()))
    return w, summary


def speaker_encoder_fixtures(out):
    """tiny_spkenc_{f32,int8}.myna and tiny_spkenc_io.myna: a random speaker encoder and its
    PyTorch embedding of a log-mel with silent frames (dropped) and several partials."""
    torch.manual_seed(11)
    cfg = SpeakerEncoderConfig(n_mels=10, conv_channels=8, conv_kernel=3, n_conv=2,
                               lstm_hidden=6, n_lstm=2, dim=5, partial=16, partial_hop=8,
                               min_frames=10, drop_nats=3.5)
    model = SpeakerEncoder(cfg).eval()
    audio = tiny_config(0, 1, 0).audio
    for int8 in (False, True):
        export_speaker_encoder(os.path.join(out, f"tiny_spkenc_{'int8' if int8 else 'f32'}.myna"),
                               model, audio, int8=int8, card="random weights for parity tests")
    rng = np.random.default_rng(5)
    mel = rng.normal(-3.0, 1.0, (45, cfg.n_mels)).astype(np.float32)
    mel[5:10] = -11.0  # silence: below the threshold, left out
    w = VoiceWriter()
    w.add_tensor_f32("io.mel", mel)
    w.add_i64("io.speech_frames", len(prepare(mel, cfg)))
    w.add_tensor_f32("io.embedding", model.embed(mel).astype(np.float32))
    w.write(os.path.join(out, "tiny_spkenc_io.myna"))


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "tests", "models",
                                                             "fixtures")
    os.makedirs(out, exist_ok=True)
    torch.set_num_threads(1)
    # tiny: envelope-shaped source (current voices); tiny_spk: plain NSF sines (older voices)
    variants = [("tiny", 1, 0, 1, 0, 2), ("tiny_spk", 2, 4, 2, 1, 0)]
    for name, seed, spk_dim, n_speakers, speaker, passes in variants:
        cfg, ac, voc = build(seed, spk_dim, n_speakers, speaker, passes)
        speakers = [f"speaker{i}" for i in range(n_speakers)]
        for int8 in (False, True):
            path = os.path.join(out, f"{name}_{'int8' if int8 else 'f32'}.myna")
            export_voice(path, cfg, ac, voc, SYMBOLS, speakers, int8=int8, name=name,
                         language="en-us", license="CC0-1.0",
                         description="random weights for parity tests")
        w, summary = run_io(cfg, ac, voc, speaker)
        w.write(os.path.join(out, f"{name}_io.myna"))
        print(name, summary)
    speaker_encoder_fixtures(out)


if __name__ == "__main__":
    main()
