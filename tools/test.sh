#!/usr/bin/env bash
# Second command of the README (and what CI runs): installs what is missing, then builds and
# runs the whole suite: a warnings-as-errors Release build, its tests again with the CPU
# kernels capped to each smaller instruction set this machine has (MYNA_CPU_ISA), the suite
# under ASan+UBSan+LSan, and short fuzzing runs. A failing stage does not stop the others:
# every stage's result is listed at the end, and the exit status is non-zero if any failed.
set -uo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)

results=() failed=0
# stage NAME COMMAND...: runs one stage and records its result and time.
stage() {
  local name=$1 t0=$SECONDS
  shift
  echo "=== stage: $name"
  if "$@"; then
    results+=("pass  $name ($((SECONDS - t0)) s)")
  else
    results+=("FAIL  $name ($((SECONDS - t0)) s, exit $?)")
    failed=1
  fi
}
# skip NAME WHY: a stage that cannot run because one it needs failed.
skip() {
  results+=("skip  $1 ($2)")
  failed=1
}

release_build() {
  cmake -S . -B build-ci -DCMAKE_BUILD_TYPE=Release -DMYNA_WERROR=ON &&
    cmake --build build-ci -j"$jobs"
}
release_tests() { (cd build-ci && ctest --output-on-failure -j"$jobs"); }
# The suite with the kernels capped to a smaller ISA, so that its path is covered here too.
# The recipe smoke and the long kiosk soak test no kernel choice of their own: left out.
capped_tests() { (cd build-ci && MYNA_CPU_ISA=$1 ctest --output-on-failure -j"$jobs" \
                    -E '^(training_recipe_smoke|test_kiosk_soak)$'); }
asan_build() {
  cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMYNA_WERROR=ON -DMYNA_SANITIZE=ON &&
    cmake --build build-asan -j"$jobs"
}
# LeakSanitizer's suppressions are built into every executable of this build
# (tests/sanitizer/lsan.supp); nothing needs to be set here for them.
asan_tests() { (cd build-asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
                  ctest --output-on-failure -j"$jobs" -LE no_sanitizer); }
# Short fuzzing runs of the parsers (longer runs: FUZZ_SECONDS=600 tools/fuzz.sh).
fuzz() { FUZZ_SECONDS=${FUZZ_SECONDS:-20} tools/fuzz.sh; }

# The instruction sets below the best one this CPU has (what MYNA_CPU_ISA can cap to), by the
# same flags as synth/runtime/cpu/cpu_isa.c.
smaller_isas() {
  has() { grep -q -w "$1" /proc/cpuinfo 2>/dev/null; }
  if has avx512f && has avx512bw && has avx512vl && has avx512_vnni; then
    echo "avx2 scalar"
  elif has avx2 && has fma; then
    echo "scalar"
  fi
}

echo "test.sh: CPU flags: $(grep -o -w 'avx512[a-z_]*\|avx2' /proc/cpuinfo | sort -u | tr '\n' ' ')"
stage "install packages" tools/install-deps.sh
stage "release build" release_build
if [ "${results[-1]:0:4}" = pass ]; then
  stage "release tests" release_tests
  for isa in $(smaller_isas); do
    stage "release tests, MYNA_CPU_ISA=$isa" capped_tests "$isa"
  done
else
  skip "release tests" "no release build"
fi
if [ "${MYNA_SKIP_SANITIZERS:-0}" != 1 ]; then
  stage "sanitizer build" asan_build
  if [ "${results[-1]:0:4}" = pass ]; then
    stage "sanitizer tests" asan_tests
  else
    skip "sanitizer tests" "no sanitizer build"
  fi
fi
[ "${MYNA_SKIP_FUZZ:-0}" != 1 ] && stage "fuzzing" fuzz

echo "=== test.sh summary"
printf '  %s\n' "${results[@]}"
exit "$failed"
