#!/usr/bin/env bash
# Installs the Debian packages Myna needs to build, train, test and benchmark.
# Idempotent: installs only what is missing. Run as root (or with sudo available).
# --bench adds the reference engines and the speech recogniser used by tools/bench.
set -euo pipefail

PACKAGES=(
  build-essential cmake pkg-config clang libclang-rt-14-dev
  libespeak-ng-dev espeak-ng-data espeak-ng
  libsndfile1-dev libfftw3-dev libsamplerate0-dev
  python3 python3-numpy python3-torch python3-pil
  # torch and numpy link the BLAS Debian selects; without OpenBLAS that is the reference
  # BLAS, and an acoustic training step took ~6 s instead of ~0.9 s. The OpenMP build obeys
  # torch.set_num_threads, so two one-thread trainings side by side do not oversubscribe.
  libopenblas0-openmp
  sox festival festvox-us-slt-hts  # the voice recipe's teacher (training/train_voice.py)
  libvulkan-dev glslc mesa-vulkan-drivers vulkan-validationlayers vulkan-tools
  libportaudio2 portaudio19-dev libasound2-dev libasound2-plugins alsa-utils
  libmicrohttpd-dev libjansson-dev
  ffmpeg  # ffprobe and ffmpeg check every format of the kiosk's /v1/audio/speech (tests/kiosk)
  libsdl2-dev libsdl2-ttf-dev libsdl2-image-dev fonts-dejavu-core xvfb xauth xdotool imagemagick
)
# Benchmarks (tools/bench) compare with other engines and measure intelligibility.
if [ "${1:-}" = "--bench" ]; then
  PACKAGES+=(flite pocketsphinx pocketsphinx-en-us time hyperfine)
fi

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all packages present"
  exit 0
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
