"""Writes trained models as a voice file (docs/voice-format.md, docs/models.md).

PyTorch conv weights [O][I][K] become [O][K][I]; batch norms are folded into the preceding
conv; each LSTM direction is stored separately with bias = b_ih + b_hh. int8 goes to the layers
docs/models.md lists, unless int8=False (all-f32 voices for parity tests).
"""
import numpy as np
import torch

from .audio import mel_filterbank
from .voicefile import VoiceWriter, quantize_rows


def _np(t):
    return t.detach().cpu().double().numpy()


def conv_oki(conv, norm=None):
    """(weight [O][K][I], bias [O]) of a Conv1d or Linear, with an eval-mode BatchNorm folded."""
    w = _np(conv.weight)
    if w.ndim == 2:  # Linear [O][I]
        w = w[:, :, None]
    b = _np(conv.bias) if conv.bias is not None else np.zeros(w.shape[0])
    if norm is not None:
        s = _np(norm.weight) / np.sqrt(_np(norm.running_var) + norm.eps)
        w = w * s[:, None, None]
        b = (b - _np(norm.running_mean)) * s + _np(norm.bias)
    return np.ascontiguousarray(w.transpose(0, 2, 1)), b


def add_lstm(vw, prefix, lstm, int8, bidirectional=True):
    """prefix.fwd (and prefix.bwd), each w_ih [4H][1][I], w_hh [4H][1][H], bias [4H]."""
    directions = (("fwd", ""), ("bwd", "_reverse")) if bidirectional else (("fwd", ""),)
    for direction, suffix in directions:
        w_ih = _np(getattr(lstm, "weight_ih_l0" + suffix))
        w_hh = _np(getattr(lstm, "weight_hh_l0" + suffix))
        bias = _np(getattr(lstm, "bias_ih_l0" + suffix)) + _np(getattr(lstm, "bias_hh_l0" + suffix))
        name = f"{prefix}.{direction}"
        add_weight(vw, name + ".w_ih", w_ih[:, None, :], int8)
        add_weight(vw, name + ".w_hh", w_hh[:, None, :], int8)
        vw.add_tensor_f32(name + ".bias", bias)


def add_weight(vw, name, w_oki, int8):
    """A bare weight (no bias of its own), int8 with name.scale or f32."""
    o, k, i = w_oki.shape
    if int8:
        q, scale = quantize_rows(w_oki.reshape(o, k * i))
        vw.add_tensor_i8(name, q, (o, k, i))
        vw.add_tensor_f32(name + ".scale", scale)
    else:
        vw.add_tensor_f32(name, w_oki)


def add_audio_meta(vw, audio):
    vw.add_i64("audio.sample_rate", audio.sample_rate)
    vw.add_i64("mel.n_fft", audio.n_fft)
    vw.add_i64("mel.hop", audio.hop)
    vw.add_i64("mel.win", audio.win)
    vw.add_i64("mel.n_mels", audio.n_mels)
    vw.add_f64("mel.fmin", audio.fmin)
    vw.add_f64("mel.fmax", audio.fmax)
    vw.add_f64("mel.log_floor", audio.log_floor)
    vw.add_tensor_f32("mel.filterbank", mel_filterbank(audio.sample_rate, audio.n_fft,
                                                       audio.n_mels, audio.fmin, audio.fmax))


def add_acoustic(vw, model, int8):
    c = model.cfg
    for key, value in (("n_symbols", c.n_symbols), ("emb_dim", c.emb_dim),
                       ("enc_conv_layers", c.enc_conv_layers),
                       ("enc_conv_kernel", c.enc_conv_kernel), ("enc_channels", c.enc_channels),
                       ("enc_lstm_hidden", c.enc_lstm_hidden), ("spk_dim", c.spk_dim),
                       ("dur_channels", c.dur_channels), ("dur_kernel", c.dur_kernel),
                       ("dec_lstm_hidden", c.dec_lstm_hidden),
                       ("dec_lstm_layers", c.dec_lstm_layers),
                       ("postnet_layers", c.postnet_layers), ("postnet_kernel", c.postnet_kernel),
                       ("postnet_channels", c.postnet_channels)):
        vw.add_i64("acoustic." + key, value)
    vw.add_f64("acoustic.f0_mean", c.f0_mean)
    vw.add_f64("acoustic.f0_std", c.f0_std)

    vw.add_tensor_f32("ac.embedding", _np(model.embedding.weight))
    for i, (conv, norm) in enumerate(zip(model.enc_convs, model.enc_norms)):
        vw.add_linear(f"ac.enc.conv{i}", *conv_oki(conv, norm), int8=int8)
    add_lstm(vw, "ac.enc.lstm", model.enc_lstm, int8)
    if c.spk_dim > 0:
        vw.add_tensor_f32("ac.speaker_embedding", _np(model.speaker_embedding.weight))
        vw.add_linear("ac.enc.spk_proj", *conv_oki(model.spk_proj), int8=False)
    vw.add_linear("ac.dur.conv0", *conv_oki(model.dur_conv0), int8=int8)
    vw.add_linear("ac.dur.conv1", *conv_oki(model.dur_conv1), int8=int8)
    vw.add_linear("ac.dur.out", *conv_oki(model.dur_out), int8=False)
    for i, lstm in enumerate(model.dec_lstms):
        add_lstm(vw, f"ac.dec.lstm{i}", lstm, int8)
    vw.add_linear("ac.dec.out", *conv_oki(model.dec_out), int8=False)
    for i, (conv, norm) in enumerate(zip(model.post_convs, model.post_norms)):
        vw.add_linear(f"ac.post.conv{i}", *conv_oki(conv, norm), int8=int8)


