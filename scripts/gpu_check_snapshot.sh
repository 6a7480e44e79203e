#!/bin/bash
# Rebuilds .devcheck/src: a clean snapshot of HEAD plus the working-tree changes of the files the GPU
# check needs (its compatibility fixes), not other in-progress edits.
set -e
cd "$(dirname "$0")/.."
FILES=(CMakeLists.txt engine/optim/fused_adam.h engine/optim/fused_adam.cpp tests/optim_fused_adam_test.cpp
       bench/bench_training_throughput.cpp bench/pytorch_vae_reference.py "$@")
rm -rf .devcheck/src && mkdir -p .devcheck/src
git archive HEAD | tar -x -C .devcheck/src
git diff HEAD -- "${FILES[@]}" > .devcheck/compat.patch
(cd .devcheck/src && patch -p1 -s < ../compat.patch)
echo "snapshot of $(git rev-parse --short HEAD) + $(grep -c '^diff' .devcheck/compat.patch) patched files"
