#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (+ASan/UBSan) and runs each for FUZZ_SECONDS
# (default 30) from a seed corpus: the text front end, the voice-file parser, reference
# audio (audio file reader + speaker encoder checks), and the kiosk's network-facing
# parsers (HTTP request handling, JSON bodies, control-socket lines).
# FUZZ_TARGETS="fuzz_kiosk_http ..." runs only those; FUZZ_RUNS=N stops each after N
# executions instead of after FUZZ_SECONDS.
# A crash, leak or sanitizer report fails the script and leaves the reproducer in the
# working folder (crash-*, leak-*).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${FUZZ_SECONDS:-30}
CC=clang cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMYNA_FUZZ=ON \
  -DMYNA_BUILD_TESTS=OFF >/dev/null
targets=${FUZZ_TARGETS:-fuzz_text fuzz_voice fuzz_audio fuzz_kiosk_http fuzz_kiosk_json \
  fuzz_kiosk_control}
jobs=${FUZZ_JOBS:-$(nproc)}
# shellcheck disable=SC2086
cmake --build build-fuzz -j"$jobs" --target $targets

# Leaks inside third-party libraries (libsndfile's decoders) are not the targets' to find.
export LSAN_OPTIONS="suppressions=$PWD/tests/sanitizer/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
work=${XDG_CACHE_HOME:-$HOME/.cache}/myna/fuzz
mkdir -p "$work/text" "$work/voice" "$work/audio" "$work/kiosk_http" "$work/kiosk_json" \
  "$work/kiosk_control"
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

# Kiosk seeds. HTTP: byte 0 (queued announcements, body piece size), request line, headers,
# blank line, body (see fuzz/fuzz_kiosk_http.c); JSON: bodies; control: byte 0 (piece
# size), then protocol lines.
n=0
http_seed() { # byte 0, request line, optional header, blank line, body
  { printf "\\x$(printf %02x $(( (n * 37) % 256 )))"; printf '%s\n' "$1"
    [ -n "$2" ] && printf '%s\n' "$2"; printf '\n%s' "$3"; } > "$work/kiosk_http/seed$n"
  n=$((n + 1))
}
json=application/json
speech='POST /v1/audio/speech HTTP/1.1'
http_seed "$speech" "Content-Type: $json" \
  '{"model": "tts-1", "input": "Hello.", "voice": "alloy", "response_format": "mp3"}'
http_seed "$speech" '' '{"input": "Two. Sentences.", "response_format": "wav", "stream": false}'
http_seed 'POST /v1/audio/speech HTTP/1.0' '' '{"input": "Old.", "response_format": "opus"}'
http_seed "$speech" '' '{"input": "x", "response_format": "flac", "stream_format": "audio"}'
http_seed "$speech" '' '{"input": "x", "speed": "1.0", "response_format": "aac"}'
http_seed 'POST /speak HTTP/1.1' "Content-Type: $json; charset=utf-8" \
  '{"text": "Doors closing.", "priority": "urgent", "volume": 0.8}'
http_seed 'POST /speak HTTP/1.1' 'Content-Type: multipart/form-data' 'text=x'
for get in /queue /health /v1/models /v1/models/tts-1 /v1/audio/voices /../../etc/passwd; do
  http_seed "GET $get HTTP/1.1" '' ''
done
http_seed 'POST /stop HTTP/1.1' '' ''
http_seed 'DELETE /speak HTTP/1.1' '' ''
n=0
for body in '{"input": "Hello.", "voice": "alloy", "speed": 1.25, "stream": true}' \
            '{"input": "\u00e9t\u00e9 \ud83d\ude00", "model": null}' \
            '{"input": {"nested": [1, 2]}}' '{"speed": 1e308, "input": "x", "input": "y"}' \
            '[1, "two", null]' '{"stream": "no"}'; do
  printf '%s' "$body" > "$work/kiosk_json/seed$n"; n=$((n + 1))
done
printf '\x07SAY priority=urgent volume=0.5 Platform two.\nSTATUS\nQUEUE\nHEALTH\nSTOP\n' \
  > "$work/kiosk_control/seed0"
printf '\xffSAY voice=../../etc/passwd hi\r\nSAY E=mc2\nBOGUS\nSAY \xc3\x28\n' \
  > "$work/kiosk_control/seed1"

run() {
  local target=$1 corpus=$2 max_len=$3
  shift 3
  case " $targets " in *" $target "*) ;; *) return 0 ;; esac
  local limit=(-max_total_time="$seconds") what="${seconds}s"
  if [ -n "${FUZZ_RUNS:-}" ]; then limit=(-runs="$FUZZ_RUNS"); what="$FUZZ_RUNS runs"; fi
  echo "fuzzing $target for $what"
  (cd "$work" && "$OLDPWD/build-fuzz/fuzz/$target" "${limit[@]}" \
     -max_len="$max_len" -print_final_stats=1 "$@" "$corpus" 2>&1 | tail -n 12)
}
run fuzz_text "$work/text" 4096
run fuzz_voice "$work/voice" 65536
run fuzz_audio "$work/audio" 65536
run fuzz_kiosk_http "$work/kiosk_http" 4096 -dict="$PWD/fuzz/kiosk.dict"
run fuzz_kiosk_json "$work/kiosk_json" 16384 -dict="$PWD/fuzz/kiosk.dict"
run fuzz_kiosk_control "$work/kiosk_control" 16384
