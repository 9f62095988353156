#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (+ASan/UBSan) and runs each for FUZZ_SECONDS
# (default 30) from a seed corpus: the text front end, the voice-file parser and reference
# audio (audio file reader + speaker encoder checks).
# A crash, leak or sanitizer report fails the script and leaves the reproducer in the
# working folder (crash-*, leak-*).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${FUZZ_SECONDS:-30}
CC=clang cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMYNA_FUZZ=ON \
  -DMYNA_BUILD_TESTS=OFF >/dev/null
cmake --build build-fuzz -j"$(nproc)" --target fuzz_text fuzz_voice fuzz_audio

# Leaks inside third-party libraries (libsndfile's decoders) are not the targets' to find.
export LSAN_OPTIONS="suppressions=$PWD/tests/sanitizer/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
work=${XDG_CACHE_HOME:-$HOME/.cache}/myna/fuzz
mkdir -p "$work/text" "$work/voice" "$work/audio"
# Seeds: the hard cases of the normaliser, and the committed model fixtures.
i=0
for s in 'Dr. Smith paid $3.50 on Jan. 5th, 2024 at 10:45 pm.' 'World War II; Henry VIII.' \
         '<speak>Hi <break time="1s"/> &amp; bye</speak>' '[[h ə l oʊ]] world' \
         '1234567890123456789012345678901234567890' 'I like 🍕 — 你好 مرحبا!' 'NASA, FBI, e.g. etc.'; do
  printf '%s' "$s" > "$work/text/seed$i"; i=$((i + 1))
done
cp tests/models/fixtures/*.myna "$work/voice/"
# Audio seeds: short WAV, FLAC and Ogg files (sox), mono and stereo, 8 and 22.05 kHz.
for spec in "wav 8000 1" "flac 22050 2" "ogg 16000 1"; do
  set -- $spec
  sox -n -r "$2" -c "$3" "$work/audio/seed_$2_$3.$1" synth 1.2 sine 150-300 vol 0.3 2>/dev/null || true
done

run() {
  local target=$1 corpus=$2 max_len=$3
  echo "fuzzing $target for ${seconds}s"
  (cd "$work" && "$OLDPWD/build-fuzz/fuzz/$target" -max_total_time="$seconds" \
     -max_len="$max_len" -print_final_stats=1 "$corpus" 2>&1 | tail -n 12)
}
run fuzz_text "$work/text" 4096
run fuzz_voice "$work/voice" 65536
run fuzz_audio "$work/audio" 65536
