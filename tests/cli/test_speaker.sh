#!/usr/bin/env bash
# `myna --speaker-embedding`: the output format, what the shipped encoder tells apart (two
# engines' voices) and ignores (sample rate, channels, gain), and a one-line error with exit 6
# for every unusable reference. Usage: test_speaker.sh MYNA_BINARY
set -u
MYNA=$1
PY=/usr/bin/python3
ENC=voices/encoders/speaker-encoder.myna
TINY=tests/models/fixtures/tiny_spkenc_int8.myna
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*" >&2; }
# expect_exit CODE PATTERN DESCRIPTION -- command...: exit code and a one-line message.
expect_exit() {
  local want=$1 pattern=$2 what=$3; shift 4
  "$@" >"$T/out" 2>"$T/err"; local got=$?
  if [ "$got" -eq "$want" ] && [ "$(wc -l <"$T/err")" -eq 1 ] && grep -q -- "$pattern" "$T/err"; then
    ok
  else
    bad "$what: exit $got (want $want), stderr: $(head -c 300 "$T/err")"
  fi
}

# Test signals: WAV files written by Python (16-bit PCM, or 32-bit float for NaN).
"$PY" - "$T" <<'PYEOF'
import math, random, struct, sys, wave
d = sys.argv[1]
def pcm16(name, x, rate=16000, ch=1):
    with wave.open(f"{d}/{name}", "wb") as w:
        w.setnchannels(ch); w.setsampwidth(2); w.setframerate(rate)
        w.writeframes(b"".join(struct.pack("<h", max(-32768, min(32767, int(v * 32767)))) for v in x))
def float32(name, x, rate=16000):
    data = struct.pack(f"<{len(x)}f", *x)
    fmt = struct.pack("<HHIIHH", 3, 1, rate, rate * 4, 4, 32)
    with open(f"{d}/{name}", "wb") as f:
        f.write(b"RIFF" + struct.pack("<I", 4 + 8 + len(fmt) + 8 + len(data)) + b"WAVE")
        f.write(b"fmt " + struct.pack("<I", len(fmt)) + fmt + b"data" + struct.pack("<I", len(data)) + data)
random.seed(1)
# a crude voiced sound: harmonics of a gliding F0 with syllable-like bursts
speech = [0.3 * math.sin(2 * math.pi * (120 + 20 * math.sin(i / 3000)) * i / 16000) *
          (0.5 + 0.5 * math.sin(i / 800)) + 0.01 * random.uniform(-1, 1) for i in range(48000)]
pcm16("tone.wav", speech)
pcm16("empty.wav", [])
pcm16("short.wav", speech[:8000])
pcm16("silent.wav", [0.0] * 48000)
pcm16("clipped.wav", [max(-1, min(1, 8 * v)) for v in speech])
float32("nan.wav", speech[:20000] + [float("nan")] + speech[20001:])
pcm16("stereo.wav", [v for v in speech for _ in (0, 1)], ch=2)
open(f"{d}/garbage.wav", "wb").write(b"RIFF\x10\x00\x00\x00WAVEjunkjunkjunk")
PYEOF

# Output format with the tiny fixture encoder: path, tab, D numbers, one line per file.
"$MYNA" --speaker-embedding --speaker-encoder "$TINY" "$T/tone.wav" "$T/stereo.wav" >"$T/emb" 2>"$T/err"
rc=$?
if [ $rc -eq 0 ] && [ "$(wc -l <"$T/emb")" -eq 2 ] &&
   awk -F'\t' 'NF != 2 || split($2, v, " ") != 5 { exit 1 }' "$T/emb"; then ok; else
  bad "embedding output (exit $rc): $(head -c 300 "$T/emb") $(cat "$T/err")"; fi
