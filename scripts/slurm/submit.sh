#!/bin/bash
# Submit a sharded batch and its merge: scripts/slurm/submit.sh SCENARIO RUNS SEED SHARDS OUTDIR
# Prints the array job id and the merge job id. OUTDIR should be on a filesystem every node sees.
set -euo pipefail; [ $# -eq 5 ] || { echo "usage: $0 SCENARIO RUNS SEED SHARDS OUTDIR" >&2; exit 2; }; here=$(cd "$(dirname "$0")" && pwd); a=$(sbatch --parsable --array=0-$(($4 - 1)) "$here/detente-array.sbatch" "$1" "$2" "$3" "$5"); a=${a%%;*}; m=$(sbatch --parsable --dependency=afterok:"$a" --kill-on-invalid-dep=yes "$here/detente-merge.sbatch" "$5"); echo "${a} ${m%%;*}"
