#!/usr/bin/env bash
# First command of the README: installs what is missing, builds, and renders a sentence with
# the shipped default voice.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release
cmake --build build -j"$(nproc)"
build/app/cli/myna "Welcome aboard. Myna speaks on your own machine." -o welcome.wav
