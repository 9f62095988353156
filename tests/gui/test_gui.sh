#!/usr/bin/env bash
# End-to-end test of myna-gui on a virtual X display, driven with real X input (xdotool):
# type a text, move the rate and volume sliders, save to WAV with Ctrl+S, press Speak with the
# audio going to an ALSA file plugin, then compare the recording, the saved file and the
# word highlights with the same text rendered through the API (gui_reference).
# Usage: test_gui.sh MYNA_GUI GUI_REFERENCE. $MYNA_GUI_TEST_VOICE picks another voice;
# $MYNA_GUI_SCREENSHOT, if set, receives a copy of the screenshot.
set -u
GUI=$1
REF=$2
VOICE=${MYNA_GUI_TEST_VOICE:-en_US-myna}
THREADS=2
TEXT="Hello from the desktop window. It highlights every word, one after another."
T=$(mktemp -d)
XVFB_PID="" GUI_PID=""
cleanup() {
  [ -n "$GUI_PID" ] && kill "$GUI_PID" 2>/dev/null
  [ -n "$XVFB_PID" ] && kill "$XVFB_PID" 2>/dev/null
  rm -rf "$T"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; echo "--- gui stderr:" >&2; cat "$T/err" >&2 2>/dev/null; exit 1; }

for tool in Xvfb xdotool; do
  command -v "$tool" >/dev/null || fail "$tool is not installed (tools/install-deps.sh)"
done

# A display of our own: -displayfd makes Xvfb pick a free number and tell us which.
Xvfb -displayfd 3 -screen 0 1280x900x24 -nolisten tcp 3>"$T/display" 2>"$T/xvfb.log" &
XVFB_PID=$!
for _ in $(seq 100); do [ -s "$T/display" ] && break; sleep 0.1; done
[ -s "$T/display" ] || fail "Xvfb did not start: $(cat "$T/xvfb.log")"
export DISPLAY=":$(head -1 "$T/display")"

# The default ALSA device records raw 16-bit samples to a file and plays nothing.
cat >"$T/asound.conf" <<EOF
pcm.!default {
  type file
  slave.pcm { type null }
  file "$T/capture.raw"
  format "raw"
}
EOF
export ALSA_CONFIG_PATH="$T/asound.conf" SDL_AUDIODRIVER=alsa SDL_VIDEODRIVER=x11
# The software renderer: no GPU driver under Xvfb, and the same pixels everywhere.
export SDL_RENDER_DRIVER=software

"$GUI" --voice "$VOICE" --threads "$THREADS" --size 960x640 --trace --quit-after-speech \
  --screenshot "$T/gui.png" >"$T/trace" 2>"$T/err" &
GUI_PID=$!
wait_for() { # wait_for PATTERN SECONDS
  for _ in $(seq $(($2 * 10))); do
    grep -q "$1" "$T/trace" && return 0
    kill -0 "$GUI_PID" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}
wait_for '^ready' 60 || fail "the window did not come up"
grep -q '^voice missing' "$T/trace" && fail "voice $VOICE not found"
WID=$(xdotool search --sync --name '^Myna$' | head -1)
[ -n "$WID" ] || fail "no Myna window"

# click WIDGET FX FY: click at a fraction of a widget's rect (from --trace's layout lines).
click() {
  local pos
  pos=$(awk -v n="$1" -v fx="$2" -v fy="$3" \
    '$1 == "layout" && $2 == n { printf "%d %d", $3 + $5 * fx, $4 + $6 * fy; exit }' "$T/trace")
  [ -n "$pos" ] || fail "no layout for $1"
  # shellcheck disable=SC2086
  xdotool mousemove --window "$WID" $pos click 1 || fail "click on $1"
  sleep 0.2
}

click text 0.5 0.5
xdotool type --delay 10 "$TEXT" || fail "typing"
click rate 0.6 0.75    # slider tracks are the lower half of their rect
click volume 0.4 0.75
click path 0.5 0.5
xdotool type --delay 10 "$T/saved.wav" || fail "typing the path"
xdotool key ctrl+s
wait_for '^saved ' 300 || fail "Ctrl+S did not save"
click speak 0.5 0.5
for _ in $(seq 3000); do kill -0 "$GUI_PID" 2>/dev/null || break; sleep 0.1; done
kill -0 "$GUI_PID" 2>/dev/null && fail "the GUI did not finish speaking in 300 s"
wait "$GUI_PID"
rc=$?
GUI_PID=""
[ "$rc" -eq 0 ] || fail "myna-gui exited with $rc"

cat "$T/trace"
# What was typed is what was spoken: the whole text, byte for byte.
read -r _ _ begin len _ rate _ pitch _ volume < <(grep '^speak begin' "$T/trace")
[ "${begin:-x}" = 0 ] && [ "${len:-0}" = "${#TEXT}" ] || fail "spoke bytes $begin+$len, typed ${#TEXT}"
# The sliders moved away from the defaults.
awk -v r="$rate" -v v="$volume" 'BEGIN { exit !(r > 1.2 && r < 1.6 && v > 0.6 && v < 1.0) }' ||
  fail "sliders: rate $rate volume $volume"
grep -q '^screenshot ' "$T/trace" || fail "no screenshot mid-speech"

printf '%s' "$TEXT" >"$T/text.txt"
"$REF" "$VOICE" "$T/text.txt" "$rate" "$pitch" "$volume" "$THREADS" "$T/capture.raw" \
  "$T/saved.wav" "$T/trace" || fail "output differs from the API rendering"

# The screenshot: the window's size, and not a blank or single-colour image.
if command -v identify >/dev/null; then
  read -r w h colors < <(identify -format '%w %h %k\n' "$T/gui.png")
  echo "screenshot: ${w}x${h}, $colors colours"
  [ "$w" -ge 960 ] && [ "$h" -ge 640 ] && [ "$colors" -ge 20 ] || fail "screenshot looks wrong"
fi
[ -n "${MYNA_GUI_SCREENSHOT:-}" ] && cp "$T/gui.png" "$MYNA_GUI_SCREENSHOT"
[ -s "$T/err" ] && { echo "--- gui stderr:"; cat "$T/err"; }
echo "gui_end_to_end: ok"
