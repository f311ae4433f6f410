#!/usr/bin/env bash
# Thread scaling of `detente run` against the machine's own ceiling (docs/performance.md).
# Each round times, one after another:
#   A: one process on 1 thread doing R runs;
#   B: two independent 1-thread processes at once, R runs each (no shared memory, no rayon:
#      what the two cores give when both are busy);
#   C: one process on 2 threads doing 2R runs.
# It prints each round and, over the rounds, the speedup of C over A (2 x A / C) and of B over
# A (the ceiling: a shared host that slows both cores when both are busy lowers it for any
# program). Use the medians and the best; single rounds on a shared host swing widely.
# Usage: N=6 R=20000 scripts/bench/scaling.sh [SCENARIO]
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${N:-6} R=${R:-20000}
bin=target/release/detente
[ -x "$bin" ] || cargo build --release --quiet
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
ms() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
for round in $(seq "$N"); do
  s=$(date +%s%N)
  RAYON_NUM_THREADS=1 "$bin" run "$@" --runs "$R" --out "$out/a" --force -q
  a=$(ms "$s")
  s=$(date +%s%N)
  RAYON_NUM_THREADS=1 "$bin" run "$@" --runs "$R" --out "$out/b1" --force -q &
  RAYON_NUM_THREADS=1 "$bin" run "$@" --runs "$R" --out "$out/b2" --force -q
  wait
  b=$(ms "$s")
  s=$(date +%s%N)
  RAYON_NUM_THREADS=2 "$bin" run "$@" --runs "$((2 * R))" --out "$out/c" --force -q
  c=$(ms "$s")
  echo "round $round: A $a ms, B $b ms, C $c ms"
done | tee "$out/rounds"
awk '{ gsub("ms,", ""); a[NR] = $4; b[NR] = $6; c[NR] = $8 }
  function median(v, n,   i, j, t, w) {
    for (i = 1; i <= n; i++) w[i] = v[i]
    for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (w[j] < w[i]) { t = w[i]; w[i] = w[j]; w[j] = t }
    return (n % 2) ? w[(n + 1) / 2] : (w[n / 2] + w[n / 2 + 1]) / 2
  }
  END {
    n = NR
    for (i = 1; i <= n; i++) { sc[i] = 2 * a[i] / c[i]; sb[i] = 2 * a[i] / b[i] }
    ma = a[1]; mc = c[1]
    for (i = 2; i <= n; i++) { if (a[i] < ma) ma = a[i]; if (c[i] < mc) mc = c[i] }
    printf "2 threads over 1 (same round): median %.2fx; best against best: %.2fx\n", median(sc, n), 2 * ma / mc
    printf "two 1-thread processes over one (the ceiling): median %.2fx\n", median(sb, n)
  }' "$out/rounds"
