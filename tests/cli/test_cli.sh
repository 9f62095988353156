#!/usr/bin/env bash
# End-to-end checks of the `myna` command: outputs, options, exit codes and bad input.
# Usage: test_cli.sh MYNA_BINARY. Uses the shipped default voice; nothing here depends on how
# good the voice sounds, only on the audio being real (non-silent, plausible length).
set -u
MYNA=$1
PY=/usr/bin/python3
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0 fail=0

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*" >&2; }
# expect_exit CODE DESCRIPTION -- command...
expect_exit() {
  local want=$1 what=$2; shift 3
  "$@" >"$T/out" 2>"$T/err"; local got=$?
  if [ "$got" -eq "$want" ]; then ok; else bad "$what: exit $got, want $want; stderr: $(head -c 300 "$T/err")"; fi
}
# The exit status must be a documented one (no signal, no crash).
expect_clean() {
  local what=$1; shift 2
  timeout 120 "$@" >"$T/out" 2>"$T/err"; local got=$?
  if [ "$got" -le 5 ]; then ok; else bad "$what: exit $got (crash, hang or undocumented); stderr: $(head -c 300 "$T/err")"; fi
}
# wav_check FILE MIN_S MAX_S: duration in range and not silent.
wav_check() {
  "$PY" - "$1" "$2" "$3" <<'PYEOF'
import sys, wave, struct, math
p, lo, hi = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
w = wave.open(p)
n, sr = w.getnframes(), w.getframerate()
x = struct.unpack("<%dh" % n, w.readframes(n))
rms = math.sqrt(sum(v * v for v in x) / max(n, 1)) / 32768
dur = n / sr
print("%s: %.2f s, rms %.4f" % (p, dur, rms))
sys.exit(0 if lo <= dur <= hi and rms > 0.005 else 1)
PYEOF
}

expect_exit 0 "help" -- "$MYNA" --help
grep -q "Exit status" "$T/out" && ok || bad "help lacks exit codes"
expect_exit 0 "version" -- "$MYNA" --version

# Rendering: argument, stdin, file; formats.
expect_exit 0 "render wav" -- "$MYNA" "Welcome aboard." -o "$T/a.wav"
wav_check "$T/a.wav" 0.4 4 && ok || bad "welcome aboard wav not plausible"
echo "Hello from standard input." | "$MYNA" -o "$T/b.wav" -q && wav_check "$T/b.wav" 0.4 5 && ok || bad "stdin"
printf 'First sentence. Second sentence, with a clause!\n' > "$T/in.txt"
expect_exit 0 "file input" -- "$MYNA" -f "$T/in.txt" -o "$T/c.wav"
wav_check "$T/c.wav" 1 10 && ok || bad "file input wav"
expect_exit 0 "flac" -- "$MYNA" "Flac output." -o "$T/d.flac"
[ -s "$T/d.flac" ] && head -c 4 "$T/d.flac" | grep -q fLaC && ok || bad "flac header"
expect_exit 0 "ogg" -- "$MYNA" "Ogg output." -o "$T/e.ogg"
[ -s "$T/e.ogg" ] && head -c 4 "$T/e.ogg" | grep -q OggS && ok || bad "ogg header"
"$MYNA" "Raw output to a pipe." --raw > "$T/raw.pcm"; rc=$?
sz=$(stat -c %s "$T/raw.pcm")
[ $rc -eq 0 ] && [ "$sz" -gt 8000 ] && [ $((sz % 2)) -eq 0 ] && ok || bad "raw pcm rc=$rc size=$sz"
"$MYNA" "A longer text that keeps going for a while so the pipe closes early." --raw | head -c 100 >/dev/null
rc=${PIPESTATUS[0]}; [ "$rc" -le 5 ] && ok || bad "closed pipe gave $rc"

