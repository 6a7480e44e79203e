#!/usr/bin/env bash
# kill -9 at random moments during training never leaves an unloadable checkpoint.
#
#   bash bench/kill_during_training.sh [TRIALS] [CLI]      (defaults: 30, build/vaelab-cli)
#
# Each trial starts vaelab-cli on a small toy preset (epochs of ~10-30 ms, and the CLI saves the run
# folder after every epoch, so kills land during saves too), SIGKILLs it after a random delay, and then
# checks that the folder's checkpoint, when one exists, evaluates (`vaelab-cli eval`). Odd trials train
# a fresh folder (`train --out`), even ones resume one that already has a checkpoint (`resume --run`),
# so that kills also land while an existing checkpoint is being replaced. Afterwards a `resume` of each
# killed folder must start (the dead writer's lock does not block) and clears its temporary files.
# Prints the counts; exits 1 when any checkpoint was unloadable.
set -u
TRIALS=${1:-30}
CLI=$(realpath "${2:-build/vaelab-cli}")
[ -x "$CLI" ] || { echo "no vaelab-cli at $CLI (build it first)" >&2; exit 2; }

WORK=$(mktemp -d /tmp/vaelab-kill.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
cat >toy.json <<'EOF'
{"name": "kill-bench", "variant": "vae", "dataset": {"name": "toy-gmm5", "n": 2000},
 "latent": 2, "architecture": {"type": "mlp", "hidden": [64, 64]},
 "likelihood": {"type": "gaussian", "sigma2": 0.1}, "optimizer": {"type": "adam", "lr": 0.003},
 "batch_size": 64, "epochs": 100000, "seed": 1, "device": "cpu"}
EOF
"$CLI" train --preset toy.json --epochs 1 --threads 1 --out seed-run >/dev/null 2>&1 || {
  echo "could not train the seed run" >&2; exit 2; }

killed=0 exited=0 with_checkpoint=0 loadable=0 unloadable=0 temporaries=0 blocked=0
for ((i = 1; i <= TRIALS; i++)); do
  run="run-$i"
  if ((i % 2 == 0)); then
    cp -r seed-run "$run"
    "$CLI" resume --run "$run" --epochs 100000 --threads 1 >/dev/null 2>&1 &
  else
    "$CLI" train --preset toy.json --threads 1 --out "$run" >/dev/null 2>&1 &
  fi
  pid=$!
  # 0.3 s .. 4.0 s: from start-up (nothing written yet) through many epoch saves.
  sleep "$(awk -v r=$RANDOM 'BEGIN { printf "%.3f", 0.3 + 3.7 * r / 32767 }')"
  if kill -9 "$pid" 2>/dev/null; then killed=$((killed + 1)); else exited=$((exited + 1)); fi
  wait "$pid" 2>/dev/null
  temporaries=$((temporaries + $(find "$run" -name '*.tmp*' 2>/dev/null | wc -l)))
  if [ -f "$run/checkpoint.pt" ]; then
    with_checkpoint=$((with_checkpoint + 1))
    if "$CLI" eval --run "$run" --limit 100 --threads 1 >/dev/null 2>"$run.err"; then
      loadable=$((loadable + 1))
    else
      unloadable=$((unloadable + 1))
      echo "trial $i: unloadable checkpoint: $(cat "$run.err")" >&2
    fi
    if ! "$CLI" resume --run "$run" --epochs 1 --threads 1 >/dev/null 2>"$run.err"; then
      blocked=$((blocked + 1))
      echo "trial $i: resume after the kill failed: $(cat "$run.err")" >&2
    elif [ -n "$(find "$run" -name '*.tmp*')" ]; then
      echo "trial $i: temporary files left after a resume" >&2
      blocked=$((blocked + 1))
    fi
  fi
  rm -rf "$run" "$run.err"
done

echo "trials $TRIALS, killed mid-run $killed, exited before the kill $exited"
echo "checkpoint present $with_checkpoint, loadable $loadable, unloadable $unloadable"
echo "temporary files left by the kills $temporaries (removed by the next writer), resume failures $blocked"
((unloadable == 0 && blocked == 0))