# Unusable references: one line naming the problem, exit 6; the other files still printed.
expect_exit 6 "empty" "empty file" -- "$MYNA" --speaker-embedding --speaker-encoder "$TINY" "$T/empty.wav"
expect_exit 6 "too short" "0.5 s file" -- "$MYNA" --speaker-embedding --speaker-encoder "$TINY" "$T/short.wav"
expect_exit 6 "silent" "digital silence" -- "$MYNA" --speaker-embedding --speaker-encoder "$TINY" "$T/silent.wav"
expect_exit 6 "clipped" "clipped file" -- "$MYNA" --speaker-embedding --speaker-encoder "$TINY" "$T/clipped.wav"
expect_exit 6 "non-finite" "NaN sample" -- "$MYNA" --speaker-embedding --speaker-encoder "$TINY" "$T/nan.wav"
expect_exit 6 "garbage.wav" "not audio" -- "$MYNA" --speaker-embedding --speaker-encoder "$TINY" "$T/garbage.wav"
expect_exit 6 "missing.wav" "missing file" -- "$MYNA" --speaker-embedding --speaker-encoder "$TINY" "$T/missing.wav"
expect_exit 3 "not a speaker encoder" "a voice as encoder" -- "$MYNA" --speaker-embedding --speaker-encoder voices/en_US-myna.myna "$T/tone.wav"
expect_exit 3 "nope.myna" "missing encoder" -- "$MYNA" --speaker-embedding --speaker-encoder "$T/nope.myna" "$T/tone.wav"
expect_exit 1 "needs one or more" "no files" -- "$MYNA" --speaker-embedding --speaker-encoder "$TINY"
"$MYNA" --speaker-embedding --speaker-encoder "$TINY" "$T/empty.wav" "$T/tone.wav" >"$T/out" 2>/dev/null
[ $? -eq 6 ] && grep -q "tone.wav" "$T/out" && ok || bad "a bad file stops the others"

# The shipped encoder: found by default; tells two engines' voices apart, and gives (nearly)
# the same embedding for another rate, stereo and a quieter copy of the same recording.
if [ ! -f "$ENC" ]; then
  bad "$ENC is missing"
else
  for i in 1 2; do
    "$MYNA" -q -o "$T/myna$i.wav" "$(sed -n "${i}p" <<'EOF2'
The birch canoe slid on the smooth planks and drifted away from the old pier.
Glue the sheet to the dark blue background before the paint dries in the sun.
EOF2
)" || bad "myna render $i"
  done
  espeak-ng -w "$T/espeak.wav" "The birch canoe slid on the smooth planks and drifted away from the old pier." ||
    bad "espeak-ng render"
  sox "$T/myna1.wav" -r 16000 "$T/myna1_16k.wav" && sox "$T/myna1.wav" -c 2 "$T/myna1_st.wav" &&
    sox "$T/myna1.wav" "$T/myna1_quiet.wav" vol 0.25 || bad "sox variants"
  "$MYNA" --speaker-embedding "$T"/myna1.wav "$T"/myna2.wav "$T"/espeak.wav "$T"/myna1_16k.wav \
    "$T"/myna1_st.wav "$T"/myna1_quiet.wav >"$T/emb" 2>"$T/err" || bad "embeddings: $(cat "$T/err")"
  "$PY" - "$T/emb" <<'PYEOF' && ok || bad "shipped encoder similarities"
import sys
e = [list(map(float, l.split("\t")[1].split())) for l in open(sys.argv[1])]
cos = lambda a, b: sum(x * y for x, y in zip(a, b))
same, other = cos(e[0], e[1]), cos(e[0], e[2])
rate, stereo, quiet = cos(e[0], e[3]), cos(e[0], e[4]), cos(e[0], e[5])
print(f"same voice {same:.3f}, other engine {other:.3f}; 16 kHz {rate:.4f}, stereo {stereo:.4f}, -12 dB {quiet:.4f}")
sys.exit(0 if same > other + 0.1 and rate > 0.95 and stereo > 0.999 and quiet > 0.999 else 1)
PYEOF
fi

echo "test_speaker: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