# Controls change the audio in the expected direction.
"$MYNA" "Speaking rate changes the length." -o "$T/r1.wav" -q --sentence-silence 0
"$MYNA" "Speaking rate changes the length." -o "$T/r2.wav" -q --sentence-silence 0 --rate 2
"$PY" - "$T/r1.wav" "$T/r2.wav" <<'PYEOF' && ok || bad "rate 2 not ~half as long"
import sys, wave
a, b = (wave.open(p).getnframes() for p in sys.argv[1:3])
print("rate 1: %d samples, rate 2: %d samples, ratio %.2f" % (a, b, b / a))
sys.exit(0 if 0.35 < b / a < 0.7 else 1)
PYEOF
expect_exit 0 "griffin-lim" -- "$MYNA" "Debug vocoder." --vocoder griffin-lim -o "$T/gl.wav"
wav_check "$T/gl.wav" 0.3 4 && ok || bad "griffin-lim wav"
# --backend vulkan either renders (a Vulkan device, lavapipe included, is present) or fails
# with the documented status and says why.
"$MYNA" "Vulkan backend." --backend vulkan -o "$T/vk.wav" 2>"$T/err"; rc=$?
if [ $rc -eq 0 ]; then wav_check "$T/vk.wav" 0.3 4 && grep -q vulkan "$T/err" && ok || bad "vulkan render"
elif [ $rc -eq 5 ]; then grep -qi vulkan "$T/err" && ok || bad "vulkan error message: $(cat "$T/err")"
else bad "--backend vulkan exit $rc"; fi
expect_exit 0 "threads 1" -- "$MYNA" "One thread." --threads 1 -o "$T/t1.wav"

# --word-times: one "start<TAB>end<TAB>word" line per word, in seconds of the written audio.
# word_times_check TIMES WAV SILENCE_S SENTENCE...: the words are the sentences' words as
# written (events carry byte spans of the input: whitespace-separated tokens, punctuation
# attached; the sentences avoid word pairs libespeak-ng reads as one, like "in the" or "at a",
# which share one event), starts strictly
# increase, 0 <= start < end <= WAV duration; each sentence's last word ends exactly one
# silence before the next sentence's first word and the last one one silence before the end.
word_times_check() {
  "$PY" - "$@" <<'PYEOF'
import sys, wave
times, wav, silence, sents = sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4:]
w = wave.open(wav)
dur = w.getnframes() / w.getframerate()
eps = 1.5 / w.getframerate()  # printed with 6 decimals: well inside one sample
rows = []
for line in open(times, encoding="utf-8"):
    f = line.rstrip("\n").split("\t")
    assert len(f) == 3, "not 3 tab-separated fields: %r" % line
    rows.append((float(f[0]), float(f[1]), f[2]))
want = [s.split() for s in sents]
got = [r[2] for r in rows]
assert got == sum(want, []), "words %s, want %s" % (got, sum(want, []))
starts = [r[0] for r in rows]
assert all(a < b for a, b in zip(starts, starts[1:])), "starts not increasing: %s" % starts
for s, e, word in rows:
    assert 0 <= s < e <= dur + eps, "%s: %.6f..%.6f outside 0..%.6f" % (word, s, e, dur)
last = 0
for k, words in enumerate(want):
    last += len(words)
    end = rows[last - 1][1]
    nxt = rows[last][0] if k + 1 < len(want) else dur
    # after the silence, the next sentence's first word waits for its own leading pause (the
    # voice's predicted "^"), so that gap is the silence plus up to half a second
    lead = 0.5 if k + 1 < len(want) else 0.0
    assert silence - eps <= nxt - end <= silence + lead + eps, \
        "sentence %d ends %.6f, next starts %.6f: gap is not %.3f s" % (k + 1, end, nxt, silence)
print("%s: %d words, %.2f s of audio, last word ends %.6f" % (times, len(rows), dur, rows[-1][1]))
PYEOF
}
S1="Green leaves fall slowly near quiet gardens."
S2="Birds sing again, children laugh outside."
expect_exit 0 "word times wav" -- "$MYNA" "$S1" -o "$T/w1.wav" --sentence-silence 0 --word-times "$T/w1.txt"
word_times_check "$T/w1.txt" "$T/w1.wav" 0 "$S1" && ok || bad "word times, one sentence"
expect_exit 0 "word times two sentences" -- "$MYNA" "$S1 $S2" -o "$T/w2.wav" --sentence-silence 0.7 \
  --word-times "$T/w2.txt"
