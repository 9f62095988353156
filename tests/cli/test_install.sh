#!/usr/bin/env bash
# `cmake --install` gives a self-contained tree: the installed myna finds the installed voice
# (and not the source tree's) and renders with it.
set -eu
BUILD=$1
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cmake --install "$BUILD" --prefix "$T/prefix" >/dev/null
# Run from a copy outside the source tree so only the install prefix can supply the voice.
"$T/prefix/bin/myna" --list-voices > "$T/voices.txt"
cat "$T/voices.txt"
grep -q "$T/prefix/share/myna/voices/" "$T/voices.txt"
"$T/prefix/bin/myna" "Installed." -q -o "$T/x.wav"
test -s "$T/x.wav"
test -f "$T/prefix/include/myna.h"
echo "1 passed, 0 failed"
