#!/usr/bin/env bash
# Every paper's claims at --size cpu (a benchmark, not a test: about 20-30 minutes per paper on 2 cores),
# then docs/reproductions.md from the five reports.
#
#   bash bench/reproduce_all.sh                 # all five papers, seeds 1,2,3
#   bash bench/reproduce_all.sh ph-vae lecture  # only these run now; the document takes every report in WORK
#
# Environment: BUILD (default build), WORK (default /tmp/vaelab-reproduce: one folder per paper; finished
# runs there are reused; a report made on another machine may be copied into WORK/PAPER with a one-line
# WORK/PAPER.where saying where), THREADS (2), SEEDS (1,2,3), DOCS (docs), ASSEMBLE_ONLY=1 (write the
# document from the reports already in WORK, run nothing).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
WORK=${WORK:-/tmp/vaelab-reproduce}
THREADS=${THREADS:-2}
SEEDS=${SEEDS:-1,2,3}
DOCS=${DOCS:-docs}
papers=(ph-vae noise-vae hebae mog-vae lecture)
run=("$@")
[ "${#run[@]}" -gt 0 ] || run=("${papers[@]}")
mkdir -p "$WORK"
for p in "${run[@]}"; do
  [ "${ASSEMBLE_ONLY:-0}" = 1 ] && break  # only rebuild the document from the reports in WORK
  echo "== $p"
  "$BUILD/vaelab-cli" reproduce "$p" --size cpu --seeds "$SEEDS" --threads "$THREADS" --out "$WORK/$p" \
    2>"$WORK/$p.log" || echo "$p: exit $? (see $WORK/$p.log)"
done
mkdir -p "$DOCS/plots"
{
  echo "# Reproductions"
  echo
  echo "Each seed paper's headline claims, checked by \`vaelab-cli reproduce PAPER --size cpu\` (seeds $SEEDS,"
  echo "on 2 CPU threads unless a section says where and how it ran; \`bash bench/reproduce_all.sh\`). A claim **holds**"
  echo "when the method beats its baseline by more than max(2 standard errors over the seeds, the measurement's"
  echo "resolution), **does not hold** when it falls short by as much, and is **inconclusive** in between"
  echo "(engine/reproduce/claim_verdict.h). The papers' numbers come from their own, larger setups; ours from the"
  echo "CPU sizes stated in each table. Runs, tables and JSON reports are written to the --out folder of each"
  echo "command; each section's plots are the engine's own PNG export, copied to [docs/plots/](plots/)."
  echo "\`--size paper\` (the papers' data and lengths, and β-VAE against FactorVAE on the shapes) is built"
  echo "and tested but meant for a GPU; it has not run yet."
  echo
  for p in "${papers[@]}"; do
    if [ -f "$WORK/$p/report.md" ]; then
      # The report's figures sit beside it; here they live in plots/.
      for f in "$WORK/$p/$p"-*.png; do if [ -f "$f" ]; then cp "$f" "$DOCS/plots/"; fi; done
      sed "s|](\($p-[^)]*\.png\))|](plots/\1)|g" "$WORK/$p/report.md"
      # A run made elsewhere (scripts/gpu_check.sh, reproduce mode) says where in WORK/PAPER.where.
      [ -f "$WORK/$p.where" ] && { echo; echo "Ran on: $(cat "$WORK/$p.where")"; }
    else
      echo "## $p"; echo; echo "Not run."
    fi
    echo
  done
} >"$DOCS/reproductions.md"
echo "wrote $DOCS/reproductions.md"
