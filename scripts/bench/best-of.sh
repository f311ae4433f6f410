#!/usr/bin/env bash
# Best-of-N whole-command timing of `detente run` (docs/performance.md): N repetitions of R runs
# on T threads, printing each wall time and the best as run-months per second. The shared host
# varies by tens of percent within minutes, so the best of several is the figure to compare.
# Usage: N=7 R=20000 T=1 scripts/bench/best-of.sh [SCENARIO]   (default: the embedded scenario,
# 4 arms x 120 months; set ARMS and MONTHS for another scenario).
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${N:-5} R=${R:-20000} T=${T:-1} ARMS=${ARMS:-4} MONTHS=${MONTHS:-120}
bin=target/release/detente
[ -x "$bin" ] || cargo build --release --quiet
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
best=""
for _ in $(seq "$N"); do
  start=$(date +%s%N)
  RAYON_NUM_THREADS=$T "$bin" run "$@" --runs "$R" --out "$out/r" --force -q
  ms=$(( ($(date +%s%N) - start) / 1000000 ))
  echo "$ms ms"
  if [ -z "$best" ] || [ "$ms" -lt "$best" ]; then best=$ms; fi
done
awk -v b="$best" -v r="$R" -v a="$ARMS" -v m="$MONTHS" -v t="$T" 'BEGIN {
  printf "best of the runs: %d ms on %d thread(s): %.2f M run-months/s\n", b, t, r * a * m / b / 1000 }'
