#!/usr/bin/env bash
# The preset gallery (a benchmark, not a test): trains every CPU-sized preset at its defaults, evaluates
# it on its test split, captures its most telling view, and writes docs/gallery.md with one row per
# preset plus docs/gallery/PRESET.png.
#
#   bash bench/preset_gallery.sh                  # every CPU-sized preset, seed 1
#   bash bench/preset_gallery.sh mnist-vae ...    # only these
#   SEEDS="1 2 3" bash bench/preset_gallery.sh    # R^2 per seed in the table (pictures from the first seed)
#
# CPU-sized = every preset except the *-paper ones (GPU setups) and mog-vae-faces* (your own images).
# Environment: BUILD (default build), WORK (run folders, default /tmp/vaelab-gallery), THREADS (2),
# DOCS (default docs), TRAIN_ARGS (extra arguments for `train`, e.g. "--device cuda"). Needs xvfb-run for
# the pictures (skipped when the app was not built).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
WORK=${WORK:-/tmp/vaelab-gallery}
THREADS=${THREADS:-2}
DOCS=${DOCS:-docs}
SEEDS=${SEEDS:-1}
CLI="$BUILD/vaelab-cli"
APP="$BUILD/vaelab"
mkdir -p "$WORK" "$DOCS/gallery"

# Every CPU-sized preset is a row of the table; the arguments only choose which to train and evaluate now
# (runs already in WORK are reused, so the gallery can be built in parts).
mapfile -t cpu_presets < <("$CLI" presets | cut -f1 | grep -v -e '-paper$' -e '^mog-vae-faces')
if [ "$#" -gt 0 ]; then
  presets=("$@")
else
  presets=("${cpu_presets[@]}")
fi

# The most telling view of a preset: residuals for the noise models, manifold for toys (the densities on
# 1-D data) and 2-D latents,
# traversals for the shapes, clusters for VaDE and the clustering baseline, traversals otherwise.
view_of() {
  case "$1" in
    noise-vae-*) echo residuals ;;
    toy-*|ph-vae-toy|ph-vae-toy-1d|cvae-*) echo manifold ;;
    vade-*|vae-gmm-*) echo clusters ;;
    *) echo traversals ;;
  esac
}

for p in "${presets[@]}"; do
  for seed in $SEEDS; do
    run="$WORK/$p-s$seed"
    if [ ! -f "$run/summary.json" ]; then
      start=$(date +%s.%N)
      "$CLI" train --preset "$p" --seed "$seed" --threads "$THREADS" ${TRAIN_ARGS:-} --out "$run" >"$run.log" 2>&1 ||
        { echo "$p seed $seed: training failed (see $run.log)"; continue; }
      end=$(date +%s.%N)
      python3 -c "print(f'{$end - $start:.1f}')" >"$run.wall"
    fi
    "$CLI" eval --run "$run" --threads "$THREADS" --limit 2000 --seed 0 >"$run.eval.json" 2>/dev/null ||
      { echo "$p seed $seed: eval failed"; continue; }
    echo "$p seed $seed: $(python3 -c "import json;print(json.load(open('$run.eval.json'))['health']['sentence'])")"
  done
  first=$(set -- $SEEDS; echo "$1")
  if [ -x "$APP" ] && [ -f "$WORK/$p-s$first/checkpoint.pt" ]; then
    xvfb-run -a -s "-screen 0 1400x900x24" "$APP" --run "$WORK/$p-s$first" --view "$(view_of "$p")" \
      --size 1200x760 --screenshot "$DOCS/gallery/$p.png" >/dev/null 2>&1 ||
      echo "$p: screenshot failed"
  fi
done

# The R² column shows every seed of R2_SEEDS (default 1 2 3) whose evaluation is in WORK.
python3 - "$WORK" "$DOCS" "${R2_SEEDS:-1 2 3}" "${cpu_presets[@]}" <<'EOF'
import json, math, os, sys
work, docs, seeds, presets = sys.argv[1], sys.argv[2], sys.argv[3].split(), sys.argv[4:]
def fmt(v, spec):
    return "–" if v is None or (isinstance(v, float) and math.isnan(v)) else format(v, spec)
# Seeds trained on another machine (scripts/gpu_check.sh, gallery mode): preset, seed, R², where.
elsewhere = {}
try:
    for line in open(os.path.join(docs, "gallery", "seeds-elsewhere.tsv")):
        if line.strip() and not line.startswith("#"):
            preset, seed, r2, _ = line.rstrip("\n").split("\t")
            elsewhere[(preset, seed)] = r2
except OSError:
    pass
rows = []
for p in presets:
    first = os.path.join(work, f"{p}-s{seeds[0]}")
    try:
        e = json.load(open(first + ".eval.json"))
    except (OSError, ValueError):
        rows.append(f"| {p} | – | – | – | – | – | – | – | – | not trained |")
        continue
    h = e["health"]
    wall = open(first + ".wall").read().strip() if os.path.exists(first + ".wall") else "–"
    nats = e.get("nll_nats", e.get("nelbo"))
    bpd = e.get("bits_per_dim")
    r2s = []
    for s in seeds:
        try:
            r2s.append(fmt(json.load(open(os.path.join(work, f"{p}-s{s}.eval.json")))["health"]["recon_r2"], ".3f"))
        except (OSError, ValueError, KeyError):
            if (p, s) in elsewhere:
                r2s.append(elsewhere[(p, s)] + "‡")
    toy = ""
    if h.get("toy"):
        toy = f" (toy distance {fmt(h['toy_distance'], '.4f')}, floor {fmt(h['toy_distance_floor'], '.4f')})"
    pic = f'<img src="gallery/{p}.png" width="240">' if os.path.exists(os.path.join(docs, "gallery", p + ".png")) else "–"
    rows.append(f"| {p} | {e['variant']} | {e['dataset']} | {wall} s | {fmt(nats, '.2f')} | {fmt(bpd, '.3f')} | "
                f"{' / '.join(r2s) or '–'} | {h['active_units']} of {h['latent']} | {h['title']}{toy} | {pic} |")
seeds_txt = ", ".join(seeds)
with open(os.path.join(docs, "gallery.md"), "w") as f:
    f.write("# Preset gallery\n\n")
    f.write("Every CPU-sized preset trained at its defaults by `bash bench/preset_gallery.sh` on 2 CPU threads, "
            "then `vaelab-cli eval --limit 2000` on its test split. −log p: the test negative ELBO in nats per "
            "input (continuous likelihoods on dequantised pixels), and in bits per dimension where eval reports "
            f"it. R²: reconstruction R² of the test inputs, seed 1, then seeds 2 and 3 where they were run "
            f"(of {seeds_txt}); ‡: that seed was trained and evaluated on an NVIDIA H200 with `--device cuda` "
            "(scripts/gpu_check.sh, gallery mode; docs/gallery/seeds-elsewhere.tsv), every such run healthy. "
            "Verdict: the model-health "
            "verdict (engine/analysis/model_health.h). Wall time: the training command's, on 2 threads, sharing the "
            "machine with whatever else ran (so an upper bound). Pictures: each preset's most telling view, seed "
            f"{seeds[0]}.\n\n")
    f.write("| preset | variant | dataset | wall time | −log p (nats) | bits/dim | R² | active units | verdict | view |\n")
    f.write("|---|---|---|---|---|---|---|---|---|---|\n")
    f.write("\n".join(rows) + "\n")
print(os.path.join(docs, "gallery.md"))
EOF