word_times_check "$T/w2.txt" "$T/w2.wav" 0.7 "$S1" "$S2" && ok || bad "word times, two sentences"
# The second sentence starts after the first one's audio (rendered alone) plus the silence.
"$PY" - "$T/w1.wav" "$T/w2.txt" "$S1" <<'PYEOF' && ok || bad "second sentence's words not after sentence 1 + silence"
import sys, wave
w = wave.open(sys.argv[1])
first = w.getnframes() / w.getframerate()
rows = [l.split("\t") for l in open(sys.argv[2], encoding="utf-8")]
n1 = len(sys.argv[3].split())
start2 = float(rows[n1][0])
print("sentence 1 alone: %.6f s; sentence 2's first word at %.6f s" % (first, start2))
sys.exit(0 if start2 >= first + 0.7 - 1e-4 else 1)
PYEOF
# --raw gives the same times as -o (same text, same options).
"$MYNA" "$S1 $S2" --raw --sentence-silence 0.7 --word-times "$T/w3.txt" > "$T/w3.pcm"
[ $? -eq 0 ] && cmp -s "$T/w2.txt" "$T/w3.txt" && ok || bad "--raw word times differ from -o"
# --play into ALSA's null device (no sound card needed), where the distribution has ALSA.
if [ -r /usr/share/alsa/alsa.conf ]; then
  printf '</usr/share/alsa/alsa.conf>\npcm.!default { type plug slave { pcm "null" format S16_LE } }\n' \
    > "$T/asound.conf"
  ALSA_CONFIG_PATH="$T/asound.conf" timeout 120 "$MYNA" "$S1 $S2" --play --sentence-silence 0.7 \
    --word-times "$T/w4.txt" >/dev/null 2>&1
  rc=$?; [ $rc -eq 0 ] && cmp -s "$T/w2.txt" "$T/w4.txt" && ok || bad "--play word times (exit $rc)"
fi
# Errors: checked before any synthesis (no audio file left), removed when speaking fails.
expect_exit 4 "unwritable word times" -- "$MYNA" "$S1" -o "$T/w5.wav" --word-times /nonexistent-dir/w.txt
grep -q "/nonexistent-dir/w.txt" "$T/err" && [ ! -e "$T/w5.wav" ] && ok || bad "unwritable word times: $(cat "$T/err")"
expect_exit 4 "word times into a directory" -- "$MYNA" "$S1" --raw --word-times "$T"
expect_exit 1 "word times to stdout" -- "$MYNA" "$S1" --raw --word-times -
expect_exit 1 "word times = output" -- "$MYNA" "$S1" -o "$T/w6.wav" --word-times "$T/w6.wav"
expect_exit 2 "word times, nothing to speak" -- "$MYNA" "   " -o "$T/w7.wav" --word-times "$T/w7.txt"
[ ! -e "$T/w7.txt" ] && ok || bad "word times file left after a failure"
"$MYNA" --help | grep -q -- "--word-times" && ok || bad "--help lacks --word-times"

# Front end and voice inspection.
expect_exit 0 "phonemes" -- "$MYNA" --phonemes "Hello world."
grep -q '^\^ .* \$$' "$T/out" && ok || bad "phonemes line: $(cat "$T/out")"
expect_exit 0 "phonemes language" -- "$MYNA" --phonemes --language en-us "Hello."
expect_exit 0 "phoneme ids" -- "$MYNA" --phoneme-ids "Hello world."
grep -qE '^[0-9]+( [0-9]+)+$' "$T/out" && ok || bad "phoneme ids: $(cat "$T/out")"
expect_exit 0 "voice info" -- "$MYNA" --voice-info
grep -q "ac.embedding" "$T/out" && grep -q "voc." "$T/out" && ok || bad "voice-info lacks tensors"
expect_exit 0 "list voices" -- "$MYNA" --list-voices
grep -q "en_US-myna" "$T/out" && ok || bad "list-voices: $(cat "$T/out")"

