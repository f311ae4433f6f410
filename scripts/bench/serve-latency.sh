#!/usr/bin/env bash
# The live page's lever-to-answer time: `detente serve` on a free port, then N reruns of the
# flagship, each at a new lever value as a moved slider sends it (docs/performance.md, "the
# live page"). Prints the median, smallest and largest time, in ms.
# Usage: N=20 scripts/bench/serve-latency.sh [BINARY]   (default target/release/detente)
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=${1:-target/release/detente}
n=${N:-20}
source scripts/serve-start.sh
start_serve "$bin"
curl -fsS -o /dev/null "$url/api/run"   # warm up
for i in $(seq 1 "$n"); do
  v=$(awk -v i="$i" -v n="$n" 'BEGIN { printf "%.3f", 0.1 + 0.8 * i / n }')
  curl -fsS -o /dev/null -w '%{time_total}\n' "$url/api/run?actors.DPRK.prior_sincere=$v&client=bench&seq=$i"
done | awk '{ printf "%.0f\n", $1 * 1000 }' | sort -n | awk '{ t[NR] = $1 } END { printf "median %d ms, min %d ms, max %d ms over %d reruns\n", t[int((NR + 1) / 2)], t[1], t[NR], NR }'
