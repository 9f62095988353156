#!/usr/bin/env python3
"""Writes assets/chime.wav: the two-tone attention chime myna-kiosk can play before urgent
announcements (config key `chime`). Generated, not recorded: 22050 Hz mono 16-bit, two
decaying sine tones (E6 then C6), 0.6 s."""
import math, os, struct, wave

RATE = 22050
out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "chime.wav")
samples = []
for freq, start, length in ((1318.5, 0.0, 0.3), (1046.5, 0.3, 0.3)):
    for i in range(int(length * RATE)):
        t = i / RATE
        env = min(1.0, t / 0.005) * math.exp(-t * 9)  # 5 ms attack, bell-like decay
        samples.append(0.35 * env * math.sin(2 * math.pi * freq * t))
with wave.open(out, "wb") as w:
    w.setnchannels(1)
    w.setsampwidth(2)
    w.setframerate(RATE)
    w.writeframes(b"".join(struct.pack("<h", int(s * 32767)) for s in samples))
print("wrote", out)