# Front-end-only commands load no model: --phonemes still works on a voice whose acoustic
# model cannot be loaded (its embedding renamed), which speaking refuses.
voice=$("$MYNA" --list-voices | awk -F'\t' '$1 ~ /myna/ {print $4; exit}')
"$PY" - "$voice" "$T/noac.myna" <<'PYEOF' || bad "cannot make the voice without ac.embedding"
import sys
d = open(sys.argv[1], "rb").read()
assert d.count(b"ac.embedding") == 1
open(sys.argv[2], "wb").write(d.replace(b"ac.embedding", b"zz.embedding"))
PYEOF
"$MYNA" --phonemes "Hello world." > "$T/ph_ref"
expect_exit 0 "phonemes, voice without its acoustic model" -- "$MYNA" --phonemes --voice "$T/noac.myna" "Hello world."
cmp -s "$T/out" "$T/ph_ref" && ok || bad "phonemes differ without the acoustic model: $(cat "$T/out")"
expect_exit 0 "phoneme ids, voice without its acoustic model" -- "$MYNA" --phoneme-ids --voice "$T/noac.myna" "Hi."
expect_exit 3 "speaking, voice without its acoustic model" -- "$MYNA" "Hi." --voice "$T/noac.myna" -o "$T/x.wav"
grep -q "ac.embedding" "$T/err" && ok || bad "no-acoustic-model message: $(cat "$T/err")"
expect_exit 1 "phonemes, speaker out of range" -- "$MYNA" --phonemes --speaker 7 "Hi."
expect_exit 5 "phonemes, missing lexicon" -- "$MYNA" --phonemes --lexicon "$T/none.txt" "Hi."

# No Vulkan instance unless a GPU may be there. Creating one (vkCreateInstance) makes the
# loader scan its icd.d / layer folders and load every driver, lavapipe's LLVM included; seen
# with strace -f as opens under .../vulkan/ or of a libvulkan_* driver (the loader library
# libvulkan.so.1 itself is linked in and does not count). LeakSanitizer cannot run under
# ptrace, so the sanitizer build's leak check is off for these runs.
# vk_trace NAME -- command...: traces the command's opens into $T/NAME.trace; sets rc.
vk_trace() {
  local name=$1; shift 2
  ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
    env -u VK_ICD_FILENAMES -u VK_DRIVER_FILES -u VK_ADD_DRIVER_FILES \
    timeout 300 strace -f -qq -e trace=open,openat -o "$T/$name.trace" "$@" >/dev/null 2>"$T/err"
  rc=$?
}
vk_opened() { grep -qE '/vulkan/(icd|implicit_layer|explicit_layer)\.d|libvulkan_[A-Za-z0-9_]+\.so' "$T/$1.trace"; }
if ! command -v strace >/dev/null || ! strace -f -qq -o /dev/null true 2>/dev/null; then
  echo "SKIP: strace missing or not permitted: not checking which commands load Vulkan drivers"
else
  for cmd in "--phonemes Hi." "--phoneme-ids Hi." "--voice-info" "--list-voices"; do
    # shellcheck disable=SC2086
    vk_trace fe -- "$MYNA" $cmd
    [ $rc -eq 0 ] && ! vk_opened fe && ok ||
      bad "myna $cmd: exit $rc or a Vulkan instance: $(grep -m3 -E '/vulkan/|libvulkan_' "$T/fe.trace")"
  done
  # --backend auto probes only where a GPU device node exists (rt_gpu_may_exist in rt.h).
  gpu_node=0
  for n in /dev/dri/renderD* /dev/nvidiactl /dev/dxg /dev/mali0 /dev/kgsl-3d0; do
    [ -e "$n" ] && gpu_node=1
  done
  [ "${MYNA_GPU_PROBE:-}" = always ] && gpu_node=1
  [ "${MYNA_GPU_PROBE:-}" = never ] && gpu_node=0
  vk_trace auto -- "$MYNA" "Hi." --backend auto -o "$T/x.wav"
  if grep -q 'libvulkan\.so\.1"' "$T/auto.trace"; then # the Vulkan backend is built in
    made=0; vk_opened auto && made=1
    [ $rc -eq 0 ] && [ $made -eq $gpu_node ] && ok ||
      bad "--backend auto: exit $rc, GPU node $gpu_node but Vulkan instance made $made"
    # The same trace does see an instance: forced probe, and --backend vulkan.
    MYNA_GPU_PROBE=always vk_trace forced -- "$MYNA" "Hi." --backend auto -o "$T/x.wav"
    [ $rc -eq 0 ] && vk_opened forced && ok || bad "MYNA_GPU_PROBE=always: exit $rc, no Vulkan instance seen"
    MYNA_GPU_PROBE=never vk_trace vk -- "$MYNA" --backend vulkan "Hi." -o "$T/x.wav"
    [ $rc -le 5 ] && vk_opened vk && ok || bad "--backend vulkan: exit $rc, no Vulkan instance seen"
  else
    echo "SKIP: myna built without the Vulkan backend: --backend auto probe not checked"
  fi
