#!/usr/bin/env bash
# The GNU parallel recipe of the README, run locally: 6 shards on 2 job slots, then the merge,
# compared byte for byte with a single run. Over ssh the same line takes -S host1,host2 and a
# folder every host sees (or --return). Run by .ci/run; needs `parallel` (Debian: parallel).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
command -v parallel >/dev/null || { echo "parallel test: GNU parallel is not installed (apt-get install parallel)" >&2; exit 1; }
cd "$root"
cargo build --release --locked --quiet
bin=$root/target/release/detente
work=$(mktemp -d "${TMPDIR:-/tmp}/detente-parallel.XXXXXX")
trap 'rm -rf "$work"' EXIT
runs=3000 seed=21
# The recipe (README, "Scaling out"):
parallel --will-cite --halt now,fail=1 -j 2 \
  "$bin" run scenarios/korea-2019.toml --runs $runs --seed $seed --shard {}/6 \
  --threads 1 --out "$work/shards/{}" --quiet ::: 0 1 2 3 4 5
"$bin" merge "$work"/shards/* --out "$work/merged" --quiet
"$bin" run scenarios/korea-2019.toml --runs $runs --seed $seed --out "$work/one" --quiet
for f in trajectories.csv summary.csv runs.csv; do
  cmp "$work/one/$f" "$work/merged/$f"
done
echo "parallel test: 6 shards on 2 slots merged byte-identical to one run"
