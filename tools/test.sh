#!/usr/bin/env bash
# Second command of the README (and what CI runs): installs what is missing, then builds and
# runs the whole suite twice: a warnings-as-errors release build, and an ASan+UBSan build.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/install-deps.sh
jobs=$(nproc)

cmake -S . -B build-ci -DCMAKE_BUILD_TYPE=Release -DMYNA_WERROR=ON
cmake --build build-ci -j"$jobs"
(cd build-ci && ctest --output-on-failure -j"$jobs")

if [ "${MYNA_SKIP_SANITIZERS:-0}" != 1 ]; then
  cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMYNA_WERROR=ON -DMYNA_SANITIZE=ON
  cmake --build build-asan -j"$jobs"
  (cd build-asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
     ctest --output-on-failure -j"$jobs" -LE no_sanitizer)
fi

# Short fuzzing runs of the parsers (longer runs: FUZZ_SECONDS=600 tools/fuzz.sh).
if [ "${MYNA_SKIP_FUZZ:-0}" != 1 ]; then
  FUZZ_SECONDS=${FUZZ_SECONDS:-20} tools/fuzz.sh
fi