fi

# Bad text.
expect_exit 2 "empty text" -- "$MYNA" "" -o "$T/x.wav"
[ ! -e "$T/x.wav" ] && ok || bad "empty text left a file"
expect_exit 2 "whitespace" -- "$MYNA" "   	  " -o "$T/x.wav"
printf 'abc\xff\xfe def' > "$T/bad.txt"
expect_exit 2 "invalid utf-8" -- "$MYNA" -f "$T/bad.txt" -o "$T/x.wav"
grep -q "UTF-8" "$T/err" && ok || bad "invalid utf-8 message: $(cat "$T/err")"
printf 'nul\0byte and \x01\x02 control \x1b[31m characters.' > "$T/ctl.txt"
expect_clean "nul and control" -- "$MYNA" -f "$T/ctl.txt" -o "$T/x.wav"
expect_clean "emoji" -- "$MYNA" "I like 🍕 and 🚀!" -o "$T/x.wav"
expect_clean "cjk arabic" -- "$MYNA" "你好世界 مرحبا بالعالم" -o "$T/x.wav"
expect_clean "ssml" -- "$MYNA" '<speak>Hello <break time="1s"/> &amp; goodbye</speak>' -o "$T/x.wav"
expect_clean "long number" -- "$MYNA" "$(printf '9%.0s' $(seq 1 200))" -o "$T/x.wav"
"$PY" -c "print('1'*10000)" > "$T/digits.txt"
expect_clean "10000 digits phonemes" -- "$MYNA" --phonemes -f "$T/digits.txt"
"$PY" -c "
import random; random.seed(1)
w=['the','quick','brown','fox','jumps','over','lazy','dog','and','runs','away']
print(' '.join(random.choice(w)+('.' if random.random()<0.08 else '') for _ in range(190000)))" > "$T/big.txt"
expect_clean "1 MB phonemes" -- "$MYNA" --phonemes -f "$T/big.txt"
head -c 1000000 /dev/urandom > "$T/random.bin"
expect_exit 2 "1 MB random bytes" -- "$MYNA" -f "$T/random.bin" -o "$T/x.wav"
expect_exit 2 "missing text file" -- "$MYNA" -f "$T/none.txt" -o "$T/x.wav"

# Bad voices.
expect_exit 3 "missing voice" -- "$MYNA" "Hi." --voice "$T/none.myna" -o "$T/x.wav"
: > "$T/empty.myna"
expect_exit 3 "empty voice" -- "$MYNA" "Hi." --voice "$T/empty.myna" -o "$T/x.wav"
head -c 5000 /dev/urandom > "$T/garbage.myna"
expect_exit 3 "garbage voice" -- "$MYNA" "Hi." --voice "$T/garbage.myna" -o "$T/x.wav"
size=$(stat -c %s "$voice")
for cut in 7 48 200 $((size / 2)) $((size - 1)); do
  head -c "$cut" "$voice" > "$T/trunc.myna"
  expect_exit 3 "voice truncated to $cut bytes" -- "$MYNA" "Hi." --voice "$T/trunc.myna" -o "$T/x.wav"
done
mkdir -p "$T/dir.myna"
expect_exit 3 "directory as voice" -- "$MYNA" "Hi." --voice "$T/dir.myna" -o "$T/x.wav"

# Bad output and options.
expect_exit 4 "unwritable output" -- "$MYNA" "Hi." -o /nonexistent-dir/x.wav
expect_exit 4 "unknown extension" -- "$MYNA" "Hi." -o "$T/x.mp9"
expect_exit 1 "no output" -- "$MYNA" "Hi."
for opt in "--rate 0" "--rate abc" "--rate 9" "--pitch 100" "--volume -1" "--threads -1" \
           "--backend foo" "--vocoder bar" "--sentence-silence 99" "--bogus"; do
  # shellcheck disable=SC2086
  expect_exit 1 "option $opt" -- "$MYNA" "Hi." $opt -o "$T/x.wav"
done
expect_exit 1 "rate without value" -- "$MYNA" "Hi." -o "$T/x.wav" --rate
expect_exit 1 "speaker out of range" -- "$MYNA" "Hi." --speaker 7 -o "$T/x.wav"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
