#!/usr/bin/env bash
# Sets up and builds vaelab (scripts/setup.sh), then starts it: the desktop app when a display exists,
# otherwise the command-line tool trains the default preset (fashion-vae) into runs/fashion-vae.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/setup.sh

# Torch's intra-op pool and OpenBLAS both read this; use every core unless told otherwise.
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-$(nproc)}
BUILD=${VAELAB_BUILD:-build}

if [ -n "${DISPLAY:-}" ] || [ -n "${WAYLAND_DISPLAY:-}" ]; then
  if [ -x "$BUILD/vaelab" ]; then
    exec "$BUILD/vaelab" "$@"
  fi
  echo "run: $BUILD/vaelab was not built; using the command-line tool instead"
else
  echo "run: no display (DISPLAY and WAYLAND_DISPLAY are unset); using the command-line tool instead"
fi

echo "run: training the default preset: $BUILD/vaelab-cli train --preset fashion-vae --out runs/fashion-vae"
"$BUILD/vaelab-cli" train --preset fashion-vae --out runs/fashion-vae
"$BUILD/vaelab-cli" eval --run runs/fashion-vae
