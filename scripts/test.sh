#!/usr/bin/env bash
# Sets up and builds vaelab (scripts/setup.sh), then runs the whole test suite with CTest.
# Tests labelled gui open a window: without a display, CTest itself runs under a virtual X server.
# Extra arguments go to ctest, e.g. `bash scripts/test.sh -L fast`.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/setup.sh

export OMP_NUM_THREADS=${OMP_NUM_THREADS:-$(nproc)}
BUILD=${VAELAB_BUILD:-build}
JOBS=${VAELAB_JOBS:-2}

ctest_cmd=(ctest --test-dir "$BUILD" --output-on-failure -j"$JOBS" "$@")
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  # -a picks a free display number; the GLX extension is on by default in Xvfb.
  exec xvfb-run -a -s "-screen 0 1280x1024x24" "${ctest_cmd[@]}"
fi
exec "${ctest_cmd[@]}"
