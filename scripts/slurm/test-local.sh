#!/usr/bin/env bash
# The Slurm scripts on a real (one-node, loopback) Slurm cluster: start it with
# scripts/slurm/local-cluster.sh (or the script named by $SLURM_LOCAL_CLUSTER), submit a 4-task
# array and the dependent merge with submit.sh, wait for both, and compare the merged
# trajectories.csv, summary.csv and runs.csv with a single run, byte for byte; then a
# calibration of three populations in three shards each (calibrate.sh), against one run. A
# cluster this
# script started is stopped on every exit, failure included; one that was already running is
# left alone. Run by .ci/run.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cluster=${SLURM_LOCAL_CLUSTER:-$root/scripts/slurm/local-cluster.sh}
[ -f "$cluster" ] || { echo "slurm test: $cluster not found" >&2; exit 1; }
cd "$root"
cargo build --release --locked --quiet
bin=$root/target/release/detente
work=$(mktemp -d "${TMPDIR:-/tmp}/detente-slurm.XXXXXX")
chmod 755 "$work"
started=0
cleanup() {
  if [ "$started" = 1 ]; then bash "$cluster" stop >/dev/null 2>&1 || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
if ! bash "$cluster" status >/dev/null 2>&1; then
  started=1
fi
eval "$(bash "$cluster" start)"
runs=4000 seed=11
ids=$(cd "$work" && DETENTE=$bin "$root/scripts/slurm/submit.sh" "$root/scenarios/korea-2019.toml" $runs $seed 4 "$work/out")
echo "slurm test: submitted array and merge jobs: $ids"
# shellcheck disable=SC2086
if ! bash "$cluster" wait $ids; then
  echo "slurm test: jobs failed; their logs:" >&2
  tail -n 20 "$work"/*.out >&2 || true
  exit 1
fi
"$bin" run "$root/scenarios/korea-2019.toml" --runs $runs --seed $seed --out "$work/one" --quiet
for f in trajectories.csv summary.csv runs.csv; do
  cmp "$work/one/$f" "$work/out/merged/$f"
done
for k in 0 1 2 3; do
  grep -q "\"index\": $k" "$work/out/shard-$k/manifest.json"
done
echo "slurm test: 4 array tasks merged byte-identical to one run"
cal=("$root/scenarios/history-1991-2023.toml" --fit params.keep_base=uniform:0.5:4
  --fit actors.DPRK.prior_sincere=beta:2:2 --target "$root/data/record-1991-2023.toml"
  --particles 30 --runs 2 --seed 7)
ids=$(cd "$work" && DETENTE=$bin "$root/scripts/slurm/calibrate.sh" 3 3 "$work/cal" -- "${cal[@]}")
echo "slurm test: submitted a sharded calibration: $ids"
# shellcheck disable=SC2086
if ! bash "$cluster" wait $ids; then
  echo "slurm test: calibration jobs failed; their logs:" >&2
  tail -n 20 "$work"/detente-calibrate-*.out >&2 || true
  exit 1
fi
"$bin" calibrate "${cal[@]}" --generations 3 --out "$work/cal-one" --quiet
for f in posterior.csv generations.csv predictive.csv checkpoint.json posterior.svg; do
  cmp "$work/cal-one/$f" "$work/cal/$f"
done
echo "slurm test: a calibration in 3 x 3 shards is byte-identical to one run"
