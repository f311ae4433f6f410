#!/usr/bin/env bash
# The Slurm scripts on a real (one-node, loopback) Slurm cluster: start it with
# ../shared/tools/slurm-local-cluster.sh, submit a 4-task array and the dependent merge with
# submit.sh, wait for both, and compare the merged trajectories.csv, summary.csv and runs.csv
# with a single run, byte for byte. A cluster this script started is stopped on every exit,
# failure included; one that was already running is left alone. Run by .ci/run.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
# The cluster script: $SLURM_LOCAL_CLUSTER, else shared/tools/ beside the project (or beside
# one of its parents), else the machine's /work/shared/tools/.
cluster=${SLURM_LOCAL_CLUSTER:-}
if [ -z "$cluster" ]; then
  d=$root
  while [ "$d" != / ] && [ -z "$cluster" ]; do
    d=$(dirname "$d")
    [ -f "$d/shared/tools/slurm-local-cluster.sh" ] && cluster=$d/shared/tools/slurm-local-cluster.sh
  done
  [ -z "$cluster" ] && [ -f /work/shared/tools/slurm-local-cluster.sh ] && cluster=/work/shared/tools/slurm-local-cluster.sh
fi
[ -n "$cluster" ] && [ -f "$cluster" ] || { echo "slurm test: slurm-local-cluster.sh not found (set SLURM_LOCAL_CLUSTER)" >&2; exit 1; }
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
