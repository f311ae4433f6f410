#!/bin/bash
# Submit a sharded calibration: scripts/slurm/calibrate.sh GENERATIONS SHARDS OUTDIR -- ARGS...
# ARGS are those of `detente calibrate` (scenario, --fit, --target, --particles, --seed ...)
# without --generations, --out, --shard or --resume, with absolute paths. Each population is
# an array of SHARDS tasks (`--shard K/SHARDS`) that starts when the previous one succeeded;
# a last job (`--resume`) writes OUTDIR, byte for byte the files of one run. Prints the job
# ids, the last one's last. OUTDIR should be on a filesystem every node sees. A failed array
# can be resubmitted whole: shards whose part is written do not compute it again.
# Set DETENTE to the binary's path if `detente` is not on the PATH of the compute nodes.
set -euo pipefail
if [ $# -lt 4 ] || [ "$4" != "--" ]; then
  echo "usage: $0 GENERATIONS SHARDS OUTDIR -- CALIBRATE-ARGS..." >&2
  exit 2
fi
generations=$1 shards=$2 out=$3
shift 4
command="exec ${DETENTE:-detente} calibrate$(printf ' %q' "$@") --generations $generations --out $(printf '%q' "$out") --quiet"
prev='' ids=''
for ((g = 0; g < generations; g++)); do
  id=$(sbatch --parsable --array=0-$((shards - 1)) ${prev:+--dependency=afterok:$prev --kill-on-invalid-dep=yes} \
    --job-name="detente-calibrate-$g" --output="detente-calibrate-%A_%a.out" \
    --wrap "$command --shard \$SLURM_ARRAY_TASK_ID/$shards")
  prev=${id%%;*}
  ids="$ids $prev"
done
id=$(sbatch --parsable --dependency=afterok:"$prev" --kill-on-invalid-dep=yes \
  --job-name=detente-calibrate-results --output="detente-calibrate-%j.out" \
  --wrap "$command --resume")
echo "${ids# } ${id%%;*}"
