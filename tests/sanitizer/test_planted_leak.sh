#!/usr/bin/env bash
# Sanitizer build only. The LeakSanitizer suppressions (tests/sanitizer/lsan.supp, built into
# every executable) must silence the drivers' and system libraries' own allocations and
# nothing of Myna's: a run of `myna` reports no leak, and the same run with a leak planted in
# Myna's code (synth/runtime/planted_leak.h) reports exactly that leak, with its frames.
# Usage: test_planted_leak.sh MYNA_BINARY HAVE_VULKAN(0|1)
set -u
MYNA=$1 HAVE_VULKAN=$2
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*" >&2; }

# speak SITE BACKEND [PROBE]: runs myna with the leak planted at SITE ("" for none); sets rc.
# PROBE=always makes --backend auto run the Vulkan probe, which loads every installed driver,
# even where no GPU device node exists (rt_gpu_may_exist in synth/runtime/rt.h); without it a
# GPU-less machine never reaches the probe.
speak() {
  MYNA_GPU_PROBE=${3:-} MYNA_TEST_PLANT_LEAK=$1 timeout 300 "$MYNA" "Leak check." --backend "$2" \
    -o "$T/out.wav" >/dev/null 2>"$T/err"
  rc=$?
}

# expect_planted SITE BACKEND FUNCTION FILE [PROBE]: the one planted block, reported with its
# frames.
expect_planted() {
  speak "$1" "$2" "${5:-}"
  if [ "$rc" -ne 0 ] && grep -q "ERROR: LeakSanitizer: detected memory leaks" "$T/err" &&
     grep -q "SUMMARY: AddressSanitizer: 97 byte(s) leaked in 1 allocation(s)" "$T/err" &&
     grep -q "in $3 .*$4" "$T/err"; then
    ok
  else
    bad "leak planted at '$1' (--backend $2): exit $rc, want the one 97-byte leak in $3 ($4)"
    sed -n '1,40p' "$T/err" >&2
  fi
}

# Without a planted leak: clean, also when --backend auto's probe loads the Vulkan drivers.
for run in "auto" "auto always" "cpu"; do
  # shellcheck disable=SC2086
  speak "" $run
  if [ "$rc" -eq 0 ] && ! grep -q "LeakSanitizer" "$T/err"; then ok; else
    bad "--backend $run without a planted leak: exit $rc"; sed -n '1,40p' "$T/err" >&2
  fi
done
# Planted in the API layer, and in the Vulkan probe right after the drivers were loaded and
# unloaded (the probe runs only when the Vulkan backend was built; forced, so that it also
# runs on a machine without a GPU).
expect_planted synth_create cpu myna_synth_create synth/api/synth.c
if [ "$HAVE_VULKAN" = 1 ]; then
  expect_planted vulkan_probe auto rt_vulkan_probe synth/runtime/vulkan/vk_device.c always
fi
# An unknown site plants nothing.
speak "no_such_site" cpu
[ "$rc" -eq 0 ] && ! grep -q "LeakSanitizer" "$T/err" && ok || bad "unknown site: exit $rc"

echo "test_planted_leak: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
