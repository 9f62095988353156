"""Hyper-parameters of a voice. Every field ends up in the voice file's metadata (export.py),
so the C engine needs no compiled-in sizes."""
from dataclasses import asdict, dataclass, field
from typing import List


@dataclass
class AudioConfig:
    sample_rate: int = 22050
    n_fft: int = 1024
    hop: int = 256
    win: int = 1024
    n_mels: int = 80
    fmin: float = 0.0
    fmax: float = 8000.0
    log_floor: float = 1e-5


@dataclass
class AcousticConfig:
    n_symbols: int = 0          # set from the phoneme inventory
    n_speakers: int = 1
    emb_dim: int = 192          # E
    enc_conv_layers: int = 3    # Nc
    enc_conv_kernel: int = 5    # Kc
    enc_channels: int = 192     # C
    enc_lstm_hidden: int = 128  # He
    spk_dim: int = 0            # Ds, 0 = single speaker
    dur_channels: int = 128     # Cd
    dur_kernel: int = 3         # Kd
    dec_lstm_hidden: int = 192  # Hd
    dec_lstm_layers: int = 2    # Ld
    postnet_layers: int = 5     # Np
    postnet_kernel: int = 5     # Kp
    postnet_channels: int = 256 # Cp
    dropout: float = 0.1        # training only
    f0_mean: float = 5.0        # ln Hz over voiced frames; set from the corpus
    f0_std: float = 0.25


@dataclass
class VocoderConfig:
    n_bands: int = 4            # B
    residual_channels: int = 48 # R
    skip_channels: int = 64     # S
    cond_channels: int = 64     # Cc
    kernel: int = 3             # Kw
    dilations: List[int] = field(default_factory=lambda: [1, 2, 4, 8, 16, 32] * 3)
    input_kernel: int = 5       # Kin
    pqmf_taps: int = 63         # prototype length N; the band-rate kernel Kq follows from it
    n_harmonics: int = 200      # H: at most; harmonics stop below Nyquist anyway
    sine_amp: float = 0.1
    noise_std: float = 0.003
    seed: int = 1234
    # Spectral-envelope shaping passes (shaping.py); 0 = plain NSF sines (older voices)
    envelope_passes: int = 2
    # The flat source's harmonics fade above this, 1 / (1 + (f / cutoff)^order), so noise
    # carries the upper bands of voiced frames (excitation.py); 0 = all at full amplitude.
    # Work folders from before it existed read it as 800 too (training/README.md, "Voicing").
    voicing_cutoff_hz: float = 800.0
    voicing_order: int = 4


@dataclass
class VoiceConfig:
    audio: AudioConfig = field(default_factory=AudioConfig)
    acoustic: AcousticConfig = field(default_factory=AcousticConfig)
    vocoder: VocoderConfig = field(default_factory=VocoderConfig)

    def to_dict(self):
        return asdict(self)

    @staticmethod
    def from_dict(d):
        return VoiceConfig(AudioConfig(**d["audio"]), AcousticConfig(**d["acoustic"]),
                           VocoderConfig(**d["vocoder"]))
