#!/usr/bin/env bash
# Mutation fuzz of the shipped scenario files (tests/mutants.rs), in release.
#
#   scripts/fuzz/mutants.sh [N]     N mutants (default 20000)
#
# 1. Runs the seeded fuzz over N mutants: each must be refused by validation with a clean
#    `file:LINE:COLUMN: message` error, or run (and sometimes sweep) without a panic and without
#    non-finite numbers. DETENTE_MUTANT_SEED chooses another seed; failing mutants are written
#    to target/mutants-failures/.
# 2. End to end through the real binary: the first DETENTE_MUTANT_FILES (default 300) mutants
#    of that run, each checked with `detente validate` (exit 0 or 2 expected) and, when valid,
#    run with `detente run FILE --runs 3` (exit 0 expected). Any other exit code (a panic in
#    release is an abort, 134) is reported, and the file kept as
#    target/mutants-failures/e2e-<index>.toml. A command taking longer than
#    DETENTE_MUTANT_TIMEOUT seconds (default 120) is reported as slow, not as a failure.
#
# Exits non-zero if either part found a failure.
set -euo pipefail

cd "$(dirname "$0")/../.."
n=${1:-20000}
files=${DETENTE_MUTANT_FILES:-300}
limit=${DETENTE_MUTANT_TIMEOUT:-120}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/detente-mutants.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

echo "== fuzz: $n mutants (release)"
start=$SECONDS
fuzz=0
DETENTE_MUTANTS=$n DETENTE_MUTANT_DIR="$tmp/mutants" DETENTE_MUTANT_FILES=$files \
    cargo test --release --locked --test mutants -- --nocapture || fuzz=$?
echo "fuzz: $((SECONDS - start)) s, exit $fuzz"

echo "== end to end: detente validate / run on $files mutant files"
cargo build --release --locked --bin detente
bin=target/release/detente
shopt -s nullglob
mutants=("$tmp"/mutants/*.toml)
if [ ${#mutants[@]} -eq 0 ]; then
    echo "no mutant files were written to $tmp/mutants" >&2
    exit 1
fi
keep=target/mutants-failures
mkdir -p "$keep"
# The first lines of a failure's stderr, on one line.
message() { grep -v '^stack backtrace\|^note:\|^ ' "$tmp/err" | head -n 3 | tr '\n' ' ' | cut -c1-400 || true; }
valid=0 refused=0 ran=0 bad=0 slow=0
start=$SECONDS
for f in "${mutants[@]}"; do
    name=$(basename "$f" .toml)
    # (The outer 2>/dev/null hides bash's own "Aborted" notice; the command's stderr is kept.)
    if { timeout "$limit" "$bin" validate "$f" >/dev/null 2>"$tmp/err"; } 2>/dev/null; then
        rc=0
    else
        rc=$?
    fi
    case $rc in
    0) valid=$((valid + 1)) ;;
    2)
        refused=$((refused + 1))
        continue
        ;;
    124)
        slow=$((slow + 1))
        echo "SLOW: validate mutant $name took over ${limit}s"
        continue
        ;;
    *)
        bad=$((bad + 1))
        echo "FAIL: validate mutant $name: exit $rc: $(message)"
        cp "$f" "$keep/e2e-$name.toml"
        continue
        ;;
    esac
    if { timeout "$limit" "$bin" run "$f" --runs 3 --out "$tmp/out-$name" -q >/dev/null 2>"$tmp/err"; } 2>/dev/null; then
        rc=0
    else
        rc=$?
    fi
    case $rc in
    0) ran=$((ran + 1)) ;;
    124)
        slow=$((slow + 1))
        echo "SLOW: run mutant $name took over ${limit}s"
        ;;
    *)
        bad=$((bad + 1))
        echo "FAIL: run mutant $name: exit $rc: $(message)"
        cp "$f" "$keep/e2e-$name.toml"
        ;;
    esac
    rm -rf "$tmp/out-$name"
done
echo "end to end: ${#mutants[@]} files, $refused refused (exit 2), $valid valid, $ran ran (exit 0), $slow slow, $bad failures; $((SECONDS - start)) s"
if [ "$bad" -gt 0 ]; then
    echo "failing mutant files copied to $keep/e2e-<index>.toml"
fi

if [ "$fuzz" -ne 0 ] || [ "$bad" -ne 0 ]; then
    exit 1
fi