def add_vocoder(vw, model, int8):
    c = model.cfg
    vw.add_i64("vocoder.n_bands", c.n_bands)
    vw.add_i64("vocoder.residual_channels", c.residual_channels)
    vw.add_i64("vocoder.skip_channels", c.skip_channels)
    vw.add_i64("vocoder.cond_channels", c.cond_channels)
    vw.add_i64("vocoder.kernel", c.kernel)
    vw.add_i64_array("vocoder.dilations", list(c.dilations))
    vw.add_i64("vocoder.input_kernel", c.input_kernel)
    vw.add_i64("vocoder.pqmf_kernel", model.pqmf_kernel)
    vw.add_i64("vocoder.n_harmonics", c.n_harmonics)
    vw.add_f64("vocoder.sine_amp", c.sine_amp)
    vw.add_f64("vocoder.noise_std", c.noise_std)
    vw.add_i64("vocoder.seed", c.seed)
    vw.add_i64("vocoder.envelope_passes", c.envelope_passes)
    if c.voicing_cutoff_hz > 0:
        vw.add_f64("vocoder.voicing_cutoff_hz", c.voicing_cutoff_hz)
        vw.add_i64("vocoder.voicing_order", c.voicing_order)

    vw.add_linear("voc.input", *conv_oki(model.input), int8=False)
    vw.add_linear("voc.cond", *conv_oki(model.cond), int8=False)
    vw.add_linear("voc.cond_proj", *conv_oki(model.cond_proj), int8=int8)
    for i, (conv, out) in enumerate(zip(model.layer_convs, model.layer_outs)):
        vw.add_linear(f"voc.layer{i}.conv", *conv_oki(conv), int8=int8)
        vw.add_linear(f"voc.layer{i}.out", *conv_oki(out), int8=int8)
    vw.add_linear("voc.post1", *conv_oki(model.post1), int8=int8)
    vw.add_linear("voc.post2", *conv_oki(model.post2), int8=False)
    if model.pqmf is not None:
        # fixed synthesis bank [B][Kq][B], no bias
        w = _np(model.pqmf.w).transpose(0, 2, 1)
        vw.add_linear("voc.pqmf", w, np.zeros(c.n_bands), int8=False)


def export_voice(path, cfg, acoustic, vocoder, symbols, speakers, int8=True, name="myna",
                 language="en-us", license="", model_card="", description=""):
    """Writes one .myna file holding both models. Models are put in eval mode first."""
    acoustic.eval()
    vocoder.eval()
    assert len(symbols) == cfg.acoustic.n_symbols and symbols[0] == "_"
    assert len(speakers) >= 1
    vw = VoiceWriter()
    vw.add_str("general.name", name)
    vw.add_str("general.language", language)
    vw.add_str("general.license", license)
    vw.add_str("general.model_card", model_card)
    vw.add_str("general.description", description)
    add_audio_meta(vw, cfg.audio)
    vw.add_str_array("phonemes.symbols", list(symbols))
    vw.add_str_array("speakers.names", list(speakers))
    with torch.no_grad():
        add_acoustic(vw, acoustic, int8)
        add_vocoder(vw, vocoder, int8)
    vw.write(path)


def export_speaker_encoder(path, model, audio, int8=True, card=""):
    """Writes a speaker encoder (training/myna/speaker.py) as a .myna file of kind
    "speaker_encoder" (docs/models.md, "Speaker encoder"): its analysis (audio) and weights."""
    model.eval()
    c = model.cfg
    assert c.n_mels == audio.n_mels
    vw = VoiceWriter()
    vw.add_str("general.kind", "speaker_encoder")
    vw.add_str("general.name", "myna-speaker-encoder")
    vw.add_str("general.license", "CC BY-SA 4.0 (trained on CC BY-SA 4.0 voices)")
    vw.add_str("general.model_card", card)
    add_audio_meta(vw, audio)
    for key in ("conv_channels", "conv_kernel", "n_conv", "lstm_hidden", "n_lstm", "dim",
                "partial", "partial_hop", "min_frames"):
        vw.add_i64("speaker_encoder." + key, getattr(c, key))
    vw.add_f64("speaker_encoder.drop_nats", c.drop_nats)
    with torch.no_grad():
        for i, conv in enumerate(model.convs):
            vw.add_linear(f"spk.conv{i}", *conv_oki(conv), int8=int8)
        for i, lstm in enumerate(model.lstms):
            add_lstm(vw, f"spk.lstm{i}", lstm, int8, bidirectional=False)
        vw.add_linear("spk.proj", *conv_oki(model.proj), int8=False)
    vw.write(path)
